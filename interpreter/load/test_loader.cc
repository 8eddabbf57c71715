#include "load/test_loader.h"

#include <re2/re2.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/file_read.h"
#include "base/spelling.h"
#include "load/keys.h"
#include "load/runbook_loader.h"
#include "load/yaml_guard.h"
#include "load/yaml_reader.h"

namespace rb::load {
namespace {

constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;
constexpr long long kMaxTimes = 1000000;

const std::vector<std::string> kStatuses = {"succeeded", "failed", "paused", "interrupted"};

class TestLoader {
 public:
  TestLoader(YamlReader& r, Location top) : r_(r), top_(top) {}

  std::vector<model::Mock> mocks(const yaml::Node& node, std::string_view what) {
    std::vector<model::Mock> out;
    if (!r_.expect_list(node, what, top_)) return out;
    for (const yaml::Node& m : node) {
      if (auto mock = load_mock(m)) out.push_back(std::move(*mock));
    }
    return out;
  }

  void scenario(const yaml::Node& node, std::set<std::string>& names,
                std::vector<model::Scenario>& out) {
    if (!r_.expect_map(node, "a scenario", top_)) return;
    r_.check_keys(node, kScenarioKeys, "a scenario");
    model::Scenario sc;
    const Location here = r_.at(node, top_);
    sc.run.location = here;
    sc.name.location = here;
    if (const yaml::Node n = node["name"]; !n.IsDefined()) {
      r_.diags().error(here, "a scenario needs a 'name'",
                       "say what it checks, e.g. 'name: a failed refresh rolls back'");
    } else if (auto s = r_.read_string(n, "a scenario's 'name'", here)) {
      sc.name = {*s, r_.at(n, here)};
      if (s->empty()) {
        r_.diags().error(sc.name.location, "a scenario's 'name' is empty");
      } else if (!names.insert(*s).second) {
        r_.diags().error(sc.name.location, "two scenarios are named '" + *s + "'",
                         "give each scenario its own name, so a failure says which one",
                         r_.width(n));
      }
    }
    if (const yaml::Node n = node["description"]; n.IsDefined()) {
      r_.read_string(n, "a scenario's 'description'", here);
    }
    if (const yaml::Node n = node["inputs"]; n.IsDefined() && !n.IsNull()) {
      sc.inputs_location = r_.at(n, here);
      if (r_.expect_map(n, "'inputs'", here)) {
        for (auto it = n.begin(); it != n.end(); ++it) {
          if (!r_.expect_scalar(it->first, "an input name", here)) continue;
          sc.inputs[it->first.Scalar()] = r_.node_value(it->second);
          sc.input_locations[it->first.Scalar()] = r_.at(it->first, here);
        }
      }
    } else {
      sc.inputs_location = here;
    }
    if (const yaml::Node n = node["env"]; n.IsDefined() && !n.IsNull()) {
      if (r_.expect_map(n, "'env'", here)) {
        for (auto it = n.begin(); it != n.end(); ++it) {
          if (!r_.expect_scalar(it->first, "a variable name", here)) continue;
          if (auto v = r_.read_string(it->second, "an env value", here)) {
            sc.env.push_back(it->first.Scalar() + "=" + *v);
          }
        }
      }
    }
    stage(node, sc.run);
    if (const yaml::Node n = node["resume"]; n.IsDefined() && !n.IsNull()) {
      // One resume as a mapping, or several in order as a list.
      std::vector<yaml::Node> items;
      if (n.IsMap()) {
        items.push_back(n);
      } else if (r_.expect_list(n, "'resume'", here)) {
        for (const yaml::Node& item : n) items.push_back(item);
      }
      for (const yaml::Node& item : items) {
        if (!r_.expect_map(item, "a resume", here)) continue;
        r_.check_keys(item, kResumeKeys, "a resume");
        model::TestStage st;
        st.location = r_.at(item, here);
        stage(item, st);
        sc.resumes.push_back(std::move(st));
      }
    }
    out.push_back(std::move(sc));
  }

 private:
  // Where `key` is written in a mapping (the key, not its value).
  Location key_at(const yaml::Node& map, const std::string& key, Location fallback) const {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) return r_.at(it->first, fallback);
    }
    return fallback;
  }

