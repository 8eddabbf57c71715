// Per-step overhead of `runbook run` against GNU make spawning the same commands, measured side
// by side in this one process so machine noise hits both alike. Prints the times and the ratio.
//
//   bench_step_overhead [--runbook PATH] [--steps N] [--rounds R]
//
// Also times `runbook validate` of the same runbook against spawning /bin/true (startup cost).
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

namespace {}  // namespace

int main(int argc, char** argv) {
  std::string runbook = "build/runbook";
  int steps = 500, rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runbook")) runbook = argv[i + 1];
    if (!std::strcmp(argv[i], "--steps")) steps = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
  }
  char dir_template[] = "/tmp/runbook-bench-XXXXXX";
  std::string dir = mkdtemp(dir_template);

  std::ofstream yaml(dir + "/bench.yaml");
  yaml << "runbook: 1\nname: bench\nsteps:\n";
  for (int i = 0; i < steps; ++i) yaml << "  - id: s" << i << "\n    exec: [/bin/true]\n";
  yaml.close();
  std::ofstream mk(dir + "/Makefile");
  mk << "all:";
  for (int i = 0; i < steps; ++i) mk << " s" << i;
  mk << "\n.PHONY: all";
  for (int i = 0; i < steps; ++i) mk << " s" << i;
  mk << "\n";
  for (int i = 0; i < steps; ++i) mk << "s" << i << ":\n\t/bin/true\n";
  mk.close();

  std::vector<double> make_s, runbook_s, validate_s, true_s;
  for (int r = 0; r < rounds; ++r) {
    make_s.push_back(run_seconds({"make", "-s", "-j1", "-f", dir + "/Makefile"}));
    runbook_s.push_back(run_seconds(
        {runbook, "run", "--quiet", "--state-dir", dir + "/state", dir + "/bench.yaml"}));
    validate_s.push_back(run_seconds({runbook, "validate", "--quiet", dir + "/bench.yaml"}));
    true_s.push_back(run_seconds({"/bin/true"}));
  }
  double m = median(make_s), rb = median(runbook_s), v = median(validate_s), t = median(true_s);
  std::printf("steps: %d, rounds: %d (medians)\n", steps, rounds);
  std::printf("make      %d x /bin/true: %8.1f ms  (%.3f ms/step)\n", steps, m * 1e3,
              m * 1e3 / steps);
  std::printf("runbook   %d x /bin/true: %8.1f ms  (%.3f ms/step)\n", steps, rb * 1e3,
              rb * 1e3 / steps);
  std::printf("ratio runbook/make: %.2f\n", rb / m);
  std::printf("validate %d-step runbook: %8.1f ms; spawning /bin/true: %.1f ms; ratio %.1f\n",
              steps, v * 1e3, t * 1e3, v / t);
  std::string cleanup = "rm -rf '" + dir + "'";
  return std::system(cleanup.c_str()) == 0 ? 0 : 1;
}
