#include "expr/operators.h"

#include <cmath>
#include <compare>
#include <limits>
#include <optional>

#include "expr/text_units.h"

namespace rb::expr {
namespace {

[[noreturn]] void fail(std::string message, std::string hint = {}) {
  throw OperatorError{std::move(message), std::move(hint)};
}

std::string pair(const Value& a, const Value& b) {
  return std::string(a.type_name()) + " and " + b.type_name();
}

// What to suggest when an operator gets operands it cannot take.
std::string mismatch_hint(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return "a value is null: use default() to give a fallback";
  if ((a.is_string() && b.is_number()) || (a.is_number() && b.is_string())) {
    return "convert one side with int(), number() or string()";
  }
  return "";
}

std::string add_hint(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return "a value is null: use default() to give a fallback";
  if (a.is_string() || b.is_string()) return "use format() or string()";
  if (a.is_list() || b.is_list()) return "to append an element, wrap it in a list: list + [x]";
  return "";
}

std::partial_ordering compare_numbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() <=> b.as_int();
  return a.as_double() <=> b.as_double();
}

Value arithmetic(BinaryOp op, const Value& a, const Value& b) {
  const char* spelled = spelling(op);
  if (!a.is_number() || !b.is_number()) {
    fail(std::string("cannot apply '") + spelled + "' to " + pair(a, b), mismatch_hint(a, b));
  }
  if (a.is_int() && b.is_int()) {
    const int64_t x = a.as_int(), y = b.as_int();
    int64_t out = 0;
    bool overflow = false;
    switch (op) {
      case BinaryOp::kAdd:
        overflow = __builtin_add_overflow(x, y, &out);
        break;
      case BinaryOp::kSubtract:
        overflow = __builtin_sub_overflow(x, y, &out);
        break;
      case BinaryOp::kMultiply:
        overflow = __builtin_mul_overflow(x, y, &out);
        break;
      case BinaryOp::kDivide:
        if (y == 0) fail("division by zero");
        if (x == std::numeric_limits<int64_t>::min() && y == -1) {
          overflow = true;
        } else if (x % y == 0) {
          out = x / y;
        } else {
          return static_cast<double>(x) / static_cast<double>(y);
        }
        break;
      case BinaryOp::kRemainder:
        if (y == 0) fail("division by zero");
        out = y == -1 ? 0 : x % y;  // INT64_MIN % -1 would trap
        break;
      default:
        break;
    }
    if (overflow) {
      fail(std::string("integer overflow in '") + spelled + "'",
           "the result does not fit in 64 bits");
    }
    return out;
  }
  const double x = a.as_double(), y = b.as_double();
  switch (op) {
    case BinaryOp::kAdd:
      return x + y;
    case BinaryOp::kSubtract:
      return x - y;
    case BinaryOp::kMultiply:
      return x * y;
    case BinaryOp::kDivide:
      if (y == 0) fail("division by zero");
      return x / y;
    case BinaryOp::kRemainder:
      if (y == 0) fail("division by zero");
      return std::fmod(x, y);
    default:
      return Value();
  }
}

Value add(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return arithmetic(BinaryOp::kAdd, a, b);
  if (a.is_string() && b.is_string()) return a.as_string() + b.as_string();
  if (a.is_list() && b.is_list()) {
    List out = a.as_list();
    out.insert(out.end(), b.as_list().begin(), b.as_list().end());
    return out;
  }
  fail("cannot add " + pair(a, b), add_hint(a, b));
}

bool equality(BinaryOp op, const Value& a, const Value& b) {
  // '1' == 1 would be silently false and hide a missing conversion: refuse it.
  if ((a.is_string() && b.is_number()) || (a.is_number() && b.is_string())) {
    fail(std::string("cannot compare ") + a.type_name() + " with " + b.type_name() + " using '" +
             spelling(op) + "'",
         "convert one side with int() or string()");
  }
  return (a == b) == (op == BinaryOp::kEqual);
}

bool ordering(BinaryOp op, const Value& a, const Value& b) {
  std::partial_ordering order = std::partial_ordering::unordered;
  if (a.is_number() && b.is_number()) {
    order = compare_numbers(a, b);
  } else if (a.is_string() && b.is_string()) {
    order = a.as_string().compare(b.as_string()) <=> 0;
  } else {
    std::string hint = mismatch_hint(a, b);
    if ((a.is_string() && b.is_number()) || (a.is_number() && b.is_string())) {
      hint = "convert one side with int() or string()";
    }
    fail(std::string("cannot compare ") + a.type_name() + " with " + b.type_name(), hint);
  }
  switch (op) {
    case BinaryOp::kLess:
      return order < 0;
    case BinaryOp::kLessEqual:
      return order <= 0;
    case BinaryOp::kGreater:
      return order > 0;
    case BinaryOp::kGreaterEqual:
      return order >= 0;
    default:
      return false;
  }
}

// A position counted from the end when negative; nullopt when out of range.
std::optional<size_t> position(int64_t index, size_t size) {
  const int64_t n = static_cast<int64_t>(size);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return std::nullopt;
  return static_cast<size_t>(index);
}

}  // namespace

