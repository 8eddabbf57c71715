#pragma once
// The root names a runbook's expressions see (inputs, vars, env, steps, run, runbook) as values:
// one lookup for the engine's RunContext and the planner's scope, so both resolve the same names.
#include <string>
#include <string_view>

#include "expr/value.h"

namespace rb::command {

struct RootValues {
  expr::Value inputs, vars, env, steps, run, runbook;

  // The value bound to a root name, or nullptr.
  const expr::Value* lookup(std::string_view name) const;
  // Sets map[key] in one of the maps above (copying it first only when it is shared).
  static void put(expr::Value& map, const std::string& key, expr::Value v);
};

}  // namespace rb::command
