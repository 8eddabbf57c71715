#pragma once
// A value computed from a secret is a secret: the engine and the planner mask what an
// expression makes of a secret input (`upper(inputs.token)`, `split(inputs.pair, ':')[1]`), or
// of a var set from one, as they mask the input itself.
#include <set>
#include <string>

#include "command/secret_masker.h"
#include "expr/expression.h"
#include "expr/scope.h"
#include "expr/template.h"
#include "load/model.h"

namespace rb::command {

class DerivedSecrets {
 public:
  explicit DerivedSecrets(const model::Runbook& rb);

  // Whether an expression of `t` reads a secret input of the runbook, or a var set from one.
  bool reads_secret(const expr::Template& t) const;
  bool reads_secret(const expr::Expression& e) const;
  // A var is being set from `t`: when it reads a secret, the var is one too.
  void note_var(const std::string& name, const expr::Template& t);
  // What another copy noted (the frame of a parallel loop item).
  void merge(const DerivedSecrets& other) { vars_.insert(other.vars_.begin(), other.vars_.end()); }
  // Whether anything can read a secret at all: a secret input, or a var set from one. Most
  // runbooks have neither, and then no expression needs walking.
  bool any() const { return secret_inputs_ || !vars_.empty(); }

  // Evaluates each expression (of `t`) that reads a secret and adds to `masker` each string it
  // yields that the masker does not already cover, of 4 bytes or more and not a literal of the
  // expression (`inputs.token != '' && 'given'` masks no `given`). Evaluation errors are left
  // to the caller, which evaluates again.
  void mask(SecretMasker& masker, const expr::Template& t, const expr::Scope& scope) const;
  void mask(SecretMasker& masker, const expr::Expression& e, const expr::Scope& scope) const;

 private:
  const model::Runbook& rb_;
  bool secret_inputs_ = false;  // the runbook declares a secret input
  std::set<std::string, std::less<>> vars_;
};

}  // namespace rb::command
