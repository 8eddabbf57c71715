#include "plan/deferred_commands.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "expr/ast.h"
#include "plan/program_words.h"

namespace rb::plan {
namespace {

bool reads_only_fixed_names(const expr::Node& n) {
  if (n.kind == expr::NodeKind::kName && n.name != "inputs" && n.name != "env" && n.name != "run" &&
      n.name != "runbook") {
    return false;
  }
  for (const auto& c : n.children) {
    if (!reads_only_fixed_names(*c)) return false;
  }
  return true;
}

bool reads_only_fixed_names(const expr::Template& t) {
  for (const expr::TemplatePart& p : t.parts()) {
    if (p.expr && !reads_only_fixed_names(p.expr->root())) return false;
  }
  return true;
}

}  // namespace

bool reads_only_fixed_names(const model::Command& command) {
  if (const auto* sh = std::get_if<model::ShellCommand>(&command)) {
    return reads_only_fixed_names(sh->script);
  }
  for (const expr::Template& t : std::get<model::ExecCommand>(command).argv) {
    if (!reads_only_fixed_names(t)) return false;
  }
  return true;
}

struct DeferredCommands::State {
  struct Job {
    // Read by whoever renders it.
    const model::Command* command;
    std::shared_ptr<const expr::Scope> scope;
    std::shared_ptr<const std::vector<std::string>> env;
    bool check_programs;
    // Written by whoever renders it.
    std::string text;
    std::vector<std::string> warnings;
  };
  struct Place {  // the planner's own: where the results go
    size_t step;
    size_t warn_at;
    bool skipped;
  };

  std::deque<Job> jobs;  // a deque: a job stays where it is while more are added
  std::vector<Place> places;
  std::vector<Job*> batch;  // added, not yet handed to the thread
  bool threaded = false;    // the thread was started: it renders every job
  bool no_thread = false;   // none could be started: finish() renders every job

  std::mutex mu;
  std::condition_variable wake;
  std::vector<Job*> ready;  // under mu: handed over, not yet taken by the thread
  bool closed = false;      // under mu: no more jobs
  std::thread thread;
  std::exception_ptr error;  // what the thread ran into

  // What the planner's describe_command does for a command, with nothing to mask.
  static void render(Job& j, ProgramLookup& programs) {
    std::string failure;
    std::optional<command::RenderedCommand> rc = render_for_plan(*j.command, *j.scope, &failure);
    if (!rc) {
      j.warnings.push_back(std::move(failure));
      return;
    }
    command_warnings(*j.command, *rc, j.check_programs, *j.env, programs, j.warnings);
    j.text = std::move(rc->display);
  }

  void run() {
    ProgramLookup programs;  // the thread's own
    std::vector<Job*> mine;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        wake.wait(lock, [&] { return closed || !ready.empty(); });
        if (ready.empty()) return;  // closed, and all rendered
        mine.swap(ready);
      }
      try {
        if (!error) {
          for (Job* j : mine) render(*j, programs);
        }
      } catch (...) {
        error = std::current_exception();
      }
      mine.clear();
    }
  }

  void hand_over(bool last) {
    {
      std::lock_guard<std::mutex> lock(mu);
      ready.insert(ready.end(), batch.begin(), batch.end());
      closed = closed || last;
    }
    batch.clear();
    wake.notify_one();
  }

  void join() {
    if (!thread.joinable()) return;
    hand_over(true);
    thread.join();
  }
};

DeferredCommands::DeferredCommands() : s_(std::make_unique<State>()) {}

DeferredCommands::~DeferredCommands() {
  s_->join();
}

void DeferredCommands::add(const model::Command& command, std::shared_ptr<const expr::Scope> scope,
                           std::shared_ptr<const std::vector<std::string>> env, bool check_programs,
                           size_t step, size_t warn_at, bool skipped) {
  State& s = *s_;
  s.jobs.push_back(State::Job{&command, std::move(scope), std::move(env), check_programs, {}, {}});
  s.places.push_back(State::Place{step, warn_at, skipped});
  if (s.no_thread) return;
  s.batch.push_back(&s.jobs.back());
  constexpr size_t kBatch = 256;  // the lock is taken once for this many commands
  if (s.batch.size() < kBatch) return;
  if (!s.threaded) {
    try {
      s.thread = std::thread([state = s_.get()] { state->run(); });
      s.threaded = true;
    } catch (const std::system_error&) {  // no thread: finish() renders them all
      s.no_thread = true;
      s.batch.clear();
      return;
    }
  }
  s.hand_over(false);
}

void DeferredCommands::shift_warnings(size_t step, size_t n) {
  for (State::Place& p : s_->places) {
    if (p.step == step) p.warn_at += n;
  }
}

void DeferredCommands::finish(std::vector<PlanStep>& steps) {
  State& s = *s_;
  s.join();
  if (s.error) std::rethrow_exception(s.error);
  if (!s.threaded) {  // a short plan, or no thread: rendered here, in order
    ProgramLookup programs;
    for (State::Job& j : s.jobs) State::render(j, programs);
  }
  for (size_t i = 0; i < s.jobs.size(); ++i) {
    State::Job& j = s.jobs[i];
    const State::Place& p = s.places[i];
    PlanStep& step = steps[p.step];
    step.command = std::move(j.text);
    if (p.skipped || j.warnings.empty()) continue;
    step.warnings.insert(step.warnings.begin() + static_cast<std::ptrdiff_t>(p.warn_at),
                         std::make_move_iterator(j.warnings.begin()),
                         std::make_move_iterator(j.warnings.end()));
  }
  s.jobs.clear();
  s.places.clear();
  s.batch.clear();
}

}  // namespace rb::plan
