// Templates and the shell renderer: the input is split at \x01 into alternating literal script
// text and interpolated values (a \x02 prefix marks a value raw); the script is rendered for
// its shell, and the text is also parsed as a template.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "base/text_origin.h"
#include "expr/template.h"
#include "shell/script_quoting.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  {
    rb::Diagnostics diags;
    (void)rb::expr::parse_template(text, rb::TextOrigin(), diags);
  }
  std::vector<rb::shell::ScriptPiece> pieces;
  size_t at = 0;
  bool value = false;
  while (at <= text.size()) {
    size_t end = text.find('\x01', at);
    if (end == std::string::npos) end = text.size();
    rb::shell::ScriptPiece p;
    p.interpolated = value;
    p.text = text.substr(at, end - at);
    if (value && !p.text.empty() && p.text[0] == '\x02') {
      p.raw = true;
      p.text.erase(0, 1);
    }
    pieces.push_back(std::move(p));
    value = !value;
    at = end + 1;
  }
  (void)rb::shell::interpolation_contexts(pieces);
  (void)rb::shell::render_script(pieces);
  return 0;
}
