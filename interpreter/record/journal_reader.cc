#include "record/journal_reader.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "base/file_read.h"

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
    if (s.finished && s.result.ok() && !s.handler_done) out[s.path] = s.result;
  }
  return out;
}

namespace {

constexpr size_t kMaxJournalBytes = size_t{1} << 30;

// A line that is JSON but not a record this reader can trust.
struct BadLine {
  std::string why;
};

const std::string& need_string(const nlohmann::json& e, const char* key) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_string()) {
    throw BadLine{std::string("'") + key + "' is missing or not a string"};
  }
  return it->get_ref<const std::string&>();
}

}  // namespace

std::optional<RunRecord> read_journal(const std::string& path, std::string* error) {
  std::string why;
  std::optional<std::string> text = read_regular_file(path, kMaxJournalBytes, &why);
  if (!text) {
    if (error) *error = "cannot read the journal '" + path + "': " + why;
    return std::nullopt;
  }
  return parse_journal(*text, path, error);
}

std::optional<RunRecord> parse_journal(const std::string& journal, const std::string& path,
                                       std::string* error) {
  const std::string* text = &journal;
  RunRecord run;
  bool started = false;
  std::map<std::string, size_t> index;
  int64_t finished_count = 0;  // step_finished records so far: their order, for resume
  auto step_at = [&](const std::string& p) -> StepRecord& {
    auto it = index.find(p);
    if (it != index.end()) return run.steps[it->second];
    index[p] = run.steps.size();
    run.steps.push_back(StepRecord{});
    run.steps.back().path = p;
    return run.steps.back();
  };
  // The running segment (the first run, then each resume) and the last time seen in it.
  std::optional<int64_t> segment_start, last_time;
  std::set<std::string> cut_short;  // unfinished steps already listed as cut short by a kill
  auto close_segment = [&](std::optional<int64_t> end) {
    if (segment_start && end && *end > *segment_start) run.active_ms += *end - *segment_start;
    segment_start.reset();
  };
  size_t at = 0;
  for (int number = 1; at < text->size(); ++number) {
    size_t end = text->find('\n', at);
    const bool last = end == std::string::npos;
    if (last) end = text->size();
    const std::string_view line(text->data() + at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    auto refuse = [&](const std::string& what) {
      if (error) {
        *error = path + ":" + std::to_string(number) + ": " + what +
                 "; the journal is damaged, so what ran is not known for sure (move the run "
                 "folder aside to start afresh, or repair that line)";
      }
    };
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.is_object()) {
      // Only the last line can be torn (each record is one write; a kill can cut it short, and
      // a resume cuts the torn bytes off before appending).
      if (last) {
        ++run.skipped_lines;
        continue;
      }
      refuse(e.is_discarded() ? "a line is not JSON" : "a line is not a JSON object");
      return std::nullopt;
    }
    try {
      const std::string event = need_string(e, "event");
      const std::string time = e.value("time", "");
      const std::optional<int64_t> time_ms = iso8601_to_unix_ms(time);
      if (time_ms) last_time = time_ms;
      if (!started && event != kRunStarted) throw BadLine{"the first record is not run_started"};
      if (event == kRunStarted) {
        if (started) throw BadLine{"a second run_started"};
        const int format = e.value("format", 1);
        if (format > kJournalFormat) {
          if (error) {
            *error = path + ": the journal is format " + std::to_string(format) +
                     ", newer than this runbook reads (up to " + std::to_string(kJournalFormat) +
                     "); use the runbook version that wrote it";
          }
          return std::nullopt;
        }
        started = true;
        run.run_id = need_string(e, "run_id");
        run.runbook = e.value("runbook", "");
        run.file = need_string(e, "file");
        run.sha256 = e.value("sha256", "");
        run.user = e.value("user", "");
        run.host = e.value("host", "");
        run.yes = e.value("yes", false);
        run.started_at = time;
        if (e.contains("inputs")) {
          expr::Value v = value_from_json(e["inputs"]);
          if (!v.is_map()) throw BadLine{"'inputs' is not an object"};
          run.inputs = v.as_map();
        }
        if (e.contains("secret_inputs")) {
          if (!e["secret_inputs"].is_array()) throw BadLine{"'secret_inputs' is not a list"};
          for (const auto& s : e["secret_inputs"]) {
            if (!s.is_string()) throw BadLine{"'secret_inputs' holds a non-string"};
            run.secret_inputs.push_back(s.get<std::string>());
          }
        }
        run.status = "running";
        segment_start = time_ms;
      } else if (event == kRunResumed) {
        ++run.resumes;
        close_segment(last_time);  // a run killed before its run_finished
        // A step that started and never finished was cut short (the process was killed): that
        // attempt is part of what the step did before the resume.
        for (StepRecord& s : run.steps) {
          if (s.finished || s.started_at.empty() || !cut_short.insert(s.path).second) continue;
          exec::StepResult cut;
          cut.status = exec::StepStatus::kInterrupted;
          cut.attempts = s.attempt;
          cut.error = "started, never finished (the run was killed or lost its terminal)";
          s.earlier.push_back(cut);
        }
        segment_start = time_ms;
        if (e.value("forced", false) && e.contains("sha256")) run.sha256 = need_string(e, "sha256");
        if (e.contains("rerun")) {
          // What resume --rerun ran again is not done any more, even where that resume did not
          // get to it (it failed or paused first): a later resume runs it too.
          const std::string rerun = need_string(e, "rerun");
          run.reruns.push_back(rerun);
          const StepRecord* asked = run.find(rerun);
          const int64_t from = asked && asked->finished ? asked->result.finished_seq : INT64_MAX;
          for (StepRecord& s : run.steps) {
            if (s.finished && exec::rerun_covers(rerun, from, s.path, s.result.finished_seq)) {
              s.finished = false;
            }
          }
        }
        run.status = "running";
      } else if (event == kStepStarted) {
        StepRecord& s = step_at(need_string(e, "step"));
        s.attempt = e.value("attempt", 1);
        s.command = e.value("command", "");
        if (s.started_at.empty() || s.finished) s.started_at = time;
        if (s.finished) s.earlier.push_back(s.result);  // run again on a resume
        cut_short.erase(s.path);
        s.finished = false;
      } else if (event == kStepFinished) {
        const std::string& path_of_step = need_string(e, "step");
        if (!exec::parse_step_status(need_string(e, "status"))) {
          throw BadLine{"unknown step status '" + need_string(e, "status") + "'"};
        }
        StepRecord& s = step_at(path_of_step);
        if (s.finished) s.earlier.push_back(s.result);
        s.result = step_result_from(e);
        s.result.finished_seq = finished_count++;
        s.finished = true;
        s.handler_done = false;
        s.finished_at = time;
      } else if (event == kApproved) {
        ApprovalRecord a;
        a.step = need_string(e, "step");
        a.user = e.value("user", "");
        a.reason = e.value("reason", "");
        a.how = e.value("how", "");
        a.at = time;
        run.approvals.push_back(std::move(a));
      } else if (event == kRunFinished) {
        run.status = need_string(e, "status");
        run.finished_at = time;
        for (StepRecord& s : run.steps) {
          if (s.finished && exec::is_handler_path(s.path)) s.handler_done = true;
        }
        close_segment(time_ms);
      } else if (event != kLog) {
        throw BadLine{"unknown event '" + event + "'"};
      }
    } catch (const BadLine& b) {
      refuse(b.why);
      return std::nullopt;
    } catch (const nlohmann::json::exception& x) {
      std::string what = x.what();
      if (size_t close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
      refuse("a field has the wrong type (" + what + ")");
      return std::nullopt;
    }
  }
  close_segment(last_time);
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