const char* spelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSubtract:
      return "-";
    case BinaryOp::kMultiply:
      return "*";
    case BinaryOp::kDivide:
      return "/";
    case BinaryOp::kRemainder:
      return "%";
    case BinaryOp::kEqual:
      return "==";
    case BinaryOp::kNotEqual:
      return "!=";
    case BinaryOp::kLess:
      return "<";
    case BinaryOp::kLessEqual:
      return "<=";
    case BinaryOp::kGreater:
      return ">";
    case BinaryOp::kGreaterEqual:
      return ">=";
  }
  return "?";
}

const char* spelling(UnaryOp op) {
  return op == UnaryOp::kNot ? "!" : "-";
}

Value apply_unary(UnaryOp op, const Value& v) {
  if (op == UnaryOp::kNot) return !v.truthy();
  if (v.is_int()) {
    if (v.as_int() == std::numeric_limits<int64_t>::min()) {
      fail("integer overflow in '-'", "the result does not fit in 64 bits");
    }
    return -v.as_int();
  }
  if (v.is_double()) return -v.as_double();
  fail(std::string("cannot negate ") + v.type_name(),
       v.is_string() ? "convert it with int() or number()" : "");
}

Value apply_binary(BinaryOp op, const Value& a, const Value& b) {
  switch (op) {
    case BinaryOp::kAdd:
      return add(a, b);
    case BinaryOp::kSubtract:
    case BinaryOp::kMultiply:
    case BinaryOp::kDivide:
    case BinaryOp::kRemainder:
      return arithmetic(op, a, b);
    case BinaryOp::kEqual:
    case BinaryOp::kNotEqual:
      return equality(op, a, b);
    case BinaryOp::kLess:
    case BinaryOp::kLessEqual:
    case BinaryOp::kGreater:
    case BinaryOp::kGreaterEqual:
      return ordering(op, a, b);
  }
  return Value();
}

Value read_member(const Value& object, std::string_view name) {
  if (object.is_null()) return Value();  // a skipped step's outputs are null all the way down
  if (object.is_map()) {
    const Map& m = object.as_map();
    auto it = m.find(name);
    return it == m.end() ? Value() : it->second;
  }
  fail("cannot read field '" + std::string(name) + "' of " + object.type_name(),
       object.is_list() ? "a list is indexed by position: x[0]" : "");
}

Value read_index(const Value& object, const Value& index) {
  if (object.is_null()) return Value();  // as with read_member
  if (object.is_list()) {
    if (!index.is_int()) {
      fail(std::string("a list index must be an integer, got ") + index.type_name(),
           index.is_string() ? "convert it with int()" : "");
    }
    const List& l = object.as_list();
    std::optional<size_t> at = position(index.as_int(), l.size());
    return at ? l[*at] : Value();
  }
  if (object.is_map()) {
    if (!index.is_string()) {
      fail(std::string("a map index must be a string, got ") + index.type_name(),
           "convert it with string()");
    }
    const Map& m = object.as_map();
    auto it = m.find(index.as_string());
    return it == m.end() ? Value() : it->second;
  }
  if (object.is_string()) {
    if (!index.is_int()) {
      fail(std::string("a string index must be an integer, got ") + index.type_name());
    }
    std::vector<std::string_view> chars = characters(object.as_string());
    std::optional<size_t> at = position(index.as_int(), chars.size());
    return at ? Value(chars[*at]) : Value();
  }
  fail(std::string("cannot index ") + object.type_name(), "only lists, maps and strings have [ ]");
}

}  // namespace rb::expr
