// `runbook run` end to end: the built binary on runbooks in tests/runbooks, asserting on exit
// codes, the files the steps write, the console, and what is left running.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_process.h"
#include "sandbox.h"

namespace fs = std::filesystem;
using namespace rb::e2e;

namespace {

int read_pid(const std::string& path) {
  std::string text = read_file(path);
  return text.empty() ? -1 : std::stoi(text);
}

}  // namespace

TEST_CASE("run executes a procedure: loop, guard, retry, wait, finally") {
  Sandbox s;
  auto r = run_runbook({"run", "tests/runbooks/local-procedure.yaml", "-i", "out=" + s.out},
                       s.options());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(s.file("prepare") == "prepared\n");
  CHECK(s.file("units") == "unit 0\nunit 1\nunit 2\n");
  CHECK(s.has("store"));
  CHECK_FALSE(s.has("local"));
  CHECK(s.file("count") == "3\n");
  CHECK(s.file("finally") == "done\n");
  CHECK_FALSE(s.has("on_failure"));
  CHECK(r.out.find("skipped local-only: if: inputs.mode == 'local' is false") != std::string::npos);
  CHECK(r.out.find("ok flaky") != std::string::npos);
  CHECK(r.out.find("after 3 attempts") != std::string::npos);
  CHECK(r.out.find("run succeeded") != std::string::npos);
}

TEST_CASE("a failing run exits 1 and runs on_failure and finally") {
  Sandbox s;
  auto r = run_runbook({"run", "tests/runbooks/local-procedure.yaml", "-i", "out=" + s.out, "-i",
                        "fail_at=end", "-i", "mode=local", "-i", "units=2"},
                       s.options());
  CHECK(r.exit_code == 1);
  CHECK(s.file("units") == "unit 0\nunit 1\n");
  CHECK(s.has("local"));
  CHECK(s.file("on_failure") == "failed\n");
  CHECK(s.has("finally"));
  CHECK(r.err.find("FAILED maybe-fail: asked to fail at the end") != std::string::npos);
}

TEST_CASE("inputs from a file; -i wins over the file") {
  Sandbox s;
  fs::create_directories(s.dir);
  write_file(s.dir + "/inputs.yaml", "out: " + s.out + "\nunits: 1\nmode: local\n");
  auto r = run_runbook({"run", "tests/runbooks/local-procedure.yaml", "--inputs-file",
                        s.dir + "/inputs.yaml", "-i", "units=2"},
                       s.options());
  CHECK(r.exit_code == 0);
  CHECK(s.file("units") == "unit 0\nunit 1\n");
  CHECK(s.has("local"));
}

TEST_CASE("an input of the wrong type runs nothing and says which") {
  Sandbox s;
  auto r = run_runbook(
      {"run", "tests/runbooks/local-procedure.yaml", "-i", "out=" + s.out, "-i", "units=many"},
      s.options());
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "tests/runbooks/local-procedure.yaml: error: input 'units': expected an integer, got "
        "'many'\n");
  CHECK(fs::is_empty(s.out));  // nothing ran
}

TEST_CASE("a missing required input, an unknown one and a value outside enum are refused") {
  Sandbox s;
  auto r = run_runbook(
      {"run", "tests/runbooks/local-procedure.yaml", "-i", "mode=remote", "-i", "unit=2"},
      s.options());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("error: unknown input 'unit'; did you mean 'units'?") != std::string::npos);
  CHECK(r.err.find("error: missing required input 'out' (string): folder the steps write into; "
                   "give it with -i out=VALUE") != std::string::npos);
  CHECK(
      r.err.find("error: input 'mode': 'remote' is not one of the allowed values: store, local") !=
      std::string::npos);
}

TEST_CASE("a runbook with a typo runs nothing and says where") {
  Sandbox s;
  auto r =
      run_runbook({"run", "tests/validate/bad/run-typo.yaml", "-i", "out=" + s.out}, s.options());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("tests/validate/bad/run-typo.yaml:9:5: error: unknown key 'retyr' in step") ==
        0);
  CHECK(r.err.find("hint: did you mean 'retry'?") != std::string::npos);
  CHECK_FALSE(s.has("ran"));
}

