#include "load/yaml_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "base/spelling.h"
#include "load/scalar_origin.h"

namespace rb::load {

Location YamlReader::at(const yaml::Node& node, Location fallback) const {
  if (!node.IsDefined()) return fallback;
  YAML::Mark m = node.Mark();
  if (m.line < 0 || m.column < 0 || m.is_null()) return fallback;
  return Location{&file_, m.line + 1, m.column + 1};
}

int YamlReader::width(const yaml::Node& node) const {
  if (!node.IsDefined() || !node.IsScalar()) return 1;
  const std::string& s = node.Scalar();
  if (s.find('\n') != std::string::npos) return 1;
  int extra = is_plain(node) ? 0 : 2;
  return std::max<int>(1, static_cast<int>(s.size()) + extra);
}

const char* YamlReader::kind(const yaml::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  return "a scalar";
}

bool YamlReader::expect_map(const yaml::Node& node, std::string_view what, Location fallback) {
  if (node.IsMap()) return true;
  diags_.error(at(node, fallback),
               std::string(what) + " must be a mapping (key: value lines), not " + kind(node));
  return false;
}

bool YamlReader::expect_list(const yaml::Node& node, std::string_view what, Location fallback) {
  if (node.IsSequence()) return true;
  diags_.error(at(node, fallback),
               std::string(what) + " must be a list (lines starting with '- '), not " + kind(node));
  return false;
}

bool YamlReader::expect_scalar(const yaml::Node& node, std::string_view what, Location fallback) {
  if (node.IsScalar()) return true;
  diags_.error(at(node, fallback),
               std::string(what) + " must be a single value, not " + kind(node));
  return false;
}

void YamlReader::check_keys(const yaml::Node& map, const std::vector<std::string>& allowed,
                            std::string_view context, yaml::Node* found) {
  // The keys seen so far: known ones by their index in `allowed`, others by name (rare).
  uint64_t seen_mask = 0;       // allowed.size() <= 64, as every table is
  std::vector<bool> seen_more;  // else
  if (allowed.size() > 64) seen_more.assign(allowed.size(), false);
  std::vector<std::string_view> seen_unknown;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const yaml::Node key = it->first;  // a copy: it->first lives in a temporary proxy
    if (!key.IsScalar()) {
      diags_.error(at(key),
                   "a key in " + std::string(context) + " must be a name, not " + kind(key));
      continue;
    }
    const std::string& name = key.Scalar();
    size_t index = 0;
    while (index < allowed.size() && allowed[index] != name) ++index;
    const bool known = index < allowed.size();
    bool duplicate = false;
    if (known && allowed.size() <= 64) {
      duplicate = (seen_mask >> index) & 1;
      seen_mask |= uint64_t{1} << index;
    } else if (known) {
      duplicate = seen_more[index];
      seen_more[index] = true;
    } else {
      for (std::string_view u : seen_unknown) duplicate = duplicate || u == name;
      if (!duplicate) seen_unknown.push_back(name);
    }
    if (duplicate) {
      diags_.error(at(key), "duplicate key '" + name + "' in " + std::string(context),
                   "YAML keeps only one of them; remove or rename one", width(key));
      continue;
    }
    if (known && found != nullptr) found[index] = it->second;
    if (!known) {
      std::string hint = did_you_mean(name, allowed);
      if (hint.empty()) hint = "known keys: " + join_names(allowed);
      diags_.error(at(key), "unknown key '" + name + "' in " + std::string(context), hint,
                   width(key));
    }
  }
}

std::optional<std::string> YamlReader::read_string(const yaml::Node& node, std::string_view what,
                                                   Location fallback) {
  if (!expect_scalar(node, what, fallback)) return std::nullopt;
  return node.Scalar();
}

