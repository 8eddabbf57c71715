#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "record/file_digest.h"
#include "record/journal_reader.h"
#include "record/journal_writer.h"
#include "record/run_lock.h"

using namespace rb;

namespace {

std::string temp_path(const std::string& name) {
  return std::string(RUNBOOK_BINARY_DIR) + "/record-test-" + std::to_string(getpid()) + "-" + name;
}

}  // namespace

TEST_CASE("a journal round-trips every field resume needs") {
  std::string path = temp_path("journal.jsonl");
  std::remove(path.c_str());
  {
    record::JournalWriter w(path);
    record::RunHeader h;
    h.run_id = "r1";
    h.runbook = "demo";
    h.file = "/x/demo.yaml";
    h.sha256 = std::string(64, 'a');
    h.inputs["revision"] = expr::Value(int64_t{88});
    h.secret_inputs = {"token"};
    h.user = "alice";
    w.run_started(h);
    w.step_started(exec::StepStart{"probe", "Probe", "juju status", 1});
    exec::StepResult r;
    r.exit_code = 0;
    r.attempts = 2;
    r.duration_ms = 1234;
    r.output = expr::Value(expr::Map{{"units", expr::Value(expr::List{expr::Value("a/0")})}});
    r.outputs["n"] = expr::Value(int64_t{3});
    r.vars_set["rev"] = expr::Value("88");
    r.stdout_tail = "hello\n";
    w.step_finished("probe", r);
    exec::StepResult paused;
    paused.status = exec::StepStatus::kPaused;
    w.step_finished("gate", paused);
    w.approved(exec::Approval{"gate", "bob", "checked", "resume --approve"});
    w.step_started(exec::StepStart{"after", "", "touch x", 1});
    w.run_finished(exec::RunStatus::kPaused);
  }
  std::string error;
  auto run = record::read_journal(path, &error);
  REQUIRE(run);
  CHECK(run->run_id == "r1");
  CHECK(run->inputs.at("revision").as_int() == 88);
  CHECK(run->secret_inputs == std::vector<std::string>{"token"});
  CHECK(run->status == "paused");
  CHECK(run->paused_at == std::vector<std::string>{"gate"});
  REQUIRE(run->steps.size() == 3);
  CHECK_FALSE(run->steps[2].finished);
  auto replay = run->replay();
  REQUIRE(replay.count("probe") == 1);
  CHECK(replay.count("gate") == 0);
  const exec::StepResult& p = replay["probe"];
  CHECK(p.attempts == 2);
  CHECK(p.duration_ms == 1234);
  CHECK(p.output.as_map().at("units").as_list()[0].as_string() == "a/0");
  CHECK(p.outputs.at("n").as_int() == 3);
  CHECK(p.vars_set.at("rev").as_string() == "88");
  CHECK(p.stdout_tail == "hello\n");
  CHECK(run->approvals.size() == 1);
  CHECK(run->approvals[0].user == "bob");
  std::remove(path.c_str());
}

TEST_CASE("a torn last line and garbage lines are skipped, not fatal") {
  std::string path = temp_path("torn.jsonl");
  {
    std::ofstream out(path);
    out << R"({"event":"run_started","time":"t","run_id":"r2","runbook":"x","file":"f","sha256":"s"})"
        << "\n";
    out << "not json at all\n";
    out << R"({"event":"step_finished","time":"t","step":"a","status":"succeeded"})"
        << "\n";
    out << R"({"event":"step_fini)";
  }
  std::string error;
  auto run = record::read_journal(path, &error);
  REQUIRE(run);
  CHECK(run->skipped_lines == 2);
  CHECK(run->replay().count("a") == 1);
  CHECK(run->status == "running");
  std::remove(path.c_str());
}

TEST_CASE("a journal without run_started is refused") {
  std::string path = temp_path("empty.jsonl");
  { std::ofstream out(path); }
  std::string error;
  CHECK_FALSE(record::read_journal(path, &error));
  CHECK(error.find("records no run") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("a concurrency lock is exclusive and released when dropped") {
  std::string dir = temp_path("state");
  std::string holder, error;
  auto first = record::RunLock::acquire(dir, "deploy web", "run-a", &holder, &error);
  REQUIRE(first);
  auto second = record::RunLock::acquire(dir, "deploy web", "run-b", &holder, &error);
  CHECK_FALSE(second);
  CHECK(error.empty());
  CHECK(holder.rfind("run run-a (pid ", 0) == 0);
  auto other = record::RunLock::acquire(dir, "deploy db", "run-c", &holder, &error);
  CHECK(other);
  first.reset();
  CHECK(record::RunLock::acquire(dir, "deploy web", "run-d", &holder, &error));
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("sha256 matches the known digest") {
  CHECK(record::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