TEST_CASE("a timeout stops the whole process group, background grandchild included") {
  Sandbox s;
  auto r = run_runbook({"run", "tests/runbooks/timeout-grandchild.yaml", "-i", "out=" + s.out},
                       s.options());
  CHECK(r.exit_code == 1);
  CHECK(r.seconds < 15);
  CHECK(r.err.find("TIMED OUT hang: timed out after 1s") != std::string::npos);
  int pid = read_pid(s.out + "/grandchild.pid");
  REQUIRE(pid > 0);
  CHECK_FALSE(process_alive(pid));
}

TEST_CASE("Ctrl-C stops the running step's group, runs nothing more and exits 130") {
  // SIGHUP: a dropped terminal, handled as SIGTERM is.
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    Sandbox s;
    RunningProgram p({RUNBOOK_BIN, "run", "tests/runbooks/interrupt.yaml", "-i", "out=" + s.out},
                     s.options());
    REQUIRE(wait_for_file(s.out + "/started", 20));
    p.signal(sig);
    CliResult r = p.wait();
    INFO("signal " << sig << ": " << r.out << r.err);
    CHECK(r.exit_code == 130);
    CHECK(r.seconds < 15);
    CHECK_FALSE(s.has("after"));
    CHECK_FALSE(s.has("finally"));
    int pid = read_pid(s.out + "/child.pid");
    REQUIRE(pid > 0);
    CHECK_FALSE(process_alive(pid));
    // Recorded as interrupted (before the fix a SIGHUP left nothing recorded), and resumable.
    auto status = s.runbook({"status", "--format", "json"});
    REQUIRE(status.exit_code == 0);
    CHECK(nlohmann::json::parse(status.out)["status"] == "interrupted");
    auto resumed = s.runbook({"resume"});
    INFO(resumed.out << resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(s.has("after"));
    CHECK(s.has("finally"));
  }
}

TEST_CASE("a step printing 1 GiB streams it in small memory") {
  Sandbox s;
  auto r = run_runbook({"run", "--quiet", "tests/runbooks/big-output.yaml"}, s.options());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  // 1 GiB went through; runbook's own peak memory stays far below it. AddressSanitizer's shadow
  // memory and quarantine add a couple of hundred MiB of their own, so its bound is looser.
  INFO("peak RSS " << r.max_rss_kb << " KiB in " << r.seconds << " s");
#if defined(__SANITIZE_ADDRESS__)
  CHECK(r.max_rss_kb < 512 * 1024);
#else
  CHECK(r.max_rss_kb < 200 * 1024);
#endif
  std::error_code ec;
  fs::remove_all(s.state, ec);
}

TEST_CASE("secrets never reach the console or the step logs") {
  Sandbox s;
  const std::string secret = "hunter2-XYZZY";
  auto r =
      run_runbook({"run", "tests/runbooks/secrets.yaml", "-i", "token=" + secret}, s.options());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find(secret) == std::string::npos);
  CHECK(r.err.find(secret) == std::string::npos);
  CHECK(r.out.find("token=***") != std::string::npos);
  CHECK(r.out.find("the token is ***") != std::string::npos);
  CHECK(r.out.find("from env ***") != std::string::npos);
  CHECK(r.err.find("giving up with ***") != std::string::npos);
  size_t logs = 0;
  for (const auto& e : fs::recursive_directory_iterator(s.state)) {
    if (!e.is_regular_file()) continue;
    ++logs;
    CHECK(read_file(e.path().string()).find(secret) == std::string::npos);
  }
  CHECK(logs >= 2);
}

TEST_CASE("a confirm without a terminal pauses with exit 3; --yes approves") {
  Sandbox s;
  auto paused =
      run_runbook({"run", "tests/runbooks/confirm.yaml", "-i", "out=" + s.out}, s.options());
  CHECK(paused.exit_code == 3);
  CHECK(s.has("before"));
  CHECK_FALSE(s.has("after"));
  CHECK(paused.err.find("runbook resume") != std::string::npos);
  auto yes = run_runbook({"run", "--yes", "tests/runbooks/confirm.yaml", "-i", "out=" + s.out},
                         s.options());
  CHECK(yes.exit_code == 0);
  CHECK(s.has("after"));
  CHECK(yes.out.find("approved gate by") != std::string::npos);
}

TEST_CASE("step state folders are owner-only") {
  Sandbox s;
  run_runbook({"run", "tests/runbooks/confirm.yaml", "--yes", "-i", "out=" + s.out}, s.options());
  auto perms = fs::status(s.state).permissions();
  CHECK((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
}
