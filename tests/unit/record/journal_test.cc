#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include "exec/interrupt.h"
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

namespace {

const char* kStart =
    R"({"event":"run_started","time":"t","run_id":"r2","runbook":"x","file":"f","sha256":"s"})";

std::string write_journal(const std::string& name, const std::string& text) {
  std::string path = temp_path(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return path;
}

}  // namespace

TEST_CASE("handlers of an attempt that ended run again; those of a killed attempt are restored") {
  auto step = [](const std::string& path) {
    return R"({"event":"step_finished","time":"t","step":")" + path +
           R"(","status":"succeeded","acted":true})" + "\n";
  };
  const std::string ended = std::string(kStart) + "\n" + step("a") + step("finally/#1") +
                            R"({"event":"run_finished","time":"t","status":"failed"})" + "\n";
  std::string path = write_journal("handlers-ended.jsonl", ended);
  std::string error;
  auto run = record::read_journal(path, &error);
  REQUIRE(run);
  CHECK(run->replay().count("a") == 1);
  CHECK(run->replay().count("finally/#1") == 0);  // its attempt ended: it runs again

  // A resume that ran the finally again and was killed before its run_finished.
  path = write_journal(
      "handlers-killed.jsonl",
      ended + R"({"event":"run_resumed","time":"t","run_id":"r2"})" + "\n" + step("finally/#1"));
  run = record::read_journal(path, &error);
  REQUIRE(run);
  CHECK(run->replay().count("finally/#1") == 1);  // acted, not yet ended: restored
  std::remove(path.c_str());
}

TEST_CASE("a torn last line is skipped, not fatal") {
  std::string path = write_journal(
      "torn.jsonl", std::string(kStart) + "\n" +
                        R"({"event":"step_finished","time":"t","step":"a","status":"succeeded"})" +
                        "\n" + R"({"event":"step_fini)");
  std::string error;
  auto run = record::read_journal(path, &error);
  REQUIRE(run);
  CHECK(run->skipped_lines == 1);
  CHECK(run->replay().count("a") == 1);
  CHECK(run->status == "running");
  std::remove(path.c_str());
}

TEST_CASE("any other bad line is refused with its line number, never skipped") {
  const std::string finished =
      R"({"event":"step_finished","time":"t","step":"a","status":"succeeded"})";
  struct Case {
    std::string line, message;
  };
  for (const Case& c : std::vector<Case>{
           {"not json at all", ":2: a line is not JSON"},
           {"[1, 2]", ":2: a line is not a JSON object"},
           {R"({"event":"step_finished","step":123})", ":2: 'step' is missing or not a string"},
           {R"({"event":"step_finished","step":"a","status":"great"})",
            ":2: unknown step status 'great'"},
           {R"({"event":"step_started","step":"a","attempt":"two"})",
            ":2: a field has the wrong type (type must be number, but is string)"},
           {R"({"event":"step_finished","step":"a","status":"succeeded","attempts":[]})",
            ":2: a field has the wrong type"},
           {R"({"event":"run_finished","status":7})", ":2: 'status' is missing or not a string"},
           {R"({"event":"steps_finished","step":"a"})", ":2: unknown event 'steps_finished'"},
           {R"({"step":"a"})", ":2: 'event' is missing or not a string"},
       }) {
    DYNAMIC_SECTION(c.line) {
      std::string path =
          write_journal("bad.jsonl", std::string(kStart) + "\n" + c.line + "\n" + finished + "\n");
      std::string error;
      CHECK_FALSE(record::read_journal(path, &error));
      CHECK(error.find(path + c.message) == 0);
      CHECK(error.find("the journal is damaged") != std::string::npos);
      std::remove(path.c_str());
    }
  }
}

TEST_CASE("a journal of a newer format is refused; one without a format is format 1") {
  std::string path = write_journal(
      "newer.jsonl", R"({"event":"run_started","format":2,"run_id":"r","file":"f","sha256":"s"})"
                     "\n");
  std::string error;
  CHECK_FALSE(record::read_journal(path, &error));
  CHECK(error == path +
                     ": the journal is format 2, newer than this runbook reads (up to 1); use "
                     "the runbook version that wrote it");
  path = write_journal("old.jsonl", std::string(kStart) + "\n");
  CHECK(record::read_journal(path, &error));
  std::remove(path.c_str());
}

TEST_CASE("appending after a torn last line cuts it off first, so no record is lost") {
  std::string path =
      write_journal("append.jsonl", std::string(kStart) + "\n" + R"({"event":"step_fini)");
  {
    record::JournalWriter w(path);
    w.run_resumed("bob", false, "");
  }
  std::string error;
  auto run = record::read_journal(path, &error);
  INFO(error);
  REQUIRE(run);
  CHECK(run->resumes == 1);
  CHECK(run->skipped_lines == 0);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("step_fini") == std::string::npos);

  // A whole record that lacks only its newline is kept.
  path = write_journal("append2.jsonl", std::string(kStart));
  {
    record::JournalWriter w(path);
    w.run_resumed("bob", false, "");
  }
  run = record::read_journal(path, &error);
  REQUIRE(run);
  CHECK(run->run_id == "r2");
  CHECK(run->resumes == 1);
  std::remove(path.c_str());
}