std::optional<bool> YamlReader::read_bool(const yaml::Node& node, std::string_view what,
                                          Location fallback) {
  if (node.IsScalar() && is_plain(node)) {
    const std::string& s = node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  diags_.error(at(node, fallback), std::string(what) + " must be true or false",
               node.IsScalar() ? "write true or false without quotes" : "", width(node));
  return std::nullopt;
}

std::optional<long long> YamlReader::read_int(const yaml::Node& node, std::string_view what,
                                              Location fallback) {
  expr::Value v = node.IsScalar() ? scalar_value(node) : expr::Value();
  if (v.is_int()) return v.as_int();
  diags_.error(at(node, fallback), std::string(what) + " must be a whole number", "", width(node));
  return std::nullopt;
}

std::optional<double> YamlReader::read_number(const yaml::Node& node, std::string_view what,
                                              Location fallback) {
  expr::Value v = node.IsScalar() ? scalar_value(node) : expr::Value();
  if (v.is_number()) return v.as_double();
  diags_.error(at(node, fallback), std::string(what) + " must be a number", "", width(node));
  return std::nullopt;
}

std::optional<Duration> YamlReader::read_duration(const yaml::Node& node, std::string_view what,
                                                  Location fallback) {
  if (!node.IsScalar()) {
    diags_.error(at(node, fallback),
                 std::string(what) + " must be a duration like 30s or 1h30m, not " + kind(node));
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  std::string why;
  if (auto d = parse_duration(s, &why)) return d;
  std::string hint = "write a duration like 250ms, 10s, 5m or 1h30m";
  expr::Value v = scalar_value(node);
  if (v.is_int()) hint = "a bare number has no unit; did you mean '" + s + "s'?";
  diags_.error(at(node, fallback),
               "invalid duration '" + s + "' for " + std::string(what) + ": " + why, hint,
               width(node));
  return std::nullopt;
}

TextOrigin YamlReader::origin_of(const yaml::Node& node) const {
  Location l = at(node);
  if (!l.known()) return TextOrigin(l);
  return scalar_origin(file_, l.line, l.column, node.Scalar());
}

std::optional<expr::Template> YamlReader::read_template(const yaml::Node& node,
                                                        std::string_view what, Location fallback) {
  if (!node.IsScalar()) {
    diags_.error(
        at(node, fallback), std::string(what) + " must be text, not " + kind(node),
        node.IsMap() ? "a '{' starting a plain value opens a YAML mapping; quote the text" : "");
    return std::nullopt;
  }
  return expr::parse_template(node.Scalar(), origin_of(node), diags_);
}

expr::ExprPtr YamlReader::read_guard(const yaml::Node& node, std::string_view what,
                                     Location fallback) {
  if (!node.IsScalar()) {
    std::string hint;
    if (node.IsMap()) {
      hint =
          "a value starting with '{' is a YAML mapping; write the expression bare, e.g. "
          "if: inputs.mode == 'store'";
    }
    diags_.error(at(node, fallback),
                 std::string(what) + " must be an expression, not " + kind(node), hint);
    return nullptr;
  }
  if (node.Scalar().empty()) {
    diags_.error(at(node, fallback), std::string(what) + " is empty",
                 "write an expression, e.g. inputs.mode == 'store'");
    return nullptr;
  }
  return expr::parse_guard(node.Scalar(), origin_of(node), diags_);
}

expr::Value YamlReader::scalar_value(const yaml::Node& node) const {
  if (!node.IsDefined() || node.IsNull()) return expr::Value();
  const std::string& s = node.Scalar();
  if (!is_plain(node)) return expr::Value(s);
  if (s == "~" || s == "null" || s == "Null" || s == "NULL" || s.empty()) return expr::Value();
  if (s == "true" || s == "True" || s == "TRUE") return expr::Value(true);
  if (s == "false" || s == "False" || s == "FALSE") return expr::Value(false);
  // Integers: decimal with an optional sign (YAML 1.2 core schema).
  {
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    bool digits = i < s.size();
    for (size_t j = i; j < s.size(); ++j) digits = digits && s[j] >= '0' && s[j] <= '9';
    if (digits) {
      errno = 0;
      char* end = nullptr;
      long long n = std::strtoll(s.c_str(), &end, 10);
      if (errno == 0 && end == s.c_str() + s.size()) return expr::Value(static_cast<int64_t>(n));
      return expr::Value(s);  // too large: keep the text
    }
  }
  // Floats: digits with a point or an exponent.
  {
    bool has_digit = false, shape = true;
    for (char c : s) {
      if (c >= '0' && c <= '9') {
        has_digit = true;
      } else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
        shape = false;
      }
    }
    if (has_digit && shape) {
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (end == s.c_str() + s.size() && std::isfinite(d)) return expr::Value(d);
    }
  }
  return expr::Value(s);
}

expr::Value YamlReader::node_value(const yaml::Node& node, int depth) const {
  if (depth > 64) return expr::Value();
  if (node.IsSequence()) {
    expr::List list;
    for (const yaml::Node& item : node) list.push_back(node_value(item, depth + 1));
    return expr::Value(std::move(list));
  }
  if (node.IsMap()) {
    expr::Map map;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar()) map[it->first.Scalar()] = node_value(it->second, depth + 1);
    }
    return expr::Value(std::move(map));
  }
  return scalar_value(node);
}

}  // namespace rb::load
