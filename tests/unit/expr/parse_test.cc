#include <catch2/catch.hpp>

#include "expr/ast.h"
#include "expr/functions.h"
#include "expr_test_support.h"

using namespace rb;
using namespace rb::expr;
using namespace rb::expr::testing;

namespace {

struct ParseErrorCase {
  const char* text;
  int column;
  const char* message;
  const char* hint;  // nullptr: not checked
};

}  // namespace

TEST_CASE("parse errors say what is wrong, at the right column") {
  // Expressions sit at line 3, column 10: offset k is column 10 + k.
  const ParseErrorCase cases[] = {
      {"a +", 13, "unexpected end of expression", nullptr},
      {"(a", 12, "expected ')' to close '(', found end of expression", nullptr},
      {"a b", 12, "unexpected name 'b' after the expression",
       "combine expressions with an operator such as '&&', '||' or '+'"},
      {"a 'x'", 12, "unexpected string 'x' after the expression", nullptr},
      {"a)", 11, "unexpected ')' with no matching '('", nullptr},
      {"a]", 11, "unexpected ']' with no matching '['", nullptr},
      {")", 10, "expected an expression, found ')'", nullptr},
      {"* 2", 10, "expected an expression, found '*'", nullptr},
      {"x == 'abc", 15, "unterminated string", "close it with '"},
      {"x == \"abc", 15, "unterminated string", "close it with \""},
      {"x = 1", 12, "unexpected '='", "use '==' to compare"},
      {"x & y", 12, "unexpected '&'", "use '&&' for 'and'"},
      {"x | y", 12, "unexpected '|'", "use '||' for 'or'"},
      {"a $ b", 12, "unexpected character '$'", nullptr},
      {"${{ x }}", 10, "'${{' inside an expression", nullptr},
      {"lenght(x)", 10, "unknown function 'lenght'", "did you mean 'len'?"},
      {"contians(x, 'a')", 10, "unknown function 'contians'", "did you mean 'contains'?"},
      {"tojson(x)", 10, "unknown function 'tojson'", "did you mean 'toJSON'?"},
      {"size(x)", 10, "unknown function 'size'", "did you mean 'len'?"},
      {"len(1, 2)", 10, "len() takes 1 argument, got 2", "call it as len(s|list|map)"},
      {"split()", 10, "split() takes 1 or 2 arguments, got 0", nullptr},
      {"range(1, 2, 3, 4)", 10, "range() takes 1 to 3 arguments, got 4", nullptr},
      {"format()", 10, "format() takes at least 1 argument, got 0", nullptr},
      {"len(1", 15, "expected ',' or ')' after an argument of len(), found end of expression",
       nullptr},
      {"[1, 2", 15, "expected ',' or ']' in the list, found end of expression", nullptr},
      {"a[1", 13, "expected ']' to close '[', found end of expression", nullptr},
      {"a.(b)", 12, "expected a field name after '.', found '('", nullptr},
      {"a.", 12, "expected a field name after '.', found end of expression", nullptr},
      {"a.b(1)", 13, "only functions can be called", "functions are called by name: len(x)"},
      {"a.len()", 12, "only functions can be called, not fields",
       "write 'len(x)' rather than 'x.len()'"},
      {"(a)(1)", 13, "only functions can be called", nullptr},
      {"1 < 2 < 3", 16, "comparisons do not chain: this compares a boolean with the next operand",
       "write 'a < b && b < c'"},
      {"99999999999999999999", 10, "integer 99999999999999999999 is too large",
       "integers are 64-bit: at most 9223372036854775807"},
      {"1e999", 10, "number 1e999 is out of range", nullptr},
      {"1abc", 10, "a number runs into a name here", nullptr},
      {"\"a\\qb\"", 12, "unknown escape '\\q' in a string", nullptr},
      {"matches(x, '(')", 21, "invalid regular expression: missing ): (", nullptr},
      {"format('{1}', a)", 17,
       "format() placeholder {1} has no argument: 1 argument follows the format string",
       "placeholders count from {0}"},
      {"format('{x}')", 17, "format() placeholder '{x}' is not a number", nullptr},
      {"format('a { b')", 17, "format() string has a '{' that is never closed", nullptr},
      {"format('a } b')", 17, "format() string has a lone '}'", "write '}}' for a literal '}'"},
      {"", 10, "empty expression", nullptr},
      {"   ", 10, "empty expression", nullptr},
  };
  for (const ParseErrorCase& c : cases) {
    INFO("expression: " << c.text);
    Failure f = parse_failure(c.text);
    CHECK(f.message == c.message);
    CHECK(f.column == c.column);
    CHECK(f.count == 1);
    if (c.hint) CHECK(f.hint == c.hint);
  }
}

