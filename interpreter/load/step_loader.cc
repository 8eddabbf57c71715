#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <set>
#include <string_view>
#include <thread>

#include "base/spelling.h"
#include "load/keys.h"
#include "load/runbook_loader.h"

namespace rb::load {
namespace {

constexpr int kMaxStepDepth = 32;
// A top-level list this long is loaded on several threads.
constexpr size_t kParallelSteps = 256;

const std::vector<std::string> kRootNames = {"inputs", "vars", "env", "steps", "run", "runbook"};
const std::vector<std::string> kPosixShells = {"bash", "sh", "dash", "zsh", "ksh"};

// A duration written as a template ("${{ inputs.timeout }}"): rendered when the step runs.
bool templated(const yaml::Node& n) {
  return n.IsScalar() && n.Scalar().find("${{") != std::string::npos;
}

bool valid_step_id(const std::string& s) {
  if (s.empty() || s.size() > 100 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

// Whether an `include` key is anywhere under `n`: an include reads and caches another file,
// which only the loading thread may do.
bool has_include(const yaml::Node& n) {
  if (n.IsSequence()) {
    for (const yaml::Node& item : n) {
      if (has_include(item)) return true;
    }
  } else if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == "include") return true;
      if (has_include(it->second)) return true;
    }
  }
  return false;
}

// Every key a step may have: kStepActions, then kStepModifiers (load/keys.h), as the loader
// reads them by index. all_keys() checks that the two lists agree.
constexpr std::string_view kStepKeyNames[] = {
    "run",     "exec",  "wait",     "confirm",  "assert",      "set",      "log",
    "fail",    "sleep", "include",  "steps",    "id",          "name",     "description",
    "if",      "needs", "for_each", "as",       "retry",       "timeout",  "continue_on_error",
    "env",     "cwd",   "capture",  "outputs",  "on_failure",  "readonly", "shell",
    "message", "with",  "explicit", "parallel", "max_failures"};
constexpr size_t kStepKeyCount = std::size(kStepKeyNames);
constexpr size_t kActionCount = 11;  // the first kActionCount keys are the actions

// The index of a step key, at compile time (a name that is no step key does not compile).
consteval size_t key(std::string_view name) {
  for (size_t i = 0; i < kStepKeyCount; ++i) {
    if (kStepKeyNames[i] == name) return i;
  }
  throw "not a step key";
}

// Every key a step may have, built once (the loader checks each step's keys against it).
const std::vector<std::string>& all_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = kStepActions;
    k.insert(k.end(), kStepModifiers.begin(), kStepModifiers.end());
    bool same = k.size() == kStepKeyCount && kStepActions.size() == kActionCount;
    for (size_t i = 0; same && i < k.size(); ++i) same = k[i] == kStepKeyNames[i];
    if (!same) {  // a key added to load/keys.h and not here: a bug, found by any test
      std::fprintf(stderr, "internal error: step_loader.cc's step keys differ from load/keys.h\n");
      std::abort();
    }
    return k;
  }();
  return keys;
}

// The index of an action's key; kActionCount when `name` is no action.
size_t action_index(std::string_view name) {
  size_t i = 0;
  while (i < kActionCount && kStepKeyNames[i] != name) ++i;
  return i;
}

bool is_action(std::string_view name) {
  return action_index(name) < kActionCount;
}

}  // namespace

struct StepLoader::StepKeys {
  yaml::Node value[kStepKeyCount];  // undefined when the step does not have the key
  const yaml::Node& operator[](size_t i) const { return value[i]; }
};

std::vector<model::Step> StepLoader::load_steps(const yaml::Node& node, std::string_view what,
                                                Location fallback, int depth) {
  std::vector<model::Step> steps;
  if (!r_.expect_list(node, what, fallback)) return steps;
  if (depth > kMaxStepDepth) {
    r_.diags().error(r_.at(node, fallback), "steps nested more than 32 groups deep");
    return steps;
  }
  if (depth == 0 && node.size() >= kParallelSteps) {
    if (auto loaded = load_in_parallel(node)) return std::move(*loaded);
  }
  steps.reserve(node.size());  // a Step is large: no doubling copies of a long list
  for (const yaml::Node& item : node) {
    if (auto step = load_step(item, depth)) steps.push_back(std::move(*step));
  }
  return steps;
}

