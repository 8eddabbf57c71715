#include <catch2/catch.hpp>

#include "base/diagnostic_renderer.h"
#include "check/checker.h"
#include "check/step_graph.h"
#include "load/loader.h"

using namespace rb;

namespace {

struct Loaded {
  Diagnostics diags;
  std::shared_ptr<const model::Runbook> rb;
};

Loaded load_steps(const std::string& steps) {
  Loaded l;
  l.rb = load::load_runbook_text("g.yaml", "runbook: 1\nname: g\nsteps:\n" + steps, l.diags);
  return l;
}

std::vector<std::string> order_of(const Loaded& l) {
  check::StepOrder o = check::order_steps(l.rb->steps, nullptr);
  std::vector<std::string> ids;
  for (size_t i : o.order) ids.push_back(check::step_label(l.rb->steps[i], i));
  return ids;
}

}  // namespace

TEST_CASE("without needs, steps run in the order written") {
  Loaded l = load_steps("  - id: a\n    log: a\n  - log: b\n  - id: c\n    log: c\n");
  CHECK(order_of(l) == std::vector<std::string>{"a", "#2", "c"});
}

TEST_CASE("needs reorders steps, keeping written order among ready steps") {
  Loaded l = load_steps(
      "  - id: a\n    needs: [c]\n    log: a\n"
      "  - id: b\n    needs: []\n    log: b\n"
      "  - id: c\n    needs: [b]\n    log: c\n");
  CHECK(order_of(l) == std::vector<std::string>{"b", "c", "a"});
}

TEST_CASE("a cycle is reported as its path at the closing need") {
  Loaded l = load_steps(
      "  - id: a\n    needs: [c]\n    log: a\n"
      "  - id: b\n    needs: [a]\n    log: b\n"
      "  - id: c\n    needs: [b]\n    log: c\n");
  Diagnostics d;
  check::StepOrder o = check::order_steps(l.rb->steps, &d);
  CHECK_FALSE(o.ok);
  REQUIRE(d.error_count() == 1);
  CHECK(d.items()[0].message == "dependency cycle: a -> c -> b -> a");
}

TEST_CASE("the checker resolves names across the runbook") {
  Loaded l = load_steps(
      "  - id: probe\n    run: echo 1\n    outputs: { n: int(output) }\n"
      "  - for_each: range(steps.probe.outputs.n)\n    as: k\n    log: ${{ k }} of ${{ "
      "steps.probe.outputs.n }}\n"
      "  - set: { later: x }\n"
      "  - log: ${{ vars.later }} ${{ env.HOME }} ${{ run.id }} ${{ runbook.name }}\n");
  REQUIRE(l.rb);
  check::check_runbook(*l.rb, l.diags);
  INFO(render_diagnostics(l.diags));
  CHECK_FALSE(l.diags.has_errors());
}

TEST_CASE("the checker reports unknown names, fields and outputs") {
  Loaded l = load_steps(
      "  - id: probe\n    run: echo 1\n    outputs: { n: int(output) }\n"
      "  - log: ${{ steps.probe.outputs.m }} ${{ steps.prob.status }} ${{ steps.probe.exitcode }}\n"
      "  - log: ${{ item }} ${{ vars.nope }} ${{ stdout }}\n");
  REQUIRE(l.rb);
  check::check_runbook(*l.rb, l.diags);
  std::string text = render_diagnostics(l.diags);
  CHECK(l.diags.error_count() == 6);
  CHECK(text.find("unknown output 'm'") != std::string::npos);
  CHECK(text.find("unknown step 'prob'") != std::string::npos);
  CHECK(text.find("unknown step field 'exitcode'") != std::string::npos);
  CHECK(text.find("unknown name 'item'") != std::string::npos);
  CHECK(text.find("unknown var 'nope'") != std::string::npos);
  CHECK(text.find("unknown name 'stdout'") != std::string::npos);
}

TEST_CASE("raw() draws a warning, not an error") {
  Loaded l = load_steps("  - run: echo ${{ raw(env.HOME) }}\n");
  REQUIRE(l.rb);
  check::check_runbook(*l.rb, l.diags);
  CHECK_FALSE(l.diags.has_errors());
  CHECK(l.diags.warning_count() == 1);
}
