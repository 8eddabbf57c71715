#include "command/root_values.h"

namespace rb::command {

const expr::Value* RootValues::lookup(std::string_view name) const {
  if (name == "inputs") return &inputs;
  if (name == "vars") return &vars;
  if (name == "env") return &env;
  if (name == "steps") return &steps;
  if (name == "run") return &run;
  if (name == "runbook") return &runbook;
  return nullptr;
}

void RootValues::put(expr::Value& map, const std::string& key, expr::Value v) {
  map.mutable_map()[key] = std::move(v);
}

}  // namespace rb::command
