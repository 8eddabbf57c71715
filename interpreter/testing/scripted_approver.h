#pragma once
// The Approver of `runbook test`: answers each confirm gate as the scenario says (`approve: true`
// approves every gate; `{GATE: true|false}` answers one); a gate it says nothing about gets no
// answer, so the run pauses there as a run without a terminal does.
#include <string>
#include <vector>

#include "exec/approver.h"
#include "load/test_model.h"

namespace rb::testing {

inline constexpr const char* kTestUser = "runbook-test";

class ScriptedApprover : public exec::Approver {
 public:
  explicit ScriptedApprover(const model::Approvals& approvals) : approvals_(approvals) {}
  exec::ApprovalAnswer ask(const std::string& step_path, const std::string& message) override;
  // The answer for a gate, as ask() gives it (no side effects).
  exec::ApprovalAnswer answer(const std::string& step_path, const std::string& how) const;
  const std::vector<std::string>& asked() const { return asked_; }

 private:
  const model::Approvals& approvals_;
  std::vector<std::string> asked_;
};

}  // namespace rb::testing
