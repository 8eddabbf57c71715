#pragma once
// Answers `confirm:` gates by asking the person at the terminal. Without a terminal on stdin it
// gives no answer, and the run pauses.
#include <string>

#include "base/identity.h"
#include "exec/approver.h"

namespace rb::cli {

class TerminalApprover : public exec::Approver {
 public:
  exec::ApprovalAnswer ask(const std::string& step_path, const std::string& message) override;
};

using ::rb::current_user;  // base/identity.h
using ::rb::host_name;

}  // namespace rb::cli