TEST_CASE("an unknown function without a close match lists the functions") {
  Failure f = parse_failure("frobnicate(1)");
  CHECK(f.message == "unknown function 'frobnicate'");
  CHECK(f.length == 10);
  CHECK(f.hint.rfind("functions are: contains, default, endsWith", 0) == 0);
}

TEST_CASE("a missing ')' notes where the '(' is") {
  Diagnostics diags;
  CHECK(parse_expression("len((1 + 2", test_origin(), diags) == nullptr);
  REQUIRE(diags.items().size() == 1);
  const Diagnostic& d = diags.items()[0];
  CHECK(d.message == "expected ')' to close '(', found end of expression");
  CHECK(d.location.column == 20);
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].severity == Severity::kNote);
  CHECK(d.notes[0].message == "'(' is here");
  CHECK(d.notes[0].location.column == 14);
}

TEST_CASE("errors are located through the text's origin, byte by byte") {
  // The expression text spans two lines of a block scalar.
  SourceFile file("y.yaml", "x: |\n  a &&\n    (b +\n");
  std::vector<Location> per_byte;
  const std::string text = "a &&\n(b +";
  for (int i = 0; i < 5; ++i) per_byte.push_back(Location{&file, 2, 3 + i});
  for (int i = 0; i < 4; ++i) per_byte.push_back(Location{&file, 3, 5 + i});
  Diagnostics diags;
  CHECK(parse_expression(text, TextOrigin(Location{&file, 2, 3}, per_byte), diags) == nullptr);
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].message == "unexpected end of expression");
  CHECK(diags.items()[0].location.line == 3);
  CHECK(diags.items()[0].location.column == 9);
}

TEST_CASE("nesting beyond the depth limit is a diagnostic, never a crash") {
  const std::string too_deep = "expression nests deeper than 64 levels";
  SECTION("parentheses") {
    std::string text = std::string(10000, '(') + "1" + std::string(10000, ')');
    Failure f = parse_failure(text);
    CHECK(f.message == too_deep);
    CHECK(f.hint == "split it into smaller expressions, for example with vars");
  }
  SECTION("negations") {
    CHECK(parse_failure(std::string(10000, '!') + "true").message == too_deep);
  }
  SECTION("unary minus") {
    CHECK(parse_failure(std::string(10000, '-') + "1").message == too_deep);
  }
  SECTION("lists") {
    CHECK(parse_failure(std::string(10000, '[') + std::string(10000, ']')).message == too_deep);
  }
  SECTION("calls") {
    std::string text;
    for (int i = 0; i < 5000; ++i) text += "len(";
    text += "'x'" + std::string(5000, ')');
    CHECK(parse_failure(text).message == too_deep);
  }
  SECTION("a long chain of operators builds a tall tree") {
    std::string text = "1";
    for (int i = 0; i < 10000; ++i) text += " + 1";
    CHECK(parse_failure(text).message == too_deep);
  }
  SECTION("a long chain of members") {
    std::string text = "a";
    for (int i = 0; i < 10000; ++i) text += ".b";
    CHECK(parse_failure(text).message == too_deep);
  }
  SECTION("moderate nesting is fine") {
    CHECK(eval(std::string(30, '(') + "1" + std::string(30, ')')) == Value(1));
    std::string sum = "1";
    for (int i = 0; i < 40; ++i) sum += " + 1";
    CHECK(eval(sum) == Value(41));
    CHECK(eval(std::string(41, '!') + "true") == Value(false));
  }
}

TEST_CASE("over-long expression text is refused") {
  std::string text(70000, ' ');
  text += "1";
  Failure f = parse_failure(text);
  CHECK(f.message == "expression is longer than 65536 bytes");
  CHECK(f.column == 10);
}

TEST_CASE("literals") {
  CHECK(eval("'text'") == Value("text"));
  CHECK(eval("'it''s'") == Value("it's"));
  CHECK(eval("''") == Value(""));
  CHECK(eval(R"("say \"hi\"\n\t\\")") == Value("say \"hi\"\n\t\\"));
  CHECK(eval("\"it's\"") == Value("it's"));
  CHECK(eval("42").is_int());
  CHECK(eval("42") == Value(42));
  CHECK(eval("1.5").is_double());
  CHECK(eval("1.5") == Value(1.5));
  CHECK(eval("1e3").is_double());
  CHECK(eval("1e3") == Value(1000.0));
  CHECK(eval("2.5E-1") == Value(0.25));
  CHECK(eval("true") == Value(true));
  CHECK(eval("false") == Value(false));
  CHECK(eval("null").is_null());
  CHECK(eval("[1, 'a', null]") == Value(List{1, "a", Value()}));
  CHECK(eval("[]") == Value(List{}));
  CHECK(eval("[\n  1,\n  2,\n]") == Value(List{1, 2}));
  CHECK(eval("9223372036854775807") == Value(int64_t{9223372036854775807}));
}

