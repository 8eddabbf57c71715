#include "expr/format_string.h"

#include <charconv>

namespace rb::expr {
namespace {

// Walks the format string, handing literal text and placeholder numbers to `out`.
// Throws FunctionError.
template <typename Literal, typename Placeholder>
void walk(std::string_view format, size_t arg_count, Literal literal, Placeholder placeholder) {
  size_t i = 0;
  while (i < format.size()) {
    const char c = format[i];
    if (c == '{' && i + 1 < format.size() && format[i + 1] == '{') {
      literal("{");
      i += 2;
    } else if (c == '}' && i + 1 < format.size() && format[i + 1] == '}') {
      literal("}");
      i += 2;
    } else if (c == '}') {
      throw FunctionError{"format() string has a lone '}'", "write '}}' for a literal '}'", 0};
    } else if (c == '{') {
      const size_t close = format.find('}', i);
      if (close == std::string_view::npos) {
        throw FunctionError{"format() string has a '{' that is never closed",
                            "write '{{' for a literal '{'", 0};
      }
      const std::string_view inside = format.substr(i + 1, close - i - 1);
      size_t index = 0;
      auto [ptr, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), index);
      if (inside.empty() || ec != std::errc() || ptr != inside.data() + inside.size()) {
        throw FunctionError{"format() placeholder '{" + std::string(inside) + "}' is not a number",
                            "placeholders are {0}, {1}, ...; write '{{' for a literal '{'", 0};
      }
      if (index >= arg_count) {
        throw FunctionError{"format() placeholder {" + std::to_string(index) +
                                "} has no argument: " + std::to_string(arg_count) +
                                (arg_count == 1 ? " argument follows" : " arguments follow") +
                                " the format string",
                            "placeholders count from {0}", 0};
      }
      placeholder(index);
      i = close + 1;
    } else {
      const size_t next = format.find_first_of("{}", i);
      const size_t stop = next == std::string_view::npos ? format.size() : next;
      literal(format.substr(i, stop - i));
      i = stop;
    }
  }
}

}  // namespace

std::string expand_format(std::string_view format, std::span<const Value> args) {
  std::string out;
  walk(
      format, args.size(), [&](std::string_view text) { out += text; },
      [&](size_t index) { out += args[index].to_text(); });
  return out;
}

std::optional<FunctionError> check_format(std::string_view format, size_t arg_count) {
  try {
    walk(
        format, arg_count, [](std::string_view) {}, [](size_t) {});
  } catch (FunctionError& e) {
    return std::move(e);
  }
  return std::nullopt;
}

}  // namespace rb::expr
