#include "expr/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace rb::expr {
namespace {

// Integral doubles below 1e15 print without a fraction (3.0 -> "3"), so arithmetic that lands on
// a whole number reads naturally; everything else is the shortest text that reads back the same.
std::string format_double(double d) {
  if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<int64_t>(d));
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc()) return "nan";
  return std::string(buf, end);
}

void append_json_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_json(std::string& out, const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      out += "null";
      break;
    case ValueType::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case ValueType::kInt:
      out += std::to_string(v.as_int());
      break;
    case ValueType::kNumber:
      // JSON has no NaN or infinity.
      out += std::isfinite(v.as_double()) ? format_double(v.as_double()) : "null";
      break;
    case ValueType::kString:
      append_json_string(out, v.as_string());
      break;
    case ValueType::kList: {
      out += '[';
      bool first = true;
      for (const Value& e : v.as_list()) {
        if (!first) out += ',';
        first = false;
        append_json(out, e);
      }
      out += ']';
      break;
    }
    case ValueType::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, k);
        out += ':';
        append_json(out, e);
      }
      out += '}';
      break;
    }
    case ValueType::kUnknown:
      append_json_string(out, v.to_text());
      break;
  }
}

void merge_depends(std::vector<std::string>& into, const Value& v) {
  if (v.is_unknown()) {
    const auto& d = v.as_unknown().depends;
    into.insert(into.end(), d.begin(), d.end());
  } else if (v.is_list()) {
    for (const Value& e : v.as_list()) merge_depends(into, e);
  } else if (v.is_map()) {
    for (const auto& [k, e] : v.as_map()) merge_depends(into, e);
  }
}

}  // namespace

Value Value::make_unknown(std::vector<std::string> depends, bool is_path, int extend) {
  std::sort(depends.begin(), depends.end());
  depends.erase(std::unique(depends.begin(), depends.end()), depends.end());
  auto u = std::make_shared<Unknown>();
  u->depends = std::move(depends);
  u->is_path = is_path && u->depends.size() == 1;
  u->extend = u->is_path ? extend : 0;
  Value v;
  v.v_ = std::shared_ptr<const Unknown>(std::move(u));
  return v;
}

Value Value::unknown_path(std::string name, int extend) {
  return make_unknown({std::move(name)}, true, extend);
}

Value Value::unknown_of(std::initializer_list<const Value*> parts) {
  std::vector<std::string> depends;
  for (const Value* p : parts) merge_depends(depends, *p);
  return make_unknown(std::move(depends), false);
}

Value Value::unknown_of(const std::vector<Value>& parts) {
  std::vector<std::string> depends;
  for (const Value& p : parts) merge_depends(depends, p);
  return make_unknown(std::move(depends), false);
}

double Value::as_double() const {
  if (is_int()) return static_cast<double>(as_int());
  return std::get<double>(v_);
}

bool Value::truthy() const {
  switch (type()) {
    case ValueType::kNull:
      return false;
    case ValueType::kBool:
      return as_bool();
    case ValueType::kInt:
      return as_int() != 0;
    case ValueType::kNumber:
      return as_double() != 0.0;
    case ValueType::kString:
      return !as_string().empty();
    case ValueType::kList:
      return !as_list().empty();
    case ValueType::kMap:
      return !as_map().empty();
    case ValueType::kUnknown:
      return false;
  }
  return false;
}

bool Value::operator==(const Value& other) const {
  if (is_number() && other.is_number()) {
    if (is_int() && other.is_int()) return as_int() == other.as_int();
    return as_double() == other.as_double();
  }
  if (type() != other.type()) return false;
  switch (type()) {
    case ValueType::kNull:
      return true;
    case ValueType::kBool:
      return as_bool() == other.as_bool();
    case ValueType::kString:
      return as_string() == other.as_string();
    case ValueType::kList:
      return as_list() == other.as_list();
    case ValueType::kMap:
      return as_map() == other.as_map();
    case ValueType::kUnknown:
      return as_unknown().depends == other.as_unknown().depends;
    case ValueType::kInt:
    case ValueType::kNumber:
      break;  // handled above
  }
  return false;
}

std::string Value::to_text() const {
  switch (type()) {
    case ValueType::kNull:
      return "";
    case ValueType::kBool:
      return as_bool() ? "true" : "false";
    case ValueType::kInt:
      return std::to_string(as_int());
    case ValueType::kNumber:
      return format_double(as_double());
    case ValueType::kString:
      return as_string();
    case ValueType::kList:
    case ValueType::kMap:
      return to_json();
    case ValueType::kUnknown: {
      const Unknown& u = as_unknown();
      return u.is_path ? "${{ " + u.depends[0] + " }}" : "${{ ? }}";
    }
  }
  return "";
}

std::string Value::to_json() const {
  std::string out;
  append_json(out, *this);
  return out;
}

const char* Value::type_name() const {
  return type_name(type());
}

const char* Value::type_name(ValueType t) {
  switch (t) {
    case ValueType::kNull:
      return "null";
    case ValueType::kBool:
      return "boolean";
    case ValueType::kInt:
      return "integer";
    case ValueType::kNumber:
      return "number";
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kMap:
      return "map";
    case ValueType::kUnknown:
      return "unknown";
  }
  return "value";
}

}  // namespace rb::expr
