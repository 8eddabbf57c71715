#pragma once
// The syntax tree of an expression. Every node knows where it is in the expression text: its own
// token (the operator, the name, the member, the function) for errors about the node itself, and
// its whole extent for errors about it as an operand.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "expr/value.h"

namespace re2 {
class RE2;
}

namespace rb::expr {

struct FunctionSpec;  // functions.h

enum class NodeKind : uint8_t {
  kLiteral,  // value
  kName,     // name: a root name (inputs, steps, item, ...)
  kList,     // children: the elements
  kUnary,    // unary_op, children[0]
  kBinary,   // binary_op, children[0] and children[1]
  kAnd,      // children[0] && children[1]
  kOr,       // children[0] || children[1]
  kMember,   // children[0].name
  kIndex,    // children[0][children[1]]
  kCall,     // function(children...)
};

enum class UnaryOp : uint8_t { kNot, kNegate };

enum class BinaryOp : uint8_t {
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kRemainder,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
};

// Deletes a compiled pattern (parser.cc, where re2::RE2 is complete).
struct PatternDelete {
  void operator()(const re2::RE2* re) const;
};

// (The fields are ordered, and sized, so that a node takes 136 bytes: a runbook holds many.)
struct Node {
  NodeKind kind = NodeKind::kLiteral;
  UnaryOp unary_op = UnaryOp::kNot;
  BinaryOp binary_op = BinaryOp::kAdd;
  bool parenthesized = false;  // written in ( ), so a < b in (a < b) < c is deliberate
  // The node's own token in the expression text.
  // (32 bits: an expression is at most kMaxExpressionLength bytes, and a runbook holds many nodes.)
  uint32_t offset = 0;
  uint32_t length = 0;
  // The node's whole extent, operands included: [begin, end).
  uint32_t begin = 0;
  uint32_t end = 0;
  // Levels of nodes from here down (a leaf is 1); bounded by kMaxDepth.
  int height = 1;

  Value value;                             // kLiteral
  std::string name;                        // kName, kMember (the field), kCall (the function)
  const FunctionSpec* function = nullptr;  // kCall
  // kCall of a function with a pattern argument given as a literal: compiled once at parse time.
  std::unique_ptr<const re2::RE2, PatternDelete> pattern;
  std::vector<std::unique_ptr<const Node>> children;
};

using NodePtr = std::unique_ptr<const Node>;

// How an operator is spelled: "+", "==", "!".
const char* spelling(BinaryOp op);
const char* spelling(UnaryOp op);

}  // namespace rb::expr
