#include "expr/evaluate.h"

#include "expr/ast.h"
#include "expr/functions.h"
#include "expr/operators.h"

namespace rb::expr {
namespace {

// Walks the tree. Recursion is bounded: the parser refuses trees higher than kMaxDepth.
class Evaluator {
 public:
  Evaluator(const Scope& scope, const TextOrigin& origin) : scope_(scope), origin_(origin) {}

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
    for (const NodePtr& c : n.children) {
      args.push_back(eval(*c));
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

  Location at(const Node& n) const { return origin_.locate(n.offset); }

  const Scope& scope_;
  const TextOrigin& origin_;
};

}  // namespace

Value evaluate(const Expression& e, const Scope& scope) {
  return Evaluator(scope, e.origin()).eval(e.root());
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
