#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "shell/script_quoting.h"
#include "template_pieces.h"

using namespace rb::shell;
using rb::shell::testing::template_pieces;

namespace {

using Q = QuoteContext;

std::vector<Q> contexts(const std::string& tmpl) {
  return interpolation_contexts(template_pieces(tmpl, "value"));
}

RenderedScript render(const std::string& tmpl, const std::string& value) {
  return render_script(template_pieces(tmpl, value));
}

std::string rendered(const std::string& tmpl, const std::string& value) {
  RenderedScript r = render(tmpl, value);
  INFO(r.error);
  REQUIRE(r.ok);
  return r.script;
}

}  // namespace

// ---- contexts ----

TEST_CASE("contexts: bare, single, double and $'...' quoting") {
  CHECK(contexts("echo ${{x}}") == std::vector{Q::kBare});
  CHECK(contexts("echo '${{x}}'") == std::vector{Q::kSingleQuoted});
  CHECK(contexts("echo \"${{x}}\"") == std::vector{Q::kDoubleQuoted});
  CHECK(contexts("echo $'${{x}}'") == std::vector{Q::kAnsiCQuoted});
  CHECK(contexts("echo pre-${{x}}-post \"a ${{y}} b\" 'c ${{z}}'") ==
        std::vector{Q::kBare, Q::kDoubleQuoted, Q::kSingleQuoted});
  // Quotes close where bash closes them.
  CHECK(contexts("echo 'a' ${{x}} \"b\" ${{y}} $'c\\'' ${{z}}") ==
        std::vector{Q::kBare, Q::kBare, Q::kBare});
  // In double quotes a single quote is just a character, and vice versa.
  CHECK(contexts("echo \"it's ${{x}}\" 'say \"${{y}}'") ==
        std::vector{Q::kDoubleQuoted, Q::kSingleQuoted});
  // $'...' is not special inside double quotes.
  CHECK(contexts("echo \"$'${{x}}\"") == std::vector{Q::kDoubleQuoted});
}

TEST_CASE("contexts: backslash escapes") {
  CHECK(contexts("echo \\' ${{x}}") == std::vector{Q::kBare});
  CHECK(contexts("echo \\\" ${{x}}") == std::vector{Q::kBare});
  CHECK(contexts("echo \"a\\\"b ${{x}}\"") == std::vector{Q::kDoubleQuoted});
  CHECK(contexts("echo 'a\\' ${{x}}") == std::vector{Q::kBare});  // no escapes in '...'
  CHECK(contexts("echo $'a\\' ${{x}}'") == std::vector{Q::kAnsiCQuoted});
  CHECK(contexts("echo \\\\' ${{x}}'") == std::vector{Q::kSingleQuoted});
}

TEST_CASE("contexts: command substitution nests and resets to bare") {
  CHECK(contexts("echo \"$(echo '${{x}}')\"") == std::vector{Q::kSingleQuoted});
  CHECK(contexts("echo \"$(echo ${{x}})\"") == std::vector{Q::kBare});
  CHECK(contexts("echo \"$(echo \"${{x}}\")\"") == std::vector{Q::kDoubleQuoted});
  CHECK(contexts("echo \"$(echo \"$(echo ${{x}})\" ${{y}})\" ${{z}}") ==
        std::vector{Q::kBare, Q::kBare, Q::kBare});
  CHECK(contexts("echo \"$(echo (a) ${{x}}) ${{y}}\"") == std::vector{Q::kBare, Q::kDoubleQuoted});
  // A case pattern's ')' does not close the substitution.
  CHECK(contexts("echo \"$(case a in a) echo ${{x}};; esac) ${{y}}\"") ==
        std::vector{Q::kBare, Q::kDoubleQuoted});
  CHECK(contexts("echo \"$(case a in (a) echo ${{x}};; esac) ${{y}}\"") ==
        std::vector{Q::kBare, Q::kDoubleQuoted});
  // 'case' as an argument is not the keyword.
  CHECK(contexts("echo \"$(echo case) ${{x}}\"") == std::vector{Q::kDoubleQuoted});
}

