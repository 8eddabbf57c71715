#include "cli/load_and_check.h"

#include <cstdio>

#include "base/diagnostic_renderer.h"
#include "check/checker.h"
#include "cli/console_style.h"
#include "load/loader.h"

namespace rb::cli {

CheckedRunbook load_and_check(const std::string& path) {
  CheckedRunbook out;
  out.runbook = load::load_runbook_file(path, out.diagnostics);
  if (out.runbook) check::check_runbook(*out.runbook, out.diagnostics);
  out.diagnostics.sort();
  return out;
}

void print_diagnostics(const Diagnostics& diags) {
  RenderOptions options;
  options.color = use_color(stderr);
  std::string text = render_diagnostics(diags, options);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace rb::cli
