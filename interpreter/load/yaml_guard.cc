#include "load/yaml_guard.h"

#include <string>

namespace rb::load {

void report_yaml_error(const SourceFile& file, const yaml::SyntaxError& e, Diagnostics& diags,
                       std::string hint) {
  const Location at = e.mark.is_null() ? Location{&file, 1, 1}
                                       : Location{&file, e.mark.line + 1, e.mark.column + 1};
  diags.error(at, "invalid YAML: " + e.msg, std::move(hint));
}

}  // namespace rb::load
