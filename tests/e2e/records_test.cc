// Records end to end: the journal, resume after a failure and after kill -9, confirmation gates,
// concurrency locks, a changed file, status, history and their exports.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_process.h"
#include "sandbox.h"

namespace fs = std::filesystem;
using namespace rb::e2e;

namespace {

std::vector<std::string> runs_of(const Sandbox& s) {
  return s.runs();
}

std::string journal_of(const Sandbox& s, const std::string& id) {
  return s.journal(id);
}

// Every line parses as JSON with "event" and "time"; returns the events.
std::vector<nlohmann::json> events_of(const std::string& journal) {
  std::vector<nlohmann::json> out;
  std::istringstream in(journal);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    INFO(line);
    REQUIRE_FALSE(j.is_discarded());
    REQUIRE(j.contains("event"));
    REQUIRE(j.contains("time"));
    out.push_back(j);
  }
  return out;
}

}  // namespace

TEST_CASE("a failed run, fixed and resumed, does not re-run finished steps and restores outputs",
          "[records]") {
  Sandbox s;
  auto first = s.runbook(
      {"run", "tests/runbooks/resumable.yaml", "-i", "out=" + s.out, "-i", "token=tok-SECRET-1"});
  CHECK(first.exit_code == 1);
  CHECK(first.err.find("runbook resume") != std::string::npos);
  REQUIRE(runs_of(s).size() == 1);
  const std::string id = runs_of(s)[0];

  rb::e2e::write_file(s.out + "/fixed", "");
  // The secret was never stored: resume needs it again.
  auto missing = s.runbook({"resume", id});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("missing required input") == std::string::npos);  // token has a default
  auto resumed = s.runbook({"resume", id, "-i", "token=tok-SECRET-1"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(line_count(s.file("probe.count")) == 1);
  CHECK(s.file("finish") == "42 42 tok-SECRET-1\n");
  CHECK(resumed.out.find("done probe") != std::string::npos);

  auto events = events_of(journal_of(s, id));
  CHECK(events.front()["event"] == "run_started");
  CHECK(events.front()["sha256"].get<std::string>().size() == 64);
  CHECK(events.back()["event"] == "run_finished");
  CHECK(events.back()["status"] == "succeeded");
  CHECK(journal_of(s, id).find("tok-SECRET-1") == std::string::npos);
  CHECK(std::count_if(events.begin(), events.end(), [](const nlohmann::json& e) {
          return e["event"] == "step_finished" && e["step"] == "probe";
        }) == 1);
}

TEST_CASE("the second resume of a missing secret is refused before anything runs", "[records]") {
  Sandbox s;
  s.runbook({"run", "tests/runbooks/secrets.yaml", "-i", "token=abc-SECRET"});
  auto r = s.runbook({"resume"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("secret input 'token' was given when the run started and is never stored; give "
                   "it again with -i token=VALUE") != std::string::npos);
}

TEST_CASE("kill -9 in the middle of a step, then resume: each finished step runs once",
          "[records]") {
  Sandbox s;
  RunningProgram p({RUNBOOK_BIN, "run", "tests/runbooks/killable.yaml", "-i", "out=" + s.out},
                   s.options());
  REQUIRE(wait_for_file(s.out + "/two.pid", 20));
  kill(p.pid(), SIGKILL);
  CliResult killed = p.wait();
  CHECK(killed.exit_code == 128 + SIGKILL);
  kill_group_of(s.out + "/two.pid");  // the orphaned step, as an operator would clean up

  auto status = s.runbook({"status", "--json"});
  auto j = nlohmann::json::parse(status.out);
  CHECK(j["status"] == "running");
  CHECK(j["steps"][0]["status"] == "succeeded");
  CHECK(j["steps"][1]["status"] == "unfinished");

  auto resumed = s.runbook({"resume"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(line_count(s.file("one")) == 1);
  CHECK(line_count(s.file("two")) == 2);  // started once before the kill, then again
  CHECK(line_count(s.file("three")) == 1);
  events_of(journal_of(s, runs_of(s)[0]));
  // status keeps the attempt the kill cut short
  auto after = nlohmann::json::parse(s.runbook({"status", "--json"}).out);
  CHECK(after["steps"][1]["status"] == "succeeded");
  REQUIRE(after["steps"][1]["earlier"].size() == 1);
  CHECK(after["steps"][1]["earlier"][0]["status"] == "interrupted");
  CHECK(after["steps"][1]["earlier"][0]["error"] ==
        "started, never finished (the run was killed or lost its terminal)");
}

TEST_CASE("a torn last line in the journal is tolerated", "[records][folder]") {
  Sandbox s;
  s.runbook({"run", "tests/runbooks/resumable.yaml", "-i", "out=" + s.out});
  std::string path = s.state + "/runs/" + runs_of(s)[0] + "/journal.jsonl";
  std::string text = read_file(path);
  rb::e2e::write_file(path, text + "{\"event\":\"step_fini");
  rb::e2e::write_file(s.out + "/fixed", "");
  auto r = s.runbook({"resume"});
  CHECK(r.exit_code == 0);
  CHECK(s.runbook({"status"}).exit_code == 0);
  // The torn bytes were cut off before appending: every line parses, run_resumed is not lost.
  auto events = events_of(read_file(path));
  CHECK(std::count_if(events.begin(), events.end(),
                      [](const nlohmann::json& e) { return e["event"] == "run_resumed"; }) == 1);
}

TEST_CASE("a damaged middle line of a journal is reported, resume refuses, history lists the rest",
          "[records][folder]") {
  Sandbox s;
  s.runbook({"run", "tests/runbooks/resumable.yaml", "-i", "out=" + s.out});
  s.runbook({"run", "tests/runbooks/resumable.yaml", "-i", "out=" + s.out});
  REQUIRE(runs_of(s).size() == 2);
  const std::string damaged = runs_of(s)[1], other = runs_of(s)[0];
  std::string path = s.state + "/runs/" + damaged + "/journal.jsonl";
  std::string text = read_file(path);
  // Line 2 becomes a record of the wrong types; later lines still record the finished probe.
  size_t first_end = text.find('\n');
  size_t second_end = text.find('\n', first_end + 1);
  text.replace(first_end + 1, second_end - first_end - 1,
               R"({"event":"step_finished","step":123})");
  rb::e2e::write_file(path, text);
  rb::e2e::write_file(s.out + "/fixed", "");

  auto resumed = s.runbook({"resume", damaged});
  CHECK(resumed.exit_code == 2);
  CHECK(resumed.err.find(path + ":2: 'step' is missing or not a string") != std::string::npos);
  CHECK(line_count(s.file("probe.count")) == 2);  // nothing ran again

  auto status = s.runbook({"status", damaged});
  CHECK(status.exit_code == 2);
  CHECK(status.err.find(path + ":2:") != std::string::npos);

  auto history = s.runbook({"history"});
  INFO(history.out << history.err);
  CHECK(history.exit_code == 0);
  CHECK(history.out.find(other + "  resumable") != std::string::npos);
  CHECK(history.out.find(damaged + "  (unreadable: " + path + ":2:") != std::string::npos);

  // A middle line that is not JSON at all is not skipped either.
  text.replace(first_end + 1, std::string(R"({"event":"step_finished","step":123})").size(),
               "garbage");
  rb::e2e::write_file(path, text);
  resumed = s.runbook({"resume", damaged});
  CHECK(resumed.exit_code == 2);
  CHECK(resumed.err.find(path + ":2: a line is not JSON") != std::string::npos);
  CHECK(line_count(s.file("probe.count")) == 2);
}

TEST_CASE("a confirm pauses (exit 3); resume --approve records who and why and completes",
          "[records]") {
  Sandbox s;
  auto paused = s.runbook({"run", "tests/runbooks/confirm.yaml", "-i", "out=" + s.out});
  CHECK(paused.exit_code == 3);
  auto status = s.runbook({"status"});
  CHECK(status.out.find("waiting for approval at gate") != std::string::npos);
  CHECK(status.out.find("--approve") != std::string::npos);

  auto plain = s.runbook({"resume"});  // no terminal, no --approve: pauses again
  CHECK(plain.exit_code == 3);
  auto approved = s.runbook({"resume", "--approve", "--reason", "backup verified"});
  CHECK(approved.exit_code == 0);
  CHECK(fs::exists(s.out + "/after"));
  CHECK(line_count(s.file("before")) == 0);  // touched once, empty file
  auto events = events_of(journal_of(s, runs_of(s)[0]));
  auto approval = std::find_if(events.begin(), events.end(),
                               [](const nlohmann::json& e) { return e["event"] == "approved"; });
  REQUIRE(approval != events.end());
  CHECK((*approval)["user"] == "alice");
  CHECK((*approval)["reason"] == "backup verified");
  CHECK((*approval)["how"] == "resume --approve");
  CHECK_FALSE((*approval)["time"].get<std::string>().empty());
}

TEST_CASE("--yes approvals are recorded too", "[records]") {
  Sandbox s;
  CHECK(
      s.runbook({"run", "--yes", "tests/runbooks/confirm.yaml", "-i", "out=" + s.out}).exit_code ==
      0);
  CHECK(journal_of(s, runs_of(s)[0]).find("\"how\":\"--yes\"") != std::string::npos);
}

TEST_CASE("a second run with the same concurrency key exits 4, naming the holder; kill -9 frees it",
          "[records]") {
  Sandbox s;
  RunningProgram first(
      {RUNBOOK_BIN, "run", "tests/runbooks/locked.yaml", "-i", "out=" + s.out, "-i", "hold=true"},
      s.options());
  REQUIRE(wait_for_file(s.out + "/hold.pid", 20));
  const std::string first_id = runs_of(s).at(0);

  auto refused = s.runbook({"run", "tests/runbooks/locked.yaml", "-i", "out=" + s.out});
  CHECK(refused.exit_code == 4);
  CHECK(refused.err.find("concurrency key 'deploy-web' is held by run " + first_id) !=
        std::string::npos);
  CHECK(runs_of(s).size() == 1);  // the refused run left no record

  auto other_key =
      s.runbook({"run", "tests/runbooks/locked.yaml", "-i", "out=" + s.out, "-i", "name=db"});
  CHECK(other_key.exit_code == 0);

  kill(first.pid(), SIGKILL);
  first.wait();
  kill_group_of(s.out + "/hold.pid");
  auto after = s.runbook({"run", "tests/runbooks/locked.yaml", "-i", "out=" + s.out});
  CHECK(after.exit_code == 0);
}

TEST_CASE("resume refuses a runbook file that changed, unless --force", "[records]") {
  Sandbox s;
  std::string copy = s.dir + "/resumable.yaml";
  fs::copy_file(std::string(RUNBOOK_SOURCE_DIR) + "/tests/runbooks/resumable.yaml", copy);
  CHECK(s.runbook({"run", copy, "-i", "out=" + s.out}).exit_code == 1);
  rb::e2e::write_file(copy, read_file(copy) + "# an edit\n");
  rb::e2e::write_file(s.out + "/fixed", "");
  auto refused = s.runbook({"resume"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("error: the runbook changed since run") != std::string::npos);
  CHECK(refused.err.find("--force") != std::string::npos);
  auto forced = s.runbook({"resume", "--force"});
  CHECK(forced.exit_code == 0);
  CHECK(journal_of(s, runs_of(s)[0]).find("\"forced\":true") != std::string::npos);
}

TEST_CASE("status exports: json, markdown, junit; history lists runs newest first", "[records]") {
  Sandbox s;
  s.runbook({"run", "tests/runbooks/resumable.yaml", "-i", "out=" + s.out});
  s.runbook({"run", "--yes", "tests/runbooks/confirm.yaml", "-i", "out=" + s.out});
  auto ids = runs_of(s);
  REQUIRE(ids.size() == 2);

  auto json = nlohmann::json::parse(s.runbook({"status", ids[0], "--json"}).out);
  CHECK(json["runbook"] == "resumable");
  CHECK(json["status"] == "failed");
  CHECK(json["steps"][2]["step"] == "check");
  CHECK(json["steps"][2]["exit_code"] == 1);
  CHECK(json["steps"][0]["outputs"]["answer"] == 42);

  auto md = s.runbook({"status", ids[0], "--format", "markdown"}).out;
  CHECK(md.find("| `check` | failed | 1 |") != std::string::npos);

  auto junit = s.runbook({"status", ids[0], "--format", "junit"}).out;
  CHECK(junit.find("<testsuite name=\"resumable\"") != std::string::npos);
  CHECK(junit.find("tests=\"3\" failures=\"1\"") != std::string::npos);
  CHECK(junit.find("<testcase classname=\"resumable\" name=\"check\"") != std::string::npos);
  CHECK(junit.find("<failure message=\"failed: exited with 1\"") != std::string::npos);

  auto history = s.runbook({"history"}).out;
  size_t newer = history.find(ids[1]), older = history.find(ids[0]);
  CHECK(newer != std::string::npos);
  CHECK(older != std::string::npos);
  CHECK(newer < older);
  CHECK(history.find("confirm") != std::string::npos);

  CHECK(s.runbook({"status", "no-such-run"}).exit_code == 2);
}

TEST_CASE("no journal written by the tests holds a secret or a line that is not JSON",
          "[records][folder]") {
  Sandbox s;
  s.runbook({"run", "tests/runbooks/secrets.yaml", "-i", "token=sekrit-TOKEN-77"});
  s.runbook({"run", "tests/runbooks/resumable.yaml", "-i", "out=" + s.out, "-i",
             "token=sekrit-TOKEN-77"});
  for (const auto& id : runs_of(s)) {
    std::string j = journal_of(s, id);
    CHECK(j.find("sekrit-TOKEN-77") == std::string::npos);
    events_of(j);
    for (const auto& e : fs::recursive_directory_iterator(s.state + "/runs/" + id)) {
      if (e.is_regular_file())
        CHECK(read_file(e.path()).find("sekrit-TOKEN-77") == std::string::npos);
    }
  }
}

TEST_CASE("--yes is recorded and holds on resume; an explicit gate needs --approve-gate") {
  Sandbox s;
  auto failed = s.runbook({"run", "--yes", "tests/runbooks/gates.yaml", "-i", "out=" + s.out});
  CHECK(failed.exit_code == 1);
  // A failed run says what to do next.
  CHECK(failed.err.find("runbook resume " + runs_of(s).at(0) + "   (runs check again") !=
        std::string::npos);
  CHECK(failed.err.find("--rerun STEP") != std::string::npos);
  const std::string id = runs_of(s).at(0);
  auto events = events_of(journal_of(s, id));
  CHECK(events.at(0)["event"] == "run_started");
  CHECK(events.at(0)["yes"] == true);

  std::ofstream(s.out + "/fixed").close();
  auto explicit_gate = s.runbook({"resume"});  // --yes passes `gate`, not `data-loss`
  CHECK(explicit_gate.exit_code == 3);
  CHECK(explicit_gate.out.find("approved gate by alice (--yes)") != std::string::npos);
  CHECK(explicit_gate.out.find("approve it by name with resume --approve-gate data-loss") !=
        std::string::npos);
  CHECK(s.runbook({"resume", "--approve"}).exit_code == 3);  // a bare --approve does not either
  auto typo = s.runbook({"resume", "--approve-gate", "data-los"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("did you mean 'data-loss'?") != std::string::npos);
  CHECK_FALSE(s.has("after"));

  // --rerun: `before` (finished) runs again with all after it, recorded with who asked.
  auto done = s.runbook({"resume", "--rerun", "before", "--approve-gate", "data-loss", "--reason",
                         "backup restored on staging"});
  CHECK(done.exit_code == 0);
  CHECK(s.file("after") == "none\n");
  CHECK(s.file("before.count") == "ran\nran\n");
  events = events_of(journal_of(s, id));
  bool rerun_recorded = false, named = false;
  for (const auto& e : events) {
    if (e["event"] == "run_resumed" && e.value("rerun", "") == "before") {
      rerun_recorded = e["user"] == "alice";
    }
    if (e["event"] == "approved" && e["step"] == "data-loss") {
      named = e["how"] == "resume --approve-gate" && e["reason"] == "backup restored on staging";
    }
  }
  CHECK(rerun_recorded);
  CHECK(named);
}

TEST_CASE("resume --rerun of a step that never finished is refused with did you mean") {
  Sandbox s;
  CHECK(s.runbook({"run", "tests/runbooks/gates.yaml", "-i", "out=" + s.out}).exit_code == 1);
  auto bad = s.runbook({"resume", "--rerun", "befor"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--rerun befor: no such step finished in run") != std::string::npos);
  CHECK(bad.err.find("did you mean 'before'?") != std::string::npos);
}

TEST_CASE("an input with env: comes from the environment; required_if is checked first") {
  Sandbox s;
  auto missing =
      s.runbook({"run", "tests/runbooks/gates.yaml", "-i", "out=" + s.out, "-i", "mode=secure"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("missing input 'token' (string), required because inputs.mode == "
                         "'secure'; give it with -i token=VALUE or the environment variable "
                         "GATES_TOKEN") != std::string::npos);
  CHECK(runs_of(s).empty());  // nothing ran
  std::ofstream(s.out + "/fixed").close();
  CliOptions o = s.options();
  o.extra_env.push_back("GATES_TOKEN=hunter2-from-env");
  auto ran = run_runbook(
      {"run", "--yes", "tests/runbooks/gates.yaml", "-i", "out=" + s.out, "-i", "mode=secure"}, o);
  CHECK(ran.exit_code == 3);  // paused at the explicit gate
  CHECK(ran.out.find("hunter2") == std::string::npos);
  // The secret was never stored: resume takes it from the environment again.
  auto resumed = run_runbook({"resume", "--approve-gate", "data-loss"}, o);
  CHECK(resumed.exit_code == 0);
  CHECK(s.file("after") == "hunter2-from-env\n");
  CHECK(journal_of(s, runs_of(s).at(0)).find("hunter2") == std::string::npos);
}
