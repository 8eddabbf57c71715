#include "cli/run_setup.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <random>

#include "base/diagnostic_renderer.h"
#include "cli/load_and_check.h"
#include "load/input_values.h"
#include "load/inputs_file.h"

namespace rb::cli {

void add_input_options(CLI::App& cmd, InputArgs& args) {
  cmd.add_option("-i,--input", args.pairs, "An input value, NAME=VALUE (repeatable)");
  cmd.add_option("--inputs-file", args.file, "A YAML or JSON file of input values");
}

std::optional<expr::Map> resolve_cli_inputs(const model::Runbook& rb, const InputArgs& args,
                                            exec::SecretMasker& masker) {
  expr::Map given;
  if (!args.file.empty()) {
    Diagnostics diags;
    auto values = load::read_inputs_file(args.file, diags);
    print_diagnostics(diags);
    if (!values) return std::nullopt;
    given = std::move(*values);
  }
  bool bad = false;
  for (const std::string& pair : args.pairs) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "runbook: error: -i takes NAME=VALUE, got '%s'\n", pair.c_str());
      bad = true;
      continue;
    }
    given[pair.substr(0, eq)] = expr::Value(pair.substr(eq + 1));
  }
  if (bad) return std::nullopt;
  // Mask secrets as given, before anything can print them (even in an error).
  for (const model::InputSpec& spec : rb.inputs) {
    if (!spec.secret) continue;
    if (auto it = given.find(spec.name); it != given.end()) masker.add(it->second.to_text());
  }
  std::vector<std::string> problems;
  auto inputs = load::resolve_inputs(rb, given, &problems);
  for (const std::string& p : problems) {
    std::fprintf(stderr, "%s: error: %s\n", rb.path.c_str(), masker.mask(p).c_str());
  }
  if (!inputs) return std::nullopt;
  for (const model::InputSpec& spec : rb.inputs) {
    if (spec.secret) masker.add((*inputs)[spec.name].to_text());
  }
  return inputs;
}

std::string state_dir_from(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("RUNBOOK_STATE_DIR"); env != nullptr && *env != '\0') return env;
  return ".runbook";
}

std::string new_run_id() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(rd() & 0xffff));
  return std::string(stamp) + "-" + suffix;
}

bool make_run_dir(const std::string& state_dir, const std::string& run_id, std::string* run_dir,
                  std::string* error) {
  std::string path;
  for (const std::string& part : {state_dir, std::string("runs"), run_id, std::string("logs")}) {
    path = path.empty() ? part : path + "/" + part;
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      *error = "cannot create the state folder '" + path + "': " + std::strerror(errno) +
               " (choose another with --state-dir or RUNBOOK_STATE_DIR)";
      return false;
    }
  }
  *run_dir = state_dir + "/runs/" + run_id;
  return true;
}

}  // namespace rb::cli
