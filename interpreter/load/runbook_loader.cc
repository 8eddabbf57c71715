#include "load/runbook_loader.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_set>

#include "base/file_read.h"
#include "base/spelling.h"
#include "load/input_values.h"
#include "load/keys.h"
#include "load/loader.h"
#include "load/yaml_guard.h"

namespace rb::load {
namespace {

constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;
constexpr size_t kMaxIncludeDepth = 16;

bool valid_runbook_name(const std::string& s) {
  if (s.empty() || s.size() > 100) return false;
  auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok_first(s[0])) return false;
  for (char c : s) {
    if (!ok_first(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool check_text(const SourceFile& file, Diagnostics& diags) {
  const std::string& t = file.text();
  size_t bytewise_until = 0;  // the eight bytes from where a word check failed, one by one
  for (size_t i = 0; i < t.size(); ++i) {
    // Eight bytes at a time while they are all printable ASCII (0x20-0x7f), as nearly all are.
    while (i >= bytewise_until && i + 8 <= t.size()) {
      uint64_t w;
      std::memcpy(&w, t.data() + i, 8);
      constexpr uint64_t kHigh = 0x8080808080808080ull, kSpace = 0x2020202020202020ull;
      if (((w | ((w - kSpace) & ~w)) & kHigh) != 0) {  // a byte >= 0x80 or < 0x20 in them
        bytewise_until = i + 8;
        break;
      }
      i += 8;
    }
    if (i >= t.size()) break;
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
      auto [line, col] = file.line_column(i);
      diags.error(Location{&file, line, col},
                  "the file is not text: it holds a control byte (0x" +
                      std::string(1, "0123456789abcdef"[c >> 4]) +
                      std::string(1, "0123456789abcdef"[c & 15]) + ")",
                  "a runbook is a YAML text file; is this the right file?");
      return false;
    }
    if (c >= 0x80) {  // validate UTF-8 sequence
      int n = (c >= 0xF0 && c <= 0xF4) ? 3 : (c >= 0xE0) ? 2 : (c >= 0xC2 && c < 0xE0) ? 1 : -1;
      bool ok = n > 0 && c < 0xF5 && i + n < t.size() + 0;
      for (int k = 1; ok && k <= n; ++k) {
        ok = i + k < t.size() && (static_cast<unsigned char>(t[i + k]) & 0xC0) == 0x80;
      }
      if (!ok) {
        auto [line, col] = file.line_column(i);
        diags.error(Location{&file, line, col}, "the file is not valid UTF-8 text",
                    "a runbook is a YAML text file in UTF-8; is this the right file?");
        return false;
      }
      i += n;
    }
  }
  return true;
}

bool is_identifier(const std::string& s, bool allow_hyphen) {
  if (s.empty() || s.size() > 100) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s) {
    if (!alpha(c) && !(c >= '0' && c <= '9') && !(allow_hyphen && c == '-')) return false;
  }
  return true;
}

std::shared_ptr<const model::Runbook> RunbookLoader::load_file(const std::string& path,
                                                               Location included_from) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(fs::path(path), ec).string();
  if (ec) canonical = path;

  for (size_t i = 0; i < stack_.size(); ++i) {
    if (stack_[i].canonical == canonical) {
      std::string cycle;
      for (size_t j = i; j < stack_.size(); ++j) cycle += stack_[j].shown + " -> ";
      diags_.error(included_from, "include cycle: " + cycle + path,
                   "a runbook cannot include itself, directly or through others");
      return nullptr;
    }
  }
  if (stack_.size() >= kMaxIncludeDepth) {
    diags_.error(included_from, "includes nested more than 16 deep");
    return nullptr;
  }
  if (auto it = cache_.find(canonical); it != cache_.end()) return it->second;

  auto report = [&](const std::string& message, const std::string& hint) {
    if (included_from.known()) {
      diags_.error(included_from, message, hint);
    } else {
      auto file = std::make_shared<SourceFile>(path, "");
      diags_.retain(file);
      diags_.error(Location{file.get(), 0, 0}, message, hint);
    }
  };
  std::string why;
  std::optional<std::string> text = read_regular_file(path, kMaxFileBytes, &why);
  if (!text) {
    report("cannot read '" + path + "': " + why,
           why.find("not a regular file") != std::string::npos ? "name a runbook's .yaml file"
           : why.find("larger than") != std::string::npos
               ? "a runbook is a small YAML file; is this the right file?"
               : "check the path; include paths are relative to the including file");
    return nullptr;
  }
  stack_.push_back(Loading{canonical, path});
  auto rb = load_text(path, std::move(*text));
  stack_.pop_back();
  cache_[canonical] = rb;
  return rb;
}

std::shared_ptr<const model::Runbook> RunbookLoader::load_text(const std::string& path,
                                                               std::string text) {
  auto file = std::make_shared<SourceFile>(path, std::move(text));
  diags_.retain(file);
  const Location top{file.get(), 1, 1};
  if (!check_text(*file, diags_)) return nullptr;

  std::unique_ptr<yaml::Tree> tree;
  try {
    tree = yaml::Tree::parse(*file, "a runbook", diags_);
  } catch (const YAML::Exception& e) {
    report_yaml_error(*file, e, diags_,
                      "check the indentation and quoting around here; a value holding ': ' or "
                      "starting with '{', '[', '*', '&' or '!' needs quotes");
    return nullptr;
  }
  if (!tree) return nullptr;  // a refused feature, reported
  const yaml::Node root = tree->root();

  if (!root.IsDefined() || root.IsNull()) {
    diags_.error(top, "the file is empty",
                 "a runbook starts with 'runbook: 1', a name and a list of steps");
    return nullptr;
  }
  YamlReader r(*file, diags_);
  if (!root.IsMap()) {
    diags_.error(r.at(root, top),
                 std::string("a runbook must be a YAML mapping, not ") + YamlReader::kind(root),
                 "a runbook starts with 'runbook: 1', a name and a list of steps");
    return nullptr;
  }

  // Problems of the runbook as a whole (a missing key) point at its first key, past any comments.
  const Location top_key = r.at(root, top);
  auto rb = std::make_shared<model::Runbook>();
  rb->source = file;
  rb->path = path;
  r.check_keys(root, kRunbookKeys, "the runbook");

  const yaml::Node version = root["runbook"];
  if (!version.IsDefined()) {
    diags_.error(top_key, "missing 'runbook: 1' (the format version)",
                 "add 'runbook: 1' as the first line");
  } else {
    expr::Value v = r.scalar_value(version);
    if (!version.IsScalar() || !v.is_int() || v.as_int() != 1) {
      diags_.error(r.at(version, top),
                   "unsupported format version '" +
                       (version.IsScalar() ? version.Scalar() : std::string("?")) + "'",
                   "this runbook interpreter reads format version 1: write 'runbook: 1'",
                   r.width(version));
    }
  }

  const yaml::Node name = root["name"];
  if (!name.IsDefined()) {
    diags_.error(top_key, "missing 'name'", "add a name like 'name: mysql-k8s-rollback'");
  } else if (auto s = r.read_string(name, "'name'", top)) {
    rb->name = {*s, r.at(name, top)};
    if (!valid_runbook_name(*s)) {
      diags_.error(r.at(name, top), "invalid runbook name '" + *s + "'",
                   "use lower-case letters, digits and '-', like 'mysql-k8s-rollback'",
                   r.width(name));
    }
  }
  if (const yaml::Node d = root["description"]; d.IsDefined()) {
    if (auto s = r.read_string(d, "'description'", top)) rb->description = *s;
  }
  if (const yaml::Node n = root["inputs"]; n.IsDefined() && !n.IsNull()) load_inputs(r, n, *rb);
  if (const yaml::Node n = root["vars"]; n.IsDefined() && !n.IsNull()) {
    rb->vars = load_named_templates(r, n, "'vars'", false, top);
  }
  if (const yaml::Node n = root["env"]; n.IsDefined() && !n.IsNull()) {
    rb->env = load_named_templates(r, n, "'env'", true, top);
  }
  if (const yaml::Node n = root["concurrency"]; n.IsDefined()) {
    rb->concurrency = r.read_template(n, "'concurrency'", top);
  }
  if (const yaml::Node n = root["max_parallel"]; n.IsDefined()) {
    if (auto v = r.read_int(n, "'max_parallel'", top)) {
      if (*v < 1 || *v > model::kMaxParallel) {
        diags_.error(r.at(n, top), "'max_parallel' must be between 1 and 1000",
                     "it is how many steps may run at the same time; 1 runs one at a time",
                     r.width(n));
      } else {
        rb->max_parallel = static_cast<int>(*v);
        rb->max_parallel_location = r.at(n, top);
      }
    }
  }

  StepLoader steps(*this, r, path);
  const yaml::Node s = root["steps"];
  if (!s.IsDefined()) {
    diags_.error(top_key, "missing 'steps'", "a runbook needs at least one step under 'steps:'");
  } else {
    rb->steps = steps.load_steps(s, "'steps'", top, 0);
    if (s.IsSequence() && s.size() == 0) {
      diags_.error(r.at(s, top), "'steps' is empty", "a runbook needs at least one step");
    }
  }
  if (const yaml::Node n = root["on_failure"]; n.IsDefined() && !n.IsNull()) {
    rb->on_failure = steps.load_steps(n, "'on_failure'", top, 0);
  }
  if (const yaml::Node n = root["finally"]; n.IsDefined() && !n.IsNull()) {
    rb->finally_steps = steps.load_steps(n, "'finally'", top, 0);
  }
  if (const yaml::Node n = root["outputs"]; n.IsDefined() && !n.IsNull()) {
    rb->outputs = steps.load_outputs(n, top);
  }
  return rb;
}

void RunbookLoader::load_inputs(YamlReader& r, const yaml::Node& node, model::Runbook& rb) {
  if (!r.expect_map(node, "'inputs'", {})) return;
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      diags_.error(r.at(it->first),
                   "an input name must be a name, not " + std::string(YamlReader::kind(it->first)));
      continue;
    }
    model::InputSpec spec;
    spec.name = it->first.Scalar();
    spec.location = r.at(it->first);
    if (!seen.insert(spec.name).second) {
      diags_.error(spec.location, "input '" + spec.name + "' is declared twice",
                   "YAML keeps only one of them; remove or rename one", r.width(it->first));
      continue;
    }
    if (!is_identifier(spec.name, true)) {
      diags_.error(spec.location, "invalid input name '" + spec.name + "'",
                   "use letters, digits, '_' and '-', starting with a letter", r.width(it->first));
    }
    load_input(r, it->first, it->second, spec);
    rb.inputs.push_back(std::move(spec));
  }
}

