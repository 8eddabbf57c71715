#pragma once
// Every step of a runbook as the engine names it (`deploy/check`, `on_failure/notify`,
// `refresh/on_failure/#1`), and every handler list: what expectations may name and what
// coverage counts. The steps of included runbooks are listed (`rollback/approve`, as the engine
// names them) only when asked for: a test file may name them, but coverage counts them for the
// included runbook, not for the one that includes it.
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
  enum class Includes { kSkip, kWalk };
  explicit StepTree(const model::Runbook& rb, Includes includes = Includes::kSkip);
  const std::vector<StepNode>& steps() const { return steps_; }
  const std::vector<HandlerNode>& handlers() const { return handlers_; }
  const StepNode* find(std::string_view path) const;
  std::vector<std::string> paths() const;

 private:
  void runbook(const model::Runbook& rb, const std::string& prefix, int depth);
  void walk(const std::vector<model::Step>& steps, const std::string& prefix, int depth);
  void handler(const std::vector<model::Step>& steps, const std::string& prefix, std::string label,
               int depth);
  Includes includes_;
  std::vector<StepNode> steps_;
  std::vector<HandlerNode> handlers_;
  std::map<std::string, size_t, std::less<>> index_;
};

// A step path as run with loop items left out: "units[2]/check" -> "units/check".
std::string static_path(std::string_view path);

// What follows the first n characters of static_path(path), in path's own spelling (loop items
// kept): drop_static_prefix("loop[0]/inc/units[1]/x", 9) is "units[1]/x".
std::string drop_static_prefix(std::string_view path, size_t n);

}  // namespace rb::testing
