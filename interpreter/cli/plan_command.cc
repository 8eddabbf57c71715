// runbook plan FILE [-i ...] [--format text|markdown|json] [--probe] [--diff BASE_FILE]
// runbook graph FILE [--format mermaid|dot]
// load -> check -> inputs (unknown where not given) -> plan; nothing is executed (but --probe's
// readonly steps) and no state is written.
#include <cstdio>
#include <fstream>

#include "base/bury.h"
#include "cli/commands.h"
#include "cli/load_and_check.h"
#include "cli/review.h"
#include "cli/run_setup.h"
#include "cli/tool_log.h"
#include "exec/process_runner.h"
#include "plan/graph.h"
#include "plan/plan_diff.h"
#include "plan/plan_json.h"
#include "plan/plan_text.h"
#include "plan/planner.h"

extern char** environ;

namespace rb::cli {

std::vector<std::string> process_env() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

plan::Plan plan_for(const model::Runbook& rb, const expr::Map& inputs,
                    const command::SecretMasker& masker, const PlanRequest& request) {
  plan::PlannerOptions options;
  options.base_env = process_env();
  options.approve_all = request.approve_all;
  options.probe = request.probe;
  options.masker = &masker;
  options.check_programs = request.check_programs;
  options.digest = request.digest && !request.probe;
  plan::Plan p = plan::make_plan(rb, inputs, options);
  if (request.probe) {
    // The digest is the plan's before probing: what the probes saw is the world now, not the
    // procedure that was reviewed (and `run --expect-plan` plans without probing).
    options.probe = nullptr;
    options.digest = true;
    p.digest = plan::make_plan(rb, inputs, options).digest;
  }
  return p;
}

namespace {

struct PlanOptions {
  std::string file;
  InputArgs inputs;
  std::string format = "text";
  bool probe = false;
  bool yes = false;
  std::string diff;
  size_t markdown_limit = plan::kGitHubCommentLimit;
  std::string output;
};

bool write_output(const std::string& text, const std::string& path) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return true;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) {
    spdlog::error("cannot write '{}'", path);
    return false;
  }
  return true;
}

int run_plan(const PlanOptions& o) {
  CheckedRunbook head = load_and_check(o.file);
  print_diagnostics(head.diagnostics);
  if (!head.ok()) return kExitUsage;
  command::SecretMasker masker;
  std::vector<std::string> not_given;
  auto inputs = resolve_plan_inputs(*head.runbook, o.inputs, masker, &not_given);
  if (!inputs) return kExitUsage;

  exec::ProcessRunner runner;
  // A diff compares procedures, not the world: it never probes.
  PlanRequest request{o.yes, o.probe && o.diff.empty() ? &runner : nullptr, true};
  // The JSON of a plan works out its digest while it is written (plan_json_digested).
  request.digest = !(o.format == "json" && o.diff.empty());
  plan::Plan plan = plan_for(*head.runbook, *inputs, masker, request);
  std::string mermaid;
  if (o.format == "markdown") mermaid = plan::graph_mermaid(plan::build_graph(*head.runbook));

  if (o.diff.empty()) {
    std::string text =
        o.format == "json" ? plan::plan_json_digested(plan)
        : o.format == "markdown"
            ? plan::plan_markdown(plan, plan::MarkdownOptions{o.markdown_limit, mermaid})
            : plan::plan_text(plan);
    // The command ends here: the model and the plan are not freed step by step (base/bury.h).
    bury(std::move(head.runbook));
    bury(std::make_shared<plan::Plan>(std::move(plan)));
    return write_output(text, o.output) ? kExitOk : kExitFailed;
  }

  CheckedRunbook base = load_and_check(o.diff);
  print_diagnostics(base.diagnostics);
  if (!base.ok()) return kExitUsage;
  // The same inputs for both, leaving out what the base runbook does not declare yet.
  InputArgs base_args = o.inputs;
  base_args.pairs.clear();
  for (const std::string& pair : o.inputs.pairs) {
    if (base.runbook->find_input(pair.substr(0, pair.find('='))) != nullptr) {
      base_args.pairs.push_back(pair);
    }
  }
  std::vector<std::string> base_not_given;
  auto base_inputs = resolve_plan_inputs(*base.runbook, base_args, masker, &base_not_given);
  if (!base_inputs) return kExitUsage;
  plan::Plan before = plan_for(*base.runbook, *base_inputs, masker, request);
  std::vector<plan::StepChange> diff = plan::diff_plans(before, plan);
  std::string text;
  if (o.format == "json") {
    text = plan::diff_json(before, plan, diff);
  } else if (o.format == "markdown") {
    text = plan::diff_markdown(before, plan, diff);
    // The whole plan gets what the diff leaves of the limit (at least 1: then it is only cut).
    const size_t used = text.size() + 200;
    const size_t left = o.markdown_limit == 0         ? 0
                        : o.markdown_limit > used + 1 ? o.markdown_limit - used
                                                      : 1;
    std::string full = plan::plan_markdown(plan, plan::MarkdownOptions{left, mermaid});
    text += "<details><summary>The whole plan of " + o.file + "</summary>\n\n" + full +
            "\n</details>\n";
  } else {
    text = plan::diff_text(before, plan, diff);
  }
  return write_output(text, o.output) ? kExitOk : kExitFailed;
}

