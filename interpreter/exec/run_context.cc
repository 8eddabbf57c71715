#include "exec/run_context.h"

namespace rb::exec {
namespace {

expr::Value with(const expr::Value& map, const std::string& key, expr::Value v) {
  expr::Map m = map.as_map();
  m[key] = std::move(v);
  return expr::Value(std::move(m));
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
  vars_ = with(vars_, name, std::move(v));
}

void RunContext::set_step(const std::string& id, const StepResult& r) {
  steps_ = with(steps_, id, r.to_value());
}

void RunContext::set_env(const std::string& name, std::string v) {
  env_ = with(env_, name, expr::Value(std::move(v)));
}

}  // namespace rb::exec