  void stage(const yaml::Node& node, model::TestStage& st) {
    if (const yaml::Node n = node["approve"]; n.IsDefined() && !n.IsNull()) {
      st.approve.location = r_.at(n, st.location);
      if (n.IsMap()) {
        for (auto it = n.begin(); it != n.end(); ++it) {
          if (!r_.expect_scalar(it->first, "a gate name", st.location)) continue;
          if (auto b = r_.read_bool(it->second, "an answer to a gate", st.location)) {
            st.approve.gates.push_back(
                model::GateAnswer{{it->first.Scalar(), r_.at(it->first, st.location)}, *b});
          }
        }
      } else if (n.IsScalar() && YamlReader::is_plain(n) &&
                 (n.Scalar() == "true" || n.Scalar() == "false")) {
        st.approve.all = n.Scalar() == "true";
      } else {
        r_.diags().error(st.approve.location,
                         "'approve' must be true, false or a mapping of gates to true|false",
                         "approve: true approves every gate; approve: {confirm-rollback: false} "
                         "denies one",
                         r_.width(n));
      }
    }
    if (const yaml::Node n = node["mocks"]; n.IsDefined() && !n.IsNull()) {
      st.mocks = mocks(n, "'mocks'");
    }
    if (const yaml::Node n = node["expect"]; n.IsDefined() && !n.IsNull()) {
      expectations(n, st.expect, st.location);
    }
  }

  std::optional<model::MockResult> result(const yaml::Node& node, Location fallback) {
    model::MockResult res;
    res.location = r_.at(node, fallback);
    if (const yaml::Node n = node["exit_code"]; n.IsDefined()) {
      if (auto v = r_.read_int(n, "'exit_code'", res.location)) {
        if (*v < 0 || *v > 255) {
          r_.diags().error(r_.at(n, res.location), "'exit_code' must be 0 to 255",
                           "a process exits with 0 (success) to 255", r_.width(n));
        } else {
          res.exit_code = static_cast<int>(*v);
        }
      }
    }
    if (const yaml::Node n = node["stdout"]; n.IsDefined() && !n.IsNull()) {
      if (auto s = r_.read_string(n, "'stdout'", res.location)) res.stdout_text = *s;
    }
    if (const yaml::Node n = node["stderr"]; n.IsDefined() && !n.IsNull()) {
      if (auto s = r_.read_string(n, "'stderr'", res.location)) res.stderr_text = *s;
    }
    if (const yaml::Node n = node["delay"]; n.IsDefined()) {
      if (auto d = r_.read_duration(n, "'delay'", res.location)) res.delay = *d;
    }
    return res;
  }

