// How `runbook plan` grows with the size of a runbook: plans of 2,000 and of 20,000 steps
// (commands with interpolations, guards decided now and at run time, sets, loops), timed side by
// side in this one process. The target: linear, at most 11x the time for 10x the steps. Exits 1
// when the target is missed.
//
//   bench_plan_scaling [--runbook PATH] [--rounds R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "bench_support.h"

using rb::bench::median;
using rb::bench::run_seconds;

namespace {

// A runbook of `steps` steps in groups of four: a readonly command, a guard on its output (a
// runtime verdict), a set, and a guard decided by an input.
void write_runbook(const std::string& path, int steps) {
  std::ofstream y(path);
  y << "runbook: 1\nname: plan-bench\ninputs:\n  app: { type: string, default: db }\n"
       "  mode: { type: string, default: store }\nsteps:\n";
  for (int i = 0; i < steps / 4; ++i) {
    y << "  - id: look" << i << "\n    run: juju status ${{ inputs.app }} --format json\n"
      << "    capture: json\n    readonly: true\n";
    y << "  - id: act" << i << "\n    if: steps.look" << i << ".output.ready\n"
      << "    run: juju run ${{ inputs.app }}/" << i << " resume-upgrade\n";
    y << "  - id: note" << i << "\n    set: { last: \"unit ${{ inputs.app }}/" << i << "\" }\n";
    y << "  - id: local" << i << "\n    if: inputs.mode == 'local'\n"
      << "    log: local ${{ vars.last }}\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string runbook = "build/runbook";
  int rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runbook")) runbook = argv[i + 1];
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
  }
  char dir_template[] = "/tmp/runbook-plan-bench-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  write_runbook(dir + "/small.yaml", 2000);
  write_runbook(dir + "/large.yaml", 20000);

  std::vector<double> small, large;
  for (int r = 0; r < rounds; ++r) {
    small.push_back(run_seconds({runbook, "plan", dir + "/small.yaml", "--format", "json"}));
    large.push_back(run_seconds({runbook, "plan", dir + "/large.yaml", "--format", "json"}));
  }
  const double s = median(small), l = median(large), ratio = l / s;
  std::printf("plan of  2,000 steps: %8.1f ms (median of %d)\n", s * 1e3, rounds);
  std::printf("plan of 20,000 steps: %8.1f ms\n", l * 1e3);
  std::printf("ratio: %.2f (target: <= 11, linear)  %s\n", ratio, ratio <= 11 ? "ok" : "MISSED");
  std::string cleanup = "rm -rf '" + dir + "'";
  if (std::system(cleanup.c_str()) != 0) return 2;
  return ratio <= 11 ? 0 : 1;
}
