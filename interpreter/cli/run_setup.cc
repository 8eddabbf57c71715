#include "cli/run_setup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>

#include "base/diagnostic_renderer.h"
#include "cli/console_style.h"
#include "cli/load_and_check.h"
#include "cli/tool_log.h"
#include "load/input_values.h"
#include "load/inputs_file.h"

extern char** environ;

namespace rb::cli {

void add_input_options(CLI::App& cmd, InputArgs& args) {
  cmd.add_option("-i,--input", args.pairs, "An input value, NAME=VALUE (repeatable)");
  cmd.add_option("--inputs-file", args.file, "A YAML or JSON file of input values");
}

void add_state_dir_option(CLI::App& cmd, std::string& dir) {
  cmd.add_option("--state-dir", dir,
                 "Where runs are recorded: a folder or a postgresql:// URL (default: "
                 "$RUNBOOK_STATE_DIR, else the nearest .runbook folder here or above, else "
                 ".runbook here)")
      ->option_text("DIR");
}

namespace {

// Reads --inputs-file and -i (which wins) into raw values. Prints problems; nullopt on any.
// An input with env: VAR whose variable is set (and not empty).
bool from_environment(const model::InputSpec& spec) {
  if (!spec.env_var) return false;
  const char* v = std::getenv(spec.env_var->value.c_str());
  return v != nullptr;
}

std::optional<expr::Map> read_given(const InputArgs& args) {
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
      spdlog::error("-i takes NAME=VALUE, got '{}'", pair);
      bad = true;
      continue;
    }
    given[pair.substr(0, eq)] = expr::Value(pair.substr(eq + 1));
  }
  if (bad) return std::nullopt;
  return given;
}

std::optional<expr::Map> resolve_given(const model::Runbook& rb, const expr::Map& given,
                                       command::SecretMasker& masker,
                                       std::vector<std::string>* missing_as_unknown = nullptr) {
  // Mask secrets as given, before anything can print them (even in an error).
  for (const model::InputSpec& spec : rb.inputs) {
    if (!spec.secret) continue;
    if (auto it = given.find(spec.name); it != given.end()) masker.add(it->second.to_text());
  }
  std::vector<std::string> problems;
  std::vector<std::string> environment;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) environment.emplace_back(*e);
  auto inputs = load::resolve_inputs(rb, given, &problems, missing_as_unknown, &environment);
  for (const std::string& p : problems) {
    std::fprintf(stderr, "%s: error: %s\n", rb.path.c_str(), masker.mask(p).c_str());
  }
  if (!inputs) return std::nullopt;
  for (const model::InputSpec& spec : rb.inputs) {
    const expr::Value& v = (*inputs)[spec.name];
    if (spec.secret && !v.is_unknown()) masker.add(v.to_text());
  }
  return inputs;
}

}  // namespace

std::optional<expr::Map> resolve_cli_inputs(const model::Runbook& rb, const InputArgs& args,
                                            command::SecretMasker& masker,
                                            std::vector<std::string>* secrets_given) {
  auto given = read_given(args);
  if (!given) return std::nullopt;
  if (secrets_given != nullptr) {
    for (const model::InputSpec& spec : rb.inputs) {
      if (spec.secret && (given->count(spec.name) || from_environment(spec))) {
        secrets_given->push_back(spec.name);
      }
    }
  }
  return resolve_given(rb, *given, masker);
}

std::optional<expr::Map> resolve_plan_inputs(const model::Runbook& rb, const InputArgs& args,
                                             command::SecretMasker& masker,
                                             std::vector<std::string>* not_given) {
  auto given = read_given(args);
  if (!given) return std::nullopt;
  return resolve_given(rb, *given, masker, not_given);
}

std::optional<expr::Map> resolve_cli_inputs_over(const model::Runbook& rb,
                                                 const expr::Map& recorded,
                                                 const std::vector<std::string>& secrets,
                                                 const InputArgs& args,
                                                 command::SecretMasker& masker) {
  auto given = read_given(args);
  if (!given) return std::nullopt;
  bool bad = false;
  for (const auto& [name, value] : *given) {
    if (std::find(secrets.begin(), secrets.end(), name) == secrets.end() && recorded.count(name)) {
      spdlog::error(
          "input '{}' was fixed when the run started; only secret inputs are given again on "
          "resume",
          name);
      bad = true;
    }
  }
  for (const std::string& name : secrets) {
    const model::InputSpec* spec = rb.find_input(name);
    if (!given->count(name) && !(spec && from_environment(*spec))) {
      spdlog::error(
          "secret input '{}' was given when the run started and is never stored; give it again "
          "with -i {}=VALUE",
          name, name);
      bad = true;
    }
  }
  if (bad) return std::nullopt;
  expr::Map merged = recorded;
  // Inputs recorded as null were not given: leave them out so defaults and checks apply again.
  for (auto it = merged.begin(); it != merged.end();) {
    it = it->second.is_null() ? merged.erase(it) : std::next(it);
  }
  for (const auto& [name, value] : *given) merged[name] = value;
  // A secret is recorded masked: one taken from its environment variable is taken from it again.
  for (const std::string& name : secrets) {
    if (!given->count(name)) merged.erase(name);
  }
  return resolve_given(rb, merged, masker);
}

ConsoleOptions console_options(bool quiet, bool verbose) {
  ConsoleOptions c;
  c.verbosity = quiet ? Verbosity::kQuiet : verbose ? Verbosity::kVerbose : Verbosity::kNormal;
  c.color = use_color(stdout);
  c.terminal = isatty(STDOUT_FILENO) == 1;
  return c;
}

std::string state_dir_from(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("RUNBOOK_STATE_DIR"); env != nullptr && *env != '\0')
    return env;
  // As git finds .git: the nearest .runbook folder up from here, so a run started in a
  // subfolder of a project is recorded (and found by status and resume) with the others.
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path here = fs::current_path(ec);
  if (!ec) {
    for (fs::path dir = here;; dir = dir.parent_path()) {
      const fs::path candidate = dir / kStateDirName;
      if (fs::is_directory(candidate, ec)) {
        return dir == here ? std::string(kStateDirName) : candidate.string();
      }
      if (dir == dir.root_path() || dir.parent_path() == dir) break;
    }
  }
  return kStateDirName;
}

std::string new_run_id() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%03d-%04x", static_cast<int>(ms),
                static_cast<unsigned>(rd() & 0xffff));
  return std::string(stamp) + suffix;
}

bool make_run_dir(const std::string& state_dir, const std::string& run_id, std::string* error) {
  std::string path;
  for (const std::string& part : {state_dir, std::string("runs"), run_id, std::string("logs")}) {
    path = path.empty() ? part : path + "/" + part;
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      *error = "cannot create the state folder '" + path + "': " + std::strerror(errno) +
               " (choose another with --state-dir or RUNBOOK_STATE_DIR)";
      return false;
    }
  }
  return true;
}

std::string run_dir_path(const std::string& state_dir, const std::string& run_id) {
  return state_dir + "/runs/" + run_id;
}

}  // namespace rb::cli