struct GraphOptions {
  std::string file;
  std::string format = "mermaid";
  std::string output;
};

int run_graph(const GraphOptions& o) {
  CheckedRunbook c = load_and_check(o.file);
  print_diagnostics(c.diagnostics);
  if (!c.ok()) return kExitUsage;
  plan::Graph g = plan::build_graph(*c.runbook);
  std::string text = o.format == "dot" ? plan::graph_dot(g) : plan::graph_mermaid(g);
  return write_output(text, o.output) ? kExitOk : kExitFailed;
}

}  // namespace

void add_plan_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plan",
      "Show what a run would do, executing nothing: every step in order with its rendered "
      "command, whether its guard lets it run (runs, skipped: why, or runtime: decided when the "
      "run gets there, and on what), loops, retries, waits, timeouts, gates and handlers, and a "
      "digest that `run --expect-plan` can hold a run to. Inputs not given are planned as "
      "unknown. Exit 0, or 2 for an invalid runbook or inputs.");
  cmd->add_option("file", o->file, "The runbook file to plan")->required()->option_text("FILE");
  cmd->footer(
      "Examples:\n"
      "  runbook plan runbooks/mysql-k8s-rollback.yaml -i revision=88\n"
      "  runbook plan runbooks/mysql-k8s-rollback.yaml --diff /tmp/base.yaml --format markdown");
  add_input_options(*cmd, o->inputs);
  cmd->add_option("--format", o->format, "text (default), markdown (for a pull request) or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}));
  cmd->add_flag("--probe", o->probe,
                "Run the steps marked readonly (they change nothing) and use what they find to "
                "decide more guards");
  cmd->add_flag("-y,--yes", o->yes, "Plan a run given --yes: gates approved without asking");
  cmd->add_option("--diff", o->diff,
                  "Show what FILE changes against this earlier version of it (e.g. the base "
                  "branch's copy)")
      ->option_text("BASE_FILE");
  cmd->add_option("--markdown-limit", o->markdown_limit,
                  "Cut markdown to stay under this many characters (default 65536, GitHub's "
                  "comment limit; 0: no limit, e.g. for a job summary)");
  cmd->add_option("-o,--output", o->output, "Write to this file instead of standard output");
  cmd->callback([o, exit_code] { *exit_code = run_plan(*o); });
}

void add_graph_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<GraphOptions>();
  CLI::App* cmd = app.add_subcommand(
      "graph",
      "Draw a runbook's steps: needs and run order as arrows with their guards, gates, checks, "
      "loops, groups, includes and handlers each drawn their own way. mermaid renders on GitHub; "
      "dot is for graphviz (runbook graph FILE --format dot | dot -Tsvg > graph.svg).");
  cmd->add_option("file", o->file, "The runbook file to draw")->required()->option_text("FILE");
  cmd->footer(
      "Examples:\n  runbook graph runbooks/mysql-k8s-rollback.yaml --format dot | dot -Tsvg");
  cmd->add_option("--format", o->format, "mermaid (default) or dot")
      ->check(CLI::IsMember({"mermaid", "dot"}));
  cmd->add_option("-o,--output", o->output, "Write to this file instead of standard output");
  cmd->callback([o, exit_code] { *exit_code = run_graph(*o); });
}

}  // namespace rb::cli
