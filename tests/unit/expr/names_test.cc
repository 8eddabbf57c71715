#include <catch2/catch.hpp>

#include "expr/names.h"
#include "expr_test_support.h"

using namespace rb;
using namespace rb::expr;
using namespace rb::expr::testing;

namespace {

// The shape the checker builds: closed trees for inputs and steps, open ones for env and item.
NameTree roots() {
  NameTree t;
  NameTree& inputs = t.add("inputs");
  inputs.child_noun = "input";
  inputs.hint = "declare it under inputs:";
  inputs.add("revision", NameTree::open_tree());
  inputs.add("app", NameTree::open_tree());
  NameTree& steps = t.add("steps");
  steps.child_noun = "step";
  NameTree& pre = steps.add("pre-check");
  pre.child_noun = "field";
  pre.add("status");
  pre.add("exit_code");
  NameTree& outputs = pre.add("outputs");
  outputs.child_noun = "output";
  outputs.add("version", NameTree::open_tree());
  t.add("env", NameTree::open_tree());
  t.add("item", NameTree::open_tree());
  return t;
}

Diagnostics check(std::string_view text) {
  Diagnostics diags;
  CHECK_FALSE(check_names(*parse_ok(text), roots(), diags));
  return diags;
}

void check_clean(std::string_view text) {
  Diagnostics diags;
  INFO(text);
  CHECK(check_names(*parse_ok(text), roots(), diags));
  CHECK(diags.empty());
}

}  // namespace

TEST_CASE("known names pass") {
  check_clean("inputs.revision > 1 && inputs.app != ''");
  check_clean("steps.pre-check.status == 'succeeded'");
  check_clean("steps['pre-check'].outputs['version']");
  check_clean("steps.pre-check.outputs.version.anything.below");  // an open node
  check_clean("env.ANY_VARIABLE");
  check_clean("item.name[0].x");
  check_clean("len(inputs.app) + 1");
  check_clean("inputs[item].whatever");  // a computed index is not followed
  check_clean("[1, 'two', null]");
}

TEST_CASE("an unknown member is reported at the member, with did-you-mean") {
  Diagnostics diags = check("inputs.revison == 3");
  REQUIRE(diags.items().size() == 1);
  const Diagnostic& d = diags.items()[0];
  CHECK(d.message == "unknown input 'revison'");
  CHECK(d.hint == "did you mean 'revision'?");
  CHECK(d.location.line == 3);
  CHECK(d.location.column == 17);
  CHECK(d.length == 7);
}

TEST_CASE("without a close match, the tree's hint says what to do") {
  Diagnostics diags = check("inputs.zzzzzz");
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].message == "unknown input 'zzzzzz'");
  CHECK(diags.items()[0].hint == "declare it under inputs:");
}

TEST_CASE("without a hint, the known children are listed") {
  Diagnostics diags = check("steps.pre-check.zzzzzz");
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].message == "unknown field 'zzzzzz'");
  CHECK(diags.items()[0].hint == "known fields: exit_code, outputs, status");
  CHECK(diags.items()[0].location.column == 26);
}

TEST_CASE("an unknown root name") {
  Diagnostics diags = check("inptus.revision");
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].message == "unknown name 'inptus'");
  CHECK(diags.items()[0].hint == "did you mean 'inputs'?");
  CHECK(diags.items()[0].location.column == 10);
  CHECK(diags.items()[0].length == 6);

  diags = check("zzz == 1");
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].message == "unknown name 'zzz'");
  CHECK(diags.items()[0].hint == "names here: env, inputs, item, steps");

  diags = check("len");
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].hint == "len is a function: call it as len(s|list|map)");
}

TEST_CASE("steps, outputs and literal indexes are checked all the way down") {
  Diagnostics diags = check("steps.pre-chek.status");
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].message == "unknown step 'pre-chek'");
  CHECK(diags.items()[0].hint == "did you mean 'pre-check'?");

  diags = check("steps['pre-check'].outputs['verison']");
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].message == "unknown output 'verison'");
  CHECK(diags.items()[0].hint == "did you mean 'version'?");
  CHECK(diags.items()[0].location.column == 10 + 27);
}

TEST_CASE("every unknown name is reported, inside calls and indexes too") {
  Diagnostics diags = check("inputs.a == inputs.revison || len(zzz) > 0 || inputs[nope]");
  REQUIRE(diags.items().size() == 4);
  CHECK(diags.items()[0].message == "unknown input 'a'");
  CHECK(diags.items()[1].message == "unknown input 'revison'");
  CHECK(diags.items()[2].message == "unknown name 'zzz'");
  CHECK(diags.items()[3].message == "unknown name 'nope'");
}

TEST_CASE("a hyphen glued to a known name suggests spaces for subtraction") {
  Diagnostics diags = check("inputs.revision-1");
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].message == "unknown input 'revision-1'");
  CHECK(diags.items()[0].hint == "to subtract, put spaces around '-': revision - 1");
}

TEST_CASE("an open root tree allows any name") {
  Diagnostics diags;
  CHECK(check_names(*parse_ok("anything.at.all"), NameTree::open_tree(), diags));
  CHECK(diags.empty());
}