// A long list's items in as many ranges as there are hardware threads (up to 8), each loaded
// by a StepLoader of its own into its own Diagnostics; the steps and the messages are joined in
// order, so both are what one loop gives. Loading a step reads only its own nodes and the
// (immutable) tree; an include would read another file, so a list with one is loaded here.
std::optional<std::vector<model::Step>> StepLoader::load_in_parallel(const yaml::Node& node) {
  const size_t threads = std::min(8u, std::thread::hardware_concurrency());
  if (threads < 2) return std::nullopt;
  // A key is its text in the file unless a double-quoted escape spells it: a file without
  // "include" and without a backslash has no include step, and its tree need not be searched.
  const std::string& text = r_.file().text();
  const bool may_include =
      text.find("include") != std::string::npos || text.find('\\') != std::string::npos;
  if (may_include && has_include(node)) return std::nullopt;
  std::vector<yaml::Node> items(node.begin(), node.end());
  const size_t n = std::min(threads, items.size());
  struct Range {
    Diagnostics diags;
    std::vector<model::Step> steps;
  };
  std::vector<Range> ranges(n);
  auto load_range = [&](size_t k) {
    const size_t from = items.size() * k / n, to = items.size() * (k + 1) / n;
    YamlReader reader(r_.file(), k == 0 ? r_.diags() : ranges[k].diags);
    StepLoader loader(loader_, reader, file_path_);
    // The first range's list becomes the whole list: reserved whole, it is not copied again.
    ranges[k].steps.reserve(k == 0 ? items.size() : to - from);
    for (size_t i = from; i < to; ++i) {
      if (auto step = loader.load_step(items[i], 0)) ranges[k].steps.push_back(std::move(*step));
    }
  };
  std::vector<std::thread> running;
  for (size_t k = 1; k < n; ++k) {
    try {
      running.emplace_back(load_range, k);
    } catch (const std::system_error&) {
      break;  // no more threads: the ranges left are loaded below, here
    }
  }
  load_range(0);
  for (size_t k = running.size() + 1; k < n; ++k) load_range(k);
  for (std::thread& t : running) t.join();
  std::vector<model::Step> steps = std::move(ranges[0].steps);
  for (size_t k = 1; k < n; ++k) {
    r_.diags().append(ranges[k].diags);
    for (model::Step& s : ranges[k].steps) steps.push_back(std::move(s));
    std::vector<model::Step>().swap(ranges[k].steps);  // freed now: a Step is large
  }
  return steps;
}

