#include "plan/plan_json.h"

#include <nlohmann/json.hpp>

#include "base/sha256.h"

namespace rb::plan {
namespace {

using nlohmann::ordered_json;

// The value as JSON (values never hold unknowns here: inputs are known or listed as not given).
ordered_json value_json(const expr::Value& v) {
  return ordered_json::parse(v.to_json());
}

// What a reviewer approves: every field but warnings and probe results.
ordered_json canonical_step(const PlanStep& s) {
  ordered_json j;
  j["step"] = s.path;
  j["verdict"] = verdict_name(s.verdict);
  j["reason"] = s.reason;
  j["command"] = s.command;
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
  };
  put("id", s.id);
  put("title", s.title);
  j["action"] = s.action;
  if (s.depth) j["depth"] = s.depth;
  put("when", s.when);
  if (!s.depends.empty()) j["depends"] = s.depends;
  put("guard", s.guard);
  if (s.changes) j["changes"] = true;
  if (s.readonly) j["readonly"] = true;
  put("batch", s.batch);
  put("loop", s.loop);
  put("retry", s.retry);
  put("wait", s.wait);
  put("timeout", s.timeout);
  if (s.continue_on_error) j["continue_on_error"] = true;
  put("gate", s.gate);
  put("gate_approval", s.gate_approval);
  put("detail", s.detail);
  put("include", s.include);
  if (!s.with.empty()) j["with"] = s.with;
  return j;
}

ordered_json inputs_json(const Plan& plan) {
  ordered_json j = ordered_json::object();
  for (const auto& [name, value] : plan.inputs) {
    j[name] = value.is_unknown() ? ordered_json(nullptr) : value_json(value);
  }
  return j;
}

}  // namespace

PlanCounts count_steps(const Plan& plan) {
  PlanCounts c;
  for (const PlanStep& s : plan.steps) {
    ++c.steps;
    c.warnings += static_cast<int>(s.warnings.size());
    if (s.verdict == Verdict::kSkipped) {
      ++c.skipped;
      continue;
    }
    if (s.verdict == Verdict::kRuntime) ++c.runtime;
    if (s.changes) ++c.changes;
    if (s.readonly) ++c.readonly;
    if (s.action == "confirm") ++c.gates;
  }
  return c;
}

std::string plan_digest(const Plan& plan) {
  ordered_json j;
  j["format"] = "runbook-plan-1";
  j["runbook"] = plan.runbook;
  j["inputs"] = inputs_json(plan);
  j["inputs_not_given"] = plan.inputs_not_given;
  ordered_json steps = ordered_json::array();
  for (const PlanStep& s : plan.steps) steps.push_back(canonical_step(s));
  j["steps"] = std::move(steps);
  return "sha256:" + sha256_hex(j.dump());
}

std::string plan_json(const Plan& plan) {
  ordered_json j;
  j["runbook"] = plan.runbook;
  j["file"] = plan.file;
  j["digest"] = plan.digest;
  j["inputs"] = inputs_json(plan);
  if (!plan.inputs_not_given.empty()) j["inputs_not_given"] = plan.inputs_not_given;
  j["probed"] = plan.probed;
  PlanCounts c = count_steps(plan);
  j["counts"] = {{"steps", c.steps},      {"changes", c.changes}, {"readonly", c.readonly},
                 {"gates", c.gates},      {"skipped", c.skipped}, {"runtime", c.runtime},
                 {"warnings", c.warnings}};
  ordered_json steps = ordered_json::array();
  for (const PlanStep& s : plan.steps) {
    ordered_json step = canonical_step(s);
    if (s.probed) step["probed"] = true;
    if (!s.probe_result.empty()) step["probe_result"] = s.probe_result;
    if (!s.warnings.empty()) step["warnings"] = s.warnings;
    steps.push_back(std::move(step));
  }
  j["steps"] = std::move(steps);
  return j.dump(2) + "\n";
}

}  // namespace rb::plan
