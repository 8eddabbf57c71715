#pragma once
// The environment a step's command starts with, as "K=V" strings: shared by the engine and the
// planner's probes, so both hand a command the same environment.
#include <string>
#include <vector>

#include "expr/value.h"

namespace rb::command {

// "K=V" strings as a map, for `env.X` in expressions.
expr::Map env_map(const std::vector<std::string>& env);
// Sets NAME=VALUE in a "K=V" list, replacing an earlier NAME.
void put_env(std::vector<std::string>& env, const std::string& name, const std::string& value);

}  // namespace rb::command