TEST_CASE("contexts: parameter expansion is bare, or double inside double quotes") {
  CHECK(contexts("echo ${u:-${{x}}}") == std::vector{Q::kBare});
  CHECK(contexts("echo \"${u:-${{x}}}\"") == std::vector{Q::kDoubleQuoted});
  CHECK(contexts("echo \"${u:-pre-${{x}}} ${{y}}\" ${{z}}") ==
        std::vector{Q::kDoubleQuoted, Q::kDoubleQuoted, Q::kBare});
  CHECK(contexts("echo ${u:-'${{x}}'} ${v#${{y}}}") == std::vector{Q::kSingleQuoted, Q::kBare});
  CHECK(contexts("echo \"${u:-\"${{x}}\"}\"") == std::vector{Q::kDoubleQuoted});
  // bash counts no plain braces: the first } ends the expansion.
  CHECK(contexts("echo ${u:-{a}${{x}}} ${{y}}") == std::vector{Q::kBare, Q::kBare});
  CHECK(contexts("echo \"${u:-{a}${{x}}}\"") == std::vector{Q::kDoubleQuoted});
  CHECK(rendered("echo \"${u:-{a}${{x}}}\"", "it's") == "echo \"${u:-{a}it's}\"");
  CHECK(contexts("echo ${#u} ${{x}} $# ${{y}}") == std::vector{Q::kBare, Q::kBare});
}

TEST_CASE("contexts: a # starts a comment only at the start of a word") {
  CHECK(contexts("# ${{x}}\necho ${{y}}") == std::vector{Q::kComment, Q::kBare});
  CHECK(contexts("echo a # ${{x}}") == std::vector{Q::kComment});
  CHECK(contexts("echo a;# ${{x}}") == std::vector{Q::kComment});
  CHECK(contexts("echo a#b ${{x}}") == std::vector{Q::kBare});
  CHECK(contexts("echo $# ${{x}} ${#y} ${{y}}") == std::vector{Q::kBare, Q::kBare});
  CHECK(contexts("echo '#' ${{x}} \"# ${{y}}\"") == std::vector{Q::kBare, Q::kDoubleQuoted});
  CHECK(contexts("echo ${{x}}# ${{y}}") == std::vector{Q::kBare, Q::kBare});
  CHECK(contexts("echo \"$(echo # ${{x}}\n)\" ${{y}}") == std::vector{Q::kComment, Q::kBare});
  CHECK(contexts("echo a \\\n# ${{x}}") == std::vector{Q::kComment});
  // Quotes in a comment are not quotes.
  CHECK(contexts("# it's\necho ${{x}}") == std::vector{Q::kBare});
}

