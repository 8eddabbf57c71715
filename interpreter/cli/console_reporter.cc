#include "cli/console_reporter.h"

#include <algorithm>
#include <cstring>

namespace rb::cli {
namespace {

const char* kGreen = "\033[32m";
const char* kRed = "\033[1;31m";
const char* kYellow = "\033[33m";
const char* kDim = "\033[2m";
const char* kBold = "\033[1m";

std::string summary_of(const exec::StepResult& r) {
  std::string out;
  if (r.attempts > 1) out += " after " + std::to_string(r.attempts) + " attempts";
  out += " (" + format_elapsed(Duration(r.duration_ms)) + ")";
  return out;
}

// Where a step sits in a path ("a/b/c" -> 2), to indent nested steps.
int depth_of(const std::string& path) {
  int d = 0;
  for (char c : path) d += c == '/' ? 1 : 0;
  return d;
}

}  // namespace

ConsoleReporter::ConsoleReporter(std::FILE* out, std::FILE* err, ConsoleOptions options)
    : out_(out), err_(err), o_(options), start_(std::chrono::steady_clock::now()) {}

std::string ConsoleReporter::paint(const char* color, const std::string& text) const {
  return o_.color ? std::string(color) + text + "\033[0m" : text;
}

void ConsoleReporter::end_progress_line() {
  if (progress_line_open_) {
    std::fputs("\r\033[K", out_);
    progress_line_open_ = false;
  }
}

void ConsoleReporter::line(const std::string& text, std::FILE* to) {
  end_progress_line();
  std::FILE* f = to ? to : out_;
  std::fputs(text.c_str(), f);
  std::fputc('\n', f);
  std::fflush(f);
}

void ConsoleReporter::header(const std::string& runbook, const std::string& run_id, bool resumed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (o_.verbosity == Verbosity::kQuiet) return;
  line(paint(kBold, (resumed ? "resuming " : "running ") + runbook) +
       paint(kDim, "  run " + run_id));
}

void ConsoleReporter::step_started(const exec::StepStart& s) {
  std::lock_guard<std::mutex> lock(mu_);
  running_path_ = s.path;
  running_since_ = last_activity_ = std::chrono::steady_clock::now();
  // The step's group, loop or include is no longer a leaf: something runs inside it.
  for (size_t i = 0; i < s.path.size(); ++i) {
    if (s.path[i] == '/' || s.path[i] == '[') leaves_.erase(s.path.substr(0, i));
  }
  leaves_.insert(s.path);
  last_started_ = s.path;
  if (s.alongside) alongside_.insert(s.path);
  if (o_.verbosity == Verbosity::kQuiet) return;
  // A wait's polls and a capture: json step's JSON are held back unless --verbose (shown if the
  // step fails).
  if ((s.poll || s.hold_output) && o_.verbosity != Verbosity::kVerbose) {
    muted_.insert(s.path);
  } else {
    muted_.erase(s.path);
  }
  if (s.attempt > 1 && o_.verbosity != Verbosity::kVerbose) return;
  std::string indent(2 * depth_of(s.path), ' ');
  std::string text = indent + paint(kBold, "> " + s.path);
  if (!s.title.empty() && s.title != s.path) text += "  " + s.title;
  line(text);
  if (!s.command.empty()) {
    std::string cmd = s.command;
    size_t nl = cmd.find('\n');
    if (nl != std::string::npos && o_.verbosity != Verbosity::kVerbose)
      cmd = cmd.substr(0, nl) + " ...";
    line(indent + paint(kDim, "  $ " + cmd));
  }
}

void ConsoleReporter::step_output(const std::string& path, bool is_stderr, std::string_view chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  last_activity_ = std::chrono::steady_clock::now();
  if (o_.verbosity == Verbosity::kQuiet || muted_.count(path)) return;
  end_progress_line();
  std::FILE* f = is_stderr ? err_ : out_;
  bool& at_start = at_line_start_[is_stderr ? 1 : 0];
  std::string& open_path = open_line_path_[is_stderr ? 1 : 0];
  if (!at_start && open_path != path) {
    // Another step's unfinished line: ended here, never continued with this step's bytes.
    std::fputc('\n', f);
    at_start = true;
  }
  open_path = path;
  const bool labelled = alongside_.count(path) > 0 || leaves_.size() > 1 || path != last_started_;
  std::string prefix =
      std::string(2 * depth_of(path), ' ') + (labelled ? "  " + path + " | " : "  | ");
  // While steps run side by side, a line is shown once it is whole (or at the step's end, or
  // at 64 KiB), so that no line holds pieces of two steps' output.
  std::string& held = held_[{path, is_stderr}];
  std::string joined;
  if (!held.empty()) {
    joined = std::move(held) + std::string(chunk);
    held.clear();
    chunk = joined;
  }
  if (labelled && at_start) {
    const size_t last_nl = chunk.rfind('\n');
    const size_t whole = last_nl == std::string_view::npos ? 0 : last_nl + 1;
    if (chunk.size() - whole < kHeldLineBytes) {
      held.assign(chunk.substr(whole));
      chunk = chunk.substr(0, whole);
    }
  }
  if (held.empty()) held_.erase({path, is_stderr});
  // A prefix goes where a line starts: at the chunk's start if a line ended before it, and
  // after each newline that has bytes after it. They are counted first, so the text is built in
  // one buffer of its exact size, a copy a line, and written with one fwrite (two stdio calls a
  // line were half the time of a gigabyte of short lines). A chunk in the middle of one long
  // line is written as it is.
  const char* const begin = chunk.data();
  const char* const end = begin + chunk.size();
  const bool first_starts = at_start && !chunk.empty();
  size_t starts = first_starts ? 1 : 0;
  for (const char* q = begin; q < end; ++q) {
    q = static_cast<const char*>(std::memchr(q, '\n', static_cast<size_t>(end - q)));
    if (q == nullptr) break;
    if (q + 1 < end) ++starts;
  }
  if (!chunk.empty()) at_start = chunk.back() == '\n';
  if (starts == 0) {
    std::fwrite(begin, 1, chunk.size(), f);
    std::fflush(f);
    return;
  }
  const size_t size = chunk.size() + starts * prefix.size();
  if (text_.size() < size) text_.resize(size);
  char* w = text_.data();
  auto put = [&w](const char* from, size_t n) {
    std::memcpy(w, from, n);
    w += n;
  };
  if (first_starts) put(prefix.data(), prefix.size());
  for (const char* p = begin; p < end;) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* stop = nl == nullptr ? end : nl + 1;
    put(p, static_cast<size_t>(stop - p));
    p = stop;
    if (nl != nullptr && p < end) put(prefix.data(), prefix.size());
  }
  std::fwrite(text_.data(), 1, size, f);
  std::fflush(f);
}

