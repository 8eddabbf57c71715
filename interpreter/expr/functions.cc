#include "expr/functions.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/spelling.h"
#include "expr/format_string.h"
#include "expr/json.h"
#include "expr/text_units.h"

namespace rb::expr {
namespace {

constexpr int64_t kMaxRange = 100000;

[[noreturn]] void fail(std::string message, int argument = -1, std::string hint = {}) {
  throw FunctionError{std::move(message), std::move(hint), argument};
}

std::string name_of(const CallArgs& a) {
  return std::string(a.function) + "()";
}

[[noreturn]] void wrong_type(const CallArgs& a, int i, std::string_view wanted,
                             std::string hint = {}) {
  fail(name_of(a) + " argument " + std::to_string(i + 1) + " must be " + std::string(wanted) +
           ", got " + a.values[i].type_name(),
       i, std::move(hint));
}

const std::string& need_string(const CallArgs& a, int i) {
  if (!a.values[i].is_string()) wrong_type(a, i, "a string", "convert it with string()");
  return a.values[i].as_string();
}

const List& need_list(const CallArgs& a, int i) {
  if (!a.values[i].is_list()) wrong_type(a, i, "a list");
  return a.values[i].as_list();
}

const Map& need_map(const CallArgs& a, int i) {
  if (!a.values[i].is_map()) wrong_type(a, i, "a map");
  return a.values[i].as_map();
}

int64_t need_int(const CallArgs& a, int i) {
  if (!a.values[i].is_int()) wrong_type(a, i, "an integer", "convert it with int()");
  return a.values[i].as_int();
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// ---- strings and lists

Value fn_contains(const CallArgs& a) {
  const Value& hay = a.values[0];
  if (hay.is_string()) {
    return hay.as_string().find(need_string(a, 1)) != std::string::npos;
  }
  if (hay.is_list()) {
    const List& l = hay.as_list();
    return std::find(l.begin(), l.end(), a.values[1]) != l.end();
  }
  // A map is refused rather than given a meaning: `x in m` means a key in some languages and a
  // value in others, and either guess would answer the other question silently false.
  wrong_type(a, 0, "a string or a list",
             hay.is_map() ? "say which: contains(keys(m), x) for a key, contains(values(m), x) for "
                            "a value"
                          : "");
}

Value fn_starts_with(const CallArgs& a) {
  return need_string(a, 0).starts_with(need_string(a, 1));
}

Value fn_ends_with(const CallArgs& a) {
  return need_string(a, 0).ends_with(need_string(a, 1));
}

Value fn_matches(const CallArgs& a) {
  const std::string& s = need_string(a, 0);
  if (a.pattern) return RE2::PartialMatch(s, *a.pattern);
  RE2 re(need_string(a, 1), RE2::Quiet);
  if (!re.ok()) fail("invalid regular expression: " + re.error(), 1);
  return RE2::PartialMatch(s, re);
}

Value fn_len(const CallArgs& a) {
  const Value& v = a.values[0];
  if (v.is_string()) return static_cast<int64_t>(characters(v.as_string()).size());
  if (v.is_list()) return static_cast<int64_t>(v.as_list().size());
  if (v.is_map()) return static_cast<int64_t>(v.as_map().size());
  wrong_type(a, 0, "a string, a list or a map");
}

Value fn_lower(const CallArgs& a) {
  std::string s = need_string(a, 0);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

Value fn_upper(const CallArgs& a) {
  std::string s = need_string(a, 0);
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

Value fn_trim(const CallArgs& a) {
  return trim_view(need_string(a, 0));
}

Value fn_split(const CallArgs& a) {
  std::string_view s = need_string(a, 0);
  List out;
  if (a.values.size() == 1) {
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && is_space(s[i])) ++i;
      const size_t start = i;
      while (i < s.size() && !is_space(s[i])) ++i;
      if (i > start) out.push_back(Value(s.substr(start, i - start)));
    }
    return out;
  }
  const std::string& sep = need_string(a, 1);
  if (sep.empty()) {
    fail("split() separator must not be empty", 1, "omit it to split on whitespace");
  }
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(Value(s.substr(start)));
      break;
    }
    out.push_back(Value(s.substr(start, at - start)));
    start = at + sep.size();
  }
  return out;
}

Value fn_join(const CallArgs& a) {
  const List& l = need_list(a, 0);
  const std::string sep = a.values.size() > 1 ? need_string(a, 1) : ",";
  std::string out;
  for (size_t i = 0; i < l.size(); ++i) {
    if (i > 0) out += sep;
    out += l[i].to_text();
  }
  return out;
}

Value fn_format(const CallArgs& a) {
  return expand_format(need_string(a, 0), a.values.subspan(1));
}

Value fn_replace(const CallArgs& a) {
  const std::string& s = need_string(a, 0);
  const std::string& from = need_string(a, 1);
  const std::string& to = need_string(a, 2);
  if (from.empty()) fail("replace() needs a non-empty string to replace", 1);
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(from, start);
    if (at == std::string::npos) break;
    out.append(s, start, at - start);
    out += to;
    start = at + from.size();
  }
  out.append(s, start);
  return out;
}