std::optional<model::Step> StepLoader::load_step(const yaml::Node& node, int depth) {
  Diagnostics& d = r_.diags();
  if (!node.IsMap()) {
    std::string hint = "a step is a mapping with one action, e.g. '- run: echo hello'";
    if (node.IsScalar()) hint = "did you mean '- run: " + node.Scalar() + "'?";
    d.error(r_.at(node), std::string("a step must be a mapping, not ") + YamlReader::kind(node),
            hint);
    return std::nullopt;
  }
  model::Step step;
  step.location = r_.at(node);
  StepKeys k;
  r_.check_keys(node, all_keys(), "step", k.value);

  // Exactly one action.
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string& key = it->first.Scalar();
    if (!is_action(key)) continue;
    if (!step.action_name.empty()) {
      if (key == step.action_name) continue;  // a duplicate key, reported by check_keys
      d.error(r_.at(it->first),
              "a step has exactly one action, but this one has both '" + step.action_name +
                  "' and '" + key + "'",
              "split it into two steps", r_.width(it->first));
      continue;
    }
    step.action_name = key;
    step.action_location = r_.at(it->first);
  }
  if (step.action_name.empty()) {
    d.error(step.location, "this step has no action",
            "give it one of: run, exec, wait, confirm, assert, set, log, fail, sleep, include, "
            "steps");
  } else if (!load_action(k, step.action_name, k[action_index(step.action_name)], step, depth)) {
    // The action's own errors are reported; keep the step for further checks.
  }
  // Keys that belong to one action only.
  auto only_with = [&](const char* key, const yaml::Node& n, const char* action) {
    if (n.IsDefined() && step.action_name != action && !step.action_name.empty()) {
      d.error(r_.at(n, step.location).known() ? r_.at(n) : step.location,
              std::string("'") + key + "' only goes with '" + action + "', not with '" +
                  step.action_name + "'");
    }
  };
  only_with("with", k[key("with")], "include");
  only_with("message", k[key("message")], "assert");
  only_with("explicit", k[key("explicit")], "confirm");
  if (k[key("shell")].IsDefined() && step.action_name != "run" && !step.action_name.empty()) {
    d.error(
        r_.at(k[key("shell")], step.location),
        "'shell' only goes with 'run', not with '" + step.action_name + "'",
        step.action_name == "wait" ? "put it inside the wait: wait: { run: ..., shell: sh }" : "");
  }
  load_modifiers(k, step, depth);
  return step;
}

std::optional<model::Command> StepLoader::load_command(const yaml::Node& run,
                                                       const yaml::Node& exec,
                                                       const yaml::Node& shell, Location fallback) {
  Diagnostics& d = r_.diags();
  if (run.IsDefined()) {
    model::ShellCommand c;
    c.location = r_.at(run, fallback);
    if (run.IsSequence()) {
      d.error(c.location, "'run' takes a script as text, not a list",
              "for a program and its arguments without a shell, use 'exec: [prog, arg]'");
      return std::nullopt;
    }
    auto t = r_.read_template(run, "'run'", fallback);
    if (!t) return std::nullopt;
    if (run.Scalar().find_first_not_of(" \t\r\n") == std::string::npos) {
      d.error(c.location, "'run' is empty", "write the command to run");
    }
    c.script = std::move(*t);
    if (shell.IsDefined()) {
      if (auto s = r_.read_string(shell, "'shell'", fallback)) {
        bool known = false;
        for (const std::string& p : kPosixShells) known = known || p == *s;
        if (!known) {
          std::string hint = did_you_mean(*s, kPosixShells);
          d.error(r_.at(shell), "unsupported shell '" + *s + "'",
                  hint.empty() ? "use bash, sh, dash, zsh or ksh; run other interpreters with "
                                 "'exec: [python3, -c, ...]'"
                               : hint,
                  r_.width(shell));
        } else {
          c.shell = *s;
        }
      }
    }
    return c;
  }
  model::ExecCommand c;
  c.location = r_.at(exec, fallback);
  if (!exec.IsSequence()) {
    d.error(c.location,
            std::string("'exec' takes a list of arguments, not ") + YamlReader::kind(exec),
            "write 'exec: [kubectl, get, pods]'; for a shell command line use 'run:'");
    return std::nullopt;
  }
  if (exec.size() == 0) {
    d.error(c.location, "'exec' is empty", "name the program to run: 'exec: [prog, args...]'");
    return std::nullopt;
  }
  for (const yaml::Node& a : exec) {
    if (auto t = r_.read_template(a, "an 'exec' argument", c.location)) {
      c.argv.push_back(std::move(*t));
    }
  }
  return c;
}

