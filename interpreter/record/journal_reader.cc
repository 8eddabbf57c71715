#include "record/journal_reader.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "record/journal_event.h"

namespace rb::record {

const StepRecord* RunRecord::find(const std::string& path) const {
  for (const StepRecord& s : steps) {
    if (s.path == path) return &s;
  }
  return nullptr;
}

std::map<std::string, exec::StepResult> RunRecord::replay() const {
  std::map<std::string, exec::StepResult> out;
  for (const StepRecord& s : steps) {
    if (s.finished && s.result.ok()) out[s.path] = s.result;
  }
  return out;
}

std::optional<RunRecord> read_journal(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "cannot read the journal '" + path + "'";
    return std::nullopt;
  }
  RunRecord run;
  bool started = false;
  std::map<std::string, size_t> index;
  auto step_at = [&](const std::string& p) -> StepRecord& {
    auto it = index.find(p);
    if (it != index.end()) return run.steps[it->second];
    index[p] = run.steps.size();
    run.steps.push_back(StepRecord{});
    run.steps.back().path = p;
    return run.steps.back();
  };
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.is_object() || !e.contains("event")) {
      ++run.skipped_lines;  // a torn write: the process died mid-line
      continue;
    }
    const std::string event = e.value("event", "");
    const std::string time = e.value("time", "");
    if (event == kRunStarted) {
      started = true;
      run.run_id = e.value("run_id", "");
      run.runbook = e.value("runbook", "");
      run.file = e.value("file", "");
      run.sha256 = e.value("sha256", "");
      run.user = e.value("user", "");
      run.started_at = time;
      if (e.contains("inputs")) {
        expr::Value v = value_from_json(e["inputs"]);
        if (v.is_map()) run.inputs = v.as_map();
      }
      if (e.contains("secret_inputs") && e["secret_inputs"].is_array()) {
        for (const auto& s : e["secret_inputs"]) {
          if (s.is_string()) run.secret_inputs.push_back(s.get<std::string>());
        }
      }
      run.status = "running";
    } else if (event == kRunResumed) {
      ++run.resumes;
      if (e.value("forced", false) && e.contains("sha256")) run.sha256 = e.value("sha256", "");
      run.status = "running";
    } else if (event == kStepStarted) {
      StepRecord& s = step_at(e.value("step", ""));
      s.attempt = e.value("attempt", 1);
      s.command = e.value("command", "");
      if (s.started_at.empty() || s.finished) s.started_at = time;
      s.finished = false;
    } else if (event == kStepFinished) {
      StepRecord& s = step_at(e.value("step", ""));
      s.result = step_result_from(e);
      s.finished = true;
      s.finished_at = time;
    } else if (event == kApproved) {
      run.approvals.push_back(exec::Approval{e.value("step", ""), e.value("user", ""),
                                             e.value("reason", ""), e.value("how", "")});
    } else if (event == kRunFinished) {
      run.status = e.value("status", "failed");
      run.finished_at = time;
    }
  }
  if (!started) {
    if (error) *error = "the journal '" + path + "' records no run";
    return std::nullopt;
  }
  for (const StepRecord& s : run.steps) {
    if (s.finished && s.result.status == exec::StepStatus::kPaused) run.paused_at.push_back(s.path);
  }
  return run;
}

}  // namespace rb::record
