#pragma once
// A parsed expression: immutable, parsed once at load, evaluated many times.
// The syntax tree lives in ast.h; most code only needs this handle.
#include <memory>
#include <string>
#include <string_view>

#include "base/diagnostic.h"
#include "base/text_origin.h"

namespace rb::expr {

struct Node;  // ast.h

class Expression {
 public:
  Expression(std::string text, TextOrigin origin, std::unique_ptr<const Node> root);
  ~Expression();

  const std::string& text() const { return text_; }
  const TextOrigin& origin() const { return origin_; }
  Location location() const { return origin_.locate(0); }
  const Node& root() const { return *root_; }
  // True when the whole expression is a call of raw(...): the shell renderer then inserts the
  // value unquoted.
  bool is_raw() const;
  // True when raw(...) is called anywhere inside (validate warns about it).
  bool calls_raw() const;

 private:
  std::string text_;
  TextOrigin origin_;
  std::unique_ptr<const Node> root_;
};

using ExprPtr = std::shared_ptr<const Expression>;

// Parses `text` as one expression. On error returns nullptr and adds diagnostics located through
// `origin` (unexpected token, unterminated string, unknown function with "did you mean", wrong
// number of arguments, nesting deeper than kMaxDepth).
ExprPtr parse_expression(std::string_view text, const TextOrigin& origin, Diagnostics& diags);

// Parses a guard (if, until, assert, for_each, outputs): either a bare expression, or exactly one
// `${{ EXPR }}` with nothing else around it but spaces. `${{ }}` mixed with other text is an
// error ("a guard is one expression ..."), because in other tools it is silently always true.
ExprPtr parse_guard(std::string_view text, const TextOrigin& origin, Diagnostics& diags);

inline constexpr int kMaxDepth = 64;
// Longer expression text is refused with a diagnostic.
inline constexpr size_t kMaxExpressionLength = 64 * 1024;

}  // namespace rb::expr