bool StepLoader::load_action(const StepKeys& k, const std::string& key, const yaml::Node& value,
                             model::Step& step, int depth) {
  Diagnostics& d = r_.diags();
  const Location at = r_.at(value, step.action_location);
  if (key == "run" || key == "exec") {
    auto c = load_command(key == "run" ? value : yaml::Node(), key == "exec" ? value : yaml::Node(),
                          k[::rb::load::key("shell")], step.action_location);
    if (!c) return false;
    step.action = model::CommandAction{std::move(*c)};
    return true;
  }
  if (key == "wait") {
    if (!r_.expect_map(value, "'wait'", at)) return false;
    r_.check_keys(value, kWaitKeys, "'wait'");
    model::WaitAction w;
    const yaml::Node run = value["run"], exec = value["exec"];
    if (run.IsDefined() == exec.IsDefined()) {
      d.error(at,
              run.IsDefined() ? "'wait' has both 'run' and 'exec'"
                              : "'wait' needs a command to poll: 'run' or 'exec'",
              "e.g. wait: { run: juju status --format json, until: \"...\", interval: 10s }");
      return false;
    }
    auto c = load_command(run, exec, value["shell"], at);
    if (!c) return false;
    w.command = std::move(*c);
    if (const yaml::Node u = value["until"]; u.IsDefined()) {
      w.until = r_.read_guard(u, "'until'", at);
    } else {
      d.error(at, "'wait' needs 'until': the condition it waits for",
              "e.g. until: contains(output, 'active')");
    }
    if (const yaml::Node u = value["fail_if"]; u.IsDefined()) {
      w.fail_if = r_.read_guard(u, "'fail_if'", at);
    }
    if (const yaml::Node n = value["interval"]; n.IsDefined()) {
      if (templated(n)) {
        w.interval_template = r_.read_template(n, "'interval'", at);
      } else if (auto v = r_.read_duration(n, "'interval'", at)) {
        w.interval = *v;
      }
    }
    if (const yaml::Node n = value["timeout"]; n.IsDefined()) {
      if (templated(n)) {
        w.timeout_template = r_.read_template(n, "'timeout'", at);
      } else if (auto v = r_.read_duration(n, "'timeout'", at)) {
        w.timeout = *v;
      }
    }
    step.action = std::move(w);
    return true;
  }
  if (key == "confirm" || key == "log" || key == "fail") {
    auto t = r_.read_template(value, "'" + key + "'", at);
    if (!t) return false;
    if (key == "confirm") {
      model::ConfirmAction c{std::move(*t), false};
      if (const yaml::Node& n = k[::rb::load::key("explicit")]; n.IsDefined()) {
        c.explicit_approval = r_.read_bool(n, "'explicit'", at).value_or(false);
      }
      step.action = std::move(c);
    }
    if (key == "log") step.action = model::LogAction{std::move(*t)};
    if (key == "fail") step.action = model::FailAction{std::move(*t)};
    return true;
  }
  if (key == "assert") {
    model::AssertAction a;
    if (value.IsSequence()) {
      if (value.size() == 0) d.error(at, "'assert' is empty", "list the conditions to check");
      for (const yaml::Node& c : value) {
        if (auto e = r_.read_guard(c, "an 'assert' condition", at)) a.conditions.push_back(e);
      }
    } else if (auto e = r_.read_guard(value, "'assert'", at)) {
      a.conditions.push_back(e);
    }
    if (const yaml::Node& m = k[::rb::load::key("message")]; m.IsDefined()) {
      a.message = r_.read_template(m, "'message'", at);
    }
    step.action = std::move(a);
    return true;
  }
  if (key == "set") {
    model::SetAction s;
    s.values = loader_.load_named_templates(r_, value, "'set'", false, at);
    if (value.IsMap() && value.size() == 0) d.error(at, "'set' is empty", "name the vars to set");
    step.action = std::move(s);
    return true;
  }
  if (key == "sleep") {
    if (templated(value)) {
      model::SleepAction s;
      s.duration_template = r_.read_template(value, "'sleep'", at);
      if (!s.duration_template) return false;
      step.action = std::move(s);
      return true;
    }
    auto v = r_.read_duration(value, "'sleep'", at);
    if (!v) return false;
    step.action = model::SleepAction{*v, std::nullopt};
    return true;
  }
  if (key == "include") {
    model::IncludeAction inc;
    auto p = r_.read_string(value, "'include'", at);
    if (!p) return false;
    inc.path = {*p, at};
    namespace fs = std::filesystem;
    fs::path base = fs::path(file_path_).parent_path();
    inc.resolved_path =
        (fs::path(*p).is_absolute() ? fs::path(*p) : base / *p).lexically_normal().string();
    if (const yaml::Node& w = k[::rb::load::key("with")]; w.IsDefined() && !w.IsNull()) {
      inc.with = loader_.load_named_templates(r_, w, "'with'", false, at);
    }
    inc.runbook = loader_.load_file(inc.resolved_path, at);
    step.action = std::move(inc);
    return true;
  }
  if (key == "steps") {
    model::GroupAction g;
    g.steps = load_steps(value, "'steps'", at, depth + 1);
    if (value.IsSequence() && value.size() == 0) {
      d.error(at, "the group's 'steps' is empty", "list the steps of the group");
    }
    step.action = std::move(g);
    return true;
  }
  return false;
}

