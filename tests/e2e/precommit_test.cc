// The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself (`pre-commit
// try-repo` on this checkout) in a scratch repository of runbooks: a broken runbook is refused
// with runbook's own message, a good one passes, and runbook-test runs the scenarios.
#include <catch2/catch.hpp>

#include <filesystem>

#include "cli_process.h"
#include "sandbox.h"

namespace fs = std::filesystem;
using namespace rb::e2e;

namespace {

CliResult in_repo(const Sandbox& s, const std::vector<std::string>& argv) {
  CliOptions o;
  o.cwd = s.dir + "/repo";
  o.extra_env = {"NO_COLOR=1",
                 "PATH=" + fs::path(RUNBOOK_BIN).parent_path().string() + ":" +
                     std::string(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"),
                 "PRE_COMMIT_HOME=" + s.dir + "/pre-commit-home",
                 "HOME=" + s.dir,
                 "GIT_AUTHOR_NAME=t",
                 "GIT_AUTHOR_EMAIL=t@example.com",
                 "GIT_COMMITTER_NAME=t",
                 "GIT_COMMITTER_EMAIL=t@example.com"};
  o.timeout_seconds = 120;
  std::vector<std::string> found_on_path = {"/usr/bin/env"};  // run_program does not search PATH
  found_on_path.insert(found_on_path.end(), argv.begin(), argv.end());
  return run_program(found_on_path, o);
}

}  // namespace

TEST_CASE("the pre-commit hooks validate and test runbooks (pre-commit try-repo)") {
  auto version = run_program({"/usr/bin/env", "pre-commit", "--version"});
  INFO("pre-commit is not installed: scripts/bootstrap.sh installs it (Debian's pre-commit)");
  REQUIRE(version.exit_code == 0);

  Sandbox s;
  fs::create_directories(s.dir + "/repo/runbooks");
  write_file(s.dir + "/repo/runbooks/hello.yaml",
             "runbook: 1\nname: hello\nsteps:\n  - id: hi\n    run: echo hi\n");
  write_file(s.dir + "/repo/runbooks/hello.test.yaml",
             "runbook: hello.yaml\nscenarios:\n  - name: says hi\n    mocks: [{ match: echo hi "
             "}]\n    expect: { status: succeeded, ran: [hi] }\n");
  write_file(s.dir + "/repo/ci.yaml", "jobs: {}\n");  // not under runbooks/: not validated
  REQUIRE(in_repo(s, {"git", "init", "-q"}).exit_code == 0);
  REQUIRE(in_repo(s, {"git", "add", "."}).exit_code == 0);

  const std::string source = RUNBOOK_SOURCE_DIR;
  auto ok = in_repo(s, {"pre-commit", "try-repo", source, "runbook-validate", "--all-files"});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("runbook validate") != std::string::npos);
  CHECK(ok.out.find("Passed") != std::string::npos);

  auto tested = in_repo(s, {"pre-commit", "try-repo", source, "runbook-test", "--all-files"});
  INFO(tested.out << tested.err);
  CHECK(tested.exit_code == 0);
  CHECK(tested.out.find("Passed") != std::string::npos);

  write_file(s.dir + "/repo/runbooks/hello.yaml",
             "runbook: 1\nname: hello\nsteps:\n  - id: hi\n    run: echo hi\n    retyr: 2\n");
  REQUIRE(in_repo(s, {"git", "add", "."}).exit_code == 0);
  auto bad = in_repo(s, {"pre-commit", "try-repo", source, "runbook-validate", "--all-files"});
  INFO(bad.out << bad.err);
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("Failed") != std::string::npos);
  CHECK(bad.out.find("runbooks/hello.yaml:6:5: error: unknown key 'retyr' in step") !=
        std::string::npos);
  CHECK(bad.out.find("ci.yaml") == std::string::npos);
}
