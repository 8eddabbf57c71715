#pragma once
// Every step of a runbook as the engine names it (`deploy/check`, `on_failure/notify`,
// `refresh/on_failure/#1`), and every handler list: what expectations may name and what
// coverage counts. The steps of included runbooks are not listed (their include step is).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "load/model.h"

namespace rb::testing {

struct StepNode {
  std::string path;
  const model::Step* step = nullptr;
};

struct HandlerNode {
  std::string prefix;  // paths of its steps start with this: "on_failure/", "refresh/on_failure/"
  std::string label;   // "the runbook's on_failure", "on_failure of 'refresh'", "finally"
  Location location;   // its first step
};

class StepTree {
 public:
  explicit StepTree(const model::Runbook& rb);
  const std::vector<StepNode>& steps() const { return steps_; }
  const std::vector<HandlerNode>& handlers() const { return handlers_; }
  const StepNode* find(std::string_view path) const;
  std::vector<std::string> paths() const;

 private:
  void walk(const std::vector<model::Step>& steps, const std::string& prefix);
  void handler(const std::vector<model::Step>& steps, const std::string& prefix, std::string label);
  std::vector<StepNode> steps_;
  std::vector<HandlerNode> handlers_;
  std::map<std::string, size_t, std::less<>> index_;
};

// A step path as run with loop items left out: "units[2]/check" -> "units/check".
std::string static_path(std::string_view path);

}  // namespace rb::testing
