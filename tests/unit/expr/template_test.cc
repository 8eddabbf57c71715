#include <catch2/catch.hpp>

#include "expr/template.h"
#include "expr_test_support.h"

using namespace rb;
using namespace rb::expr;
using namespace rb::expr::testing;

namespace {

Template parse_ok_template(std::string_view text) {
  Diagnostics diags;
  Template t = parse_template(text, test_origin(), diags);
  INFO("template: " << text << "\n" << render_diagnostics(diags));
  REQUIRE(diags.empty());
  return t;
}

Failure template_failure(std::string_view text) {
  Diagnostics diags;
  parse_template(text, test_origin(), diags);
  INFO("template: " << text);
  return first_diagnostic(diags);
}

Failure guard_failure(std::string_view text) {
  Diagnostics diags;
  INFO("guard: " << text);
  CHECK(parse_guard(text, test_origin(), diags) == nullptr);
  return first_diagnostic(diags);
}

ExprPtr guard_ok(std::string_view text) {
  Diagnostics diags;
  ExprPtr e = parse_guard(text, test_origin(), diags);
  INFO("guard: " << text << "\n" << render_diagnostics(diags));
  REQUIRE(e != nullptr);
  REQUIRE(diags.empty());
  return e;
}

}  // namespace

TEST_CASE("a template splits into literal text and expressions") {
  Template t = parse_ok_template("juju refresh ${{ inputs.app }} --revision=${{inputs.revision}}");
  REQUIRE(t.parts().size() == 4);
  CHECK(t.parts()[0].literal == "juju refresh ");
  CHECK(t.parts()[0].expr == nullptr);
  REQUIRE(t.parts()[1].expr != nullptr);
  CHECK(t.parts()[1].expr->text() == "inputs.app");
  CHECK(t.parts()[1].expr->location().column == 10 + 17);
  CHECK(t.parts()[2].literal == " --revision=");
  CHECK(t.parts()[3].expr->text() == "inputs.revision");
  CHECK_FALSE(t.is_literal());
  CHECK_FALSE(t.is_single_expression());
  CHECK(t.expressions().size() == 2);
  CHECK(t.source() == "juju refresh ${{ inputs.app }} --revision=${{inputs.revision}}");
  CHECK(render_text(t, test_scope()) == "juju refresh mysql --revision=42");
  CHECK(render_value(t, test_scope()) == Value("juju refresh mysql --revision=42"));
}

TEST_CASE("text without interpolations is literal") {
  Template t = parse_ok_template("just text }} and { braces $ {{");
  CHECK(t.is_literal());
  CHECK_FALSE(t.is_single_expression());
  REQUIRE(t.parts().size() == 1);
  CHECK(render_value(t, test_scope()) == Value("just text }} and { braces $ {{"));
  Template empty = parse_ok_template("");
  CHECK(empty.is_literal());
  CHECK(empty.parts().empty());
  CHECK(render_value(empty, test_scope()) == Value(""));
}

TEST_CASE("'$${{' is a literal '${{'") {
  Template t = parse_ok_template("echo $${{ not.an.expression }} ${{ inputs.app }}");
  CHECK(t.expressions().size() == 1);
  CHECK(render_text(t, test_scope()) == "echo ${{ not.an.expression }} mysql");
  CHECK(parse_ok_template("$${{").is_literal());
  CHECK(render_text(parse_ok_template("a $$ b"), test_scope()) == "a $$ b");
}

TEST_CASE("'}}' inside a string literal does not end an interpolation") {
  Template t = parse_ok_template("${{ format('{{{0}}}', 'x') }}!");
  CHECK(render_text(t, test_scope()) == "{x}!");
  CHECK(render_text(parse_ok_template("${{ 'a}}b' }}"), test_scope()) == "a}}b");
  CHECK(render_text(parse_ok_template("${{ \"a}}\\\"b\" }}"), test_scope()) == "a}}\"b");
}

