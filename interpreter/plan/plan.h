#pragma once
// A plan: what a run of a runbook would do with given inputs, worked out without running it.
// Every step in run order with its rendered command, its guard's verdict (runs, skipped, or
// decided at run time and on what), loops, retries, waits, timeouts, gates, handlers and
// included runbooks. Built by make_plan (planner.h), rendered by the plan_*.h formats.
#include <optional>
#include <string>
#include <vector>

#include "expr/value.h"

namespace rb::plan {

enum class Verdict { kRuns, kSkipped, kRuntime };
// "runs", "skipped", "runtime": the contract's names.
const char* verdict_name(Verdict v);

struct PlanStep {
  std::string path;    // as the journal names it: "refresh", "units[0]", "grp/child"
  std::string id;      // "" for an unnamed step
  std::string title;   // the rendered name (unknown parts as ${{ EXPR }}), else the action
  std::string action;  // run, exec, wait, confirm, assert, set, log, fail, sleep, include, steps
  int depth = 0;       // nesting: 0 for the runbook's own steps
  // When the step is reached at all: "" (in order), "if the run fails", "at the end, always",
  // "if refresh fails".
  std::string when;
  Verdict verdict = Verdict::kRuns;
  std::string reason;                // skipped: why; runtime: on what
  std::vector<std::string> depends;  // runtime: the names only a run can know
  std::string guard;                 // the `if:` as written
  std::string command;               // rendered and masked; "" for actions without one
  bool changes = false;              // changes something (a command not marked readonly)
  bool readonly = false;
  std::string loop;     // "for each of 3 items" / "for each item of steps.x.output"
  std::string retry;    // "3 attempts, 10s apart (x2 each time), until ..."
  std::string wait;     // "until EXPR, every 5s, at most 10m"
  std::string timeout;  // "10m"
  // Parallel branches: "batch 1 of 2, at the same time as b and c (at most 4 at once)", when
  // steps of its list can run at once; "" in a list that runs one step after another.
  std::string batch;
  bool continue_on_error = false;
  std::string gate;               // confirm: the message
  std::string gate_approval;      // confirm: how it will be answered
  std::string detail;             // set: vars.x = ...; assert: conditions; log/fail: message; sleep
  std::string include;            // include: the file, as written
  std::vector<std::string> with;  // include: "NAME = VALUE"
  // --probe: this readonly step was run; what it gave.
  bool probed = false;
  std::string probe_result;
  std::vector<std::string> warnings;  // what a reviewer should look at
};

struct Plan {
  std::string runbook;                        // name
  std::string file;                           // as given
  expr::Map inputs;                           // resolved, secrets as ***
  std::vector<std::string> inputs_not_given;  // required inputs planned as unknown
  std::vector<PlanStep> steps;
  bool probed = false;  // --probe
  std::string digest;   // sha256 of the canonical content (plan_json.h)
};

}  // namespace rb::plan