TEST_CASE("contexts: here-documents of each kind") {
  CHECK(contexts("cat <<EOF\n${{x}}\nEOF\necho ${{y}}") == std::vector{Q::kHeredoc, Q::kBare});
  CHECK(contexts("cat <<-EOF\n\t${{x}}\n\tEOF\necho ${{y}}") == std::vector{Q::kHeredoc, Q::kBare});
  CHECK(contexts("cat <<'EOF'\n${{x}}\nEOF\necho ${{y}}") ==
        std::vector{Q::kQuotedHeredoc, Q::kBare});
  CHECK(contexts("cat <<\"EOF\"\n${{x}}\nEOF\n") == std::vector{Q::kQuotedHeredoc});
  CHECK(contexts("cat <<\\EOF\n${{x}}\nEOF\n") == std::vector{Q::kQuotedHeredoc});
  CHECK(contexts("cat <<E'O'F\n${{x}}\nEOF\n") == std::vector{Q::kQuotedHeredoc});
  CHECK(contexts("cat << EOF\n${{x}}\nEOF\n") == std::vector{Q::kHeredoc});
  // The body starts at the next newline; the rest of the command line is ordinary.
  CHECK(contexts("cat <<EOF ${{x}} '${{y}}'\n${{z}}\nEOF\n") ==
        std::vector{Q::kBare, Q::kSingleQuoted, Q::kHeredoc});
  // Quotes in a body are text, but $( ) is a substitution.
  CHECK(contexts("cat <<EOF\n'${{x}}' \"${{y}}\" $(echo '${{z}}')\nEOF\n") ==
        std::vector{Q::kHeredoc, Q::kHeredoc, Q::kSingleQuoted});
  CHECK(contexts("cat <<'EOF'\n$(echo '${{x}}')\nEOF\n") == std::vector{Q::kQuotedHeredoc});
  // A line only ends the body when it is exactly the delimiter.
  CHECK(contexts("cat <<EOF\n EOF\nEOF \nEOFX\n${{x}}\nEOF\n${{y}}") ==
        std::vector{Q::kHeredoc, Q::kBare});
  // With <<- leading tabs are stripped before the comparison, without it they are not.
  CHECK(contexts("cat <<EOF\n\tEOF\n${{x}}\nEOF\n") == std::vector{Q::kHeredoc});
  // Two here-documents on one line: bodies follow one another.
  CHECK(contexts("cat <<A <<'B'\n${{x}}\nA\n${{y}}\nB\n${{z}}") ==
        std::vector{Q::kHeredoc, Q::kQuotedHeredoc, Q::kBare});
  // A comment on the command line does not delay the body.
  CHECK(contexts("cat <<EOF # note\n${{x}}\nEOF\n") == std::vector{Q::kHeredoc});
  // Here-strings and shifts are not here-documents.
  CHECK(contexts("cat <<<${{x}}\necho ${{y}}") == std::vector{Q::kBare, Q::kBare});
  CHECK(contexts("echo $((1 << 2))\necho ${{x}}") == std::vector{Q::kBare});
  // In a here-document inside $( ) the substitution's words resume after the body.
  CHECK(contexts("x=\"$(cat <<EOF\n${{x}}\nEOF\n) ${{y}}\"") ==
        std::vector{Q::kHeredoc, Q::kDoubleQuoted});
  // An escaped newline in an unquoted body joins lines, also for the terminator.
  CHECK(contexts("cat <<EOF\nE\\\nOF\n${{x}}\nEOF\n") == std::vector{Q::kBare});
}

TEST_CASE("contexts: backticks and arithmetic") {
  CHECK(contexts("echo `echo ${{x}}`") == std::vector{Q::kBacktick});
  CHECK(contexts("echo \"`echo '${{x}}'`\" ${{y}}") == std::vector{Q::kBacktick, Q::kBare});
  CHECK(contexts("echo $(( ${{x}} + 1 ))") == std::vector{Q::kArithmetic});
  CHECK(contexts("(( n = ${{x}} ))\necho ${{y}}") == std::vector{Q::kArithmetic, Q::kBare});
  CHECK(contexts("echo $[ ${{x}} ]") == std::vector{Q::kArithmetic});
  CHECK(contexts("echo \"${a[${{x}}]}\" ${s:${{y}}} ${s:-${{z}}}") ==
        std::vector{Q::kArithmetic, Q::kArithmetic, Q::kBare});
  CHECK(contexts("echo $(( \"${{x}}\" )) $(( ${u:-${{y}}} ))") ==
        std::vector{Q::kArithmetic, Q::kArithmetic});
  CHECK(contexts("echo $(( $(echo ${{x}}) ))") == std::vector{Q::kBare});
}

TEST_CASE("contexts are decided by the literal text, never by the values") {
  auto pieces =
      template_pieces("echo ${{a}} \"${{b}}\"\n# ${{c}}\ncat <<EOF\n${{d}}\nEOF\n",
                      [](const std::string& name) { return name == "a" ? "'\"\n#" : "\"'`$("; });
  CHECK(interpolation_contexts(pieces) ==
        std::vector{Q::kBare, Q::kDoubleQuoted, Q::kComment, Q::kHeredoc});
  CHECK(contexts("echo ${{raw:x}} '${{y}}'") == std::vector{Q::kBare, Q::kSingleQuoted});
}

// ---- rendering ----

