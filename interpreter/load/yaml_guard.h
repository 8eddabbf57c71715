#pragma once
// The YAML features a runbook never needs, refused while the document is parsed (yaml_tree.h):
// anchors and aliases (an alias bomb expands a kilobyte into gigabytes), tags
// (`!!python/name:...`, `!shell` are ignored by everything else, so they would be accepted
// silently), a second document or text after `...`, and nesting deeper than any runbook has.
// Private to the loader.
#include <yaml-cpp/exceptions.h>

#include <string_view>

#include "base/diagnostic.h"
#include "base/source_file.h"

namespace rb::load {

// Deepest nesting of mappings and lists accepted.
inline constexpr int kMaxYamlDepth = 64;

// A YAML::Exception as a plain, located message (yaml-cpp's depth limit says "bad file").
void report_yaml_error(const SourceFile& file, const YAML::Exception& e, Diagnostics& diags,
                       std::string hint);

}  // namespace rb::load