void RunbookLoader::load_input(YamlReader& r, const yaml::Node& key, const yaml::Node& node,
                               model::InputSpec& spec) {
  const std::string what = "input '" + spec.name + "'";
  if (node.IsNull()) return;  // `name:` alone: an optional string
  if (!node.IsMap()) {
    diags_.error(r.at(node, spec.location), what + " must be a mapping like { type: string }",
                 "write e.g. '" + spec.name + ": { type: string, required: true }'");
    return;
  }
  r.check_keys(node, kInputKeys, what);
  if (const yaml::Node t = node["type"]; t.IsDefined()) {
    static const std::vector<std::string> kTypes = {"string", "integer", "number", "boolean",
                                                    "list"};
    if (auto s = r.read_string(t, "'type'", spec.location)) {
      bool found = false;
      for (size_t i = 0; i < kTypes.size(); ++i) {
        if (kTypes[i] == *s) {
          spec.type = static_cast<model::InputType>(i);
          found = true;
        }
      }
      if (!found) {
        std::string hint = did_you_mean(*s, kTypes);
        diags_.error(r.at(t), "unknown input type '" + *s + "'",
                     hint.empty() ? "use one of: string, integer, number, boolean, list" : hint,
                     r.width(t));
        return;
      }
    }
  }
  if (const yaml::Node n = node["required"]; n.IsDefined()) {
    spec.required = r.read_bool(n, "'required'", spec.location).value_or(false);
  }
  if (const yaml::Node n = node["secret"]; n.IsDefined()) {
    spec.secret = r.read_bool(n, "'secret'", spec.location).value_or(false);
  }
  if (const yaml::Node n = node["description"]; n.IsDefined()) {
    spec.description = r.read_string(n, "'description'", spec.location).value_or("");
  }
  if (const yaml::Node n = node["env"]; n.IsDefined()) {
    if (auto s = r.read_string(n, "'env'", spec.location)) {
      if (!is_identifier(*s, false)) {
        diags_.error(r.at(n), "invalid environment variable name '" + *s + "'",
                     "use letters, digits and '_', starting with a letter, e.g. DB_PASSWORD",
                     r.width(n));
      } else {
        spec.env_var = model::Located<std::string>{*s, r.at(n)};
      }
    }
  }
  if (const yaml::Node n = node["required_if"]; n.IsDefined()) {
    spec.required_if = r.read_guard(n, "'required_if'", spec.location);
    if (spec.required_if && spec.required) {
      diags_.error(r.at(n), what + " has both 'required: true' and 'required_if'",
                   "keep one: required_if makes it required only when its condition is true",
                   r.width(n));
    }
  }
  if (const yaml::Node n = node["pattern"]; n.IsDefined()) {
    if (auto s = r.read_string(n, "'pattern'", spec.location)) {
      spec.pattern = model::Located<std::string>{*s, r.at(n)};
      std::string err;
      matches_pattern(*s, "", &err);
      if (!err.empty()) {
        diags_.error(r.at(n), "invalid pattern: " + err,
                     "patterns are RE2 regular expressions that must match the whole value",
                     r.width(n));
        spec.pattern.reset();
      }
    }
  }
  if (const yaml::Node n = node["enum"]; n.IsDefined()) {
    if (r.expect_list(n, "'enum'", spec.location)) {
      if (n.size() == 0) diags_.error(r.at(n), "'enum' is empty", "list the allowed values");
      for (const yaml::Node& e : n) {
        std::string why;
        auto v = e.IsScalar() ? convert_input(spec.type == model::InputType::kList
                                                  ? model::InputType::kString
                                                  : spec.type,
                                              r.scalar_value(e), &why)
                              : std::nullopt;
        if (!v) {
          diags_.error(r.at(e, r.at(n)),
                       "enum value of " + what + " is not of type " +
                           model::input_type_name(spec.type) + (why.empty() ? "" : ": " + why),
                       "", r.width(e));
          continue;
        }
        spec.allowed.push_back(*v);
      }
    }
  }
  if (const yaml::Node n = node["default"]; n.IsDefined()) {
    std::string why;
    auto v = convert_input(spec.type, r.node_value(n), &why);
    if (!v) {
      diags_.error(r.at(n, r.at(key)),
                   "the default of " + what + " is not of type " +
                       model::input_type_name(spec.type) + ": " + why,
                   "", r.width(n));
    } else {
      std::string bad = check_input_constraints(spec, *v);
      if (!bad.empty()) {
        diags_.error(r.at(n, r.at(key)), "the default of " + what + " is refused: " + bad, "",
                     r.width(n));
      }
      spec.default_value = *v;
    }
    if (spec.required) {
      diags_.warning(r.at(key), what + " is required but has a default, so it is never missing",
                     "drop 'required: true' or the default", r.width(key));
    }
  }
}