void StepLoader::load_modifiers(const StepKeys& k, model::Step& step, int depth) {
  Diagnostics& d = r_.diags();
  const Location at = step.location;
  if (const yaml::Node& n = k[key("id")]; n.IsDefined()) {
    if (auto s = r_.read_string(n, "'id'", at)) {
      step.id_location = r_.at(n, at);
      if (!valid_step_id(*s)) {
        std::string fixed;
        for (char c : *s) {
          char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          fixed += ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_') ? l : '-';
        }
        d.error(step.id_location, "invalid step id '" + *s + "'",
                "ids are lower-case letters, digits, '_' and '-', starting with a letter" +
                    (valid_step_id(fixed) ? std::string(", e.g. '") + fixed + "'" : std::string()),
                r_.width(n));
      } else {
        step.id = *s;
      }
    }
  }
  if (const yaml::Node& n = k[key("name")]; n.IsDefined())
    step.name = r_.read_template(n, "'name'", at);
  if (const yaml::Node& n = k[key("description")]; n.IsDefined()) {
    step.description = r_.read_string(n, "'description'", at).value_or("");
  }
  if (const yaml::Node& n = k[key("if")]; n.IsDefined()) step.guard = r_.read_guard(n, "'if'", at);
  if (const yaml::Node& n = k[key("needs")]; n.IsDefined()) {
    step.needs_given = true;
    auto add = [&](const yaml::Node& e) {
      if (auto s = r_.read_string(e, "a 'needs' entry", at)) {
        step.needs.push_back({*s, r_.at(e, at)});
      }
    };
    if (n.IsSequence()) {
      for (const yaml::Node& e : n) add(e);
    } else if (n.IsScalar()) {
      add(n);
    } else {
      d.error(r_.at(n, at), "'needs' must be a list of step ids", "e.g. needs: [backup, drain]");
    }
  }
  if (const yaml::Node& n = k[key("for_each")]; n.IsDefined()) {
    if (n.IsSequence()) {
      std::vector<expr::Template> items;
      for (const yaml::Node& e : n) {
        if (auto t = r_.read_template(e, "a 'for_each' item", at)) items.push_back(std::move(*t));
      }
      step.for_each_items = std::move(items);
    } else {
      step.for_each = r_.read_guard(n, "'for_each'", at);
    }
  }
  if (const yaml::Node& n = k[key("as")]; n.IsDefined()) {
    if (auto s = r_.read_string(n, "'as'", at)) {
      Location l = r_.at(n, at);
      bool reserved = false;
      for (const std::string& root : kRootNames) reserved = reserved || root == *s;
      if (!k[key("for_each")].IsDefined()) {
        d.error(l, "'as' names the loop variable, but this step has no 'for_each'");
      } else if (!is_identifier(*s, false)) {
        d.error(l, "invalid loop variable name '" + *s + "'", "use letters, digits and '_'",
                r_.width(n));
      } else if (reserved) {
        d.error(l, "the loop variable cannot be called '" + *s + "': that name is taken",
                "pick another name, e.g. 'unit'", r_.width(n));
      } else {
        step.loop_var = *s;
      }
    }
  }
  load_fan_out(k, step);
  if (const yaml::Node& n = k[key("retry")]; n.IsDefined()) {
    if (r_.expect_map(n, "'retry'", at)) {
      r_.check_keys(n, kRetryKeys, "'retry'");
      model::RetryPolicy p;
      p.location = r_.at(n, at);
      if (const yaml::Node a = n["attempts"]; a.IsDefined()) {
        if (auto v = r_.read_int(a, "'attempts'", p.location)) {
          if (*v < 1 || *v > 10000) {
            d.error(r_.at(a), "'attempts' must be between 1 and 10000", "", r_.width(a));
          } else {
            p.attempts = static_cast<int>(*v);
          }
        }
      } else {
        d.error(p.location, "'retry' needs 'attempts'", "e.g. retry: { attempts: 3, delay: 5s }");
      }
      if (const yaml::Node a = n["delay"]; a.IsDefined()) {
        if (templated(a)) {
          p.delay_template = r_.read_template(a, "'delay'", p.location);
        } else if (auto v = r_.read_duration(a, "'delay'", p.location)) {
          p.delay = *v;
        }
      }
      if (const yaml::Node a = n["backoff"]; a.IsDefined()) {
        if (auto v = r_.read_number(a, "'backoff'", p.location)) {
          if (*v < 1.0 || *v > 100.0) {
            d.error(r_.at(a), "'backoff' must be between 1 and 100",
                    "the delay is multiplied by it after each attempt", r_.width(a));
          } else {
            p.backoff = *v;
          }
        }
      }
      if (const yaml::Node a = n["until"]; a.IsDefined())
        p.until = r_.read_guard(a, "'until'", p.location);
      step.retry = std::move(p);
    }
  }
  if (const yaml::Node& n = k[key("timeout")]; n.IsDefined() && templated(n)) {
    step.timeout_template = r_.read_template(n, "'timeout'", at);
  } else if (n.IsDefined()) {
    if (auto v = r_.read_duration(n, "'timeout'", at)) {
      if (v->count() == 0) {
        d.error(r_.at(n), "'timeout' must be longer than 0", "", r_.width(n));
      } else {
        step.timeout = model::Located<Duration>{*v, r_.at(n)};
      }
    }
  }
  if (const yaml::Node& n = k[key("continue_on_error")]; n.IsDefined()) {
    step.continue_on_error = r_.read_bool(n, "'continue_on_error'", at).value_or(false);
  }
  if (const yaml::Node& n = k[key("readonly")]; n.IsDefined()) {
    step.readonly = r_.read_bool(n, "'readonly'", at).value_or(false);
  }
  if (const yaml::Node& n = k[key("env")]; n.IsDefined() && !n.IsNull()) {
    step.env = loader_.load_named_templates(r_, n, "'env'", true, at);
  }
  if (const yaml::Node& n = k[key("cwd")]; n.IsDefined())
    step.cwd = r_.read_template(n, "'cwd'", at);
  if (const yaml::Node& n = k[key("capture")]; n.IsDefined()) {
    if (auto s = r_.read_string(n, "'capture'", at)) {
      step.capture_given = true;
      if (*s == "text") {
        step.capture = model::Capture::kText;
      } else if (*s == "json") {
        step.capture = model::Capture::kJson;
      } else if (*s == "lines") {
        step.capture = model::Capture::kLines;
      } else {
        std::string hint = did_you_mean(*s, {"text", "json", "lines"});
        d.error(r_.at(n), "unknown capture '" + *s + "'",
                hint.empty() ? "use text, json or lines" : hint, r_.width(n));
      }
    }
  }
  if (const yaml::Node& n = k[key("outputs")]; n.IsDefined() && !n.IsNull()) {
    step.outputs = load_outputs(n, at);
  }
  if (const yaml::Node& n = k[key("on_failure")]; n.IsDefined() && !n.IsNull()) {
    step.on_failure = load_steps(n, "'on_failure'", at, depth + 1);
  }
}

