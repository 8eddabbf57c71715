// Fault tests end to end: runbook killed with -9 at random points and resumed; the disk filling
// up under the journal mid-run. Nothing finished runs twice, every journal stays readable.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_process.h"
#include "sandbox.h"

namespace fs = std::filesystem;
using namespace rb::e2e;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string only_run(const Sandbox& s) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(s.state + "/runs", ec)) {
    ids.push_back(e.path().filename());
  }
  // None when the kill came after runs/ was made and before the run's own folder was.
  REQUIRE(ids.size() <= 1);
  return ids.empty() ? "" : ids[0];
}

// The journal's lines as JSON; a torn last line (a kill mid-write) only where `torn_ok`.
std::vector<nlohmann::json> journal_events(const std::string& path, bool torn_ok) {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() && torn_ok && in.peek() == EOF) break;
    INFO(path << ": " << line);
    REQUIRE_FALSE(j.is_discarded());
    out.push_back(j);
  }
  return out;
}

// The word a step's command echoes into out/ran ("echo s3 >> ..." -> "s3"); "" for others.
std::string echoed(const nlohmann::json& started) {
  std::string command = started.value("command", "");
  if (command.rfind("echo ", 0) != 0) return "";
  std::string word = command.substr(5, command.find(' ', 5) - 5);
  if (!word.empty() && word.front() == '"') word = word.substr(1, word.size() - 2);
  return word;
}

