#include "expr/interpolation.h"

namespace rb::expr {
namespace {

// The offset just past the string literal opening at text[at], or npos when it never closes.
size_t skip_string(std::string_view text, size_t at) {
  const char quote = text[at];
  size_t i = at + 1;
  while (i < text.size()) {
    const char c = text[i];
    if (quote == '"' && c == '\\') {
      i += 2;
      continue;
    }
    if (c == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        i += 2;  // '' is a quote inside a single-quoted string
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return std::string_view::npos;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

size_t find_close(std::string_view text, size_t inner_begin) {
  size_t i = inner_begin;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      const size_t after = skip_string(text, i);
      if (after == std::string_view::npos) {
        // An unterminated string: let the expression parser say so, rather than reporting the
        // whole interpolation as unterminated.
        const size_t close = text.find(kClose, i);
        return close == std::string_view::npos ? close : close + kClose.size();
      }
      i = after;
      continue;
    }
    if (text.substr(i, kClose.size()) == kClose) return i + kClose.size();
    ++i;
  }
  return std::string_view::npos;
}

size_t find_open_outside_strings(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      const size_t after = skip_string(text, i);
      if (after == std::string_view::npos) return text.find(kOpen, i);
      i = after;
      continue;
    }
    if (text.substr(i, kOpen.size()) == kOpen) return i;
    ++i;
  }
  return std::string_view::npos;
}

void trim_range(std::string_view text, size_t& begin, size_t& end) {
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
}

}  // namespace rb::expr
