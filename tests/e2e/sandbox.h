#pragma once
// A fresh folder per test: `out` for the files steps write, `state` for runbook's records; the
// environment points runbook at it, without colour and as user "alice". Removed afterwards.
#include <filesystem>
#include <string>

#include "cli_process.h"

namespace rb::e2e {

struct Sandbox {
  std::string dir = make_temp_dir();
  std::string out = dir + "/out";
  std::string state = dir + "/state";
  Sandbox() { std::filesystem::create_directories(out); }
  ~Sandbox() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  CliOptions options() const {
    CliOptions o;
    o.extra_env = {"NO_COLOR=1", "RUNBOOK_STATE_DIR=" + state, "USER=alice"};
    o.timeout_seconds = 60;
    return o;
  }
  CliResult runbook(const std::vector<std::string>& args) const {
    return run_runbook(args, options());
  }
  bool has(const std::string& name) const { return std::filesystem::exists(out + "/" + name); }
  std::string file(const std::string& name) const { return read_file(out + "/" + name); }
};

}  // namespace rb::e2e
