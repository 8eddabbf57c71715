// runbook status [RUN_ID] [--json] [--format text|json|markdown|junit]
// runbook history
#include <cstdio>

#include "cli/commands.h"
#include "cli/run_report.h"
#include "cli/run_setup.h"
#include "cli/run_store.h"
#include "cli/tool_log.h"
#include "record/journal_reader.h"

namespace rb::cli {
namespace {

struct StatusOptions {
  std::string run_id;
  bool json = false;
  std::string format = "text";
  std::string state_dir;
};

int run_status(const StatusOptions& o) {
  std::string id, error;
  auto path = journal_path(state_dir_from(o.state_dir), o.run_id, &id, &error);
  if (!path) {
    spdlog::error("{}", error);
    return kExitUsage;
  }
  auto run = record::read_journal(*path, &error);
  if (!run) {
    spdlog::error("{}", error);
    return kExitUsage;
  }
  std::string format = o.json ? "json" : o.format;
  std::string out;
  if (format == "json") {
    out = status_json(*run);
  } else if (format == "markdown") {
    out = status_markdown(*run);
  } else if (format == "junit") {
    out = status_junit(*run);
  } else {
    out = status_text(*run);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

struct HistoryOptions {
  std::string state_dir;
  size_t limit = 20;
};

int run_history(const HistoryOptions& o) {
  const std::string state_dir = state_dir_from(o.state_dir);
  std::vector<std::string> ids = list_runs(state_dir);
  if (ids.empty()) {
    std::printf("no runs recorded in '%s'\n", state_dir.c_str());
    return kExitOk;
  }
  std::printf("%-22s  %-28s  %-12s  %-24s  %s\n", "RUN", "RUNBOOK", "STATUS", "STARTED",
              "DURATION");
  size_t shown = 0;
  for (auto it = ids.rbegin(); it != ids.rend() && shown < o.limit; ++it, ++shown) {
    std::string error;
    auto run = record::read_journal(state_dir + "/runs/" + *it + "/journal.jsonl", &error);
    if (!run) {
      std::printf("%-22s  (unreadable: %s)\n", it->c_str(), error.c_str());
      continue;
    }
    int64_t ms = 0;
    for (const auto& s : run->steps) {
      if (s.finished && s.path.find('/') == std::string::npos &&
          s.path.find('[') == std::string::npos) {
        ms += s.result.duration_ms;
      }
    }
    std::printf("%-22s  %-28s  %-12s  %-24s  %s\n", run->run_id.c_str(), run->runbook.c_str(),
                run->status.c_str(), run->started_at.c_str(), format_elapsed(Duration(ms)).c_str());
  }
  return kExitOk;
}

}  // namespace

void add_status_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status",
      "Show a recorded run (default: the latest): each step's status, attempts, duration and "
      "exit code, and where a paused run waits. --format markdown for a pull request or an "
      "audit, junit for CI (one testcase per step).");
  cmd->add_option("run_id", o->run_id, "The run (default: the latest)");
  cmd->add_flag("--json", o->json, "Print JSON (same as --format json)");
  cmd->add_option("--format", o->format, "text, json, markdown or junit")
      ->check(CLI::IsMember({"text", "json", "markdown", "junit"}));
  cmd->add_option("--state-dir", o->state_dir,
                  "Where runs are recorded (default: $RUNBOOK_STATE_DIR, else .runbook)");
  cmd->callback([o, exit_code] { *exit_code = run_status(*o); });
}

void add_history_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<HistoryOptions>();
  CLI::App* cmd = app.add_subcommand(
      "history", "List recent runs, newest first: id, runbook, status, start and duration.");
  cmd->add_option("-n,--limit", o->limit, "How many runs (default 20)");
  cmd->add_option("--state-dir", o->state_dir,
                  "Where runs are recorded (default: $RUNBOOK_STATE_DIR, else .runbook)");
  cmd->callback([o, exit_code] { *exit_code = run_history(*o); });
}

}  // namespace rb::cli
