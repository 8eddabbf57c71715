#pragma once
// Typed reads from YAML nodes (yaml_tree.h), each reporting a located diagnostic when the node is
// not what the format wants. Private to the loader: nothing outside load/ includes yaml-cpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "base/duration.h"
#include "base/source_file.h"
#include "expr/expression.h"
#include "expr/template.h"
#include "expr/value.h"
#include "load/yaml_tree.h"

namespace rb::load {

class YamlReader {
 public:
  YamlReader(const SourceFile& file, Diagnostics& diags) : file_(file), diags_(diags) {}

  const SourceFile& file() const { return file_; }
  Diagnostics& diags() { return diags_; }

  // The node's location; `fallback` when yaml-cpp has none (an empty value).
  Location at(const yaml::Node& node, Location fallback = {}) const;
  // Width of the node in the source line, for the underline (scalars only; 1 otherwise).
  int width(const yaml::Node& node) const;

  // The kind of node, for messages: "a mapping", "a list", "a string", "nothing".
  static const char* kind(const yaml::Node& node);
  static bool is_plain(const yaml::Node& node) { return node.Tag() == "?"; }

  // Requires a mapping; reports "<what> must be a mapping, not a list" otherwise.
  bool expect_map(const yaml::Node& node, std::string_view what, Location fallback);
  bool expect_list(const yaml::Node& node, std::string_view what, Location fallback);
  bool expect_scalar(const yaml::Node& node, std::string_view what, Location fallback);

  // Reports unknown keys (with "did you mean") and duplicate keys of a mapping; keys that are
  // not strings are reported too. `context` names the mapping: "step", "input 'x'", "retry".
  // When `found` is given (an array of allowed.size() nodes), found[i] is set to the value of
  // allowed[i]: the first of duplicates, as operator[] finds it; undefined when absent. One pass
  // instead of a search of the mapping per key.
  void check_keys(const yaml::Node& map, const std::vector<std::string>& allowed,
                  std::string_view context, yaml::Node* found = nullptr);

  std::optional<std::string> read_string(const yaml::Node& node, std::string_view what,
                                         Location fallback);
  std::optional<bool> read_bool(const yaml::Node& node, std::string_view what, Location fallback);
  std::optional<long long> read_int(const yaml::Node& node, std::string_view what,
                                    Location fallback);
  std::optional<double> read_number(const yaml::Node& node, std::string_view what,
                                    Location fallback);
  std::optional<Duration> read_duration(const yaml::Node& node, std::string_view what,
                                        Location fallback);
  // A template from a scalar (strings, numbers and booleans are taken as their text).
  std::optional<expr::Template> read_template(const yaml::Node& node, std::string_view what,
                                              Location fallback);
  // A guard expression: a bare expression or exactly one ${{ }}; YAML booleans are accepted.
  expr::ExprPtr read_guard(const yaml::Node& node, std::string_view what, Location fallback);
  // A YAML scalar as a typed value by YAML's core schema (plain 42 -> integer, "42" -> string).
  expr::Value scalar_value(const yaml::Node& node) const;
  // Any YAML node as a value (lists and maps recursively).
  expr::Value node_value(const yaml::Node& node, int depth = 0) const;

  TextOrigin origin_of(const yaml::Node& node) const;

 private:
  const SourceFile& file_;
  Diagnostics& diags_;
};

}  // namespace rb::load
