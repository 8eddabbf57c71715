// runbook status [RUN_ID] [--json] [--format text|json|markdown|junit|jsonl|html] [-o FILE]
// runbook history
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "cli/commands.h"
#include "cli/load_and_check.h"
#include "cli/run_report.h"
#include "cli/run_setup.h"
#include "cli/run_store.h"
#include "cli/tool_log.h"
#include "record/file_digest.h"
#include "record/journal_reader.h"
#include "report/html_report.h"

#ifndef RUNBOOK_VERSION
#define RUNBOOK_VERSION "0.0.0"
#endif

namespace rb::cli {
namespace {

struct StatusOptions {
  std::string run_id;
  bool json = false;
  std::string format = "text";
  std::string state_dir;
  std::string output;  // -o FILE: write there instead of stdout
};

// The HTML report: the run's journal, and the runbook file for its graph when it can still be
// read (with a note when it changed since the run).
std::string status_html(const record::RunRecord& run) {
  report::ReportInput in;
  in.run = &run;
  in.generator = std::string("runbook ") + RUNBOOK_VERSION;
  CheckedRunbook checked;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(run.file, ec)) {
    in.graph_note = "The runbook file '" + run.file +
                    "' cannot be found (moved or deleted since the run?), so there is no graph.";
  } else {
    checked = load_and_check(run.file);
    if (!checked.ok()) {
      in.graph_note = "The runbook file '" + run.file + "' no longer loads cleanly (run `runbook " +
                      "validate " + run.file + "`), so there is no graph.";
    } else {
      in.runbook = checked.runbook.get();
      auto digest = record::sha256_of_file(run.file);
      if (!run.sha256.empty() && digest && *digest != run.sha256) {
        in.graph_note =
            "The runbook file changed since this run: the graph is of the file as it "
            "is now.";
      }
    }
  }
  return report::run_report_html(in);
}

int run_status(const StatusOptions& o) {
  auto store = open_store(o.state_dir);
  if (!store) return kExitFailed;
  std::string error;
  auto id = find_run(*store, o.run_id, &error);
  if (!id) {
    spdlog::error("{}", error);
    return kExitUsage;
  }
  auto text = store->journal_text(*id, &error);
  auto run = text ? record::parse_journal(*text, store->journal_name(*id), &error) : std::nullopt;
  if (!run) {
    spdlog::error("{}", error);
    return kExitUsage;
  }
  std::string format = o.json ? "json" : o.format;
  std::string out;
  if (format == "jsonl") {
    out = *text;  // the journal itself, one record a line, whichever store keeps it
  } else if (format == "json") {
    out = status_json(*run);
  } else if (format == "markdown") {
    out = status_markdown(*run);
  } else if (format == "junit") {
    out = status_junit(*run);
  } else if (format == "html") {
    out = status_html(*run);
  } else {
    out = status_text(*run);
  }
  if (!o.output.empty()) {
    std::ofstream file(o.output, std::ios::binary | std::ios::trunc);
    file.write(out.data(), static_cast<std::streamsize>(out.size()));
    file.close();
    if (!file) {
      spdlog::error("cannot write '{}': {}", o.output, std::strerror(errno));
      return kExitUsage;
    }
    return kExitOk;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

struct HistoryOptions {
  std::string state_dir;
  size_t limit = 20;
  std::string format = "text";
};

int run_history(const HistoryOptions& o) {
  auto store = open_store(o.state_dir);
  if (!store) return kExitFailed;
  std::vector<std::string> ids;
  try {
    ids = store->run_ids();
  } catch (const record::StoreError& e) {
    spdlog::error("{}", e.what());
    return kExitFailed;
  }
  if (o.format == "json") {
    // Newest first, as the table: what scripts and dashboards read.
    nlohmann::json out = nlohmann::json::array();
    size_t shown = 0;
    for (auto it = ids.rbegin(); it != ids.rend() && shown < o.limit; ++it, ++shown) {
      std::string error;
      auto run = read_run(*store, *it, &error);
      if (!run) {
        out.push_back({{"run_id", *it}, {"error", error}});
        continue;
      }
      out.push_back({{"run_id", run->run_id},
                     {"runbook", run->runbook},
                     {"status", run->status},
                     {"started_at", run->started_at},
                     {"finished_at", run->finished_at},
                     {"user", run->user},
                     {"host", run->host},
                     {"resumes", run->resumes},
                     {"duration_ms", run->active_ms}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  if (ids.empty()) {
    std::printf("no runs recorded in '%s'\n", store->where().c_str());
    return kExitOk;
  }
  // Rows first, then columns as wide as their widest cell.
  std::vector<std::vector<std::string>> rows = {
      {"RUN", "RUNBOOK", "STATUS", "STARTED", "DURATION", "BY"}};
  std::vector<std::string> unreadable;  // kept in order with the rows: "" for a readable run
  unreadable.push_back("");
  size_t shown = 0;
  for (auto it = ids.rbegin(); it != ids.rend() && shown < o.limit; ++it, ++shown) {
    std::string error;
    auto run = read_run(*store, *it, &error);
    if (!run) {
      rows.push_back({*it});
      unreadable.push_back("(unreadable: " + error + ")");
      continue;
    }
    rows.push_back({run->run_id, run->runbook, run->status, run->started_at,
                    format_elapsed(Duration(run->active_ms)),
                    run->host.empty() ? run->user : run->user + "@" + run->host});
    unreadable.push_back("");
  }
  std::vector<size_t> width(6, 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    if (!unreadable[r].empty()) {
      line = rows[r][0] + std::string(width[0] - rows[r][0].size() + 2, ' ') + unreadable[r];
    } else {
      for (size_t i = 0; i < rows[r].size(); ++i) {
        line += rows[r][i];
        if (i + 1 < rows[r].size()) line += std::string(width[i] - rows[r][i].size() + 2, ' ');
      }
    }
    std::printf("%s\n", line.c_str());
  }
  return kExitOk;
}

}  // namespace

void add_status_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status",
      "Show a recorded run (default: the latest): each step's status, attempts, duration and "
      "exit code, what a step did before a resume ran it again, approvals, and where a paused "
      "run waits. --format markdown for a pull request or an audit, junit for CI (one testcase "
      "per step), html for a self-contained page with the step graph, a timeline, the "
      "approvals and each step's output.");
  cmd->add_option("run_id", o->run_id, "The run (default: the latest)")->option_text("RUN_ID");
  cmd->footer(
      "Examples:\n"
      "  runbook status\n"
      "  runbook status 20261123-212501123-3f9a --format markdown\n"
      "  runbook status --format html -o report.html");
  cmd->add_flag("--json", o->json, "Print JSON (same as --format json)");
  cmd->add_option("--format", o->format,
                  "text, json, markdown, junit, jsonl (the journal's records as stored) or html")
      ->check(CLI::IsMember({"text", "json", "markdown", "junit", "jsonl", "html"}));
  cmd->add_option("-o,--output", o->output, "Write to FILE instead of standard output")
      ->option_text("FILE");
  add_state_dir_option(*cmd, o->state_dir);
  cmd->callback([o, exit_code] { *exit_code = run_status(*o); });
}

void add_history_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<HistoryOptions>();
  CLI::App* cmd = app.add_subcommand(
      "history",
      "List recent runs, newest first: id, runbook, status, start, and how long each ran (the "
      "first run and each resume, not the time it sat paused between them).");
  cmd->add_option("-n,--limit", o->limit, "How many runs (default 20)");
  cmd->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  add_state_dir_option(*cmd, o->state_dir);
  cmd->footer("Examples:\n  runbook history -n 5\n  runbook history --format json");
  cmd->callback([o, exit_code] { *exit_code = run_history(*o); });
}

}  // namespace rb::cli
