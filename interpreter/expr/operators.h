#pragma once
// What the operators do to values: arithmetic, comparison, member access and indexing, apart from
// the tree walk so each rule is stated once. Each throws OperatorError, which the evaluator
// locates at the operator.
#include <string>
#include <string_view>

#include "expr/ast.h"
#include "expr/value.h"

namespace rb::expr {

struct OperatorError {
  std::string message;  // "cannot add string and integer"
  std::string hint;     // "use format() or string()"
};

Value apply_unary(UnaryOp op, const Value& operand);
// Every binary operator except && and ||, which short-circuit in the evaluator.
Value apply_binary(BinaryOp op, const Value& left, const Value& right);
// object.name: a map's entry or null; null on null.
Value read_member(const Value& object, std::string_view name);
// object[index]: list by integer (negative from the end), map by string, string by integer.
Value read_index(const Value& object, const Value& index);

}  // namespace rb::expr
