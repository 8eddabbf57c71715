#include "expr/evaluate.h"

#include "base/spelling.h"

#include "expr/ast.h"
#include "expr/functions.h"
#include "expr/operators.h"

namespace rb::expr {
namespace {

// Walks the tree. Recursion is bounded: the parser refuses trees higher than kMaxDepth.
class Evaluator {
 public:
  Evaluator(const Scope& scope, const Expression& e)
      : scope_(scope), origin_(e.origin()), text_(e.text()) {}

  Value eval(const Node& n) {
    switch (n.kind) {
      case NodeKind::kLiteral:
        return n.value;
      case NodeKind::kName: {
        const Value* v = scope_.lookup(n.name);
        if (!v) throw EvalError(at(n), "unknown name '" + n.name + "'");
        return *v;
      }
      case NodeKind::kList: {
        List out;
        out.reserve(n.children.size());
        bool unknown = false;
        for (const NodePtr& c : n.children) {
          out.push_back(eval(*c));
          unknown = unknown || out.back().is_unknown();
        }
        if (unknown) return Value::unknown_of(out);
        return out;
      }
      case NodeKind::kUnary: {
        const Value operand = eval(*n.children[0]);
        if (operand.is_unknown()) return Value::unknown_of({&operand});
        try {
          return apply_unary(n.unary_op, operand);
        } catch (const OperatorError& e) {
          throw EvalError(at(n), e.message, e.hint);
        }
      }
      case NodeKind::kBinary: {
        const Value left = eval(*n.children[0]);
        const Value right = eval(*n.children[1]);
        if (left.is_unknown() || right.is_unknown()) return Value::unknown_of({&left, &right});
        try {
          return apply_binary(n.binary_op, left, right);
        } catch (const OperatorError& e) {
          throw EvalError(at(n), e.message, e.hint);
        }
      }
      // && and || yield the operand that decided, and never evaluate the other one. With an
      // unknown left side, a right side that decides alone still decides: unknown && false is
      // false, unknown || true is true; otherwise the result stays unknown.
      case NodeKind::kAnd: {
        Value left = eval(*n.children[0]);
        if (left.is_unknown()) {
          Value right = eval(*n.children[1]);
          if (!right.is_unknown() && !right.truthy()) return right;
          return Value::unknown_of({&left, &right});
        }
        return left.truthy() ? eval(*n.children[1]) : left;
      }
      case NodeKind::kOr: {
        Value left = eval(*n.children[0]);
        if (left.is_unknown()) {
          Value right = eval(*n.children[1]);
          if (!right.is_unknown() && right.truthy()) return right;
          return Value::unknown_of({&left, &right});
        }
        return left.truthy() ? left : eval(*n.children[1]);
      }
      case NodeKind::kMember: {
        const Value object = eval(*n.children[0]);
        if (object.is_unknown()) {
          const Unknown& u = object.as_unknown();
          if (u.extend > 0) return Value::unknown_path(u.depends[0] + "." + n.name, u.extend - 1);
          return u.is_path ? Value::unknown_of({&object}) : object;
        }
        if (object.is_map() && object.as_map().find(n.name) == object.as_map().end() &&
            !names_checked_name(n)) {
          missing_key(n, object.as_map(), n.name);
        }
        try {
          return read_member(object, n.name);
        } catch (const OperatorError& e) {
          throw EvalError(at(n), e.message, e.hint);
        }
      }
      case NodeKind::kIndex: {
        const Value object = eval(*n.children[0]);
        const Value index = eval(*n.children[1]);
        if (object.is_unknown() || index.is_unknown()) return Value::unknown_of({&object, &index});
        if (object.is_map() && index.is_string() &&
            object.as_map().find(index.as_string()) == object.as_map().end() &&
            n.children[0]->kind != NodeKind::kName) {
          missing_key(n, object.as_map(), index.as_string());
        }
        if (object.is_list() && index.is_int()) {
          const int64_t size = static_cast<int64_t>(object.as_list().size());
          const int64_t i = index.as_int();
          if (i >= size || i < -size) {
            throw EvalError(at(n),
                            "index " + std::to_string(i) + " is past the end of " +
                                source(*n.children[0]) + " (a list of " + std::to_string(size) +
                                (size == 1 ? " element)" : " elements)"),
                            "if a missing value is fine, write default(" + source(n) + ", ...)",
                            true);
          }
        }
        try {
          return read_index(object, index);
        } catch (const OperatorError& e) {
          throw EvalError(at(n), e.message, e.hint);
        }
      }
      case NodeKind::kCall:
        return call(n);
    }
    return Value();
  }