Value fn_reverse(const CallArgs& a) {
  const Value& v = a.values[0];
  if (v.is_list()) {
    List l = v.as_list();
    std::reverse(l.begin(), l.end());
    return l;
  }
  if (v.is_string()) {
    std::vector<std::string_view> chars = characters(v.as_string());
    std::string out;
    out.reserve(v.as_string().size());
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) out += *it;
    return out;
  }
  wrong_type(a, 0, "a list or a string");
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Natural order: runs of digits compare as numbers, so mysql/9 sorts before mysql/10 and
// machine 2 before machine 10; other text compares byte by byte. Equal numbers written with
// different leading zeros ("07", "7") fall back to the plain text, so the order is total.
bool natural_less(std::string_view x, std::string_view y) {
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    if (is_digit(x[i]) && is_digit(y[j])) {
      size_t ie = i, je = j;
      while (ie < x.size() && is_digit(x[ie])) ++ie;
      while (je < y.size() && is_digit(y[je])) ++je;
      size_t iz = i, jz = j;  // past the leading zeros
      while (iz + 1 < ie && x[iz] == '0') ++iz;
      while (jz + 1 < je && y[jz] == '0') ++jz;
      std::string_view a = x.substr(iz, ie - iz), b = y.substr(jz, je - jz);
      if (a.size() != b.size()) return a.size() < b.size();
      if (a != b) return a < b;
      i = ie;
      j = je;
      continue;
    }
    if (x[i] != y[j]) return static_cast<unsigned char>(x[i]) < static_cast<unsigned char>(y[j]);
    ++i;
    ++j;
  }
  if (i < x.size() || j < y.size()) return j < y.size() && i == x.size();
  return x < y;
}

Value fn_sort(const CallArgs& a) {
  List l = need_list(a, 0);
  const bool numbers =
      std::all_of(l.begin(), l.end(), [](const Value& v) { return v.is_number(); });
  const bool strings =
      std::all_of(l.begin(), l.end(), [](const Value& v) { return v.is_string(); });
  if (numbers) {
    std::stable_sort(l.begin(), l.end(), [](const Value& x, const Value& y) {
      if (x.is_int() && y.is_int()) return x.as_int() < y.as_int();
      return x.as_double() < y.as_double();
    });
  } else if (strings) {
    std::stable_sort(l.begin(), l.end(), [](const Value& x, const Value& y) {
      return natural_less(x.as_string(), y.as_string());
    });
  } else {
    fail("sort() needs a list of only numbers or only strings", 0);
  }
  return l;
}

Value fn_range(const CallArgs& a) {
  int64_t start = 0, end = 0, step = 1;
  if (a.values.size() == 1) {
    end = need_int(a, 0);
  } else {
    start = need_int(a, 0);
    end = need_int(a, 1);
    if (a.values.size() == 3) step = need_int(a, 2);
  }
  if (step == 0) fail("range() step must not be 0", 2);
  // 128-bit arithmetic: the distance between two int64 values may not fit in 64 bits.
  const __int128 distance = static_cast<__int128>(end) - start;
  __int128 count = 0;
  if (step > 0 && distance > 0) count = (distance + step - 1) / step;
  if (step < 0 && distance < 0) count = (-distance + (-static_cast<__int128>(step)) - 1) / -step;
  if (count > kMaxRange) {
    fail("range() would make more than " + std::to_string(kMaxRange) + " elements", -1,
         "loop over a smaller range");
  }
  List out;
  out.reserve(static_cast<size_t>(count));
  for (__int128 i = 0; i < count; ++i) out.push_back(static_cast<int64_t>(start + i * step));
  return out;
}

