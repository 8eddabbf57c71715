#pragma once
// What names mean while evaluating: the root names (inputs, vars, env, steps, run, runbook,
// item or a loop's `as` name, stdout/stderr/output/exit_code inside until/outputs).
#include <string>
#include <string_view>

#include "expr/value.h"

namespace rb::expr {

class Scope {
 public:
  virtual ~Scope() = default;
  // The value bound to a root name, or nullptr when the name is not bound here.
  virtual const Value* lookup(std::string_view name) const = 0;
};

// A scope backed by a map, with an optional parent consulted for names it does not bind
// (a loop body's `item` over the step's scope).
class MapScope : public Scope {
 public:
  explicit MapScope(const Scope* parent = nullptr) : parent_(parent) {}
  void set(std::string name, Value value) { names_[std::move(name)] = std::move(value); }
  const Value* lookup(std::string_view name) const override;

 private:
  const Scope* parent_;
  Map names_;
};

}  // namespace rb::expr
