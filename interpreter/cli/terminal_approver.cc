#include "cli/terminal_approver.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace rb::cli {

exec::ApprovalAnswer TerminalApprover::ask(const std::string& step_path,
                                           const std::string& message) {
  exec::ApprovalAnswer answer;
  if (isatty(STDIN_FILENO) != 1) return answer;  // no one to ask: pause
  std::FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) return answer;
  // What was typed before the question appeared (a stray Enter, "yes" meant for an earlier
  // prompt) is not an answer to it.
  tcflush(fileno(tty), TCIFLUSH);
  std::fprintf(tty, "\n  %s\n  [%s] approve and continue? type 'yes' to proceed: ", message.c_str(),
               step_path.c_str());
  std::fflush(tty);
  char buf[256] = {0};
  bool got = std::fgets(buf, sizeof buf, tty) != nullptr;
  std::fclose(tty);
  std::string reply = got ? buf : "";
  while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r' || reply.back() == ' ')) {
    reply.pop_back();
  }
  answer.user = current_user();
  answer.how = "prompt";
  // Exactly what it asked for: 'yes'. Anything else ("y", "ye", "yes please") is a no.
  answer.verdict = reply == "yes" ? exec::Verdict::kApproved : exec::Verdict::kDenied;
  return answer;
}

}  // namespace rb::cli