// ---- maps

Value fn_keys(const CallArgs& a) {
  List out;
  for (const auto& [k, v] : need_map(a, 0)) out.push_back(Value(k));
  return out;
}

Value fn_values(const CallArgs& a) {
  List out;
  for (const auto& [k, v] : need_map(a, 0)) out.push_back(v);
  return out;
}

// ---- conversions

Value fn_from_json(const CallArgs& a) {
  std::string error;
  std::optional<Value> v = parse_json(need_string(a, 0), &error);
  if (!v) fail("fromJSON() got invalid JSON: " + error, 0);
  return *v;
}

Value fn_to_json(const CallArgs& a) {
  return a.values[0].to_json();
}

Value fn_default(const CallArgs& a) {
  const Value& v = a.values[0];
  if (v.is_null() || (v.is_string() && v.as_string().empty())) return a.values[1];
  return v;
}

std::optional<int64_t> parse_integer(std::string_view s) {
  s = trim_view(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return out;
}

Value fn_int(const CallArgs& a) {
  const Value& v = a.values[0];
  switch (v.type()) {
    case ValueType::kInt:
      return v;
    case ValueType::kBool:
      return static_cast<int64_t>(v.as_bool() ? 1 : 0);
    case ValueType::kNumber: {
      const double d = std::trunc(v.as_double());
      if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
        fail("int() cannot convert " + v.to_text() + " to an integer: out of range", 0);
      }
      return static_cast<int64_t>(d);
    }
    case ValueType::kString: {
      if (std::optional<int64_t> i = parse_integer(v.as_string())) return *i;
      fail("int() cannot convert '" + v.as_string() + "' to an integer", 0,
           "it takes whole numbers such as '42' or '-7'; use number() for decimals");
    }
    default:
      wrong_type(a, 0, "an integer, a number, a boolean or a string of digits");
  }
}

Value fn_number(const CallArgs& a) {
  const Value& v = a.values[0];
  switch (v.type()) {
    case ValueType::kInt:
    case ValueType::kNumber:
      return v;
    case ValueType::kBool:
      return static_cast<int64_t>(v.as_bool() ? 1 : 0);
    case ValueType::kString: {
      if (std::optional<int64_t> i = parse_integer(v.as_string())) return *i;
      std::string_view s = trim_view(v.as_string());
      if (!s.empty() && s.front() == '+') s.remove_prefix(1);
      double d = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(d)) {
        fail("number() cannot convert '" + v.as_string() + "' to a number", 0);
      }
      return d;
    }
    default:
      wrong_type(a, 0, "a number, a boolean or a string");
  }
}

Value fn_string(const CallArgs& a) {
  return a.values[0].to_text();
}

Value fn_raw(const CallArgs& a) {
  return a.values[0];
}

