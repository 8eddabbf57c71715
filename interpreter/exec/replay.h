#pragma once
// Resuming safely: which of the steps finished in an earlier attempt of this run are restored
// from the journal, and which run (again). A step that changed something (a command not marked
// readonly), a gate someone answered and a sleep are restored, never run twice. What only
// observed (readonly commands, waits, asserts, sets, logs, guards that skipped a step) is looked
// at again when it was made after the last step that acted, since the world may have moved while
// the run waited; one made before it fed what was done, and is restored with it.
#include <cstdint>
#include <map>
#include <string>

#include "exec/step_result.h"
#include "load/model.h"

namespace rb::exec {

// Whether `r`, the result of `step`, changed something: a resume restores it, never runs it again.
bool acted(const model::Step& step, const StepResult& r);

class Replay {
 public:
  // `finished`: path -> result of each step that finished well (EngineOptions::replay).
  // `rerun` (resume --rerun STEP): that step, what is inside it and whatever finished after it
  // run again.
  Replay(std::map<std::string, StepResult> finished, const std::string& rerun);

  // The earlier result of `step` at `path` when it is to be restored; null when it runs.
  const StepResult* restore(const model::Step& step, const std::string& path) const;

 private:
  std::map<std::string, StepResult> finished_;
  int64_t last_act_seq_ = -1;  // when the last step that acted finished (finished_seq)
};

}  // namespace rb::exec