std::vector<model::NamedTemplate> RunbookLoader::load_named_templates(YamlReader& r,
                                                                      const yaml::Node& node,
                                                                      std::string_view what,
                                                                      bool env_names,
                                                                      Location fallback) {
  std::vector<model::NamedTemplate> out;
  Diagnostics& diags = r.diags();  // the reader's: steps may be loaded on several threads
  if (!r.expect_map(node, what, fallback)) return out;
  out.reserve(node.size());
  // The names so far: a short list searched in turn, a long one hashed (linear either way).
  std::vector<std::string_view> seen_few;
  std::unordered_set<std::string_view> seen_many;
  const bool few = node.size() <= 16;
  auto first_time = [&](std::string_view name) {
    if (!few) return seen_many.insert(name).second;
    for (std::string_view s : seen_few) {
      if (s == name) return false;
    }
    seen_few.push_back(name);
    return true;
  };
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      diags.error(r.at(it->first), "a key in " + std::string(what) + " must be a name");
      continue;
    }
    model::NamedTemplate t;
    const std::string& key = it->first.Scalar();  // lives in the YAML tree
    t.name = key;
    t.location = r.at(it->first);
    if (!first_time(key)) {
      diags.error(t.location, "duplicate key '" + t.name + "' in " + std::string(what),
                  "YAML keeps only one of them; remove or rename one", r.width(it->first));
      continue;
    }
    bool valid = env_names ? is_identifier(t.name, false) : is_identifier(t.name, true);
    if (!valid) {
      diags.error(t.location, "invalid name '" + t.name + "' in " + std::string(what),
                  env_names ? "environment variable names are letters, digits and '_'"
                            : "use letters, digits, '_' and '-', starting with a letter",
                  r.width(it->first));
      continue;
    }
    if (it->second.IsSequence() || it->second.IsMap()) {
      diags.error(r.at(it->second, t.location),
                  std::string(what) + " value '" + t.name + "' must be text, not " +
                      YamlReader::kind(it->second),
                  "write a list or mapping as an expression, e.g. ${{ fromJSON('[1, 2]') }}");
      continue;
    }
    // What to call the value: only an error needs it (a value that is not text).
    const std::string value_what = it->second.IsScalar() ? std::string() : "'" + t.name + "'";
    if (auto tpl = r.read_template(it->second, value_what, t.location)) {
      t.value = std::move(*tpl);
      out.push_back(std::move(t));
    }
  }
  return out;
}

std::shared_ptr<const model::Runbook> load_runbook_file(const std::string& path,
                                                        Diagnostics& diags) {
  RunbookLoader loader(diags);
  return loader.load_file(path, Location{});
}

std::shared_ptr<const model::Runbook> load_runbook_text(const std::string& path, std::string text,
                                                        Diagnostics& diags) {
  RunbookLoader loader(diags);
  return loader.load_text(path, std::move(text));
}

}  // namespace rb::load
