#include "expr/json.h"

#include <nlohmann/json.hpp>

namespace rb::expr {
namespace {

constexpr int kMaxJsonDepth = 256;

Value from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return Value();
    case nlohmann::json::value_t::boolean:
      return Value(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Value(static_cast<int64_t>(u));
      return Value(static_cast<double>(u));
    }
    case nlohmann::json::value_t::number_float:
      return Value(j.get<double>());
    case nlohmann::json::value_t::string:
      return Value(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      List list;
      list.reserve(j.size());
      for (const auto& e : j) list.push_back(from_json(e));
      return Value(std::move(list));
    }
    case nlohmann::json::value_t::object: {
      Map map;
      for (auto it = j.begin(); it != j.end(); ++it) map[it.key()] = from_json(it.value());
      return Value(std::move(map));
    }
    case nlohmann::json::value_t::binary:
      return Value();
  }
  return Value();
}

}  // namespace

std::optional<Value> parse_json(std::string_view text, std::string* error) {
  int depth = 0;
  bool too_deep = false;
  // The callback sees every nesting step, so hostile input cannot recurse without bound.
  auto guard = [&](int d, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (event == nlohmann::json::parse_event_t::object_start ||
        event == nlohmann::json::parse_event_t::array_start) {
      depth = d;
      if (d > kMaxJsonDepth) too_deep = true;
    }
    return !too_deep;
  };
  try {
    nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), guard);
    if (too_deep) {
      if (error) *error = "nested more than 256 levels deep";
      return std::nullopt;
    }
    (void)depth;
    return from_json(j);
  } catch (const nlohmann::json::exception& e) {
    if (error) {
      std::string what = e.what();
      // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> after "] "
      size_t at = what.find("] ");
      *error = at == std::string::npos ? what : what.substr(at + 2);
      // "; last read: '...'" quotes the input, which may be a secret: say where, not what.
      if (size_t quoted = error->find("; last read:"); quoted != std::string::npos) {
        error->erase(quoted);
      }
    }
    return std::nullopt;
  }
}

}  // namespace rb::expr
