#include "exec/replay.h"

#include <algorithm>

namespace rb::exec {

bool acted(const model::Step& step, const StepResult& r) {
  if (r.status != StepStatus::kSucceeded) return false;
  if (std::holds_alternative<model::CommandAction>(step.action)) return !step.readonly;
  return std::holds_alternative<model::ConfirmAction>(step.action) ||
         std::holds_alternative<model::SleepAction>(step.action);
}

Replay::Replay(std::map<std::string, StepResult> finished, const std::string& rerun)
    : finished_(std::move(finished)) {
  if (!rerun.empty()) {
    auto it = finished_.find(rerun);
    const int64_t from = it == finished_.end() ? INT64_MAX : it->second.finished_seq;
    for (auto e = finished_.begin(); e != finished_.end();) {
      e = rerun_covers(rerun, from, e->first, e->second.finished_seq) ? finished_.erase(e)
                                                                      : std::next(e);
    }
  }
  for (const auto& [path, r] : finished_) {
    if (r.acted && r.ok()) last_act_seq_ = std::max(last_act_seq_, r.finished_seq);
  }
}

const StepResult* Replay::restore(const model::Step& step, const std::string& path) const {
  auto it = finished_.find(path);
  if (it == finished_.end() || !it->second.ok()) return nullptr;
  const bool before_last_act = it->second.finished_seq < last_act_seq_;
  if (!acted(step, it->second) && !before_last_act) return nullptr;
  return &it->second;
}

}  // namespace rb::exec
