#pragma once
// Renders diagnostics the way compilers do:
//   FILE:LINE:COL: error: message
//     <the source line>
//     ^~~~
//     hint: what to do
#include <string>

#include "base/diagnostic.h"

namespace rb {

struct RenderOptions {
  bool color = false;
  bool source_excerpt = true;
};

std::string render_diagnostic(const Diagnostic& d, const RenderOptions& options = {});
std::string render_diagnostics(const Diagnostics& ds, const RenderOptions& options = {});
const char* severity_name(Severity s);

}  // namespace rb
