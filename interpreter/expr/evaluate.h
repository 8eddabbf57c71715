#pragma once
// Evaluates parsed expressions and renders templates against a scope.
#include <stdexcept>
#include <string>
#include <vector>

#include "base/location.h"
#include "expr/expression.h"
#include "expr/scope.h"
#include "expr/template.h"
#include "expr/value.h"

namespace rb::expr {

// A runtime error in an expression, located in the runbook:
// "cannot compare string with integer" at x.yaml:12:9.
class EvalError : public std::runtime_error {
 public:
  EvalError(Location where, std::string message, std::string hint = {}, bool missing = false)
      : std::runtime_error(message),
        location_(where),
        message_(std::move(message)),
        hint_(std::move(hint)),
        missing_(missing) {}
  const Location& location() const { return location_; }
  const std::string& message() const { return message_; }
  // What to do about it ("use format() or string()"); may be empty.
  const std::string& hint() const { return hint_; }
  // A map key or list index that is not there: default(EXPR, fallback) turns it into fallback.
  bool missing() const { return missing_; }

 private:
  Location location_;
  std::string message_;
  std::string hint_;
  bool missing_ = false;
};

// Throws EvalError.
Value evaluate(const Expression& e, const Scope& scope);
// A single-expression template yields the expression's value; any other, the concatenation of
// literal parts and each interpolation's to_text(). Throws EvalError.
Value render_value(const Template& t, const Scope& scope);
// render_value(...).to_text(). Throws EvalError.
std::string render_text(const Template& t, const Scope& scope);
// For a plan: the template rendered with each interpolation whose value is unknown written back
// as `${{ EXPR }}` (unknown_placeholder), and the names those depend on added to `depends`.
// Throws EvalError.
std::string render_preview(const Template& t, const Scope& scope,
                           std::vector<std::string>* depends);
// `${{ EXPR }}`: how a plan shows an interpolation that only a run can know.
std::string unknown_placeholder(const Expression& e);

}  // namespace rb::expr
