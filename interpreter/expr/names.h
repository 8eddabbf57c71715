#pragma once
// Static name resolution: before anything runs, every name an expression uses must be known
// (inputs.X declared, steps.ID existing with a real field, loop variables in scope).
#include <map>
#include <string>

#include "base/diagnostic.h"
#include "expr/expression.h"

namespace rb::expr {

// The names an expression may use, as a tree: roots (inputs, vars, steps, ...) and their members.
struct NameTree {
  // Any member is allowed below this node (env.X, a JSON output, a loop item).
  bool open = false;
  // What the children are called in messages: "input", "var", "step", "field", "output".
  std::string child_noun = "name";
  // What to tell the user when a child is unknown, e.g. "declare it under inputs:".
  std::string hint;
  std::map<std::string, NameTree, std::less<>> children;

  NameTree& add(const std::string& name, NameTree child) {
    return children[name] = std::move(child);
  }
  NameTree& add(const std::string& name) { return children[name]; }
  static NameTree open_tree() {
    NameTree t;
    t.open = true;
    return t;
  }
};

// Reports each unknown root or member reached through `.name` or `['literal']` as an error at
// its location, e.g. "unknown input 'revison'" with hint "did you mean 'revision'?".
// Members reached through a computed index (x[i]) are not checked. Returns true when clean.
bool check_names(const Expression& e, const NameTree& roots, Diagnostics& diags);

}  // namespace rb::expr
