#pragma once
// The value of an expression: null, boolean, integer, number, string, list or map, or *unknown*.
// Integers and floating numbers are kept apart so `88` renders as "88", never "88.0".
// Unknown is what a value only a run can know (steps.X.output) is while planning: the evaluator
// propagates it through operators and functions (unknown && false is false), and it remembers
// the names it depends on. A run never sees one.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rb::expr {

class Value;
struct Unknown;
using List = std::vector<Value>;
using Map = std::map<std::string, Value, std::less<>>;

enum class ValueType { kNull, kBool, kInt, kNumber, kString, kList, kMap, kUnknown };

// What an unknown value depends on: the names that only a run can know ("steps.leader.output").
struct Unknown {
  std::vector<std::string> depends;  // sorted, unique
  // The value is still exactly the name in depends[0] (steps.x, then steps.x.output).
  bool is_path = false;
  // How many member reads extend that name (steps.x -> steps.x.output) before they stop
  // adding to it: a plan says "depends on steps.x.output", not on every key read below it.
  int extend = 0;
};

class Value {
 public:
  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(static_cast<int64_t>(i)) {}
  Value(int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(List l) : v_(std::make_shared<List>(std::move(l))) {}
  Value(Map m) : v_(std::make_shared<Map>(std::move(m))) {}
  // An unknown value standing for `name` (steps.x); the next `extend` member reads extend it.
  static Value unknown_path(std::string name, int extend = 0);
  // An unknown value depending on everything `parts` depend on (each unknown or not).
  static Value unknown_of(std::initializer_list<const Value*> parts);
  static Value unknown_of(const std::vector<Value>& parts);

  ValueType type() const { return static_cast<ValueType>(v_.index()); }
  bool is_null() const { return type() == ValueType::kNull; }
  bool is_bool() const { return type() == ValueType::kBool; }
  bool is_int() const { return type() == ValueType::kInt; }
  bool is_double() const { return type() == ValueType::kNumber; }
  bool is_number() const { return is_int() || is_double(); }  // int or double
  bool is_string() const { return type() == ValueType::kString; }
  bool is_list() const { return type() == ValueType::kList; }
  bool is_map() const { return type() == ValueType::kMap; }
  bool is_unknown() const { return type() == ValueType::kUnknown; }

  // Accessors: precondition is the matching type.
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const;  // int or double, as double
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const List& as_list() const { return *std::get<std::shared_ptr<List>>(v_); }
  const Map& as_map() const { return *std::get<std::shared_ptr<Map>>(v_); }
  const Unknown& as_unknown() const { return *std::get<std::shared_ptr<const Unknown>>(v_); }
  // The map to change in place (precondition: is_map()). Copies it first only when another
  // Value shares it, so a value updated step after step is not copied each time.
  Map& mutable_map() {
    auto& p = std::get<std::shared_ptr<Map>>(v_);
    if (p.use_count() > 1) p = std::make_shared<Map>(*p);
    return *p;
  }

  // false, null, 0, 0.0, '', [] and {} are falsy; everything else is truthy. An unknown value is
  // neither: callers that may meet one (the planner) test is_unknown() first; here it is false.
  bool truthy() const;
  // Strict structural equality (1 == 1.0 is true; '1' == 1 is false).
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // The text a value becomes when interpolated into a string: strings as they are, integers in
  // decimal, numbers in their shortest round-trip form, true/false, null as '', lists and maps as
  // compact JSON. An unknown value reads `${{ NAME }}` (for a plan), or `${{ ? }}`.
  std::string to_text() const;
  // Compact JSON (strings escaped, maps with sorted keys).
  std::string to_json() const;
  // "null", "boolean", "integer", "number", "string", "list", "map".
  const char* type_name() const;
  static const char* type_name(ValueType t);

 private:
  static Value make_unknown(std::vector<std::string> depends, bool is_path, int extend = 0);

  std::variant<std::nullptr_t, bool, int64_t, double, std::string, std::shared_ptr<List>,
               std::shared_ptr<Map>, std::shared_ptr<const Unknown>>
      v_;
};

}  // namespace rb::expr
