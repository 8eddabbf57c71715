#pragma once
// The state of one runbook's execution that expressions can see: inputs, vars, env, steps,
// run and runbook. An included runbook gets a context of its own.
#include <string>
#include <string_view>

#include "command/root_values.h"
#include "exec/step_result.h"
#include "expr/scope.h"
#include "expr/value.h"

namespace rb::exec {

class RunContext : public expr::Scope {
 public:
  RunContext(std::string run_id, std::string runbook_name, expr::Map inputs, expr::Map env);

  const expr::Value* lookup(std::string_view name) const override;

  void set_var(const std::string& name, expr::Value v);
  void set_step(const std::string& id, const StepResult& r);
  void set_env(const std::string& name, std::string v);
  const expr::Map& env() const { return names_.env.as_map(); }

 private:
  command::RootValues names_;
};

}  // namespace rb::exec
