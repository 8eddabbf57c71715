#include "load/yaml_guard.h"

#include <yaml-cpp/depthguard.h>

#include <string>

namespace rb::load {
namespace {

Location where(const SourceFile& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return Location{&file, 1, 1};
  return Location{&file, mark.line + 1, mark.column + 1};
}

}  // namespace

void report_yaml_error(const SourceFile& file, const YAML::Exception& e, Diagnostics& diags,
                       std::string hint) {
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
    diags.error(where(file, e.mark),
                "the YAML is nested more than " + std::to_string(kMaxYamlDepth) + " levels deep",
                "a runbook is a shallow file; is this the right file?");
    return;
  }
  diags.error(where(file, e.mark), "invalid YAML: " + e.msg, std::move(hint));
}

}  // namespace rb::load
