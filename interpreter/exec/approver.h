#pragma once
// Who answers a `confirm:` gate: a person at a terminal, `--yes`, or nobody (the run pauses).
#include <string>

namespace rb::exec {

enum class Verdict { kApproved, kDenied, kNoAnswer };

struct ApprovalAnswer {
  Verdict verdict = Verdict::kNoAnswer;
  std::string user;    // who approved
  std::string how;     // "--yes", "prompt", "resume --approve"
  std::string reason;  // optional, from --reason
  // The approval names this gate (resume --approve-gate STEP): it also passes an `explicit` one.
  bool names_gate = false;
};

class Approver {
 public:
  virtual ~Approver() = default;
  virtual ApprovalAnswer ask(const std::string& step_path, const std::string& message) = 0;
};

}  // namespace rb::exec