constexpr FunctionSpec kFunctions[] = {
    {"contains", 2, 2, fn_contains, "contains(s|list, x)",
     "true when string s holds substring x, or the list holds an element equal to x"},
    {"startsWith", 2, 2, fn_starts_with, "startsWith(s, prefix)", "true when s begins with prefix"},
    {"endsWith", 2, 2, fn_ends_with, "endsWith(s, suffix)", "true when s ends with suffix"},
    {"matches", 2, 2, fn_matches, "matches(s, regex)",
     "true when the RE2 regular expression matches somewhere in s", /*pattern_arg=*/1},
    {"len", 1, 1, fn_len, "len(s|list|map)", "the number of characters, elements or entries"},
    {"lower", 1, 1, fn_lower, "lower(s)", "s with ASCII letters in lower case"},
    {"upper", 1, 1, fn_upper, "upper(s)", "s with ASCII letters in upper case"},
    {"trim", 1, 1, fn_trim, "trim(s)", "s without leading and trailing whitespace"},
    {"split", 1, 2, fn_split, "split(s[, sep])",
     "the parts of s between each sep; without sep, the words of s"},
    {"join", 1, 2, fn_join, "join(list[, sep])",
     "the elements as text, separated by sep (default ',')"},
    {"format", 1, kVariadic, fn_format, "format(fmt, args...)",
     "fmt with {0}, {1}, ... replaced by the arguments; {{ and }} are literal braces", -1,
     /*format_arg=*/0},
    {"replace", 3, 3, fn_replace, "replace(s, old, new)", "s with every old replaced by new"},
    {"fromJSON", 1, 1, fn_from_json, "fromJSON(s)", "the value that JSON text s stands for"},
    {"toJSON", 1, 1, fn_to_json, "toJSON(v)", "v as compact JSON, map keys sorted"},
    {"default", 2, 2, fn_default, "default(v, fallback)", "fallback when v is null or '', else v"},
    {"int", 1, 1, fn_int, "int(v)",
     "v as an integer: numbers are truncated, booleans are 0 or 1, strings must be digits"},
    {"number", 1, 1, fn_number, "number(v)", "v as a number; strings must be numeric"},
    {"string", 1, 1, fn_string, "string(v)", "v as text, as interpolation would write it"},
    {"keys", 1, 1, fn_keys, "keys(map)", "the keys of a map, sorted"},
    {"values", 1, 1, fn_values, "values(map)", "the values of a map, in the order of its keys"},
    {"sort", 1, 1, fn_sort, "sort(list)",
     "a list of only numbers or only strings, sorted; strings in natural order (mysql/9 before "
     "mysql/10)"},
    {"reverse", 1, 1, fn_reverse, "reverse(list|s)", "the elements or characters in reverse"},
    {"range", 1, 3, fn_range, "range(n) / range(a, b[, step])",
     "the integers from a (default 0) up to but not including b, at most 100000"},
    {"raw", 1, 1, fn_raw, "raw(v)",
     "v itself; in run: it is inserted without shell quoting (validate warns)"},
};

}  // namespace

std::span<const FunctionSpec> functions() {
  return kFunctions;
}

const FunctionSpec* find_function(std::string_view name) {
  for (const FunctionSpec& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<std::string> function_names() {
  std::vector<std::string> out;
  for (const FunctionSpec& f : kFunctions) out.emplace_back(f.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::string suggest_function(std::string_view name) {
  // Names other languages use for the same thing.
  static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
      {"length", "len"},        {"lenght", "len"},   {"size", "len"},
      {"count", "len"},         {"str", "string"},   {"toString", "string"},
      {"parseInt", "int"},      {"float", "number"}, {"parseFloat", "number"},
      {"includes", "contains"}, {"has", "contains"}, {"regex", "matches"},
      {"match", "matches"},     {"strip", "trim"},   {"toLower", "lower"},
      {"toUpper", "upper"},     {"sorted", "sort"},  {"reversed", "reverse"},
      {"coalesce", "default"},
  };
  for (const auto& [alias, real] : kAliases) {
    if (alias == name) return "did you mean '" + std::string(real) + "'?";
  }
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  };
  for (const FunctionSpec& f : kFunctions) {
    if (lower(f.name) == lower(name)) return "did you mean '" + std::string(f.name) + "'?";
  }
  return did_you_mean(name, function_names());
}

std::string arity_text(const FunctionSpec& f) {
  auto arguments = [](int n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); };
  if (f.max_args == kVariadic) return "at least " + arguments(f.min_args);
  if (f.min_args == f.max_args) return arguments(f.min_args);
  if (f.max_args == f.min_args + 1) {
    return std::to_string(f.min_args) + " or " + arguments(f.max_args);
  }
  return std::to_string(f.min_args) + " to " + arguments(f.max_args);
}

std::string arity_error(const FunctionSpec& f, size_t count) {
  const bool ok = count >= static_cast<size_t>(f.min_args) &&
                  (f.max_args == kVariadic || count <= static_cast<size_t>(f.max_args));
  if (ok) return "";
  return std::string(f.name) + "() takes " + arity_text(f) + ", got " + std::to_string(count);
}

}  // namespace rb::expr