 private:
  Value call(const Node& n) {
    std::vector<Value> args;
    args.reserve(n.children.size());
    bool unknown = false;
    const bool is_default = n.function->name == std::string_view("default");
    for (const NodePtr& c : n.children) {
      // default(EXPR, fallback) is how a runbook says a missing key or index is fine.
      args.push_back(is_default && args.empty() ? eval_allowing_missing(*c) : eval(*c));
      unknown = unknown || args.back().is_unknown();
    }
    // No function decides anything from an argument it cannot see, not even default(): an
    // unknown first argument may turn out to be null or not.
    if (unknown) return Value::unknown_of(args);
    try {
      return n.function->call(CallArgs{n.function->name, args, n.pattern.get()});
    } catch (const FunctionError& e) {
      if (e.argument >= 0 && static_cast<size_t>(e.argument) < n.children.size()) {
        throw EvalError(origin_.locate(n.children[e.argument]->begin), e.message, e.hint);
      }
      throw EvalError(at(n), e.message, e.hint);
    }
  }

  // A missing key or index reads as null here (the first argument of default()).
  Value eval_allowing_missing(const Node& n) {
    Value v;
    try {
      v = eval(n);
    } catch (const EvalError& e) {
      if (!e.missing()) throw;
    }
    return v;
  }

  Location at(const Node& n) const { return origin_.locate(n.offset); }

  // The names the checker verified before the run (inputs.X, vars.X, steps.ID.FIELD,
  // steps.ID.outputs.NAME, run.id, runbook.name): one of those not there yet is a step that has
  // not run or a var not set yet, and reads as null. What lies below them is data from outside
  // (JSON a command printed, a loop's item), where a missing key is an error.
  static bool names_checked_name(const Node& n) {
    std::vector<const std::string*> path;
    const Node* at = &n;
    while (at->kind == NodeKind::kMember) {
      path.insert(path.begin(), &at->name);
      at = at->children[0].get();
    }
    if (at->kind != NodeKind::kName) return false;
    const std::string& root = at->name;
    if (root == "inputs" || root == "vars" || root == "run" || root == "runbook") {
      return path.size() == 1;
    }
    if (root == "steps") return path.size() <= 2 || (path.size() == 3 && *path[1] == "outputs");
    return false;
  }

  std::string source(const Node& n) const {
    if (n.end <= n.begin || n.end > text_.size()) return "the value";
    return text_.substr(n.begin, n.end - n.begin);
  }

  // Reading a key a map does not have is an error, never a silent null that would leave a hole
  // in a command: it names the keys there are, the closest first.
  [[noreturn]] void missing_key(const Node& n, const Map& m, const std::string& key) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : m) keys.push_back(k);
    std::string hint = did_you_mean(key, keys);
    if (hint.empty()) {
      hint = keys.empty()        ? std::string("it is empty")
             : keys.size() <= 12 ? "its keys are: " + join_names(keys)
                                 : std::to_string(keys.size()) + " keys, from '" + keys.front() +
                                       "' to '" + keys.back() + "'";
    }
    throw EvalError(at(n), "'" + source(*n.children[0]) + "' has no key '" + key + "'",
                    hint + " (if a missing value is fine, write default(" + source(n) + ", ...))",
                    true);
  }

  const Scope& scope_;
  const TextOrigin& origin_;
  const std::string& text_;
};

}  // namespace

Value evaluate(const Expression& e, const Scope& scope) {
  return Evaluator(scope, e).eval(e.root());
}

Value render_value(const Template& t, const Scope& scope) {
  if (t.is_single_expression()) return evaluate(*t.parts()[0].expr, scope);
  std::string out;
  std::vector<Value> unknown;
  for (const TemplatePart& p : t.parts()) {
    if (!p.expr) {
      out += p.literal;
      continue;
    }
    Value v = evaluate(*p.expr, scope);
    if (v.is_unknown()) {
      unknown.push_back(std::move(v));
    } else {
      out += v.to_text();
    }
  }
  if (!unknown.empty()) return Value::unknown_of(unknown);
  return out;
}

std::string render_preview(const Template& t, const Scope& scope,
                           std::vector<std::string>* depends) {
  std::string out;
  for (const TemplatePart& p : t.parts()) {
    if (!p.expr) {
      out += p.literal;
      continue;
    }
    Value v = evaluate(*p.expr, scope);
    if (v.is_unknown()) {
      out += unknown_placeholder(*p.expr);
      if (depends) {
        const auto& d = v.as_unknown().depends;
        depends->insert(depends->end(), d.begin(), d.end());
      }
    } else {
      out += v.to_text();
    }
  }
  return out;
}

std::string unknown_placeholder(const Expression& e) {
  return "${{ " + e.text() + " }}";
}

std::string render_text(const Template& t, const Scope& scope) {
  return render_value(t, scope).to_text();
}

}  // namespace rb::expr
