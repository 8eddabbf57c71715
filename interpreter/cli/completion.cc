#include "cli/completion.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cli/load_and_check.h"
#include "cli/man_page.h"
#include "cli/run_setup.h"
#include "cli/run_store.h"
#include "record/journal_reader.h"
#include "record/state_store.h"

namespace rb::cli {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

const CLI::Option* find_option(const CLI::App& cmd, const std::string& word) {
  for (const CLI::Option* o : cmd.get_options()) {
    if (o->nonpositional() && o->check_name(word)) return o;
  }
  return nullptr;
}

// A flag expects no value (CLI11 gives it expected(0)).
bool takes_value(const CLI::Option* o) {
  return o && o->get_expected_max() > 0;
}

// The choices of an option checked with CLI::IsMember: CLI11 names its type "TEXT:{a,b,c}".
std::vector<std::string> choices_of(const CLI::Option* o) {
  std::string type = o->get_type_name();
  size_t open = type.find('{'), close = type.rfind('}');
  std::vector<std::string> out;
  if (open == std::string::npos || close == std::string::npos || close < open) return out;
  std::string list = type.substr(open + 1, close - open - 1);
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? comma : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// What a flag's value is, for the shell: a file, a folder, or nothing we can list.
const char* value_kind(const CLI::Option* o) {
  if (o->check_lname("state-dir")) return ":dirs";
  if (o->check_lname("diff")) return ":yaml";
  if (o->check_lname("inputs-file") || o->check_lname("output") || o->check_lname("junit")) {
    return ":files";
  }
  return nullptr;
}

// The state store, when it is a folder: a database is not asked on every Tab.
std::unique_ptr<record::StateStore> open_local_store(const std::string& flag) {
  if (state_dir_from(flag).find("://") != std::string::npos) return nullptr;
  return open_store(flag);
}

struct Parsed {
  std::vector<std::string> positionals;  // words that are not flags or flag values
  std::string state_dir;                 // --state-dir on the line
};

Parsed parse_words(const CLI::App& cmd, const std::vector<std::string>& words, size_t from,
                   size_t to) {
  Parsed p;
  for (size_t i = from; i < to; ++i) {
    const std::string& w = words[i];
    if (starts_with(w, "-") && w.size() > 1) {
      std::string name = w.substr(0, w.find('='));
      const CLI::Option* o = find_option(cmd, name);
      if (takes_value(o) && w.find('=') == std::string::npos && i + 1 < to) {
        if (o->check_lname("state-dir")) p.state_dir = words[i + 1];
        ++i;
      } else if (o && o->check_lname("state-dir") && w.find('=') != std::string::npos) {
        p.state_dir = w.substr(w.find('=') + 1);
      }
      continue;
    }
    p.positionals.push_back(w);
  }
  return p;
}

// The inputs of the runbook this command line is about: the file given to run or plan, or the
// file of the run being resumed.
std::vector<const model::InputSpec*> inputs_for(const CLI::App& cmd, const Parsed& p,
                                                std::shared_ptr<const model::Runbook>* keep) {
  std::string file;
  if (cmd.get_name() == "resume") {
    auto store = open_local_store(p.state_dir);
    if (!store) return {};
    std::string error;
    auto id = find_run(*store, p.positionals.empty() ? "" : p.positionals[0], &error);
    auto run = id ? read_run(*store, *id, &error) : std::nullopt;
    if (!run) return {};
    file = run->file;
  } else if (!p.positionals.empty()) {
    file = p.positionals[0];
  }
  std::error_code ec;
  if (file.empty() || !std::filesystem::is_regular_file(file, ec)) return {};
  CheckedRunbook checked = load_and_check(file);
  if (!checked.runbook) return {};
  *keep = checked.runbook;
  std::vector<const model::InputSpec*> out;
  for (const model::InputSpec& in : checked.runbook->inputs) out.push_back(&in);
  return out;
}

}  // namespace

std::vector<std::string> complete(const CLI::App& app, const std::vector<std::string>& words) {
  std::vector<std::string> out;
  if (words.empty()) return out;
  const std::string& cur = words.back();
  auto add = [&](const std::string& candidate) {
    if (starts_with(candidate, cur)) out.push_back(candidate);
  };
  // The command: the first word that names one.
  const CLI::App* cmd = nullptr;
  size_t cmd_at = 0;
  for (size_t i = 0; i + 1 < words.size() && !cmd; ++i) {
    for (const CLI::App* c : visible_commands(app)) {
      if (c->get_name() == words[i]) {
        cmd = c;
        cmd_at = i;
      }
    }
  }
  if (!cmd) {
    if (starts_with(cur, "-")) {
      for (const char* f : {"--help", "--version"}) add(f);
    } else {
      for (const CLI::App* c : visible_commands(app)) add(c->get_name());
    }
    return out;
  }
  const size_t n = words.size();
  // The value of the flag before the cursor.
  if (n >= 2 && n - 2 > cmd_at) {
    const CLI::Option* prev = find_option(*cmd, words[n - 2]);
    if (takes_value(prev)) {
      if (prev->check_lname("input")) {
        Parsed p = parse_words(*cmd, words, cmd_at + 1, n - 1);
        std::shared_ptr<const model::Runbook> keep;
        out.push_back(":nospace");
        for (const model::InputSpec* in : inputs_for(*cmd, p, &keep)) add(in->name + "=");
        return out;
      }
      std::vector<std::string> choices = choices_of(prev);
      if (!choices.empty()) {
        for (const std::string& c : choices) add(c);
      } else if (const char* kind = value_kind(prev)) {
        out.push_back(kind);
      }
      return out;
    }
  }
  if (starts_with(cur, "-")) {
    for (const CLI::Option* o : cmd->get_options()) {
      if (!o->nonpositional()) continue;
      for (const std::string& l : o->get_lnames()) add("--" + l);
    }
    if (cur.size() <= 1 || cur == "-") {
      for (const CLI::Option* o : cmd->get_options()) {
        if (!o->nonpositional()) continue;
        for (const std::string& s : o->get_snames()) add("-" + s);
      }
    }
    return out;
  }
  // A positional: a run id (resume, status) or a runbook file.
  const CLI::Option* positional = nullptr;
  for (const CLI::Option* o : cmd->get_options()) {
    if (!o->nonpositional() && o != cmd->get_help_ptr()) {
      positional = o;
      break;
    }
  }
  if (!positional) return out;
  Parsed p = parse_words(*cmd, words, cmd_at + 1, n - 1);
  if (positional->get_name() == "run_id") {
    if (!p.positionals.empty()) return out;
    std::vector<std::string> ids;
    if (auto store = open_local_store(p.state_dir)) {
      try {
        ids = store->run_ids();
      } catch (const record::StoreError&) {
      }
    }
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) add(*it);
    return out;
  }
  if (positional->get_items_expected_max() <= 1 && !p.positionals.empty()) return out;
  out.push_back(":yaml");
  return out;
}

}  // namespace rb::cli
