// The checker's order rules for steps that may run at the same time: a step reads steps.X only
// when it runs after X, and no two steps that may overlap set the same var.
#include <catch2/catch.hpp>

#include "base/diagnostic_renderer.h"
#include "check/checker.h"
#include "load/loader.h"

using namespace rb;

namespace {

// The errors and warnings of a runbook whose steps are `body` (after "steps:\n").
std::string check_text(const std::string& body, const std::string& head = "") {
  Diagnostics ds;
  auto rb =
      load::load_runbook_text("o.yaml", "runbook: 1\nname: o\n" + head + "steps:\n" + body, ds);
  if (rb && !ds.has_errors()) check::check_runbook(*rb, ds);
  return render_diagnostics(ds);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool clean(const std::string& text) {
  return text.empty();
}

}  // namespace

TEST_CASE("steps without needs follow the step before them: each may read the ones above") {
  std::string t = check_text(
      "  - id: a\n    run: echo a\n"
      "  - id: b\n    needs: [a]\n    run: echo b\n"
      "  - id: c\n    log: ${{ steps.a.output }} ${{ steps.b.output }}\n"
      "  - log: ${{ steps.c.status }}\n");
  INFO(t);
  CHECK(clean(t));
}

TEST_CASE("a step reading a step it does not come after is refused, naming both") {
  std::string t = check_text(
      "  - id: a\n    run: echo a\n"
      "  - id: b\n    needs: [a]\n    run: echo b\n"
      "  - id: c\n    needs: [a]\n    log: ${{ steps.b.output }}\n");
  INFO(t);
  CHECK(has(t,
            "o.yaml:11:20: error: step 'c' reads steps.b, but it does not run after 'b': the "
            "two can run at the same time"));
  CHECK(has(t, "hint: add 'b' to the needs of 'c': 'needs: [a, b]'"));
}

TEST_CASE("the hint for a step without needs keeps the step it follows") {
  std::string t = check_text(
      "  - id: a\n    run: echo a\n"
      "  - id: b\n    needs: [a]\n    run: echo b\n"
      "  - id: c\n    needs: [a]\n    run: echo c\n"
      "  - id: d\n    if: steps.b.exit_code == 0\n    log: d\n");
  INFO(t);
  CHECK(has(t, "error: step 'd' reads steps.b, but it does not run after 'b'"));
  CHECK(has(t, "hint: add 'needs: [c, b]' to 'd' (it keeps following 'c', the step before it)"));
}

TEST_CASE("needs: [] starts a branch of its own; transitive needs order it") {
  std::string t = check_text(
      "  - id: a\n    run: echo a\n"
      "  - id: b\n    needs: []\n    log: ${{ steps.a.output }}\n");
  CHECK(has(t, "step 'b' reads steps.a, but it does not run after 'a'"));
  CHECK(has(t, "hint: add 'a' to the needs of 'b': 'needs: [a]'"));
  // c -> b -> a, written in another order: c runs after a.
  CHECK(
      clean(check_text("  - id: c\n    needs: [b]\n    log: ${{ steps.a.output }}\n"
                       "  - id: b\n    needs: [a]\n    log: b\n"
                       "  - id: a\n    needs: []\n    log: a\n")));
}

TEST_CASE("every read is found: guards, loops, commands, waits, outputs, steps['id']") {
  const std::string branch = "  - id: a\n    run: echo a\n  - id: r\n    needs: []\n";
  for (const std::string& use :
       {std::string("    if: steps.a.status == 'succeeded'\n    log: x\n"),
        std::string("    for_each: steps.a.output\n    log: x\n"),
        std::string("    run: echo ${{ steps['a'].output }}\n"),
        std::string("    exec: [echo, \"${{ steps.a.output }}\"]\n"),
        std::string("    wait: { run: 'true', until: \"steps.a.exit_code == 0\" }\n"),
        std::string("    run: 'true'\n    outputs: { x: steps.a.output }\n"),
        std::string("    set: { x: \"${{ steps.a.output }}\" }\n"),
        std::string("    env: { X: \"${{ steps.a.output }}\" }\n    run: 'true'\n")}) {
    INFO(use);
    CHECK(has(check_text(branch + use), "step 'r' reads steps.a, but it does not run after 'a'"));
  }
}

TEST_CASE("in nested lists the hint names the steps that hold the two") {
  std::string t = check_text(
      "  - id: a\n    run: echo a\n"
      "  - id: g\n    needs: []\n    steps:\n      - id: x\n        run: echo x\n"
      "  - id: h\n    needs: [a]\n    steps:\n      - log: ${{ steps.x.output }}\n");
  INFO(t);
  CHECK(has(t, "reads steps.x, but it does not run after 'x'"));
  CHECK(has(t, "hint: add 'g' to the needs of 'h': 'needs: [a, g]' ('g' holds 'x'; 'h' holds"));
}

TEST_CASE("inside a group, steps read the ones before them; a group's outputs read its steps") {
  CHECK(
      clean(check_text("  - id: g\n    steps:\n"
                       "      - id: x\n        run: echo x\n"
                       "      - log: ${{ steps.x.output }}\n"
                       "    outputs: { x: steps.x.output }\n"
                       "  - log: ${{ steps.x.output }} ${{ steps.g.outputs.x }}\n")));
  std::string inside = check_text("  - id: g\n    steps:\n      - log: ${{ steps.g.status }}\n");
  CHECK(has(inside,
            "the step at line 6 reads steps.g, but it runs inside 'g', which has no "
            "result until its steps have finished"));
  std::string contains = check_text(
      "  - id: g\n    if: steps.x.status == 'ok'\n    steps:\n"
      "      - id: x\n        run: echo x\n");
  CHECK(has(contains, "step 'g' reads steps.x, but 'x' runs inside it, later"));
  std::string self = check_text("  - id: s\n    run: echo ${{ steps.s.output }}\n");
  CHECK(has(self, "step 's' reads its own steps.s"));
}

TEST_CASE("handlers run after the steps: they read them; the steps cannot read the handlers") {
  CHECK(
      clean(check_text("  - id: a\n    run: echo a\n"
                       "    on_failure:\n      - log: ${{ steps.a.stderr }}\n"
                       "on_failure:\n  - id: h\n    log: ${{ steps.a.status }}\n"
                       "finally:\n  - log: ${{ steps.a.status }} ${{ steps.h.status }}\n")));
  std::string t = check_text(
      "  - log: ${{ steps.f.status }}\n"
      "finally:\n  - id: f\n    log: f\n");
  CHECK(has(t, "reads steps.f, but 'f' runs later, in the runbook's finally"));
  std::string h = check_text(
      "  - id: a\n    run: echo a\n    on_failure:\n      - id: undo\n        log: undo\n"
      "    outputs: { u: steps.undo.status }\n");
  CHECK(has(h, "step 'a' reads steps.undo, but 'undo' runs inside it, later"));
}

TEST_CASE("two branches that set the same var are refused; ordered setters are not") {
  std::string t = check_text(
      "  - id: a\n    run: echo a\n"
      "  - id: b\n    needs: [a]\n    set: { mode: fast }\n"
      "  - id: c\n    needs: [a]\n    set: { mode: slow }\n");
  INFO(t);
  CHECK(has(t,
            "o.yaml:11:12: error: steps 'b' and 'c' both set vars.mode, and they can run at "
            "the same time"));
  CHECK(has(t, "o.yaml:8:12: note: 'b' sets vars.mode here"));
  CHECK(has(t,
            "hint: order them: add 'b' to the needs of 'c': 'needs: [a, b]'; or set different "
            "vars"));
  CHECK(
      clean(check_text("  - id: a\n    set: { mode: fast }\n"
                       "  - id: b\n    needs: [a]\n    set: { mode: slow }\n"
                       "  - set: { mode: last }\n"
                       "finally:\n  - set: { mode: done }\n")));
  // One step at a time: the two never overlap.
  CHECK(
      clean(check_text("  - id: a\n    run: echo a\n"
                       "  - id: b\n    needs: [a]\n    set: { mode: fast }\n"
                       "  - id: c\n    needs: [a]\n    set: { mode: slow }\n",
                       "max_parallel: 1\n")));
}

TEST_CASE("a set in the items of a parallel for_each is refused") {
  std::string t = check_text(
      "  - id: each\n    for_each: [m1, m2]\n    parallel: 2\n    steps:\n"
      "      - set: { last: \"${{ item }}\" }\n");
  INFO(t);
  CHECK(has(t,
            "error: the step at line 8 sets vars.last in each item of 'each', and up to 2 "
            "items run at the same time (parallel: 2)"));
  CHECK(has(check_text("  - for_each: [m1, m2]\n    parallel: 3\n    set: { last: x }\n"),
            "sets vars.last in each of its items, and up to 3 items run at the same time"));
  CHECK(clean(check_text("  - for_each: [m1, m2]\n    set: { last: \"${{ item }}\" }\n")));
}

TEST_CASE("broken needs are reported once, by the graph, not again as order errors") {
  std::string t = check_text(
      "  - id: a\n    needs: [b]\n    log: ${{ steps.b.status }}\n"
      "  - id: b\n    needs: [a]\n    log: ${{ steps.a.status }}\n");
  CHECK(has(t, "dependency cycle"));
  CHECK_FALSE(has(t, "does not run after"));
}

TEST_CASE("a long chain of needs is recognised as one chain, not walked for each read") {
  // 20000 steps, each needing the one before it and reading the first: walking back for each
  // read would visit 2*10^8 steps, past the check's bound (which warns, below).
  std::string body = "  - id: s0\n    log: x\n";
  for (int i = 1; i < 20000; ++i) {
    body += "  - id: s" + std::to_string(i) + "\n    needs: [s" + std::to_string(i - 1) +
            "]\n    log: ${{ steps.s0.status }}\n";
  }
  CHECK(clean(check_text(body)));
}

TEST_CASE("a graph of needs too large to search for every read is left with a warning") {
  // Each step needs the two before it: no chain, and each read searches back to s0.
  std::string body = "  - id: s0\n    log: x\n  - id: s1\n    log: x\n";
  for (int i = 2; i < 20000; ++i) {
    body += "  - id: s" + std::to_string(i) + "\n    needs: [s" + std::to_string(i - 2) + ", s" +
            std::to_string(i - 1) + "]\n    log: ${{ steps.s0.status }}\n";
  }
  std::string t = check_text(body);
  CHECK(has(t, "warning: the steps' 'needs' are too many to check"));
  CHECK_FALSE(has(t, "error"));
}
