#pragma once
// Test helper: builds script pieces from a template in which each ${{name}} is an interpolation
// (${{raw:name}} a raw() one). The values come from a lookup, so one template serves many values.
#include <functional>
#include <string>
#include <vector>

#include "shell/script_quoting.h"

namespace rb::shell::testing {

inline std::vector<ScriptPiece> template_pieces(
    const std::string& tmpl, const std::function<std::string(const std::string&)>& value_of) {
  std::vector<ScriptPiece> pieces;
  size_t pos = 0;
  while (true) {
    size_t open = tmpl.find("${{", pos);
    size_t close = open == std::string::npos ? open : tmpl.find("}}", open + 3);
    if (close == std::string::npos) break;
    if (open > pos) pieces.push_back(ScriptPiece{false, false, tmpl.substr(pos, open - pos)});
    std::string name = tmpl.substr(open + 3, close - open - 3);
    bool raw = name.rfind("raw:", 0) == 0;
    if (raw) name = name.substr(4);
    pieces.push_back(ScriptPiece{true, raw, value_of(name)});
    pos = close + 2;
  }
  if (pos < tmpl.size()) pieces.push_back(ScriptPiece{false, false, tmpl.substr(pos)});
  return pieces;
}

// Every interpolation gets the same value.
inline std::vector<ScriptPiece> template_pieces(const std::string& tmpl, const std::string& value) {
  return template_pieces(tmpl, [&](const std::string&) { return value; });
}

}  // namespace rb::shell::testing