// parallel: N and max_failures: N | "P%", the rate control of a for_each.
void StepLoader::load_fan_out(const StepKeys& k, model::Step& step) {
  Diagnostics& d = r_.diags();
  const Location at = step.location;
  const bool loop = k[key("for_each")].IsDefined();
  auto without_loop = [&](const yaml::Node& n, const char* key, const char* what) {
    d.error(r_.at(n, at),
            std::string("'") + key + "' " + what + ", but this step has no 'for_each'",
            "give the step a 'for_each', or remove '" + std::string(key) +
                "'; steps run at the same time when their 'needs' are met (up to the "
                "runbook's 'max_parallel')");
  };
  if (const yaml::Node& n = k[key("parallel")]; n.IsDefined()) {
    if (!loop) {
      without_loop(n, "parallel", "is how many items of a 'for_each' run at the same time");
    } else if (auto v = r_.read_int(n, "'parallel'", at)) {
      if (*v < 1 || *v > model::kMaxParallel) {
        d.error(r_.at(n), "'parallel' must be between 1 and 1000",
                "it is how many items run at the same time; 1 runs them one after another",
                r_.width(n));
      } else {
        step.parallel = static_cast<int>(*v);
        step.parallel_location = r_.at(n);
      }
    }
  }
  if (const yaml::Node& n = k[key("max_failures")]; n.IsDefined()) {
    if (!loop) {
      without_loop(n, "max_failures", "is how many items of a 'for_each' may fail");
      return;
    }
    const Location l = r_.at(n, at);
    const char* hint =
        "write a count like 'max_failures: 2' or a share of the items like "
        "'max_failures: \"10%\"'";
    if (!n.IsScalar()) {
      d.error(l,
              std::string("'max_failures' must be a whole number or a percentage, not ") +
                  YamlReader::kind(n),
              hint);
      return;
    }
    const std::string& s = n.Scalar();
    const expr::Value v = r_.scalar_value(n);
    if (v.is_int()) {
      if (v.as_int() < 0 || v.as_int() > 1000000) {
        d.error(l, "'max_failures' must be between 0 and 1000000", hint, r_.width(n));
        return;
      }
      step.max_failures.count = static_cast<int>(v.as_int());
      step.max_failures.location = l;
      return;
    }
    if (!s.empty() && s.back() == '%') {
      const std::string digits = s.substr(0, s.size() - 1);
      bool whole = !digits.empty() && digits.size() <= 3;
      for (char c : digits) whole = whole && c >= '0' && c <= '9';
      if (whole && std::stoi(digits) <= 100) {
        step.max_failures.percent = std::stoi(digits);
        step.max_failures.location = l;
        return;
      }
      d.error(l, "invalid percentage '" + s + "' for 'max_failures'",
              "a percentage is a whole number from 0 to 100 followed by '%', like \"25%\"",
              r_.width(n));
      return;
    }
    d.error(l, "invalid 'max_failures' '" + s + "'", hint, r_.width(n));
  }
}

std::vector<model::NamedExpr> StepLoader::load_outputs(const yaml::Node& n, Location at) {
  std::vector<model::NamedExpr> out;
  Diagnostics& d = r_.diags();
  if (!r_.expect_map(n, "'outputs'", at)) return out;
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    model::NamedExpr o;
    o.name = it->first.Scalar();
    o.location = r_.at(it->first);
    if (!seen.insert(o.name).second) {
      d.error(o.location, "duplicate output '" + o.name + "'", "", r_.width(it->first));
      continue;
    }
    if (!is_identifier(o.name, true)) {
      d.error(o.location, "invalid output name '" + o.name + "'",
              "use letters, digits, '_' and '-', starting with a letter", r_.width(it->first));
      continue;
    }
    o.value = r_.read_guard(it->second, "output '" + o.name + "'", o.location);
    if (o.value) out.push_back(std::move(o));
  }
  return out;
}

}  // namespace rb::load