TEST_CASE("a template of exactly one expression keeps the value's type") {
  Template list = parse_ok_template("${{ inputs.numbers }}");
  CHECK(list.is_single_expression());
  CHECK(render_value(list, test_scope()) == Value(List{3, 1, 2}));
  CHECK(render_text(list, test_scope()) == "[3,1,2]");
  CHECK(render_value(parse_ok_template("${{inputs.revision}}"), test_scope()) == Value(42));
  CHECK(render_value(parse_ok_template("${{ inputs.nothing }}"), test_scope()).is_null());
  // Any other text, even a space, makes it a string.
  Template spaced = parse_ok_template(" ${{ inputs.revision }}");
  CHECK_FALSE(spaced.is_single_expression());
  CHECK(render_value(spaced, test_scope()) == Value(" 42"));
  Template two = parse_ok_template("${{ 1 }}${{ 2 }}");
  CHECK_FALSE(two.is_single_expression());
  CHECK(render_value(two, test_scope()) == Value("12"));
  CHECK(render_text(parse_ok_template("[${{ inputs.nothing }}]"), test_scope()) == "[]");
  CHECK(render_text(parse_ok_template("${{ 0.1 + 0.2 > 0.3 }}"), test_scope()) == "true");
}

TEST_CASE("template errors") {
  Failure f = template_failure("echo ${{ inputs.app");
  CHECK(f.message == "unterminated '${{' (missing '}}')");
  CHECK(f.column == 15);
  CHECK(f.length == 3);

  f = template_failure("echo ${{ }} done");
  CHECK(f.message == "empty expression");
  CHECK(f.column == 15);
  CHECK(f.length == 6);

  // An error inside an interpolation points into it.
  f = template_failure("echo ${{ inputs.app + }}");
  CHECK(f.message == "unexpected end of expression");
  CHECK(f.column == 10 + 21);

  f = template_failure("${{ 'abc }}");
  CHECK(f.message == "unterminated string");
  CHECK(f.column == 14);

  // Every bad interpolation is reported; the good ones are kept.
  Diagnostics diags;
  Template t = parse_template("${{ a + }} ${{ b }} ${{ ) }}", test_origin(), diags);
  CHECK(diags.error_count() == 2);
  CHECK(t.expressions().size() == 1);
}

TEST_CASE("runtime errors in a template point into it") {
  Template t = parse_ok_template("rev ${{ inputs.revision + 'x' }}");
  try {
    render_text(t, test_scope());
    FAIL("no error");
  } catch (const EvalError& e) {
    CHECK(e.message() == "cannot add integer and string");
    CHECK(e.location().column == 10 + 24);
  }
}

TEST_CASE("a guard is a bare expression or exactly one ${{ }}") {
  CHECK(evaluate(*guard_ok("inputs.mode == 'store'"), test_scope()) == Value(true));
  CHECK(evaluate(*guard_ok("${{ inputs.mode == 'store' }}"), test_scope()) == Value(true));
  CHECK(evaluate(*guard_ok("  ${{inputs.mode == 'local'}}  "), test_scope()) == Value(false));
  ExprPtr e = guard_ok("${{ inputs.revision > 1 }}");
  CHECK(e->text() == "inputs.revision > 1");
  CHECK(e->location().column == 14);
  CHECK(guard_ok("  inputs.app ")->text() == "inputs.app");
  // ${{ inside a string literal is just text.
  CHECK(evaluate(*guard_ok("contains('a ${{ b', '${{')"), test_scope()) == Value(true));
  CHECK(evaluate(*guard_ok("${{ '}}' == '}}' }}"), test_scope()) == Value(true));
}

TEST_CASE("a guard mixing ${{ }} with other text is refused") {
  const std::string mixed =
      "a guard is one expression: '${{ }}' mixed with other text is always true in other tools "
      "and refused here";
  const std::string hint =
      "write the whole guard as an expression, e.g. `if: inputs.mode == 'store'`";
  Failure f = guard_failure("${{ inputs.mode }} == 'store'");
  CHECK(f.message == mixed);
  CHECK(f.hint == hint);
  CHECK(f.column == 10);
  f = guard_failure("inputs.mode == ${{ inputs.other }}");
  CHECK(f.message == mixed);
  CHECK(f.column == 25);
  CHECK(guard_failure("${{ a }}${{ b }}").message == mixed);
  CHECK(guard_failure("x ${{ a }}").message == mixed);
  CHECK(guard_failure("$${{ a }}").message == mixed);

  CHECK(guard_failure("${{ a").message == "unterminated '${{' (missing '}}')");
  CHECK(guard_failure("${{  }}").message == "empty expression");
  CHECK(guard_failure("").message == "empty expression");
  f = guard_failure("${{ a == }}");
  CHECK(f.message == "unexpected end of expression");
  CHECK(f.column == 18);
}
