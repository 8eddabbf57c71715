#pragma once
// Prints a run as it happens: a line per step (started, succeeded in 1.2s, failed with exit 7,
// skipped because ...), the steps' own output, what a wait is waiting for, and a summary.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "exec/run_observer.h"

namespace rb::cli {

enum class Verbosity { kQuiet, kNormal, kVerbose };

struct ConsoleOptions {
  Verbosity verbosity = Verbosity::kNormal;
  bool color = false;
  bool terminal = false;  // stdout is a terminal: waits update one line in place
};

class ConsoleReporter : public exec::RunObserver {
 public:
  ConsoleReporter(std::FILE* out, std::FILE* err, ConsoleOptions options);

  void header(const std::string& runbook, const std::string& run_id, bool resumed);
  void step_started(const exec::StepStart& s) override;
  void step_output(const std::string& path, bool is_stderr, std::string_view chunk) override;
  void step_finished(const std::string& path, const exec::StepResult& r) override;
  void step_restored(const std::string& path, const exec::StepResult& r) override;
  void message(const std::string& path, const std::string& text) override;
  void waiting(const std::string& path, const std::string& what, Duration elapsed,
               Duration limit) override;
  void approved(const exec::Approval& a) override;
  void run_finished(exec::RunStatus s) override;

  // On a terminal, a step that has been quiet for 2s or more gets one line, updated in place,
  // saying what runs and for how long. Called about once a second by a ProgressTicker.
  void tick(std::chrono::steady_clock::time_point now);
  // The first step that failed (the deepest one: a failed child, not the group it failed),
  // "" when none did.
  std::string first_failure();

 private:
  std::string paint(const char* color, const std::string& text) const;
  void end_progress_line();
  void line(const std::string& text, std::FILE* to = nullptr);

  std::FILE* out_;
  std::FILE* err_;
  ConsoleOptions o_;
  std::chrono::steady_clock::time_point start_;
  bool progress_line_open_ = false;
  bool at_line_start_[2] = {true, true};
  std::string open_line_path_[2];  // whose unfinished line each stream holds
  std::string last_wait_path_;
  // Waits polling, capture: json steps: their output is held back unless --verbose.
  std::set<std::string> muted_;
  // The steps running now with nothing running inside them. When more than one runs (parallel
  // branches, fan-out items), or a line comes from another step than the last one shown, each
  // output line is labelled with its step's path.
  std::set<std::string> leaves_;
  std::string last_started_;
  std::set<std::string> alongside_;  // running beside others (StepStart::alongside)
  // The unfinished last line of a step's stream while steps run side by side.
  std::map<std::pair<std::string, bool>, std::string> held_;
  static constexpr size_t kHeldLineBytes = 64 * 1024;
  std::string text_;  // step_output's text with its prefixes, kept for the next chunk
  // The step running now, for tick(): since when, and when it last showed a sign of life.
  std::string running_path_;
  std::chrono::steady_clock::time_point running_since_, last_activity_;
  // The engine reports from the main thread and the ticker from its own: one writer at a time.
  std::mutex mu_;
  int ran_ = 0, skipped_ = 0, failed_ = 0, restored_ = 0;
  // Failed steps counted so far: a group, loop or include that fails because a step inside it
  // failed is the same failure, counted once.
  std::vector<std::string> failed_paths_;
};

// Calls ConsoleReporter::tick about once a second on a thread of its own, while it lives.
class ProgressTicker {
 public:
  explicit ProgressTicker(ConsoleReporter& reporter);
  ~ProgressTicker();
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

 private:
  ConsoleReporter& reporter_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace rb::cli
