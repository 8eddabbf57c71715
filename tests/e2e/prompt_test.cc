// The confirm prompt at a real terminal (a pseudo-terminal): it accepts exactly what it asks
// for, and what was typed before it appeared is not an answer.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utmp.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sandbox.h"

using namespace rb::e2e;

namespace {

constexpr const char* kPrompt = "type 'yes' to proceed: ";

struct TerminalRun {
  int exit_code = -1;
  std::string screen;  // everything the terminal showed (output and echoed input)
};

// Runs `runbook run FILE` on a pseudo-terminal: `typed_ahead` is in the terminal's input before
// the program starts; `answer` is typed once the prompt is on the screen.
TerminalRun run_at_terminal(const Sandbox& s, const std::string& file,
                            const std::string& typed_ahead, const std::string& answer) {
  TerminalRun r;
  int master = -1, slave = -1;
  REQUIRE(openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  if (!typed_ahead.empty()) {
    REQUIRE(write(master, typed_ahead.data(), typed_ahead.size()) ==
            static_cast<ssize_t>(typed_ahead.size()));
  }
  std::vector<std::string> env = s.options().extra_env;
  env.push_back("PATH=/usr/bin:/bin");
  env.push_back("HOME=" + s.dir);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string bin = RUNBOOK_BIN, run = "run", path = file;
  char* argv[] = {bin.data(), run.data(), path.data(), nullptr};

  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(master);
    if (login_tty(slave) != 0) _exit(127);  // a new session, the terminal its controlling one
    execve(argv[0], argv, envp.data());
    _exit(127);
  }
  close(slave);

  bool answered = answer.empty();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO: the program ended and closed the terminal
    r.screen.append(buf, static_cast<size_t>(n));
    if (!answered && r.screen.find(kPrompt) != std::string::npos) {
      REQUIRE(write(master, answer.data(), answer.size()) == static_cast<ssize_t>(answer.size()));
      answered = true;
    }
  }
  // The terminal closes a moment before the program has ended: wait for it, up to the deadline.
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    poll(nullptr, 0, 20);
  }
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    FAIL("runbook did not end within 30 s at the terminal; it showed:\n" + r.screen);
  }
  close(master);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string gate_runbook(const Sandbox& s) {
  const std::string file = s.dir + "/prompt.yaml";
  write_file(file,
             "runbook: 1\nname: prompt\nsteps:\n  - id: gate\n    confirm: Roll back?\n"
             "  - id: after\n    run: touch " +
                 s.out + "/after\n");
  return file;
}

}  // namespace

TEST_CASE("the prompt takes 'yes' typed after it appears, and records the approval") {
  Sandbox s;
  TerminalRun r = run_at_terminal(s, gate_runbook(s), "", "yes\n");
  INFO(r.screen);
  CHECK(r.exit_code == 0);
  CHECK(s.has("after"));
  const std::vector<std::string> ids = s.runs();
  REQUIRE(ids.size() == 1);
  std::istringstream journal(s.journal(ids[0]));
  bool approved = false;
  for (std::string line; std::getline(journal, line);) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    approved = approved || (e.is_object() && e.value("event", "") == "approved" &&
                            e.value("how", "") == "prompt" && e.value("step", "") == "gate");
  }
  CHECK(approved);
}

TEST_CASE("the prompt: 'yes' typed before it appeared is discarded; 'y' and 'YES' are a no") {
  Sandbox s;
  const std::string file = gate_runbook(s);
  for (const std::string answer : {"y\n", "YES\n", "yes please\n"}) {
    // "yes" sits in the terminal's input before runbook even starts: were it read, the gate
    // would pass; the answer typed at the prompt is the one that counts.
    TerminalRun r = run_at_terminal(s, file, "yes\n", answer);
    INFO("answer " << answer << "\n" << r.screen);
    CHECK(r.exit_code == 1);
    CHECK_FALSE(s.has("after"));
    CHECK(r.screen.find(kPrompt) != std::string::npos);
  }
}
