#pragma once
// A plan for people: `text` for a terminal (plan, run --dry-run) and `markdown` for a pull
// request comment or a job summary.
#include <cstddef>
#include <string>

#include "plan/plan.h"

namespace rb::plan {

std::string plan_text(const Plan& plan);

// GitHub refuses a comment longer than this many characters.
inline constexpr size_t kGitHubCommentLimit = 65536;

struct MarkdownOptions {
  // Cut the steps (with a note saying so) to stay under this many characters; 0: no limit.
  size_t limit = kGitHubCommentLimit;
  std::string mermaid;  // a graph of the runbook to show (graph.h), or ""
};
std::string plan_markdown(const Plan& plan, const MarkdownOptions& options);

// "verdict: reason" as the formats print it: "runs", "skipped: if: x is false", "runtime: ...".
std::string verdict_text(const PlanStep& s);

}  // namespace rb::plan