void ConsoleReporter::step_finished(const std::string& path, const exec::StepResult& r) {
  std::lock_guard<std::mutex> lock(mu_);
  if (path == running_path_) running_path_.clear();
  leaves_.erase(path);
  alongside_.erase(path);
  for (bool is_stderr : {false, true}) {
    auto held = held_.find({path, is_stderr});
    if (held == held_.end()) continue;
    std::FILE* f = is_stderr ? err_ : out_;
    end_progress_line();
    const std::string text =
        std::string(2 * depth_of(path), ' ') + "  " + path + " | " + held->second + "\n";
    std::fwrite(text.data(), 1, text.size(), f);
    held_.erase(held);
  }
  const bool was_muted = muted_.erase(path) > 0;
  for (int k = 0; k < 2; ++k) {
    if (!at_line_start_[k] && open_line_path_[k] == path) {
      std::fputc('\n', k == 0 ? out_ : err_);
      at_line_start_[k] = true;
    }
  }
  std::string indent(2 * depth_of(path), ' ');
  switch (r.status) {
    case exec::StepStatus::kSucceeded:
      ++ran_;
      if (o_.verbosity != Verbosity::kQuiet) {
        line(indent + paint(kGreen, "ok " + path) + paint(kDim, summary_of(r)));
      }
      break;
    case exec::StepStatus::kSkipped:
      ++skipped_;
      if (o_.verbosity != Verbosity::kQuiet) {
        line(indent + paint(kYellow, "skipped " + path) + paint(kDim, ": " + r.reason));
      }
      break;
    case exec::StepStatus::kPaused:
      line(indent + paint(kYellow, "paused " + path) + ": " + r.error);
      break;
    case exec::StepStatus::kInterrupted:
      line(indent + paint(kRed, "interrupted " + path), err_);
      break;
    case exec::StepStatus::kFailed:
    case exec::StepStatus::kTimedOut: {
      const bool inside_counted =
          std::any_of(failed_paths_.begin(), failed_paths_.end(), [&](const std::string& p) {
            return p.rfind(path + "/", 0) == 0 || p.rfind(path + "[", 0) == 0;
          });
      if (!inside_counted) ++failed_;
      failed_paths_.push_back(path);
      line(indent +
               paint(kRed, std::string(r.status == exec::StepStatus::kTimedOut ? "TIMED OUT "
                                                                               : "FAILED ") +
                               path) +
               ": " + r.error + paint(kDim, summary_of(r)),
           err_);
      if (!r.hint.empty()) line(indent + "  " + paint(kDim, "hint: ") + r.hint, err_);
      if (was_muted && !r.stdout_tail.empty()) {
        // The polls' output was held back: show the end of the last one.
        std::string tail = r.stdout_tail.size() > 2000
                               ? r.stdout_tail.substr(r.stdout_tail.size() - 2000)
                               : r.stdout_tail;
        // Shown as output is, under the step: "  | line".
        std::string shown = indent + "  last output of " + path + ":";
        size_t at = 0;
        while (at < tail.size()) {
          size_t end = tail.find('\n', at);
          if (end == std::string::npos) end = tail.size();
          shown += "\n" + indent + "  | " + tail.substr(at, end - at);
          at = end + 1;
        }
        line(shown, err_);
      }
      if (o_.verbosity == Verbosity::kQuiet && !r.stderr_tail.empty()) {
        std::string tail = r.stderr_tail.size() > 2000
                               ? r.stderr_tail.substr(r.stderr_tail.size() - 2000)
                               : r.stderr_tail;
        line(tail, err_);
      }
      break;
    }
  }
}

