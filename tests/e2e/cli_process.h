#pragma once
// Test support: runs the built `runbook` (or any program) and collects what it did.
#include <string>
#include <vector>

namespace rb::e2e {

struct CliResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

struct CliOptions {
  std::string cwd;                        // default: the source tree
  std::vector<std::string> extra_env;     // "K=V", added to (and overriding) the environment
  std::string stdin_text;                 // fed to the child's stdin (then closed)
  int timeout_seconds = 120;              // the child is killed after this: a hang fails a test
};

CliResult run_program(const std::vector<std::string>& argv, const CliOptions& options = {});
// Runs RUNBOOK_BIN with `args`.
CliResult run_runbook(const std::vector<std::string>& args, const CliOptions& options = {});

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
// A fresh empty directory under the system temp dir.
std::string make_temp_dir();

}  // namespace rb::e2e
