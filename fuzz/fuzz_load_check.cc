// The loader and the checker on any bytes: no crash, no hang, bounded memory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/diagnostic.h"
#include "check/checker.h"
#include "load/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rb::Diagnostics diags;
  // Includes resolve against a folder that does not exist: only the text itself is exercised.
  auto rb =
      rb::load::load_runbook_text("/nonexistent-fuzz-dir/fuzz.yaml",
                                  std::string(reinterpret_cast<const char*>(data), size), diags);
  if (rb && !diags.has_errors()) rb::check::check_runbook(*rb, diags);
  return 0;
}
