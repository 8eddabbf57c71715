#pragma once
// The order of a list of sibling steps: each step runs after the steps it `needs`, or, without
// `needs`, after the step before it. Shared by the checker (cycles), the planner and the engine.
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "load/model.h"

namespace rb::check {

struct StepOrder {
  std::vector<size_t> order;                 // indices into the list, in a valid run order
  std::vector<std::vector<size_t>> depends;  // depends[i]: indices step i waits for
  bool ok = true;
};

// Orders `steps`. Reports `needs` naming no sibling step (with "did you mean") and dependency
// cycles ("dependency cycle: a -> b -> a") into `diags` when given. Among steps that are ready
// together, the one written first runs first.
StepOrder order_steps(const std::vector<model::Step>& steps, Diagnostics* diags);

// A printable name for a step: its id, else "#N" (its 1-based position in its list).
std::string step_label(const model::Step& step, size_t index);

}  // namespace rb::check
