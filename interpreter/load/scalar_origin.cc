#include "load/scalar_origin.h"

#include <vector>

namespace rb::load {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t skip_double_escape(const std::string& raw, size_t p) {
  // p is at the backslash.
  if (p + 1 >= raw.size()) return p + 1;
  switch (raw[p + 1]) {
    case 'x':
      return p + 4;
    case 'u':
      return p + 6;
    case 'U':
      return p + 10;
    default:
      return p + 2;
  }
}

}  // namespace

TextOrigin scalar_origin(const SourceFile& file, int line, int column, const std::string& value) {
  Location start{&file, line, column};
  const std::string& raw = file.text();
  size_t p = file.offset_of(line, column);
  if (p >= raw.size()) return TextOrigin(start);
  const char first = raw[p];
  const bool single = first == '\'';
  const bool dbl = first == '"';
  const bool block = first == '|' || first == '>';

  // A plain scalar on one line maps 1:1: the common case needs no table.
  if (!single && !dbl && !block && value.find('\n') == std::string::npos &&
      raw.compare(p, value.size(), value) == 0) {
    return TextOrigin(start);
  }

  // So does a quoted scalar on one line without escapes (its text is the value, and the closing
  // quote follows it): every escape makes the source longer than the value.
  if ((single || dbl) && value.find('\n') == std::string::npos &&
      p + 1 + value.size() < raw.size() && raw.compare(p + 1, value.size(), value) == 0 &&
      raw[p + 1 + value.size()] == first) {
    return TextOrigin(Location{&file, line, column + 1});
  }

  std::vector<Location> where;
  where.reserve(value.size());
  auto loc_at = [&](size_t offset) {
    auto [l, c] = file.line_column(offset);
    return Location{&file, l, c};
  };
  if (single || dbl) {
    ++p;
  } else if (block) {
    while (p < raw.size() && raw[p] != '\n') ++p;  // skip the header line
    if (p < raw.size()) ++p;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (p >= raw.size()) {
      where.push_back(where.empty() ? start : where.back());
      continue;
    }
    if (single && raw[p] == '\'' && p + 1 < raw.size() && raw[p + 1] == '\'' && c == '\'') {
      where.push_back(loc_at(p));
      p += 2;
      continue;
    }
    if (dbl && raw[p] == '\\') {
      where.push_back(loc_at(p));
      p = skip_double_escape(raw, p);
      continue;
    }
    // Folding, indentation and line breaks: skip source white space until the byte matches.
    size_t q = p;
    while (q < raw.size() && raw[q] != c && is_space(raw[q])) ++q;
    if (q < raw.size() && raw[q] == c) {
      where.push_back(loc_at(q));
      p = q + 1;
    } else if (is_space(c)) {
      // A folded line break became a space (or similar): point at the break.
      where.push_back(loc_at(p));
    } else {
      where.push_back(loc_at(p));
      ++p;
    }
  }
  return TextOrigin(start, std::move(where));
}

}  // namespace rb::load
