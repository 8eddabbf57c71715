#include "expr/names.h"

#include <set>

#include "base/spelling.h"
#include "expr/ast.h"
#include "expr/functions.h"

namespace rb::expr {
namespace {

constexpr size_t kMaxListed = 12;

std::string listing(const NameTree& t) {
  std::string out;
  size_t n = 0;
  for (const std::string& name : t.names()) {
    if (n++ == kMaxListed) {
      out += ", ...";
      break;
    }
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

class NameChecker {
 public:
  NameChecker(const Expression& e, const NameTree& roots, Diagnostics& diags)
      : e_(e), roots_(roots), diags_(diags) {}

  bool run() {
    resolve(e_.root());
    return clean_;
  }

 private:
  // Checks `n` and everything below it; returns the tree of names `n` stands for, or nullptr
  // when that is not known statically (an open node, a computed value, an error already reported).
  const NameTree* resolve(const Node& n) {
    switch (n.kind) {
      case NodeKind::kName:
        return step_down(roots_, n.name, n.offset, n.length);
      case NodeKind::kMember: {
        const NameTree* t = resolve(*n.children[0]);
        return t ? step_down(*t, n.name, n.offset, n.length) : nullptr;
      }
      case NodeKind::kIndex: {
        const NameTree* t = resolve(*n.children[0]);
        const Node& index = *n.children[1];
        if (index.kind == NodeKind::kLiteral && index.value.is_string()) {
          return t ? step_down(*t, index.value.as_string(), index.offset, index.length) : nullptr;
        }
        resolve(index);
        return nullptr;
      }
      default:
        for (const NodePtr& c : n.children) resolve(*c);
        return nullptr;
    }
  }

  const NameTree* step_down(const NameTree& t, const std::string& name, size_t offset,
                            size_t length) {
    if (t.open) return nullptr;
    if (const NameTree* child = t.find(name)) return child;
    report(t, name, offset, length);
    return nullptr;
  }

  void report(const NameTree& t, const std::string& name, size_t offset, size_t length) {
    clean_ = false;
    const bool root = &t == &roots_;
    const std::vector<std::string> known = t.names();
    std::string hint = subtraction_hint(t, name);
    if (hint.empty()) hint = did_you_mean(name, known);
    if (hint.empty() && root) {
      if (const FunctionSpec* f = find_function(name)) {
        hint = name + " is a function: call it as " + std::string(f->signature);
      } else if (!known.empty()) {
        hint = "names here: " + listing(t);
      }
    }
    if (hint.empty()) hint = t.unknown_hint();
    if (hint.empty() && !known.empty()) hint = "known " + t.noun() + "s: " + listing(t);
    diags_.error(e_.origin().locate(offset), "unknown " + t.noun() + " '" + name + "'", hint,
                 static_cast<int>(length));
  }

  // `a-1` is one name (step ids have hyphens); if `a` is known the user meant to subtract.
  static std::string subtraction_hint(const NameTree& t, const std::string& name) {
    const size_t dash = name.find('-');
    if (dash == std::string::npos) return "";
    const std::string first = name.substr(0, dash);
    if (t.find(first) == nullptr) return "";
    return "to subtract, put spaces around '-': " + first + " - " + name.substr(dash + 1);
  }

  const Expression& e_;
  const NameTree& roots_;
  Diagnostics& diags_;
  bool clean_ = true;
};

}  // namespace

std::vector<std::string> NameTree::names() const {
  if (base == nullptr && source == nullptr) {
    std::vector<std::string> out;
    out.reserve(children.size());
    for (const auto& [name, child] : children) out.push_back(name);
    return out;
  }
  std::set<std::string> all;
  for (const NameTree* t = this; t != nullptr; t = t->base) {
    for (const auto& [name, child] : t->children) all.insert(name);
    if (t->source != nullptr) {
      std::vector<std::string> more;
      t->source->names(more);
      all.insert(more.begin(), more.end());
    }
  }
  return std::vector<std::string>(all.begin(), all.end());
}

bool check_names(const Expression& e, const NameTree& roots, Diagnostics& diags) {
  return NameChecker(e, roots, diags).run();
}

}  // namespace rb::expr
