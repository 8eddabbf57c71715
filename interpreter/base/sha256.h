#pragma once
// SHA-256 as lowercase hex: of a runbook file (resume notices a change), of a plan's canonical
// content (the digest a run can be held to), of a lock key.
#include <string>
#include <string_view>

namespace rb {

std::string sha256_hex(std::string_view data);

}  // namespace rb
