#pragma once
// Answers `confirm:` gates by asking the person at the terminal. Without a terminal on stdin it
// gives no answer, and the run pauses.
#include <string>

#include "exec/approver.h"

namespace rb::cli {

class TerminalApprover : public exec::Approver {
 public:
  exec::ApprovalAnswer ask(const std::string& step_path, const std::string& message) override;
};

// The user running runbook ($USER, else the login name of the uid).
std::string current_user();
// The machine's name (gethostname), recorded with each run.
std::string host_name();

}  // namespace rb::cli