TEST_CASE("the journal records its format in run_started") {
  std::string path = temp_path("format.jsonl");
  std::remove(path.c_str());
  {
    record::JournalWriter w(path);
    record::RunHeader h;
    h.run_id = "r";
    h.file = "f";
    w.run_started(h);
  }
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  CHECK(line.find(R"("format":1)") != std::string::npos);
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

TEST_CASE("a failed journal write does not throw: it is kept, stops the run, and nothing follows") {
  record::JournalWriter w("/dev/full");  // every write fails with ENOSPC
  CHECK_NOTHROW(w.step_started(exec::StepStart{"a", "a", "true", 1}));
  CHECK(w.error() == "cannot write the journal: No space left on device");
  CHECK(exec::interrupt_requested());
  CHECK_FALSE(w.finish_failed(w.error()));
  exec::reset_interrupt();
}

TEST_CASE("run --yes is recorded; resume --rerun unfinishes the step and what finished after it") {
  std::string path = temp_path("rerun.jsonl");
  std::remove(path.c_str());
  {
    record::JournalWriter w(path);
    record::RunHeader h;
    h.run_id = "r2";
    h.runbook = "demo";
    h.file = "/x/demo.yaml";
    h.user = "alice";
    h.yes = true;
    w.run_started(h);
    exec::StepResult ok;
    ok.acted = true;
    for (const char* step : {"backup", "group/a", "group", "migrate", "check"}) {
      w.step_finished(step, ok);
    }
    w.run_finished(exec::RunStatus::kFailed);
    // resume --rerun group, which then failed before it got to `migrate`
    w.run_resumed("bob", false, "", "group");
    w.run_finished(exec::RunStatus::kFailed);
  }
  std::string error;
  auto run = record::read_journal(path, &error);
  REQUIRE(run);
  CHECK(run->yes);
  CHECK(run->reruns == std::vector<std::string>{"group"});
  auto replay = run->replay();
  // group/a finished before group but is inside it; migrate and check finished after it.
  CHECK(replay.count("backup") == 1);
  CHECK(replay.count("group/a") == 0);
  CHECK(replay.count("group") == 0);
  CHECK(replay.count("migrate") == 0);
  CHECK(replay.count("check") == 0);
  std::remove(path.c_str());
}

TEST_CASE("a failed write elsewhere (a step log) ends the run failed, with why, in the journal") {
  exec::reset_interrupt();
  const std::string path = temp_path("log-failed.jsonl");
  std::remove(path.c_str());
  {
    record::JournalWriter w(path);
    // 64 KiB set aside while the run goes, so the record of a failure fits on a full disk.
    CHECK(std::ifstream(path + ".reserve").good());
    record::RunHeader h;
    h.run_id = "r1";
    h.runbook = "rb";
    h.file = "/f.yaml";
    h.user = "alice";
    w.run_started(h);
    exec::report_write_failure("cannot write the step log 'x.log': No space left on device");
    w.run_finished(exec::RunStatus::kInterrupted);  // what the engine records when stopped
    CHECK(w.error().empty());
  }
  CHECK_FALSE(std::ifstream(path + ".reserve").good());  // removed when the run ends
  std::string error;
  auto run = record::read_journal(path, &error);
  REQUIRE(run);
  CHECK(run->status == "failed");
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("\"error\":\"cannot write the step log 'x.log': No space left on device\"") !=
        std::string::npos);
  exec::reset_interrupt();
  std::remove(path.c_str());
}

TEST_CASE("every journal fixture (real journals, the journal fuzzer's seeds) reads back") {
  const std::string dir = std::string(RUNBOOK_SOURCE_DIR) + "/tests/fixtures/journals/";
  for (const char* name :
       {"local-procedure", "resumable", "confirm", "secret-scan", "killable", "killable-torn"}) {
    std::string error;
    auto run = record::read_journal(dir + name + ".jsonl", &error);
    INFO(name << ": " << error);
    REQUIRE(run);
    CHECK(error.empty());
    CHECK_FALSE(run->steps.empty());
    CHECK(run->skipped_lines == (std::string(name) == "killable-torn" ? 1u : 0u));
  }
  std::string error;
  auto killed = record::read_journal(dir + "killable.jsonl", &error);
  REQUIRE(killed);
  CHECK(killed->status == "running");
  REQUIRE(killed->find("two"));
  CHECK_FALSE(killed->find("two")->finished);
  auto resumed = record::read_journal(dir + "resumable.jsonl", &error);
  REQUIRE(resumed);
  CHECK(resumed->status == "succeeded");
  CHECK(resumed->resumes == 1);
}

TEST_CASE(
    "output that is not UTF-8 is recorded readable, replaced, not as a line that is not JSON") {
  std::string path = temp_path("utf8.jsonl");
  std::remove(path.c_str());
  {
    record::JournalWriter w(path);
    record::RunHeader h;
    h.run_id = "r";
    h.file = "f";
    w.run_started(h);
    exec::StepResult r;
    r.exit_code = 0;
    r.stdout_tail =
        "a\xff"
        "b\n";
    r.output = expr::Value(expr::List{expr::Value("a\xff"
                                                  "b"),
                                      expr::Value(1.5)});
    w.step_finished("bad", r);
  }
  std::string error;
  auto run = record::read_journal(path, &error);
  INFO(error);
  REQUIRE(run);
  auto replay = run->replay();
  REQUIRE(replay.count("bad") == 1);
  const expr::List& out = replay["bad"].output.as_list();
  REQUIRE(out.size() == 2);
  CHECK(out[0].as_string() ==
        "a\xef\xbf\xbd"
        "b");  // U+FFFD
  CHECK(out[1].as_double() == 1.5);
  std::remove(path.c_str());
}
