#pragma once
// The order rules of parallel steps, checked before anything runs: a step may read `steps.X` only
// when it runs after X (it needs X, transitively, or sits after it in the order of the runbook's
// lists: a handler after the steps, a step's on_failure after the step), and two steps that may
// run at the same time must not `set` the same var (nor may the items of a parallel for_each).
#include <unordered_map>
#include <vector>

#include "base/diagnostic.h"
#include "check/step_graph.h"
#include "load/model.h"

namespace rb::check {

// The order of lists of steps (check/step_graph.h), by list, as the checker computed them.
using StepOrders = std::unordered_map<const std::vector<model::Step>*, StepOrder>;

// Reports each violation into `diags`. Lists whose `needs` are broken (an unknown id, a cycle)
// are left alone: order_steps reports those. The orders of lists found in `known` are taken from
// it (moved out), not computed again.
void check_step_order(const model::Runbook& rb, Diagnostics& diags, StepOrders* known = nullptr);

}  // namespace rb::check