TEST_CASE("values are quoted for their context") {
  CHECK(rendered("echo ${{x}}", "it's") == "echo 'it'\\''s'");
  CHECK(rendered("echo ${{x}}", "") == "echo ''");
  CHECK(rendered("echo '${{x}}'", "it's") == "echo 'it'\\''s'");
  CHECK(rendered("echo \"${{x}}\"", "a\\b$c`d\"e'f\ng") == "echo \"a\\\\b\\$c\\`d\\\"e'f\ng\"");
  CHECK(rendered("echo $'${{x}}'", std::string("a\\b'c\n\x01\x7f\xc3\xa9")) ==
        "echo $'a\\\\b\\'c\\x0a\\x01\\x7f\xc3\xa9'");
  CHECK(rendered("# ${{x}}\necho", "a\nb\r\nc") == "# a b  c\necho");
  CHECK(rendered("cat <<EOF\n${{x}}\nEOF\n", "a\\b$c`d\"e'f") ==
        "cat <<EOF\na\\\\b\\$c\\`d\"e'f\nEOF\n");
  CHECK(rendered("cat <<'EOF'\n${{x}}\nEOF\n", "a\\b$c`d") == "cat <<'EOF'\na\\b$c`d\nEOF\n");
  // Inside "${...}" a word gets nested double quotes with every character escaped (a bare '
  // there would open a quote, and brace expansion would see {a,b}); a pattern gets '...'.
  CHECK(rendered("echo \"${u:-${{x}}}\"", "it's {a,b}\n") ==
        "echo \"${u:-\"\\i\\t\\'\\s\\ \\{\\a\\,\\b\\}\n\"}\"");
  CHECK(rendered("echo \"${x#${{x}}}\" \"${x/${{x}}/${{x}}}\"", "it's") ==
        "echo \"${x#'it'\\''s'}\" \"${x/'it'\\''s'/'it'\\''s'}\"");
  CHECK(rendered("echo ${u:-${{x}}}", "it's") == "echo ${u:-'it'\\''s'}");
  CHECK(rendered("echo $(( ${{x}} + 1 ))", "-42") == "echo $(( -42 + 1 ))");
}

TEST_CASE("raw() values are copied as they are") {
  CHECK(render_script(template_pieces("echo ${{raw:x}} ${{y}}", "$(date) it's")).script ==
        "echo $(date) it's '$(date) it'\\''s'");
}

TEST_CASE("quote_context_name names every context") {
  CHECK(std::string(quote_context_name(Q::kBare)) == "bare word");
  CHECK(std::string(quote_context_name(Q::kQuotedHeredoc)) == "quoted here-document");
  CHECK(std::string(quote_context_name(Q::kArithmetic)) == "arithmetic");
}

// ---- refusals ----

TEST_CASE("refused: interpolation inside backticks") {
  RenderedScript r = render("echo ok\necho `echo ${{x}}`", "harmless");
  CHECK_FALSE(r.ok);
  CHECK(r.error == "interpolation inside backticks cannot be quoted safely; use $( ) instead");
  CHECK(r.failed_piece == 1);
  CHECK(r.script.empty());
  std::string why;
  CHECK_FALSE(quote_for(Q::kBacktick, "x", &why));
  CHECK(why == r.error);
}

TEST_CASE("refused: a value that would end its here-document early") {
  const std::string expected =
      "value would end the here-document early: it makes a line equal to its delimiter 'EOF'";
  for (const char* tmpl : {"cat <<EOF\n${{x}}\nEOF\n", "cat <<'EOF'\n${{x}}\nEOF\n",
                           "cat <<\"EOF\"\n${{x}}\nEOF\n", "x=\"$(cat <<EOF\n${{x}}\nEOF\n)\"\n"}) {
    INFO(tmpl);
    for (const char* value : {"EOF", "a\nEOF", "EOF\nb", "a\nEOF\ntouch PWNED\n"}) {
      INFO(value);
      RenderedScript r = render(tmpl, value);
      CHECK_FALSE(r.ok);
      CHECK(r.error == expected);
    }
  }
  // Quoting inside the body does not protect a line: bash cuts the body into lines first.
  for (const char* tmpl :
       {"cat <<EOF\n$(printf %s ${{x}})\nEOF\n", "cat <<EOF\n$(printf %s \"${{x}}\")\nEOF\n"}) {
    INFO(tmpl);
    CHECK(render(tmpl, "a\nEOF\ntouch PWNED\n").error == expected);
  }
  // In a ${u:-word} the value is spelled \E\O\F: no terminator, nothing to refuse.
  CHECK(render("cat <<EOF\n${u:-${{x}}}\nEOF\n", "a\nEOF\ntouch PWNED\n").ok);
  // The value and the literal text around it make the line.
  CHECK(render("cat <<EOF\nE${{x}}\nEOF\n", "OF").error == expected);
  CHECK(render("cat <<EOF\n${{x}}F\nEOF\n", "a\nEO").error == expected);
  CHECK(render("cat <<EOF\nEOF${{x}}\nEOF\n", "\nx").error == expected);
  // <<- strips leading tabs before comparing.
  CHECK(render("cat <<-END\n\t${{x}}\nEND\n", "END").error ==
        "value would end the here-document early: it makes a line equal to its delimiter 'END'");
  // Not a terminator: the same words with something around them.
  CHECK(render("cat <<EOF\n${{x}}\nEOF\n", " EOF\nEOF \nEOFEOF\n\tEOF\neof").ok);
  CHECK(render("cat <<EOF\npre ${{x}}\nEOF\n", "EOF").ok);
}

