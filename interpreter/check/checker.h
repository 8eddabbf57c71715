#pragma once
// Check: the rules that need the whole runbook: unique step ids, `needs` that exist and form no
// cycle, every name in every expression resolved (inputs, vars, steps and their fields, loop
// variables in scope), inputs given to included runbooks, and interpolations in shell scripts
// that can be quoted safely, steps that read or set what a step running at the same time may
// touch (check/step_order_check.h). Runs after load; adds to the same diagnostics.
#include <cstddef>

#include "base/diagnostic.h"
#include "load/model.h"

namespace rb::check {

struct CheckOptions {
  // A list of at least this many steps, with no include in it, is checked in two halves at once
  // (the second on a thread of its own); the diagnostics are the same, in the same order, as
  // checking it in one go. 0: always in one go.
  size_t parallel_from = 4096;
};

// Checks `rb` and, once each, every runbook it includes.
void check_runbook(const model::Runbook& rb, Diagnostics& diags, const CheckOptions& options = {});

}  // namespace rb::check
