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

// nlohmann's test of a string it can dump as is: UTF-8 without overlong forms or surrogates.
bool json_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// A JSON string as nlohmann dumps it: ", \\, \b \f \n \r \t, other bytes below 0x20 as \u00xx,
// UTF-8 as is. Bytes that are not UTF-8 (command output) become U+FFFD, as nlohmann's replace
// handler has them: it writes those strings.
void append_json_string(std::string& out, std::string_view s) {
  if (!json_utf8(s)) {
    out += nlohmann::json(std::string(s))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  size_t plain = 0;  // the start of the bytes not yet written, which need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
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
      default: {
        static const char* kHex = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
  }
  out.append(s, plain, s.size() - plain);
  out += '"';
}

}  // namespace rb::expr
