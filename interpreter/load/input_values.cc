#include "load/input_values.h"

#include <re2/re2.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "base/spelling.h"
#include "expr/evaluate.h"
#include "expr/json.h"
#include "expr/scope.h"

namespace rb::load {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string shown(const expr::Value& v) {
  std::string t = v.is_string() ? v.as_string() : v.to_json();
  if (t.size() > 60) t = t.substr(0, 57) + "...";
  return "'" + t + "'";
}

}  // namespace

std::optional<expr::Value> convert_input(model::InputType type, const expr::Value& raw,
                                         std::string* why) {
  auto fail = [&](const std::string& expected) -> std::optional<expr::Value> {
    if (why)
      *why = "expected " + expected + ", got " +
             (raw.is_string() ? shown(raw) : std::string(raw.type_name()) + " " + shown(raw));
    return std::nullopt;
  };
  switch (type) {
    case model::InputType::kString:
      if (raw.is_list() || raw.is_map() || raw.is_null()) return fail("a string");
      return expr::Value(raw.to_text());
    case model::InputType::kInteger: {
      if (raw.is_int()) return raw;
      if (raw.is_double() && std::floor(raw.as_double()) == raw.as_double() &&
          std::fabs(raw.as_double()) < 9e15) {
        return expr::Value(static_cast<int64_t>(raw.as_double()));
      }
      if (!raw.is_string()) return fail("an integer");
      std::string s = trim(raw.as_string());
      if (s.empty()) return fail("an integer");
      errno = 0;
      char* end = nullptr;
      long long n = std::strtoll(s.c_str(), &end, 10);
      if (errno != 0 || end != s.c_str() + s.size()) return fail("an integer");
      return expr::Value(static_cast<int64_t>(n));
    }
    case model::InputType::kNumber: {
      if (raw.is_number()) return raw;
      if (!raw.is_string()) return fail("a number");
      std::string s = trim(raw.as_string());
      if (s.empty()) return fail("a number");
      char* end = nullptr;
      errno = 0;
      long long n = std::strtoll(s.c_str(), &end, 10);
      if (errno == 0 && end == s.c_str() + s.size()) return expr::Value(static_cast<int64_t>(n));
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size() || !std::isfinite(d)) return fail("a number");
      return expr::Value(d);
    }
    case model::InputType::kBoolean: {
      if (raw.is_bool()) return raw;
      if (!raw.is_string()) return fail("true or false");
      std::string s = trim(raw.as_string());
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (s == "true" || s == "yes" || s == "1") return expr::Value(true);
      if (s == "false" || s == "no" || s == "0") return expr::Value(false);
      return fail("true or false");
    }
    case model::InputType::kList: {
      if (raw.is_list()) return raw;
      if (!raw.is_string()) return fail("a list");
      std::string s = trim(raw.as_string());
      if (!s.empty() && s[0] == '[') {
        std::string ignored;
        auto v = expr::parse_json(s, &ignored);
        if (!v || !v->is_list()) {
          if (why) *why = "expected a JSON array like [\"a\", \"b\"], got '" + s + "'";
          return std::nullopt;
        }
        return v;
      }
      expr::List list;
      if (s.empty()) return expr::Value(std::move(list));
      size_t begin = 0;
      while (true) {
        size_t comma = s.find(',', begin);
        list.push_back(expr::Value(trim(s.substr(begin, comma - begin))));
        if (comma == std::string::npos) break;
        begin = comma + 1;
      }
      return expr::Value(std::move(list));
    }
  }
  return fail("a value");
}

bool matches_pattern(const std::string& pattern, const std::string& value, std::string* error) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  if (!re.ok()) {
    if (error) *error = re.error();
    return false;
  }
  return RE2::FullMatch(value, re);
}

namespace {

bool pattern_may_start_with_dash(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re("^(?:" + pattern + ")$", options);
  if (!re.ok()) return false;  // reported as an invalid pattern elsewhere
  std::string min, max;
  if (!re.PossibleMatchRange(&min, &max, 4)) return true;
  // Every match m has min <= m <= max; those starting with '-' lie in ["-", "-\xff..."].
  const bool all_below = max.empty() || static_cast<unsigned char>(max[0]) < '-';
  const bool all_above = !min.empty() && static_cast<unsigned char>(min[0]) > '-';
  return !all_below && !all_above;
}

}  // namespace

bool input_may_start_with_dash(const model::InputSpec& spec) {
  if (spec.type == model::InputType::kBoolean) return false;
  if (!spec.allowed.empty()) {
    for (const expr::Value& a : spec.allowed) {
      const std::string text = a.to_text();
      if (!text.empty() && text[0] == '-') return true;
    }
    return false;
  }
  if (spec.pattern) return pattern_may_start_with_dash(spec.pattern->value);
  return spec.type == model::InputType::kInteger || spec.type == model::InputType::kNumber;
}

