// The expression parser and evaluator: any text is parsed; what parses is evaluated against a
// small scope (inputs, steps, vars). Evaluation errors are EvalError; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/diagnostic.h"
#include "base/text_origin.h"
#include "expr/evaluate.h"
#include "expr/expression.h"
#include "expr/scope.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rb::expr;
  const std::string text(reinterpret_cast<const char*>(data), size);
  rb::Diagnostics diags;
  ExprPtr e = parse_expression(text, rb::TextOrigin(), diags);
  if (!e) return 0;
  MapScope scope;
  scope.set("inputs", Value(Map{{"name", Value("mysql-k8s")},
                                {"units", Value(int64_t{3})},
                                {"list", Value(List{Value("a"), Value(int64_t{2})})}}));
  scope.set("vars", Value(Map{{"x", Value(1.5)}, {"flag", Value(true)}}));
  scope.set("steps", Value(Map{{"probe", Value(Map{{"output", Value("{\"a\": [1, 2]}")},
                                                   {"exit_code", Value(int64_t{0})}})}}));
  try {
    Value v = evaluate(*e, scope);
    (void)v.to_json();
    (void)v.to_text();
  } catch (const EvalError&) {
  }
  return 0;
}
