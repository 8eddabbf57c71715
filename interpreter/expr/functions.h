#pragma once
// The functions expressions may call, as one table: name, arity, implementation and a line of
// documentation. The parser checks names and argument counts against it; docs and the checker
// can list it.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "expr/value.h"

namespace re2 {
class RE2;
}

namespace rb::expr {

// A function refusing its arguments. The evaluator locates it at the argument it is about, or at
// the call when `argument` is -1.
struct FunctionError {
  std::string message;  // "split() argument 2 must be a string, got integer"
  std::string hint;
  int argument = -1;
};

struct CallArgs {
  std::string_view function;  // the function's name, for messages
  std::span<const Value> values;
  // The function's pattern argument compiled at parse time (when it was a literal), else null.
  const re2::RE2* pattern = nullptr;
};

// Throws FunctionError.
using FunctionImpl = Value (*)(const CallArgs& args);

inline constexpr int kVariadic = -1;

struct FunctionSpec {
  std::string_view name;
  int min_args = 0;
  int max_args = 0;  // kVariadic: no upper limit
  FunctionImpl call = nullptr;
  std::string_view signature;  // "split(s[, sep])"
  std::string_view summary;    // one line for documentation
  // An argument that is an RE2 pattern: checked and compiled at parse time when it is a literal.
  int pattern_arg = -1;
  // An argument that is a format() string: checked at parse time when it is a literal.
  int format_arg = -1;
};

// Every function, in the order of the documentation.
std::span<const FunctionSpec> functions();
// The function called `name`, or nullptr.
const FunctionSpec* find_function(std::string_view name);
// The names of all functions, sorted (for "did you mean" and listings).
std::vector<std::string> function_names();
// "did you mean 'len'?" for a misspelt or foreign function name (lenght, length, size, tojson,
// str), or "" when nothing is close.
std::string suggest_function(std::string_view name);
// "1 argument", "1 or 2 arguments", "1 to 3 arguments", "at least 1 argument".
std::string arity_text(const FunctionSpec& f);
// Empty when `count` arguments suit `f`, else "len() takes 1 argument, got 2".
std::string arity_error(const FunctionSpec& f, size_t count);

}  // namespace rb::expr
