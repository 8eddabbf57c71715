#pragma once
// A string holding `${{ EXPR }}` interpolations, split once at load into literal text and
// expressions. A template that is exactly one `${{ EXPR }}` yields the expression's value with
// its type (a list stays a list); any other template yields a string.
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "base/text_origin.h"
#include "expr/expression.h"

namespace rb::expr {

struct TemplatePart {
  std::string literal;  // used when expr is null
  ExprPtr expr;         // an interpolation
};

class Template {
 public:
  Template() = default;
  Template(std::string source, TextOrigin origin, std::vector<TemplatePart> parts)
      : source_(std::move(source)), origin_(std::move(origin)), parts_(std::move(parts)) {}

  const std::string& source() const { return source_; }
  const TextOrigin& origin() const { return origin_; }
  Location location() const { return origin_.locate(0); }
  const std::vector<TemplatePart>& parts() const { return parts_; }
  bool is_literal() const;            // no interpolation at all
  bool is_single_expression() const;  // exactly one `${{ }}` and no other text (spaces included)
  // Every expression in the template, in order.
  std::vector<ExprPtr> expressions() const;

 private:
  std::string source_;
  TextOrigin origin_;
  std::vector<TemplatePart> parts_;
};

// Interpolations in one template, at most: far beyond any real command or message, and a bound
// on the work a hostile file can ask for.
inline constexpr size_t kMaxTemplateExpressions = 10000;

// Splits `text` into parts. `${{` without a matching `}}` is an error; `$${{` is an escape
// producing a literal `${{`. Each interpolation is parsed with parse_expression.
// On error, the returned template holds the parts that parsed; diags says what did not.
Template parse_template(std::string_view text, const TextOrigin& origin, Diagnostics& diags);

}  // namespace rb::expr
