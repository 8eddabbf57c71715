#pragma once
// Check: the rules that need the whole runbook: unique step ids, `needs` that exist and form no
// cycle, every name in every expression resolved (inputs, vars, steps and their fields, loop
// variables in scope), inputs given to included runbooks, and interpolations in shell scripts
// that can be quoted safely, steps that read or set what a step running at the same time may
// touch (check/step_order_check.h). Runs after load; adds to the same diagnostics.
#include "base/diagnostic.h"
#include "load/model.h"

namespace rb::check {

// Checks `rb` and, once each, every runbook it includes.
void check_runbook(const model::Runbook& rb, Diagnostics& diags);

}  // namespace rb::check