  std::optional<model::Mock> load_mock(const yaml::Node& node) {
    if (!r_.expect_map(node, "a mock", top_)) return std::nullopt;
    r_.check_keys(node, kMockKeys, "a mock");
    const Location here = r_.at(node, top_);
    model::Mock m;
    const yaml::Node match = node["match"], regex = node["regex"];
    if (match.IsDefined() && regex.IsDefined()) {
      r_.diags().error(key_at(node, "regex", here), "a mock has both 'match' and 'regex'",
                       "keep one: 'match' is a glob on the whole command, 'regex' a regular "
                       "expression found in it");
      return std::nullopt;
    }
    if (!match.IsDefined() && !regex.IsDefined()) {
      r_.diags().error(here, "a mock needs 'match' (a glob) or 'regex'",
                       "e.g. match: \"juju status *\"");
      return std::nullopt;
    }
    const yaml::Node pattern = match.IsDefined() ? match : regex;
    m.kind = match.IsDefined() ? model::Mock::Kind::kGlob : model::Mock::Kind::kRegex;
    auto text = r_.read_string(pattern, match.IsDefined() ? "'match'" : "'regex'", here);
    if (!text) return std::nullopt;
    m.pattern = *text;
    m.location = r_.at(pattern, here);
    if (m.kind == model::Mock::Kind::kRegex) {
      RE2 re(m.pattern, RE2::Quiet);
      if (!re.ok()) {
        r_.diags().error(m.location, "invalid regular expression: " + re.error(),
                         "'regex' is an RE2 expression; for a glob use 'match'", r_.width(pattern));
        return std::nullopt;
      }
    }
    if (const yaml::Node n = node["times"]; n.IsDefined()) {
      if (auto v = r_.read_int(n, "'times'", here)) {
        if (*v < 1 || *v > kMaxTimes) {
          r_.diags().error(r_.at(n, here), "'times' must be 1 to " + std::to_string(kMaxTimes),
                           "times: N lets the mock answer N calls, then the next mock is tried",
                           r_.width(n));
        } else {
          m.times = static_cast<int>(*v);
        }
      }
    }
    if (const yaml::Node results = node["results"]; results.IsDefined()) {
      for (const char* key : {"stdout", "stderr", "exit_code", "delay"}) {
        if (const yaml::Node n = node[key]; n.IsDefined()) {
          r_.diags().error(key_at(node, key, here),
                           std::string("a mock has both 'results' and '") + key + "'",
                           std::string("put '") + key + "' into each of the results");
          return std::nullopt;
        }
      }
      if (!r_.expect_list(results, "'results'", here)) return std::nullopt;
      if (results.size() == 0) {
        r_.diags().error(r_.at(results, here), "'results' is empty",
                         "give one result per call, e.g. - { exit_code: 1 }");
        return std::nullopt;
      }
      for (const yaml::Node& item : results) {
        if (!r_.expect_map(item, "a result", here)) continue;
        r_.check_keys(item, kMockResultKeys, "a result");
        if (auto res = result(item, here)) m.results.push_back(std::move(*res));
      }
      if (m.results.empty()) return std::nullopt;
    } else if (auto res = result(node, here)) {
      m.results.push_back(std::move(*res));
    }
    return m;
  }

  std::optional<model::ExpectedList> list(const yaml::Node& node, std::string_view what,
                                          Location fallback) {
    model::ExpectedList l;
    l.location = r_.at(node, fallback);
    if (node.IsNull()) return l;
    if (!r_.expect_list(node, what, fallback)) return std::nullopt;
    for (const yaml::Node& item : node) {
      if (auto s = r_.read_string(item, "an item of " + std::string(what), fallback)) {
        l.items.push_back({*s, r_.at(item, fallback)});
      }
    }
    return l;
  }

  std::vector<model::ExpectedValue> values(const yaml::Node& node, std::string_view what,
                                           Location fallback) {
    std::vector<model::ExpectedValue> out;
    if (!r_.expect_map(node, what, fallback)) return out;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!r_.expect_scalar(it->first, "a name", fallback)) continue;
      out.push_back(model::ExpectedValue{{it->first.Scalar(), r_.at(it->first, fallback)},
                                         r_.node_value(it->second)});
    }
    return out;
  }

  void expectations(const yaml::Node& node, model::Expectations& e, Location fallback) {
    if (!r_.expect_map(node, "'expect'", fallback)) return;
    r_.check_keys(node, kExpectKeys, "'expect'");
    const Location here = r_.at(node, fallback);
    if (const yaml::Node n = node["status"]; n.IsDefined()) {
      if (auto s = r_.read_string(n, "'status'", here)) {
        bool known = false;
        for (const std::string& k : kStatuses) known = known || k == *s;
        if (!known) {
          std::string hint = did_you_mean(*s, kStatuses);
          if (hint.empty()) hint = "one of: " + join_names(kStatuses);
          r_.diags().error(r_.at(n, here), "unknown status '" + *s + "'", hint, r_.width(n));
        } else {
          e.status = model::Located<std::string>{*s, r_.at(n, here)};
        }
      }
    }
    auto take = [&](const char* key, std::optional<model::ExpectedList>& into) {
      if (const yaml::Node n = node[key]; n.IsDefined()) {
        into = list(n, "'" + std::string(key) + "'", here);
      }
    };
    take("ran", e.ran);
    take("skipped", e.skipped);
    take("failed", e.failed);
    take("commands", e.commands);
    take("not_commands", e.not_commands);
    if (const yaml::Node n = node["outputs"]; n.IsDefined() && !n.IsNull()) {
      if (r_.expect_map(n, "'outputs'", here)) {
        for (auto it = n.begin(); it != n.end(); ++it) {
          if (!r_.expect_scalar(it->first, "a step id", here)) continue;
          e.outputs.push_back(model::ExpectedOutputs{
              {it->first.Scalar(), r_.at(it->first, here)},
              values(it->second, "the outputs of '" + it->first.Scalar() + "'", here)});
        }
      }
    }
    if (const yaml::Node n = node["vars"]; n.IsDefined() && !n.IsNull()) {
      e.vars = values(n, "'vars'", here);
    }
  }

  YamlReader& r_;
  const Location top_;
};

}  // namespace

