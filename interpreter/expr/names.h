#pragma once
// Static name resolution: before anything runs, every name an expression uses must be known
// (inputs.X declared, steps.ID existing with a real field, loop variables in scope).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "expr/expression.h"

namespace rb::expr {

struct NameTree;

// Children found on demand rather than held: for a long list of which an expression names only a
// few (the steps of a runbook: a tree for each step would cost memory and time in proportion to
// the runbook, for the handful an expression reads).
class NameSource {
 public:
  virtual ~NameSource() = default;
  // The child called `name`, or nullptr. The tree must stay valid as long as the source.
  virtual const NameTree* find(std::string_view name) const = 0;
  // Every child's name, in any order (for messages).
  virtual void names(std::vector<std::string>& out) const = 0;
};

// The names an expression may use, as a tree: roots (inputs, vars, steps, ...) and their members.
struct NameTree {
  // Any member is allowed below this node (env.X, a JSON output, a loop item).
  bool open = false;
  // What the children are called in messages: "input", "var", "step", "field", "output".
  std::string child_noun = "name";
  // What to tell the user when a child is unknown, e.g. "declare it under inputs:".
  std::string hint;
  std::map<std::string, NameTree, std::less<>> children;
  // Where names that are not among `children` are looked up next: a scope derived from another
  // (a step's own result, a loop variable) or the fields every step shares is a layer over it,
  // never a copy, so checking stays linear in the number of steps. Must outlive this tree.
  const NameTree* base = nullptr;
  // More children, looked up when `children` has no such name (before `base`). Must outlive
  // this tree.
  const NameSource* source = nullptr;

  // The child called `name` here or in a base; nullptr when there is none.
  const NameTree* find(std::string_view name) const {
    for (const NameTree* t = this; t != nullptr; t = t->base) {
      auto it = t->children.find(name);
      if (it != t->children.end()) return &it->second;
      if (t->source != nullptr) {
        if (const NameTree* found = t->source->find(name)) return found;
      }
    }
    return nullptr;
  }
  // Every child's name, this tree's and its bases', sorted, once each.
  std::vector<std::string> names() const;
  // A tree over `under` that adds children of its own; its noun and hint are `under`'s (not
  // copied: a layer per step must stay small).
  static NameTree layer_over(const NameTree& under) {
    NameTree t;
    t.open = under.open;
    t.child_noun.clear();
    t.base = &under;
    return t;
  }
  // What the children are called, and the hint: this tree's, else its first base's that has one.
  const std::string& noun() const {
    const NameTree* t = this;
    while (t->child_noun.empty() && t->base != nullptr) t = t->base;
    return t->child_noun;
  }
  const std::string& unknown_hint() const {
    const NameTree* t = this;
    while (t->hint.empty() && t->base != nullptr) t = t->base;
    return t->hint;
  }

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
