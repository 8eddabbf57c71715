#pragma once
// What the benchmarks share: running a program with its output thrown away and timing it (and
// its peak memory), and the median of repeated timings.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace rb::bench {

struct Measured {
  double seconds = 0;
  long max_rss_kib = 0;  // the peak resident memory of the process itself (getrusage)
};

// Runs argv (searched in PATH) with stdout and stderr on /dev/null; exits 2 if it fails.
inline Measured run_measured(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) {
    std::fprintf(stderr, "cannot run %s\n", args[0]);
    std::exit(2);
  }
  int status = 0;
  struct rusage usage {};
  while (wait4(pid, &status, 0, &usage) < 0) {
  }
  Measured m;
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.max_rss_kib = usage.ru_maxrss;
  posix_spawn_file_actions_destroy(&fa);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string shown;
    for (const std::string& a : argv) shown += (shown.empty() ? "" : " ") + a;
    std::fprintf(stderr, "'%s' exited with %d\n", shown.c_str(), WEXITSTATUS(status));
    std::exit(2);
  }
  return m;
}

inline double run_seconds(std::vector<std::string> argv) {
  return run_measured(std::move(argv)).seconds;
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace rb::bench
