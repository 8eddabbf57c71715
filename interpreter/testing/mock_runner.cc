#include "testing/mock_runner.h"

#include <re2/re2.h>

#include "base/spelling.h"
#include "testing/glob.h"

namespace rb::testing {
namespace {

std::string step_of(const command::CommandSpec& spec) {
  const std::string key = "RUNBOOK_STEP=";
  for (const std::string& kv : spec.env) {
    if (kv.compare(0, key.size(), key) == 0) return kv.substr(key.size());
  }
  return "";
}

// Keeps the last `limit` bytes, as ProcessRunner keeps a tail.
std::string tail(const std::string& s, size_t limit, bool* truncated) {
  *truncated = s.size() > limit;
  return *truncated ? s.substr(s.size() - limit) : s;
}

// Edit distance is quadratic: compare at most this much of a long script.
constexpr size_t kCompareChars = 200;

}  // namespace

void MockRunner::begin_stage(size_t stage, std::vector<const model::Mock*> mocks) {
  stage_ = stage;
  mocks_ = std::move(mocks);
}

bool MockRunner::matches(const model::Mock& m, const std::string& command) const {
  if (m.times && used_.count(&m) && used_.at(&m) >= static_cast<size_t>(*m.times)) return false;
  if (m.kind == model::Mock::Kind::kGlob) return glob_match(m.pattern, command);
  RE2 re(m.pattern, RE2::Quiet);
  return re.ok() && RE2::PartialMatch(command, re);
}

command::CommandResult MockRunner::run(const command::CommandSpec& spec,
                                       command::OutputListener* listener) {
  command::CommandResult r;
  if (exhausted()) {
    r.outcome = command::CommandResult::Outcome::kInterrupted;
    return r;
  }
  CommandCall call{step_of(spec), masker_.mask(spec.display), nullptr, stage_};
  for (const model::Mock* m : mocks_) {
    if (matches(*m, call.command)) {
      call.mock = m;
      break;
    }
  }
  calls_.push_back(call);
  if (call.mock == nullptr) {
    r.outcome = command::CommandResult::Outcome::kSpawnFailed;
    r.error = kUnmockedError;
    return r;
  }
  size_t n = used_[call.mock]++;
  const model::MockResult& res = call.mock->results[std::min(n, call.mock->results.size() - 1)];
  if (spec.timeout && res.delay >= *spec.timeout) {
    r.outcome = command::CommandResult::Outcome::kTimedOut;
    r.exit_code = 128 + 15;
    r.elapsed = *spec.timeout;
    return r;
  }
  r.outcome = command::CommandResult::Outcome::kExited;
  r.exit_code = res.exit_code;
  r.elapsed = res.delay;
  r.stdout_bytes = res.stdout_text.size();
  r.stderr_bytes = res.stderr_text.size();
  r.stdout_tail = tail(res.stdout_text, spec.tail_bytes, &r.stdout_truncated);
  r.stderr_tail = tail(res.stderr_text, spec.tail_bytes, &r.stderr_truncated);
  if (listener != nullptr) {
    if (!res.stdout_text.empty()) listener->on_output(command::Stream::kStdout, res.stdout_text);
    if (!res.stderr_text.empty()) listener->on_output(command::Stream::kStderr, res.stderr_text);
  }
  return r;
}

const model::Mock* closest_mock(const std::vector<const model::Mock*>& mocks,
                                const std::string& command) {
  const model::Mock* best = nullptr;
  size_t best_distance = 0;
  const std::string_view cmd = std::string_view(command).substr(0, kCompareChars);
  for (const model::Mock* m : mocks) {
    size_t d = edit_distance(std::string_view(m->pattern).substr(0, kCompareChars), cmd);
    if (best == nullptr || d < best_distance) {
      best = m;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace rb::testing
