#pragma once
// Who runs runbook, and where: recorded with each run, each approval and each lock.
#include <string>

namespace rb {

// The user running runbook ($USER, else the login name of the uid).
std::string current_user();
// The machine's name (gethostname); empty when it cannot be read.
std::string host_name();

}  // namespace rb
