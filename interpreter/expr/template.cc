#include "expr/template.h"

#include <iterator>

#include "expr/interpolation.h"

namespace rb::expr {

bool Template::is_literal() const {
  for (const TemplatePart& p : parts_) {
    if (p.expr) return false;
  }
  return true;
}

bool Template::is_single_expression() const {
  return parts_.size() == 1 && parts_[0].expr;
}

std::vector<ExprPtr> Template::expressions() const {
  std::vector<ExprPtr> out;
  for (const TemplatePart& p : parts_) {
    if (p.expr) out.push_back(p.expr);
  }
  return out;
}

Template parse_template(std::string_view text, const TextOrigin& origin, Diagnostics& diags) {
  // The parts are gathered in a scratch list and copied out at their exact size: a template is
  // kept for the whole run, one per templated value, so it holds no spare capacity (and growing
  // then shrinking it cost three allocations for a one-interpolation command).
  thread_local std::vector<TemplatePart> scratch;
  std::vector<TemplatePart>& parts = scratch;
  parts.clear();
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) parts.push_back(TemplatePart{std::move(literal), nullptr});
    literal.clear();
  };
  auto done = [&] {
    std::vector<TemplatePart> out(std::make_move_iterator(parts.begin()),
                                  std::make_move_iterator(parts.end()));
    parts.clear();
    return out;
  };
  size_t i = 0, count = 0;
  while (i < text.size()) {
    const size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) {
      literal += text.substr(i);
      break;
    }
    literal += text.substr(i, dollar - i);
    i = dollar;
    if (text.substr(i, kEscapedOpen.size()) == kEscapedOpen) {
      literal += kOpen;
      i += kEscapedOpen.size();
      continue;
    }
    if (text.substr(i, kOpen.size()) != kOpen) {
      literal += text[i++];
      continue;
    }
    if (++count > kMaxTemplateExpressions) {
      diags.error(origin.locate(i),
                  "more than " + std::to_string(kMaxTemplateExpressions) +
                      " '${{ }}' interpolations in one string",
                  "split the text, or build it in an expression (e.g. join())");
      parts.clear();
      return Template(std::string(text), origin, {});
    }
    const size_t close = find_close(text, i + kOpen.size());
    if (close == std::string_view::npos) {
      diags.error(origin.locate(i), "unterminated '${{' (missing '}}')",
                  "close it with '}}', or write '$${{' for a literal '${{'",
                  static_cast<int>(kOpen.size()));
      literal += text.substr(i);
      break;
    }
    size_t begin = i + kOpen.size(), end = close - kClose.size();
    trim_range(text, begin, end);
    if (begin == end) {
      diags.error(origin.locate(i), "empty expression",
                  "write an expression between '${{' and '}}'", static_cast<int>(close - i));
    } else if (ExprPtr e =
                   parse_expression(text.substr(begin, end - begin), origin.sub(begin), diags)) {
      flush();
      parts.push_back(TemplatePart{"", std::move(e)});
    }
    i = close;
  }
  flush();
  return Template(std::string(text), origin, done());
}

}  // namespace rb::expr