TEST_CASE("refused: a value on the terminator line, which would keep the here-document open") {
  RenderedScript r = render("cat <<EOF\nbody\n${{x}}EOF\necho next\n", "x");
  CHECK_FALSE(r.ok);
  CHECK(r.error ==
        "interpolation on the terminator line 'EOF' of a here-document would keep the "
        "here-document open");
  // An empty value leaves the terminator as it is.
  CHECK(render("cat <<EOF\nbody\n${{x}}EOF\necho next\n", "").ok);
}

TEST_CASE("refused: a backslash-newline in a value inside a here-document, which bash would join") {
  RenderedScript r = render("cat <<EOF\n$(printf %s '${{x}}')\nEOF\n", "x\nE\\\nOF\ntouch PWNED");
  CHECK_FALSE(r.ok);
  CHECK(r.error ==
        "value puts a backslash at the end of a line of the here-document <<EOF, where bash "
        "would join it with the next line");
  // Directly in the body a backslash is escaped, and in a quoted body nothing is joined.
  CHECK(render("cat <<EOF\n${{x}}\nEOF\n", "E\\\nOF").ok);
  CHECK(render("cat <<'EOF'\n${{x}}\nEOF\n", "E\\\nOF").ok);
}

TEST_CASE("refused: leading tabs in a <<- here-document, which bash would strip") {
  RenderedScript r = render("cat <<-EOF\n\t${{x}}\nEOF\n", "a\n\tb");
  CHECK_FALSE(r.ok);
  CHECK(r.error ==
        "value puts a tab at the start of a line of the here-document <<-EOF, where bash would "
        "strip it");
  CHECK(render("cat <<-EOF\n${{x}}\nEOF\n", "\tb").error == r.error);
  CHECK(render("cat <<-EOF\n${{x}}\nEOF\n", "a\tb").ok);
}

TEST_CASE("refused: a NUL byte, which no shell argument can hold") {
  const std::string expected = "value contains a NUL byte, which cannot be passed to a shell";
  for (const char* tmpl :
       {"echo ${{x}}", "echo '${{x}}'", "echo \"${{x}}\"", "# ${{x}}", "echo ${{raw:x}}"}) {
    INFO(tmpl);
    RenderedScript r = render(tmpl, std::string("a\0b", 3));
    CHECK_FALSE(r.ok);
    CHECK(r.error == expected);
    CHECK(r.failed_piece == 1);
  }
}