std::string ConsoleReporter::first_failure() {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_paths_.empty() ? "" : failed_paths_.front();
}

void ConsoleReporter::step_restored(const std::string& path, const exec::StepResult& r) {
  std::lock_guard<std::mutex> lock(mu_);
  ++restored_;
  if (o_.verbosity == Verbosity::kQuiet) return;
  line(std::string(2 * depth_of(path), ' ') +
       paint(kDim,
             "done " + path + " (" + exec::step_status_name(r.status) + " in an earlier attempt)"));
}

void ConsoleReporter::message(const std::string& path, const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (o_.verbosity == Verbosity::kQuiet && text.rfind("error:", 0) != 0) return;
  const std::string indent = std::string(2 * depth_of(path), ' ') + "  ";
  std::string indented = indent;
  for (char c : text) {
    indented += c;
    if (c == '\n') indented += indent;
  }
  line(indented, text.rfind("error:", 0) == 0 ? err_ : out_);
}

void ConsoleReporter::waiting(const std::string& path, const std::string& what, Duration elapsed,
                              Duration limit) {
  std::lock_guard<std::mutex> lock(mu_);
  last_activity_ = std::chrono::steady_clock::now();
  if (o_.verbosity == Verbosity::kQuiet) return;
  std::string text = std::string(2 * depth_of(path), ' ') + "  ... " + path + ": " + what + " (" +
                     format_elapsed(elapsed) + " of " + format_elapsed(limit) + ")";
  if (o_.terminal) {
    end_progress_line();
    std::fputs(paint(kDim, text).c_str(), out_);
    std::fflush(out_);
    progress_line_open_ = true;
  } else if (o_.verbosity == Verbosity::kVerbose || path != last_wait_path_) {
    line(paint(kDim, text));
  }
  last_wait_path_ = path;
}

void ConsoleReporter::approved(const exec::Approval& a) {
  std::lock_guard<std::mutex> lock(mu_);
  if (o_.verbosity == Verbosity::kQuiet) return;
  line("  approved " + a.step + " by " + a.user + " (" + a.how + ")" +
       (a.reason.empty() ? "" : ": " + a.reason));
}

void ConsoleReporter::run_finished(exec::RunStatus s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto elapsed = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start_);
  std::string counts = std::to_string(ran_) + " ok, " + std::to_string(skipped_) + " skipped, " +
                       std::to_string(failed_) + " failed";
  if (restored_ > 0) counts += ", " + std::to_string(restored_) + " done earlier";
  const char* color = s == exec::RunStatus::kSucceeded ? kGreen
                      : s == exec::RunStatus::kPaused  ? kYellow
                                                       : kRed;
  std::string text = paint(color, std::string("run ") + exec::run_status_name(s)) + ": " + counts +
                     " in " + format_elapsed(elapsed);
  line(text, s == exec::RunStatus::kSucceeded || s == exec::RunStatus::kPaused ? out_ : err_);
}

void ConsoleReporter::tick(std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!o_.terminal || o_.verbosity == Verbosity::kQuiet || running_path_.empty()) return;
  if (now - last_activity_ < std::chrono::seconds(2)) return;
  auto running = std::chrono::duration_cast<Duration>(now - running_since_);
  end_progress_line();
  std::string text = std::string(2 * depth_of(running_path_), ' ') + "  ... " + running_path_ +
                     ": running for " + format_elapsed(running);
  std::fputs(paint(kDim, text).c_str(), out_);
  std::fflush(out_);
  progress_line_open_ = true;
}

ProgressTicker::ProgressTicker(ConsoleReporter& reporter) : reporter_(reporter) {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
      lock.unlock();
      reporter_.tick(std::chrono::steady_clock::now());
      lock.lock();
    }
  });
}

ProgressTicker::~ProgressTicker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_one();
  thread_.join();
}

}  // namespace rb::cli