std::string check_input_constraints(const model::InputSpec& spec, const expr::Value& value) {
  std::vector<expr::Value> elements;
  if (value.is_list()) {
    elements = value.as_list();
  } else {
    elements.push_back(value);
  }
  for (const expr::Value& e : elements) {
    if (!spec.allowed.empty()) {
      bool ok = false;
      for (const expr::Value& a : spec.allowed) ok = ok || a == e;
      if (!ok) {
        std::string list;
        for (const expr::Value& a : spec.allowed) list += (list.empty() ? "" : ", ") + a.to_text();
        return shown(e) + " is not one of the allowed values: " + list;
      }
    }
    if (spec.pattern) {
      std::string err;
      if (!matches_pattern(spec.pattern->value, e.to_text(), &err)) {
        if (!err.empty()) return "the pattern is invalid: " + err;
        return shown(e) + " does not match the pattern '" + spec.pattern->value + "'";
      }
    }
    // A value from outside never turns into an option of a command silently: `grep -c x
    // ${{ inputs.v }}` with v=--version. Allowed only where the runbook says so.
    if (e.is_string() && !e.as_string().empty() && e.as_string()[0] == '-' &&
        spec.allowed.empty() && !spec.pattern) {
      return shown(e) +
             " starts with '-', so a command could take it for an option; if such values are "
             "meant, give the input a pattern or enum that allows them (and put '--' before it "
             "in the command)";
    }
  }
  return "";
}

namespace {

const std::string* find_env(const std::vector<std::string>* environment, const std::string& name) {
  if (environment == nullptr) return nullptr;
  for (const std::string& kv : *environment) {
    if (kv.size() > name.size() && kv[name.size()] == '=' &&
        kv.compare(0, name.size(), name) == 0) {
      return &kv;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<expr::Map> resolve_inputs(const model::Runbook& rb, const expr::Map& given_in,
                                        std::vector<std::string>* problems,
                                        std::vector<std::string>* missing_as_unknown,
                                        const std::vector<std::string>* environment) {
  // An input with env: VAR that was not given takes the variable's value (-i wins over it).
  expr::Map with_env;
  const expr::Map* given_p = &given_in;
  for (const model::InputSpec& spec : rb.inputs) {
    if (!spec.env_var || given_in.count(spec.name)) continue;
    if (const std::string* kv = find_env(environment, spec.env_var->value)) {
      if (given_p == &given_in) {
        with_env = given_in;
        given_p = &with_env;
      }
      with_env[spec.name] = expr::Value(kv->substr(spec.env_var->value.size() + 1));
    }
  }
  const expr::Map& given = *given_p;
  expr::Map out;
  std::vector<std::string> found;
  std::vector<std::string> names;
  for (const model::InputSpec& spec : rb.inputs) names.push_back(spec.name);
  for (const auto& [name, value] : given) {
    if (rb.find_input(name) == nullptr) {
      std::string hint = did_you_mean(name, names);
      found.push_back("unknown input '" + name + "'" +
                      (hint.empty()
                           ? std::string(names.empty() ? "; this runbook takes no inputs"
                                                       : "; inputs are: " + join_names(names))
                           : "; " + hint));
    }
  }
  for (const model::InputSpec& spec : rb.inputs) {
    auto it = given.find(spec.name);
    if (it == given.end()) {
      if (spec.default_value) {
        out[spec.name] = *spec.default_value;
      } else if (spec.required && missing_as_unknown != nullptr) {
        out[spec.name] = expr::Value::unknown_path("inputs." + spec.name);
        missing_as_unknown->push_back(spec.name);
      } else if (spec.required) {
        found.push_back(
            "missing required input '" + spec.name + "' (" + model::input_type_name(spec.type) +
            ")" + (spec.description.empty() ? "" : ": " + spec.description) + "; give it with -i " +
            spec.name + "=VALUE" +
            (spec.env_var ? " or the environment variable " + spec.env_var->value : std::string()));
      } else {
        out[spec.name] = expr::Value();
      }
      continue;
    }
    if (it->second.is_unknown()) {  // planning: a with: value only a run can know
      out[spec.name] = it->second;
      continue;
    }
    std::string why;
    auto v = convert_input(spec.type, it->second, &why);
    if (!v) {
      found.push_back("input '" + spec.name + "': " +
                      (spec.secret ? std::string("expected ") + model::input_type_name(spec.type) +
                                         " (the secret value is not shown)"
                                   : why));
      continue;
    }
    std::string bad = check_input_constraints(spec, *v);
    if (!bad.empty()) {
      found.push_back("input '" + spec.name + "': " + (spec.secret ? "the value is refused" : bad));
      continue;
    }
    out[spec.name] = *v;
  }
  // required_if: checked once every input has its value, before anything runs.
  if (found.empty()) {
    expr::MapScope scope;
    scope.set("inputs", expr::Value(out));
    for (const model::InputSpec& spec : rb.inputs) {
      if (!spec.required_if || !out[spec.name].is_null()) continue;
      try {
        expr::Value when = expr::evaluate(*spec.required_if, scope);
        if (when.is_unknown()) continue;  // planning: decided by an input not given yet
        if (!when.truthy()) continue;
      } catch (const expr::EvalError& e) {
        found.push_back("input '" + spec.name + "': in required_if: " + e.message());
        continue;
      }
      found.push_back(
          "missing input '" + spec.name + "' (" + model::input_type_name(spec.type) +
          "), required because " + spec.required_if->text() +
          (spec.description.empty() ? "" : ": " + spec.description) + "; give it with -i " +
          spec.name + "=VALUE" +
          (spec.env_var ? " or the environment variable " + spec.env_var->value : std::string()));
    }
  }
  if (problems) *problems = found;
  if (!found.empty()) return std::nullopt;
  return out;
}

}  // namespace rb::load