TEST_CASE("refused: a backslash or a $ right before an interpolation") {
  for (const char* tmpl :
       {"echo \\${{x}}", "echo \"\\${{x}}\"", "echo $'\\${{x}}'", "cat <<EOF\n\\${{x}}\nEOF\n"}) {
    INFO(tmpl);
    CHECK(render(tmpl, "x").error ==
          "interpolation right after an unescaped backslash cannot be quoted safely: the "
          "backslash would escape the value's first character");
  }
  for (const char* tmpl :
       {"echo $${{x}}", "echo \"$${{x}}\"", "cat <<EOF\n$${{x}}\nEOF\n", "echo ${u:-$${{x}}}"}) {
    INFO(tmpl);
    CHECK(render(tmpl, "x").error ==
          "interpolation right after '$' cannot be quoted safely: bash would read the '$' "
          "together with the value's quoting; write \\$ or move the $ into the value");
  }
  // Where a backslash or $ is literal, or is itself escaped, there is nothing to refuse.
  CHECK(rendered("echo '\\${{x}}' '$${{x}}' \\\\${{x}} \\$${{x}}", "v") ==
        "echo '\\v' '$v' \\\\v \\$v");
  CHECK(rendered("cat <<'EOF'\n\\$${{x}}\nEOF\n", "v") == "cat <<'EOF'\n\\$v\nEOF\n");
}

TEST_CASE("refused: anything but an integer in arithmetic") {
  CHECK(render("echo $(( ${{x}} + 1 ))", "a[$(touch PWNED)]").error ==
        "only an integer can be interpolated into arithmetic ($(( )), (( )), $[ ], an array "
        "subscript, ${x:offset}) or a ${ } name: bash evaluates the text there as code; assign "
        "the value to a variable first");
  CHECK_FALSE(render("echo \"${a[${{x}}]}\"", "i").ok);
  CHECK_FALSE(render("echo $(( \"${{x}}\" ))", "1+1").ok);
  CHECK_FALSE(
      render_script({{false, false, "echo ${"}, {true, false, "HOME"}, {false, false, "}"}}).ok);
  CHECK(render("echo \"${a[${{x}}]}\"", "+7").ok);
}

TEST_CASE("refused: '...' inside a double-quoted ${...}") {
  RenderedScript r = render("echo \"${u:-'${{x}}'}\"", "v");
  CHECK(r.error ==
        "interpolation inside '...' or $'...' within \"${...}\" is not supported: bash treats "
        "those quotes inconsistently there; interpolate outside the quotes");
  CHECK(render("echo \"${u:-$'${{x}}'}\"", "v").error == r.error);
  CHECK(render("echo ${u:-'${{x}}'}", "v").ok);
}

TEST_CASE("refused: a here-document delimiter, or a script whose quoting does not close") {
  CHECK(render("cat <<${{x}}\nbody\n", "EOF").error ==
        "interpolation in a here-document delimiter is not supported");
  CHECK(render("echo \"${{x}}", "v").error ==
        "cannot follow the shell quoting of this script (an unclosed \"...\"), so interpolated "
        "values cannot be placed safely");
  CHECK(render("echo ${{x}} )", "v").error ==
        "cannot follow the shell quoting of this script (a ')' that closes nothing), so "
        "interpolated values cannot be placed safely");
  CHECK(render("echo $(echo ${{x}}", "v").error ==
        "cannot follow the shell quoting of this script (an unclosed $(), so interpolated "
        "values cannot be placed safely");
  // Only scripts with quoted values are refused; an unterminated here-document is fine.
  CHECK(render("echo \"", "v").ok);
  CHECK(render("cat <<EOF\n${{x}}\n", "v").ok);
}

TEST_CASE("plain words stay bare; anything else is quoted") {
  using rb::shell::quote_for;
  using rb::shell::QuoteContext;
  CHECK(*quote_for(QuoteContext::kBare, "mysql-k8s/0") == "mysql-k8s/0");
  CHECK(*quote_for(QuoteContext::kBare, "88") == "88");
  CHECK(*quote_for(QuoteContext::kBare, "user@host:1.5,x+y%") == "user@host:1.5,x+y%");
  CHECK(*quote_for(QuoteContext::kBare, "") == "''");
  CHECK(*quote_for(QuoteContext::kBare, "a=b") == "'a=b'");  // would be an assignment
  CHECK(*quote_for(QuoteContext::kBare, "~") == "'~'");
  CHECK(*quote_for(QuoteContext::kBare, "a*") == "'a*'");
  CHECK(*quote_for(QuoteContext::kBare, "if") == "'if'");  // a reserved word
  CHECK(*quote_for(QuoteContext::kBare, "a b") == "'a b'");
}
