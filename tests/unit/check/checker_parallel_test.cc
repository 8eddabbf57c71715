#include <catch2/catch.hpp>

#include "base/diagnostic_renderer.h"
#include "check/checker.h"
#include "load/loader.h"

using namespace rb;

namespace {

// Steps with an error, a warning or a note in most of them, in both halves of the list and in
// groups: unknown names, a step read before it is declared, backticks, a duplicate id, raw().
std::string faulty_steps(int n) {
  std::string y = "runbook: 1\nname: p\ninputs:\n  app: { type: string }\nsteps:\n";
  for (int i = 0; i < n; ++i) {
    const std::string k = std::to_string(i);
    switch (i % 7) {
      case 0:
        y += "  - id: look" + k + "\n    run: juju status ${{ inputs.ap }}\n";
        break;
      case 1:
        y += "  - id: act" + k + "\n    if: steps.look" + std::to_string(i - 1) +
             ".output.ready && steps.nowhere.status == 'ok'\n    run: echo `${{ inputs.app }}`\n";
        break;
      case 2:
        y += "  - id: dup\n    log: ${{ vars.missing }}\n";
        break;
      case 3:
        y += "  - id: grp" + k + "\n    steps:\n      - id: inner" + k +
             "\n        run: grep -c x ${{ inputs.app }} ${{ raw(inputs.app) }}\n"
             "      - id: inner" +
             k + "b\n        set: { v" + k + ": \"${{ steps.inner" + k + ".outputs.none }}\" }\n";
        break;
      case 4:
        y += "  - id: each" + k + "\n    for_each: [a, b]\n    as: unit\n" +
             "    run: echo ${{ unit }} ${{ item }}\n";
        break;
      case 5:
        y += "  - id: fine" + k + "\n    exec: [echo, \"${{ vars.v3 }}\"]\n";
        break;
      default:
        y += "  - id: bash" + k + "\n    exec: [bash, -c, \"echo ${{ inputs.app }}\"]\n";
        break;
    }
  }
  return y;
}

std::string checked(const std::string& yaml, size_t parallel_from) {
  Diagnostics diags;
  auto rb = load::load_runbook_text("p.yaml", yaml, diags);
  REQUIRE(rb);
  REQUIRE_FALSE(diags.has_errors());
  check::check_runbook(*rb, diags, check::CheckOptions{parallel_from});
  return render_diagnostics(diags);  // in the order they were added: not sorted
}

}  // namespace

TEST_CASE("a long list checked in two halves at once gives one pass's diagnostics, in its order") {
  for (int n : {2, 3, 29, 140}) {
    const std::string yaml = faulty_steps(n);
    const std::string one_pass = checked(yaml, 0);
    INFO(n << " steps");
    CHECK_FALSE(one_pass.empty());
    CHECK(checked(yaml, 2) == one_pass);
    CHECK(checked(yaml, static_cast<size_t>(n)) == one_pass);
  }
  // The diagnostics of both halves are there: one for each of the 20 steps that name 'ap'.
  const std::string text = checked(faulty_steps(140), 2);
  size_t unknown = 0;
  for (size_t at = text.find("unknown input 'ap'"); at != std::string::npos;
       at = text.find("unknown input 'ap'", at + 1)) {
    ++unknown;
  }
  CHECK(unknown == 20);
  CHECK(text.find("p.yaml:7:33: error: unknown input 'ap'") != std::string::npos);
}