TEST_CASE("names may hold hyphens, so subtraction after a name needs spaces") {
  MapScope scope;
  scope.set("a", 5);
  scope.set("a-1", "the name");
  scope.set("steps", Map{{"pre-check", Map{{"status", "ok"}}}});
  CHECK(eval("a - 1", scope) == Value(4));
  CHECK(eval("a- 1", scope) == Value(4));
  CHECK(eval("a -1", scope) == Value(4));
  CHECK(eval("a-1", scope) == Value("the name"));
  CHECK(eval("steps.pre-check.status", scope) == Value("ok"));
}

TEST_CASE("keywords can be field names") {
  MapScope scope;
  scope.set("m", Map{{"null", 1}, {"true", 2}});
  CHECK(eval("m.null + m.true", scope) == Value(3));
}

TEST_CASE("precedence, lowest to highest: || && ==/!= comparisons +/- * / % unary postfix") {
  CHECK(eval("1 + 2 * 3") == Value(7));
  CHECK(eval("(1 + 2) * 3") == Value(9));
  CHECK(eval("10 - 2 - 3") == Value(5));
  CHECK(eval("2 * 3 % 4") == Value(2));
  CHECK(eval("24 / 4 / 2") == Value(3));
  CHECK(eval("-2 * 3") == Value(-6));
  CHECK(eval("- 2 - 3") == Value(-5));
  CHECK(eval("!true == false") == Value(true));
  CHECK(eval("1 + 2 == 3 && 2 < 3") == Value(true));
  CHECK(eval("1 < 2 == true") == Value(true));
  CHECK(eval("false || true && false") == Value(false));
  CHECK(eval("true || false && false") == Value(true));
  CHECK(eval("!inputs.empty && inputs.mode == 'store'") == Value(true));
  CHECK(eval("-inputs.revision + 2") == Value(-40));
  CHECK(eval("inputs.numbers[0] * 2") == Value(6));
}

TEST_CASE("the tree records each node's token and extent") {
  ExprPtr e = parse_ok("a.b + len(x)");
  const Node& root = e->root();
  CHECK(root.kind == NodeKind::kBinary);
  CHECK(root.binary_op == BinaryOp::kAdd);
  CHECK(root.offset == 4);
  CHECK(root.begin == 0);
  CHECK(root.end == 12);
  const Node& member = *root.children[0];
  CHECK(member.kind == NodeKind::kMember);
  CHECK(member.name == "b");
  CHECK(member.offset == 2);
  const Node& call = *root.children[1];
  CHECK(call.kind == NodeKind::kCall);
  CHECK(call.function == find_function("len"));
  CHECK(call.begin == 6);
  CHECK(e->location().column == 10);
  CHECK(e->text() == "a.b + len(x)");
}

TEST_CASE("raw() is recognised for the shell renderer and for validate") {
  CHECK(parse_ok("raw(inputs.app)")->is_raw());
  CHECK(parse_ok("raw(inputs.app)")->calls_raw());
  CHECK_FALSE(parse_ok("'x' + raw(inputs.app)")->is_raw());
  CHECK(parse_ok("'x' + raw(inputs.app)")->calls_raw());
  CHECK_FALSE(parse_ok("inputs.app")->calls_raw());
  CHECK(eval("raw(inputs.app)") == Value("mysql"));
}

TEST_CASE("the function table lists every function once, with its arity") {
  std::vector<std::string> names = function_names();
  for (const char* required :
       {"contains", "startsWith", "endsWith", "matches",  "len",    "lower",   "upper",  "trim",
        "split",    "join",       "format",   "fromJSON", "toJSON", "default", "int",    "string",
        "keys",     "values",     "sort",     "reverse",  "range",  "replace", "number", "raw"}) {
    INFO(required);
    CHECK(std::count(names.begin(), names.end(), required) == 1);
    REQUIRE(find_function(required) != nullptr);
    CHECK_FALSE(find_function(required)->summary.empty());
  }
  CHECK(names.size() == functions().size());
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(find_function("nope") == nullptr);
  CHECK(arity_text(*find_function("len")) == "1 argument");
  CHECK(arity_text(*find_function("replace")) == "3 arguments");
  CHECK(arity_error(*find_function("len"), 1).empty());
}
