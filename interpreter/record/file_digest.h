#pragma once
// SHA-256 of a file, to notice on resume that the runbook changed since the run began.
#include <optional>
#include <string>
#include <string_view>

#include "base/sha256.h"

namespace rb::record {

using ::rb::sha256_hex;
// nullopt when the file cannot be read.
std::optional<std::string> sha256_of_file(const std::string& path);

}  // namespace rb::record