// What the runbook's own reader (status --format json) makes of the journal: must always parse.
nlohmann::json status_of(const Sandbox& s) {
  CliResult r = s.runbook({"status", "--format", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// No command starts again once its success was recorded. (A loop or group starts again on a
// resume, by design, to restore its items one by one; a set: is evaluated again.)
void check_steps_once(const std::vector<nlohmann::json>& events) {
  std::map<std::string, int> succeeded;
  for (const nlohmann::json& e : events) {
    const std::string event = e.value("event", "");
    const std::string step = e.value("step", "");
    // Handlers too: a finally that finished before the kill is restored (issue 9).
    if (event == "step_started" && !e.value("command", "").empty()) {
      INFO("step " << step << " started again after it succeeded");
      CHECK(succeeded[step] == 0);
    } else if (event == "step_finished" && e.value("status", "") == "succeeded") {
      ++succeeded[step];
    }
  }
}

// No step ever starts again once its success was recorded, and no line appears in out/ran that
// no recorded start accounts for (a step run again without being recorded).
// Once the run is `complete`, every step succeeded exactly once.
void check_ran_once(const Sandbox& s, const std::vector<nlohmann::json>& events, bool complete) {
  std::map<std::string, int> starts;  // echoed word -> step_started records
  std::map<std::string, std::string> path_of;
  std::map<std::string, int> succeeded;  // step path -> succeeded records
  for (const nlohmann::json& e : events) {
    const std::string event = e.value("event", "");
    const std::string step = e.value("step", "");
    if (event == "step_started") {
      std::string word = echoed(e);
      if (!word.empty()) {
        ++starts[word];
        path_of[word] = step;
      }
    } else if (event == "step_finished" && e.value("status", "") == "succeeded") {
      ++succeeded[step];
    }
  }
  check_steps_once(events);
  std::map<std::string, int> lines;
  std::istringstream in(s.file("ran"));
  std::string line;
  while (std::getline(in, line)) ++lines[line];
  if (complete) CHECK(lines.size() == 24);  // 16 steps, 4 items, 3 in the group, finally's 1
  for (const auto& [word, n] : lines) {
    INFO(word << " ran " << n << " times, started " << starts[word] << " times");
    CHECK(n <= starts[word]);
    CHECK(succeeded[path_of[word]] <= 1);
    if (complete) CHECK(succeeded[path_of[word]] == 1);
  }
}

}  // namespace

TEST_CASE("kill -9 at 50 random points, each followed by resume: nothing finished runs twice") {
  // How long a whole run takes here, so the kills land all along it (seeded: the same points,
  // relative to that, on every machine).
  double whole = 0;
  {
    Sandbox s;
    CliResult r = s.runbook({"run", "tests/runbooks/kill-points.yaml", "-i", "out=" + s.out});
    REQUIRE(r.exit_code == 0);
    whole = r.seconds;
  }
  std::mt19937 random(20261202);
  std::uniform_real_distribution<double> when(0.0, 1.0);
  int kills = 0, attempts = 0, runs = 0, torn = 0;
  while (kills < 50 && attempts < 400) {
    Sandbox s;
    ++runs;
    bool started = false, done = false;
    // Up to 6 kills of one run (its first invocation, then its resumes), then a resume that
    // is left to finish.
    for (int k = 0; k < 6 && !done && kills < 50; ++k, ++attempts) {
      std::vector<std::string> argv = {RUNBOOK_BIN};
      if (!started) {
        argv.insert(argv.end(), {"run", "tests/runbooks/kill-points.yaml", "-i", "out=" + s.out});
      } else {
        argv.push_back("resume");
      }
      RunningProgram p(argv, s.options());
      std::this_thread::sleep_for(std::chrono::duration<double>(whole * when(random)));
      p.signal(SIGKILL);
      CliResult r = p.wait();
      INFO("run " << runs << ", invocation " << k << ": " << r.out << r.err);
      if (r.exit_code == 128 + SIGKILL) {
        ++kills;
      } else {
        CHECK(r.exit_code == 0);  // it finished before the kill
        done = r.exit_code == 0;
      }
      const std::string id = fs::exists(s.state + "/runs") ? only_run(s) : "";
      const std::string journal = id.empty() ? "" : s.state + "/runs/" + id + "/journal.jsonl";
      auto events = journal.empty() ? std::vector<nlohmann::json>{} : journal_events(journal, true);
      if (events.empty()) {
        // Killed before run_started was written: no run to resume (status and resume say so);
        // an operator starts it again, here in a fresh folder.
        CHECK_FALSE(started);
        break;
      }
      started = true;
      if (read_file(journal).back() != '\n') ++torn;
      // Killed before its last record, or after it (then it had finished: nothing to resume).
      const std::string status = status_of(s)["status"];
      if (done) {
        CHECK(status == "succeeded");
      } else {
        CHECK((status == "running" || status == "succeeded"));
      }
      done = status == "succeeded";
      check_ran_once(s, events, done);  // so far: what ran, ran once
    }
    if (!started) continue;
    if (!done) {
      CliResult r = s.runbook({"resume"});
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
    }
    const std::string journal = s.state + "/runs/" + only_run(s) + "/journal.jsonl";
    auto events = journal_events(journal, false);  // resume repaired any torn tail
    CHECK(status_of(s)["status"] == "succeeded");
    check_ran_once(s, events, true);
  }
  INFO(runs << " runs, " << attempts << " invocations, " << torn << " torn tails seen");
  CHECK(kills == 50);
}

namespace {

// A small tmpfs mounted on `dir` for the life of the object (needs root, or CAP_SYS_ADMIN).
struct SmallDisk {
  std::string dir;
  bool mounted = false;
  std::string why;
  SmallDisk(const std::string& path, const char* size) : dir(path) {
    fs::create_directories(dir);
    mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, (std::string("size=") + size).c_str()) == 0;
    if (!mounted) why = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
  }
};

int count_lines(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  std::string l;
  int n = 0;
  while (std::getline(in, l)) n += l == line;
  return n;
}

}  // namespace

TEST_CASE("the disk fills up mid-run: stopped, exit 1, recorded failed, resume goes on") {
  Sandbox s;
  SmallDisk disk(s.state, "1m");
  if (!disk.mounted) {
    WARN("skipped: cannot mount a tmpfs here (" << disk.why << "); run as root to test this");
    return;
  }
  const std::string fill = s.state + "/filler";
  CliResult r = s.runbook(
      {"run", "tests/runbooks/disk-full.yaml", "-i", "out=" + s.out, "-i", "fill=" + fill});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // before the fix: terminate called ..., exit 134
  CHECK_FALSE(contains(r.err, "terminate"));
  CHECK(contains(r.err, "No space left on device; the run was stopped."));
  CHECK(contains(r.err, "then continue with: runbook resume "));
  CHECK_FALSE(contains(s.file("ran"), "s4"));  // nothing ran after the failed write

  // The failure is recorded (64 KiB were set aside for it), with its reason.
  auto status = s.runbook({"status", "--format", "json"});
  INFO(status.out << status.err);
  REQUIRE(status.exit_code == 0);
  auto j = nlohmann::json::parse(status.out);
  CHECK(j["status"] == "failed");
  const std::string journal = s.state + "/runs/" + only_run(s) + "/journal.jsonl";
  auto events = journal_events(journal, false);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back()["event"] == "run_finished");
  CHECK(events.back()["status"] == "failed");
  CHECK(contains(events.back().value("error", ""), "No space left on device"));
  CHECK_FALSE(fs::exists(journal + ".reserve"));  // used up

  // Still full: a resume says so and runs nothing (or stops as the run did); still resumable.
  run_program({"/bin/sh", "-c", "head -c 64M /dev/zero > \"$0\" 2>/dev/null", fill + "2"});
  CliResult full = s.runbook({"resume"});
  INFO(full.out << full.err);
  CHECK(full.exit_code == 1);
  CHECK(contains(full.err, "No space left on device"));
  CHECK_FALSE(contains(s.file("ran"), "s4"));

  // Space again: resume completes; what was recorded finished never runs again.
  fs::remove(fill);
  fs::remove(fill + "2");
  CliResult resumed = s.runbook({"resume"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  const std::string ran = s.file("ran");
  CHECK(count_lines(ran, "s1") == 1);
  for (const char* step : {"s2", "s3"}) CHECK(count_lines(ran, step) >= 1);
  CHECK(count_lines(ran, "s4") == 1);
  CHECK(count_lines(ran, "s5") == 1);
  events = journal_events(journal, false);
  CHECK(events.back()["status"] == "succeeded");
  check_steps_once(events);
}
