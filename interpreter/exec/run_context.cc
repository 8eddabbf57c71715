#include "exec/run_context.h"

namespace rb::exec {

RunContext::RunContext(std::string run_id, std::string runbook_name, expr::Map inputs,
                       expr::Map env)
    : names_{.inputs = expr::Value(std::move(inputs)),
             .vars = expr::Value(expr::Map{}),
             .env = expr::Value(std::move(env)),
             .steps = expr::Value(expr::Map{}),
             .run = expr::Value(expr::Map{{"id", expr::Value(std::move(run_id))}}),
             .runbook = expr::Value(expr::Map{{"name", expr::Value(std::move(runbook_name))}})} {}

const expr::Value* RunContext::lookup(std::string_view name) const {
  return names_.lookup(name);
}

void RunContext::set_var(const std::string& name, expr::Value v) {
  command::RootValues::put(names_.vars, name, std::move(v));
}

void RunContext::set_step(const std::string& id, const StepResult& r) {
  command::RootValues::put(names_.steps, id, r.to_value());
}

void RunContext::set_env(const std::string& name, std::string v) {
  command::RootValues::put(names_.env, name, expr::Value(std::move(v)));
}

}  // namespace rb::exec
