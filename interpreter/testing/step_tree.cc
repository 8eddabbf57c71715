#include "testing/step_tree.h"

#include "check/step_graph.h"

namespace rb::testing {

StepTree::StepTree(const model::Runbook& rb) {
  walk(rb.steps, "");
  handler(rb.on_failure, "on_failure/", "the runbook's on_failure");
  handler(rb.finally_steps, "finally/", "the runbook's finally");
}

void StepTree::walk(const std::vector<model::Step>& steps, const std::string& prefix) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const model::Step& step = steps[i];
    std::string path = prefix + check::step_label(step, i);
    index_[path] = steps_.size();
    steps_.push_back(StepNode{path, &step});
    if (const auto* g = std::get_if<model::GroupAction>(&step.action)) walk(g->steps, path + "/");
    handler(step.on_failure, path + "/on_failure/", "on_failure of '" + path + "'");
  }
}

void StepTree::handler(const std::vector<model::Step>& steps, const std::string& prefix,
                       std::string label) {
  if (steps.empty()) return;
  handlers_.push_back(HandlerNode{prefix, std::move(label), steps.front().location});
  walk(steps, prefix);
}

const StepNode* StepTree::find(std::string_view path) const {
  auto it = index_.find(path);
  return it == index_.end() ? nullptr : &steps_[it->second];
}

std::vector<std::string> StepTree::paths() const {
  std::vector<std::string> out;
  for (const StepNode& s : steps_) out.push_back(s.path);
  return out;
}

std::string static_path(std::string_view path) {
  std::string out;
  int depth = 0;
  for (char c : path) {
    if (c == '[') {
      ++depth;
    } else if (c == ']' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

}  // namespace rb::testing
