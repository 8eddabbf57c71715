#include "base/diagnostic_renderer.h"

#include <algorithm>

namespace rb {
namespace {

const char* kBold = "\033[1m";
const char* kRed = "\033[1;31m";
const char* kMagenta = "\033[1;35m";
const char* kCyan = "\033[1;36m";
const char* kGreen = "\033[1;32m";
const char* kReset = "\033[0m";

const char* severity_color(Severity s) {
  switch (s) {
    case Severity::kError:
      return kRed;
    case Severity::kWarning:
      return kMagenta;
    case Severity::kNote:
      return kCyan;
  }
  return kReset;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t utf8_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80                   ? 1
             : (c >= 0xC2 && c <= 0xDF) ? 2
             : (c >= 0xE0 && c <= 0xEF) ? 3
             : (c >= 0xF0 && c <= 0xF4) ? 4
                                        : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Replaces control characters and invalid UTF-8 (binary garbage in a file) with '?', so a
// diagnostic never writes raw escape sequences or broken text to a terminal.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = utf8_length(text, i);
    if (c == '\t' || (c >= 0x20 && c != 0x7f && n > 0)) {
      out.append(text.substr(i, n == 0 ? 1 : n));
      i += n == 0 ? 1 : n;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

void render_one(const Diagnostic& d, const RenderOptions& o, std::string& out) {
  auto paint = [&](const char* color, const std::string& text) {
    if (o.color) {
      out += color;
      out += text;
      out += kReset;
    } else {
      out += text;
    }
  };
  std::string where = d.location.str();
  if (!where.empty()) paint(kBold, where + ": ");
  paint(severity_color(d.severity), std::string(severity_name(d.severity)) + ":");
  out += ' ';
  paint(kBold, printable(d.message));
  out += '\n';

  if (o.source_excerpt && d.location.known()) {
    std::string_view line = d.location.file->line(d.location.line);
    if (!line.empty() && line.size() <= 400) {
      out += "  " + printable(line) + "\n";
      std::string marker = "  ";
      int col = std::max(1, d.location.column);
      for (int i = 1; i < col && static_cast<size_t>(i - 1) < line.size(); ++i) {
        marker += line[i - 1] == '\t' ? '\t' : ' ';
      }
      int room = static_cast<int>(line.size()) - col + 1;
      int len = std::max(1, std::min(d.length, std::max(1, room)));
      std::string caret = "^" + std::string(len - 1, '~');
      out += marker;
      paint(kGreen, caret);
      out += '\n';
    }
  }
  if (!d.hint.empty()) {
    out += "  ";
    paint(kCyan, "hint:");
    out += ' ' + printable(d.hint) + '\n';
  }
  for (const Diagnostic& note : d.notes) render_one(note, o, out);
}

}  // namespace

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

std::string render_diagnostic(const Diagnostic& d, const RenderOptions& options) {
  std::string out;
  render_one(d, options, out);
  return out;
}

std::string render_diagnostics(const Diagnostics& ds, const RenderOptions& options) {
  std::string out;
  for (const Diagnostic& d : ds.items()) render_one(d, options, out);
  return out;
}

}  // namespace rb
