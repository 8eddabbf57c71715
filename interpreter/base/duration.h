#pragma once
// Durations as written in runbooks: 250ms, 10s, 5m, 1h30m, 2d.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rb {

using Duration = std::chrono::milliseconds;

// Parses "1h30m", "250ms", ... Units in decreasing order, each at most once, whole numbers.
// Returns nullopt and sets *error (if given) to a short reason on bad input.
std::optional<Duration> parse_duration(std::string_view text, std::string* error = nullptr);
// The shortest faithful spelling: 90000ms -> "1m30s", 250ms -> "250ms", 0 -> "0s".
std::string format_duration(Duration d);
// Human-friendly seconds for the console: "1.2s", "350ms", "2m05s".
std::string format_elapsed(Duration d);

}  // namespace rb
