#include "exec/run_context.h"

namespace rb::exec {
namespace {

void put(expr::Value& map, const std::string& key, expr::Value v) {
  map.mutable_map()[key] = std::move(v);
}

}  // namespace

RunContext::RunContext(std::string run_id, std::string runbook_name, expr::Map inputs,
                       expr::Map env)
    : inputs_(std::move(inputs)),
      vars_(expr::Map{}),
      env_(std::move(env)),
      steps_(expr::Map{}),
      run_(expr::Map{{"id", expr::Value(std::move(run_id))}}),
      runbook_(expr::Map{{"name", expr::Value(std::move(runbook_name))}}) {}

const expr::Value* RunContext::lookup(std::string_view name) const {
  if (name == "inputs") return &inputs_;
  if (name == "vars") return &vars_;
  if (name == "env") return &env_;
  if (name == "steps") return &steps_;
  if (name == "run") return &run_;
  if (name == "runbook") return &runbook_;
  return nullptr;
}

void RunContext::set_var(const std::string& name, expr::Value v) {
  put(vars_, name, std::move(v));
}

void RunContext::set_step(const std::string& id, const StepResult& r) {
  put(steps_, id, r.to_value());
}

void RunContext::set_env(const std::string& name, std::string v) {
  put(env_, name, expr::Value(std::move(v)));
}

}  // namespace rb::exec
