#include "base/duration.h"

#include <cstdio>
#include <limits>

namespace rb {

std::optional<Duration> parse_duration(std::string_view text, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<Duration> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  if (text.empty()) return fail("a duration is a number with a unit, like 30s or 1h30m");
  struct Unit {
    std::string_view name;
    long long ms;
  };
  static constexpr Unit kUnits[] = {
      {"d", 86400000LL}, {"h", 3600000LL}, {"m", 60000LL}, {"s", 1000LL}, {"ms", 1LL}};
  long long total = 0;
  int last_unit = -1;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      return fail("a duration is a number with a unit, like 30s or 1h30m");
    }
    long long n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n > 1000000000LL) return fail("the duration is too long");
      n = n * 10 + (text[i] - '0');
      ++i;
    }
    size_t unit_begin = i;
    while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z'))) ++i;
    std::string_view unit = text.substr(unit_begin, i - unit_begin);
    if (unit.empty()) return fail("a number needs a unit: ms, s, m, h or d (like 30s)");
    int found = -1;
    for (int u = 0; u < 5; ++u) {
      if (kUnits[u].name == unit) found = u;
    }
    if (found < 0) return fail("unknown unit; use ms, s, m, h or d (like 30s or 1h30m)");
    if (found <= last_unit) return fail("units must go from largest to smallest, each once");
    last_unit = found;
    if (n > std::numeric_limits<long long>::max() / kUnits[found].ms / 2) {
      return fail("the duration is too long");
    }
    total += n * kUnits[found].ms;
    if (total > 100LL * 365 * 86400000LL) return fail("the duration is too long");
  }
  return Duration(total);
}

std::string format_duration(Duration d) {
  long long ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  struct Unit {
    const char* name;
    long long ms;
  };
  static constexpr Unit kUnits[] = {
      {"d", 86400000LL}, {"h", 3600000LL}, {"m", 60000LL}, {"s", 1000LL}, {"ms", 1LL}};
  for (const Unit& u : kUnits) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms) + u.name;
      ms %= u.ms;
    }
  }
  return out;
}

std::string format_elapsed(Duration d) {
  long long ms = d.count();
  char buf[64];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", ms);
  } else if (ms < 60000) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else if (ms < 3600000) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", ms / 60000, (ms / 1000) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", ms / 3600000, (ms / 60000) % 60);
  }
  return buf;
}

}  // namespace rb