std::shared_ptr<const model::TestFile> load_test_text(const std::string& path, std::string text,
                                                      Diagnostics& diags) {
  auto file = std::make_shared<SourceFile>(path, std::move(text));
  diags.retain(file);
  const Location top{file.get(), 1, 1};
  if (!check_text(*file, diags)) return nullptr;
  std::unique_ptr<yaml::Tree> tree;
  try {
    tree = yaml::Tree::parse(*file, "a test file", diags);
  } catch (const YAML::Exception& e) {
    report_yaml_error(*file, e, diags,
                      "check the indentation and quoting around here; a value holding ': ' or "
                      "starting with '{', '[', '*', '&' or '!' needs quotes");
    return nullptr;
  }
  if (!tree) return nullptr;  // a refused feature, reported
  const yaml::Node root = tree->root();

  const std::string shape_hint = "a test file names its runbook and lists scenarios";
  if (!root.IsDefined() || root.IsNull()) {
    diags.error(top, "the file is empty", shape_hint);
    return nullptr;
  }
  YamlReader r(*file, diags);
  if (!root.IsMap()) {
    diags.error(r.at(root, top),
                std::string("a test file must be a YAML mapping, not ") + YamlReader::kind(root),
                shape_hint);
    return nullptr;
  }
  const Location top_key = r.at(root, top);
  auto tf = std::make_shared<model::TestFile>();
  tf->source = file;
  tf->path = path;
  r.check_keys(root, kTestFileKeys, "the test file");

  if (const yaml::Node n = root["runbook"]; !n.IsDefined()) {
    diags.error(top_key, "missing 'runbook' (the runbook under test)",
                "add e.g. 'runbook: ../runbooks/rollback.yaml', relative to this file");
  } else if (auto s = r.read_string(n, "'runbook'", top)) {
    tf->runbook = {*s, r.at(n, top)};
    namespace fs = std::filesystem;
    tf->runbook_path = (fs::path(path).parent_path() / *s).lexically_normal().string();
    if (s->empty()) diags.error(tf->runbook.location, "'runbook' is empty");
  }
  if (const yaml::Node d = root["description"]; d.IsDefined()) {
    r.read_string(d, "'description'", top);
  }
  TestLoader loader(r, top);
  if (const yaml::Node n = root["mocks"]; n.IsDefined() && !n.IsNull()) {
    tf->mocks = loader.mocks(n, "'mocks'");
  }
  if (const yaml::Node n = root["scenarios"]; !n.IsDefined()) {
    diags.error(top_key, "missing 'scenarios'",
                "list at least one scenario under 'scenarios:', each with a name");
  } else if (r.expect_list(n, "'scenarios'", top)) {
    if (n.size() == 0) {
      diags.error(r.at(n, top), "'scenarios' is empty", "a test file needs at least one scenario");
    }
    std::set<std::string> names;
    for (const yaml::Node& item : n) loader.scenario(item, names, tf->scenarios);
  }
  return tf;
}

std::shared_ptr<const model::TestFile> load_test_file(const std::string& path, Diagnostics& diags) {
  auto report = [&](const std::string& message, const std::string& hint) {
    auto file = std::make_shared<SourceFile>(path, "");
    diags.retain(file);
    diags.error(Location{file.get(), 0, 0}, message, hint);
  };
  std::string why;
  std::optional<std::string> text = read_regular_file(path, kMaxFileBytes, &why);
  if (!text) {
    report("cannot read '" + path + "': " + why, "name a .test.yaml file");
    return nullptr;
  }
  return load_test_text(path, std::move(*text), diags);
}

}  // namespace rb::load
