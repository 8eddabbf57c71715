// parse_guard (declared in expression.h): guards are expressions, optionally wrapped whole in
// `${{ }}`. Anything else with `${{` is refused: in other tools `${{ a }} == 'b'` is a non-empty
// string, so always true.
#include "expr/expression.h"
#include "expr/interpolation.h"

namespace rb::expr {
namespace {

void report_mixed(const TextOrigin& origin, size_t at, Diagnostics& diags) {
  diags.error(origin.locate(at),
              "a guard is one expression: '${{ }}' mixed with other text is always true in other "
              "tools and refused here",
              "write the whole guard as an expression, e.g. `if: inputs.mode == 'store'`",
              static_cast<int>(kOpen.size()));
}

}  // namespace

ExprPtr parse_guard(std::string_view text, const TextOrigin& origin, Diagnostics& diags) {
  size_t begin = 0, end = text.size();
  trim_range(text, begin, end);
  const std::string_view guard = text.substr(begin, end - begin);
  if (!guard.starts_with(kOpen)) {
    if (size_t at = find_open_outside_strings(guard); at != std::string_view::npos) {
      report_mixed(origin, begin + at, diags);
      return nullptr;
    }
    return parse_expression(guard, origin.sub(begin), diags);
  }
  const size_t close = find_close(text, begin + kOpen.size());
  if (close == std::string_view::npos) {
    diags.error(origin.locate(begin), "unterminated '${{' (missing '}}')", "close it with '}}'",
                static_cast<int>(kOpen.size()));
    return nullptr;
  }
  if (close != end) {
    report_mixed(origin, begin, diags);
    return nullptr;
  }
  size_t inner_begin = begin + kOpen.size(), inner_end = close - kClose.size();
  trim_range(text, inner_begin, inner_end);
  if (inner_begin == inner_end) {
    diags.error(origin.locate(begin), "empty expression",
                "write an expression between '${{' and '}}'", static_cast<int>(close - begin));
    return nullptr;
  }
  return parse_expression(text.substr(inner_begin, inner_end - inner_begin),
                          origin.sub(inner_begin), diags);
}

}  // namespace rb::expr
