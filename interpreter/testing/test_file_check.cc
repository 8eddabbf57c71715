#include "testing/test_file_check.h"

#include <algorithm>
#include <set>

#include "base/spelling.h"
#include "load/input_values.h"
#include "testing/step_tree.h"

namespace rb::testing {
namespace {

class TestFileChecker {
 public:
  TestFileChecker(const model::Runbook& rb, Diagnostics& diags)
      : rb_(rb), tree_(rb, StepTree::Includes::kWalk), diags_(diags), paths_(tree_.paths()) {
    for (const StepNode& s : tree_.steps()) {
      if (std::holds_alternative<model::ConfirmAction>(s.step->action)) gates_.push_back(s.path);
      if (const auto* set = std::get_if<model::SetAction>(&s.step->action)) {
        for (const model::NamedTemplate& v : set->values) vars_.insert(v.name);
      }
    }
    for (const model::NamedTemplate& v : rb.vars) vars_.insert(v.name);
  }

  void scenario(const model::Scenario& sc) {
    // Unknown names at their place, with "did you mean"; the other problems of a value at it.
    std::vector<std::string> declared;
    for (const model::InputSpec& spec : rb_.inputs) declared.push_back(spec.name);
    expr::Map known;
    for (const auto& [name, value] : sc.inputs) {
      if (rb_.find_input(name) != nullptr) {
        known[name] = value;
        continue;
      }
      std::string hint = did_you_mean(name, declared);
      if (hint.empty()) hint = "the inputs of '" + rb_.name.value + "': " + join_names(declared);
      diags_.error(where(sc, name), "the runbook has no input '" + name + "'", hint,
                   static_cast<int>(name.size()));
    }
    std::vector<std::string> problems;
    load::resolve_inputs(rb_, known, &problems);
    for (const std::string& p : problems) {
      std::string at;
      for (const auto& [name, value] : known) {
        if (p.compare(0, 8 + name.size(), "input '" + name + "'") == 0) at = name;
      }
      diags_.error(where(sc, at), p);
    }
    stage(sc.run);
    for (const model::TestStage& st : sc.resumes) stage(st);
  }

 private:
  static Location where(const model::Scenario& sc, const std::string& input) {
    auto it = sc.input_locations.find(input);
    return it == sc.input_locations.end() ? sc.inputs_location : it->second;
  }

  void stage(const model::TestStage& st) {
    for (const model::GateAnswer& g : st.approve.gates) {
      if (std::find(gates_.begin(), gates_.end(), g.gate.value) != gates_.end()) continue;
      std::string hint = did_you_mean(g.gate.value, gates_);
      if (hint.empty())
        hint = "the confirm steps of '" + rb_.name.value + "': " + join_names(gates_);
      diags_.error(g.gate.location, "'" + g.gate.value + "' is not a confirm step of the runbook",
                   hint, static_cast<int>(g.gate.value.size()));
    }
    const model::Expectations& e = st.expect;
    for (const auto* list : {&e.ran, &e.skipped, &e.failed}) {
      if (!*list) continue;
      for (const auto& item : (*list)->items) step(item);
    }
    for (const model::ExpectedOutputs& o : e.outputs) {
      const StepNode* node = step(o.step);
      if (node == nullptr) continue;
      std::vector<std::string> names;
      for (const model::NamedExpr& out : node->step->outputs) names.push_back(out.name);
      for (const model::ExpectedValue& v : o.values) {
        if (std::find(names.begin(), names.end(), v.name.value) != names.end()) continue;
        std::string hint = did_you_mean(v.name.value, names);
        if (hint.empty()) hint = "its outputs: " + join_names(names);
        diags_.error(v.name.location,
                     "step '" + o.step.value + "' has no output '" + v.name.value + "'", hint,
                     static_cast<int>(v.name.value.size()));
      }
    }
    std::vector<std::string> vars(vars_.begin(), vars_.end());
    for (const model::ExpectedValue& v : e.vars) {
      if (vars_.count(v.name.value)) continue;
      std::string hint = did_you_mean(v.name.value, vars);
      if (hint.empty()) hint = "the runbook's vars (vars: and set:): " + join_names(vars);
      diags_.error(v.name.location, "the runbook has no var '" + v.name.value + "'", hint,
                   static_cast<int>(v.name.value.size()));
    }
  }

  const StepNode* step(const model::Located<std::string>& name) {
    if (const StepNode* node = tree_.find(static_path(name.value))) return node;
    std::string hint = did_you_mean(name.value, paths_);
    if (hint.empty()) {
      hint =
          "steps are named by id, nested ones by path (group/child, on_failure/notify); "
          "the runbook's: " +
          join_names(paths_);
    }
    diags_.error(name.location, "the runbook has no step '" + name.value + "'", hint,
                 static_cast<int>(name.value.size()));
    return nullptr;
  }

  const model::Runbook& rb_;
  StepTree tree_;
  Diagnostics& diags_;
  std::vector<std::string> paths_;
  std::vector<std::string> gates_;
  std::set<std::string> vars_;
};

}  // namespace

void check_test_file(const model::TestFile& tf, const model::Runbook& rb, Diagnostics& diags) {
  TestFileChecker checker(rb, diags);
  for (const model::Scenario& sc : tf.scenarios) checker.scenario(sc);
}

}  // namespace rb::testing
