#include "testing/scripted_approver.h"

namespace rb::testing {

exec::ApprovalAnswer ScriptedApprover::answer(const std::string& step_path,
                                              const std::string& how) const {
  exec::Verdict v = approvals_.all ? exec::Verdict::kApproved : exec::Verdict::kNoAnswer;
  for (const model::GateAnswer& g : approvals_.gates) {
    if (g.gate.value == step_path)
      v = g.approve ? exec::Verdict::kApproved : exec::Verdict::kDenied;
  }
  return exec::ApprovalAnswer{v, kTestUser, how, ""};
}

exec::ApprovalAnswer ScriptedApprover::ask(const std::string& step_path, const std::string&) {
  asked_.push_back(step_path);
  return answer(step_path, "runbook test");
}

}  // namespace rb::testing
