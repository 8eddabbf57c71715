// The PostgreSQL state backend across "machines": clients with their own folders, users and
// processes sharing one database. Run by ctest's e2e.postgresql (RUNBOOK_TEST_BACKEND=postgresql,
// with the throwaway server of scripts/pg-test-server.sh); the records tests run there too.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "cli_process.h"
#include "sandbox.h"

namespace fs = std::filesystem;
using namespace rb::e2e;

namespace {

std::string hostname() {
  char buf[256] = {0};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

CliResult server(const std::string& what) {
  return run_program({std::string(RUNBOOK_SOURCE_DIR) + "/scripts/pg-test-server.sh", what});
}

std::string sql(const Sandbox& s, const std::string& query) {
  CliResult r = psql(s.state, query);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// Every record of every run stored once, numbered 1..N without a gap.
void check_events_whole(const Sandbox& s) {
  CHECK(sql(s,
            "SELECT count(*) FILTER (WHERE seq <> rn) FROM (SELECT seq, row_number() OVER "
            "(PARTITION BY run_id ORDER BY seq) AS rn FROM runbook_events) x") == "0");
}

}  // namespace

TEST_CASE(
    "two clients, one concurrency key: the second exits 4 naming run, user and host; "
    "kill -9 of the first frees the lock within seconds",
    "[postgresql]") {
  Sandbox s;
  RunningProgram first(
      {RUNBOOK_BIN, "run", "tests/runbooks/locked.yaml", "-i", "out=" + s.out, "-i", "hold=true"},
      s.options());
  REQUIRE(wait_for_file(s.out + "/hold.pid", 20));
  const std::string first_id = s.runs().at(0);

  CliOptions bob = s.options();
  set_env(bob, "USER=bob");
  bob.cwd = s.dir;
  CliResult refused =
      run_runbook({"run", std::string(RUNBOOK_SOURCE_DIR) + "/tests/runbooks/locked.yaml", "-i",
                   "out=" + s.out},
                  bob);
  INFO(refused.err);
  CHECK(refused.exit_code == 4);
  CHECK(refused.err.find("concurrency key 'deploy-web' is held by run " + first_id + " (alice@" +
                         hostname() + ", pid ") != std::string::npos);
  CHECK(s.runs().size() == 1);

  kill(first.pid(), SIGKILL);
  first.wait();
  kill_group_of(s.out + "/hold.pid");
  const auto t0 = std::chrono::steady_clock::now();
  int code = -1;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) {
    code = run_runbook({"run", std::string(RUNBOOK_SOURCE_DIR) + "/tests/runbooks/locked.yaml",
                        "-i", "out=" + s.out},
                       bob)
               .exit_code;
    if (code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK(code == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}

TEST_CASE("a run paused by one client is inspected and resumed by another", "[postgresql]") {
  Sandbox s;
  const std::string a = s.dir + "/laptop-a", b = s.dir + "/laptop-b";
  fs::create_directories(a);
  fs::create_directories(b);
  const std::string src = std::string(RUNBOOK_SOURCE_DIR) + "/tests/runbooks/confirm.yaml";
  fs::copy_file(src, a + "/confirm.yaml");
  fs::copy_file(src, b + "/confirm.yaml");

  CliOptions alice = s.options();
  alice.cwd = a;
  CliResult paused = run_runbook({"run", "confirm.yaml", "-i", "out=" + s.out}, alice);
  CHECK(paused.exit_code == 3);
  fs::remove(a + "/confirm.yaml");  // laptop A is gone

  CliOptions bob = s.options();
  bob.cwd = b;
  set_env(bob, "USER=bob");
  CliResult status = run_runbook({"status"}, bob);
  CHECK(status.out.find("waiting for approval at gate") != std::string::npos);
  CliResult history = run_runbook({"history"}, bob);
  CHECK(history.out.find("alice@" + hostname()) != std::string::npos);

  // The recorded path is laptop A's: B names its copy, which must be the same file.
  CliResult missing = run_runbook({"resume", "--approve"}, bob);
  CHECK(missing.exit_code == 2);
  CliResult resumed =
      run_runbook({"resume", "--approve", "--reason", "checked", "--file", "confirm.yaml"}, bob);
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(fs::exists(s.out + "/after"));
  CHECK(sql(s, "SELECT usr || ' ' || how || ' ' || reason FROM runbook_approvals") ==
        "bob resume --approve checked");
  check_events_whole(s);
}

TEST_CASE("the server restarted mid-run: the run rides through, each record stored once",
          "[postgresql]") {
  Sandbox s;
  RunningProgram run({RUNBOOK_BIN, "run", "tests/runbooks/db_outage.yaml", "-i", "out=" + s.out},
                     s.options());
  REQUIRE(wait_for_file(s.out + "/two.started", 20));
  REQUIRE(server("stop").exit_code == 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  REQUIRE(server("start").exit_code == 0);
  CliResult r = run.wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(line_count(s.file("one")) == 1);
  CHECK(line_count(s.file("two")) == 1);
  CHECK(line_count(s.file("three")) == 1);
  CHECK(sql(s, "SELECT count(*) FROM runbook_events WHERE event = 'step_finished'") == "3");
  check_events_whole(s);
}

TEST_CASE(
    "the server gone longer than the retry window: the run ends interrupted, says what was "
    "not recorded, and resume completes it once the server is back",
    "[postgresql]") {
  Sandbox s;
  CliOptions o = s.options();
  set_env(o, "RUNBOOK_STATE_RETRY=1");
  RunningProgram run({RUNBOOK_BIN, "run", "tests/runbooks/db_outage.yaml", "-i", "out=" + s.out},
                     o);
  REQUIRE(wait_for_file(s.out + "/two.started", 20));
  REQUIRE(server("stop").exit_code == 0);
  CliResult r = run.wait();
  REQUIRE(server("start").exit_code == 0);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 130);
  CHECK(r.err.find("could not be made again within 1 s") != std::string::npos);
  CHECK(r.err.find("not recorded:\n  - step_finished two (succeeded)") != std::string::npos);
  CHECK(r.err.find("runbook resume") != std::string::npos);
  CHECK_FALSE(s.has("three"));

  CliResult status = s.runbook({"status", "--json"});
  CHECK(nlohmann::json::parse(status.out)["status"] == "running");
  CliResult resumed = s.runbook({"resume"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(line_count(s.file("one")) == 1);
  CHECK(line_count(s.file("two")) == 2);  // its end was never recorded, so it ran again
  CHECK(line_count(s.file("three")) == 1);
  check_events_whole(s);
}

TEST_CASE("an unreachable server stops a run before any step, without printing the password",
          "[postgresql]") {
  Sandbox s;
  CliOptions o = s.options();
  set_env(o, "RUNBOOK_STATE_DIR=postgresql://runbook:hunter2@localhost:1/nothere");
  CliResult r = run_runbook({"run", "tests/runbooks/db_outage.yaml", "-i", "out=" + s.out}, o);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("cannot reach the state database postgresql://runbook:****@localhost:1/") !=
        std::string::npos);
  CHECK(r.err.find("hunter2") == std::string::npos);
  CHECK_FALSE(s.has("one"));
}

TEST_CASE("a database holding a newer schema is refused, naming both versions", "[postgresql]") {
  Sandbox s;
  CHECK(s.runbook({"history"}).exit_code == 0);  // creates the schema
  sql(s, "INSERT INTO runbook_schema (version) VALUES (99)");
  CliResult r = s.runbook({"run", "tests/runbooks/db_outage.yaml", "-i", "out=" + s.out});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("holds schema version 99, newer than this runbook knows (1)") !=
        std::string::npos);
  CHECK_FALSE(s.has("one"));
}

TEST_CASE(
    "a password in the state URL or PGPASSWORD, inherited by a step, is masked in its "
    "output and journal",
    "[postgresql]") {
  Sandbox s;
  CliOptions o = s.options();
  std::string url = s.state;
  url.replace(url.find("runbook@"), 8, "runbook:pw-Hidden%2177@");  // trust auth takes any
  set_env(o, "RUNBOOK_STATE_DIR=" + url);
  set_env(o, "PGPASSWORD=env-Hidden-88");
  CliResult r = run_runbook({"run", "tests/runbooks/show_env.yaml"}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("state=postgresql://runbook:***@") != std::string::npos);
  const std::string journal = run_runbook({"status", "--format", "jsonl"}, o).out;
  CHECK(journal.find("state=postgresql://runbook:***@") != std::string::npos);
  for (const std::string& text : {r.out, r.err, journal}) {
    CHECK(text.find("pw-Hidden") == std::string::npos);
    CHECK(text.find("env-Hidden-88") == std::string::npos);
  }
}
