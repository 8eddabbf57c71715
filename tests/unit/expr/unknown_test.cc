// Three-valued evaluation for plans: a value only a run can know is unknown, and unknown
// propagates through operators and functions unless the other operand decides alone.
#include <catch2/catch.hpp>

#include "expr_test_support.h"

using namespace rb;
using namespace rb::expr;
using namespace rb::expr::testing;

namespace {

// The test scope, plus `steps.leader` and `vars.units` known only at run time.
const MapScope& plan_scope() {
  static const MapScope scope = [] {
    MapScope s(&test_scope());
    s.set("steps", Value::unknown_path("steps", 2));
    s.set("vars", Map{{"units", Value::unknown_path("vars.units")}, {"known", "yes"}});
    return s;
  }();
  return scope;
}

Value plan_eval(std::string_view text) {
  return eval(text, plan_scope());
}

std::vector<std::string> depends(std::string_view text) {
  Value v = plan_eval(text);
  REQUIRE(v.is_unknown());
  return v.as_unknown().depends;
}

}  // namespace

TEST_CASE("a member read extends an unknown name; anything else closes it") {
  Value v = plan_eval("steps.leader.output");
  REQUIRE(v.is_unknown());
  CHECK(v.as_unknown().is_path);
  CHECK(v.as_unknown().depends == std::vector<std::string>{"steps.leader.output"});
  CHECK(v.to_text() == "${{ steps.leader.output }}");

  Value closed = plan_eval("trim(steps.leader.output)");
  REQUIRE(closed.is_unknown());
  CHECK_FALSE(closed.as_unknown().is_path);
  CHECK(closed.as_unknown().depends == std::vector<std::string>{"steps.leader.output"});
}

TEST_CASE("&& and || decide when the known side decides alone") {
  CHECK(plan_eval("steps.a.output == 'x' && false") == Value(false));
  CHECK(plan_eval("false && steps.a.output == 'x'") == Value(false));
  CHECK(plan_eval("steps.a.output == 'x' || true") == Value(true));
  CHECK(plan_eval("true || steps.a.output == 'x'") == Value(true));
  CHECK(plan_eval("steps.a.output == 'x' && inputs.mode == 'local'") == Value(false));
  CHECK(depends("steps.a.output == 'x' && true") == std::vector<std::string>{"steps.a.output"});
  CHECK(depends("steps.a.output || false") == std::vector<std::string>{"steps.a.output"});
  CHECK(depends("inputs.mode == 'store' && steps.b.status == 'succeeded'") ==
        std::vector<std::string>{"steps.b.status"});
}

TEST_CASE("operators, indexing, lists and functions propagate unknown with every name") {
  CHECK(depends("!steps.a.output") == std::vector<std::string>{"steps.a.output"});
  CHECK(depends("steps.a.exit_code + vars.units") ==
        std::vector<std::string>{"steps.a.exit_code", "vars.units"});
  CHECK(depends("fromJSON(steps.s.output)['applications']") ==
        std::vector<std::string>{"steps.s.output"});
  CHECK(depends("inputs.tags[steps.i.output]") == std::vector<std::string>{"steps.i.output"});
  CHECK(depends("[1, steps.x.output, 3]") == std::vector<std::string>{"steps.x.output"});
  CHECK(depends("default(steps.a.output, 'none')") == std::vector<std::string>{"steps.a.output"});
  CHECK(depends("len(vars.units) > 2") == std::vector<std::string>{"vars.units"});
  // A known expression beside them stays known.
  CHECK(plan_eval("vars.known == 'yes'") == Value(true));
  CHECK(plan_eval("len(inputs.tags)") == Value(2));
}

TEST_CASE("a template with an unknown part is unknown; its preview writes the part back") {
  Diagnostics diags;
  Template t = parse_template("juju run ${{ steps.leader.output }} --app ${{ inputs.app }}",
                              test_origin(), diags);
  REQUIRE(diags.empty());
  Value v = render_value(t, plan_scope());
  REQUIRE(v.is_unknown());
  std::vector<std::string> deps;
  CHECK(render_preview(t, plan_scope(), &deps) ==
        "juju run ${{ steps.leader.output }} --app mysql");
  CHECK(deps == std::vector<std::string>{"steps.leader.output"});
  // Without unknown parts, the preview is the rendered text.
  Template known = parse_template("rev ${{ inputs.revision }}", test_origin(), diags);
  CHECK(render_preview(known, plan_scope(), nullptr) == "rev 42");
  CHECK(render_text(known, plan_scope()) == "rev 42");
}
