#include "testing/step_tree.h"

#include "check/step_graph.h"

namespace rb::testing {

namespace {
// As deep as the loader lets includes nest.
constexpr int kMaxIncludeDepth = 16;
}  // namespace

StepTree::StepTree(const model::Runbook& rb, Includes includes) : includes_(includes) {
  runbook(rb, "", 0);
}

void StepTree::runbook(const model::Runbook& rb, const std::string& prefix, int depth) {
  walk(rb.steps, prefix, depth);
  const std::string of = prefix.empty()
                             ? "the runbook's"
                             : "the included runbook " + rb.name.value + "'s (" + prefix + ")";
  handler(rb.on_failure, prefix + "on_failure/", of + " on_failure", depth);
  handler(rb.finally_steps, prefix + "finally/", of + " finally", depth);
}

void StepTree::walk(const std::vector<model::Step>& steps, const std::string& prefix, int depth) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const model::Step& step = steps[i];
    std::string path = prefix + check::step_label(step, i);
    index_[path] = steps_.size();
    steps_.push_back(StepNode{path, &step});
    if (const auto* g = std::get_if<model::GroupAction>(&step.action)) {
      walk(g->steps, path + "/", depth);
    }
    const auto* inc = std::get_if<model::IncludeAction>(&step.action);
    if (inc && inc->runbook && includes_ == Includes::kWalk && depth < kMaxIncludeDepth) {
      runbook(*inc->runbook, path + "/", depth + 1);
    }
    handler(step.on_failure, path + "/on_failure/", "on_failure of '" + path + "'", depth);
  }
}

void StepTree::handler(const std::vector<model::Step>& steps, const std::string& prefix,
                       std::string label, int depth) {
  if (steps.empty()) return;
  handlers_.push_back(HandlerNode{prefix, std::move(label), steps.front().location});
  walk(steps, prefix, depth);
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

std::string drop_static_prefix(std::string_view path, size_t n) {
  size_t kept = 0;
  int depth = 0;
  size_t i = 0;
  for (; i < path.size() && kept < n; ++i) {
    const char c = path[i];
    if (c == '[') {
      ++depth;
    } else if (c == ']' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      ++kept;
    }
  }
  return std::string(path.substr(i));
}

}  // namespace rb::testing
