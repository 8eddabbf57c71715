// The durability rule, counted through the journal's own seam (no timing): the journal is synced
// once for each step that acted (what resume restores) and once at the run's end, never for a
// step that changed nothing; each sync holds every record written before it.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "../exec/engine_fakes.h"
#include "exec/interrupt.h"
#include "record/journal_reader.h"
#include "record/journal_writer.h"
#include "record/state_store.h"

using namespace rb;
using Strings = std::vector<std::string>;

namespace {

std::string temp_path(const std::string& name) {
  return std::string(RUNBOOK_BINARY_DIR) + "/record-sync-test-" + std::to_string(getpid()) + "-" +
         name;
}

std::vector<nlohmann::json> journal_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::string describe(const nlohmann::json& e) {
  std::string d = e["event"].get<std::string>();
  if (e.contains("step")) d += " " + e["step"].get<std::string>();
  return d;
}

// The file journal, counting the records appended durable (fdatasync'ed) and noting at each
// the last record it makes durable and how many there are.
class CountingStorage : public record::JournalStorage {
 public:
  CountingStorage(std::string path, std::vector<size_t>* synced_lines, Strings* last_records,
                  int fail_with)
      : path_(std::move(path)),
        file_(record::open_journal_file(path_)),
        synced_lines_(synced_lines),
        last_records_(last_records),
        fail_with_(fail_with) {}
  void append(const std::string& line, bool durable) override {
    if (durable && fail_with_ != 0) throw record::StoreError(std::strerror(fail_with_), false);
    file_->append(line, durable);
    if (!durable) return;
    auto lines = journal_lines(path_);
    synced_lines_->push_back(lines.size());
    last_records_->push_back(lines.empty() ? "" : describe(lines.back()));
  }
  void repair() override { file_->repair(); }

 private:
  std::string path_;
  std::unique_ptr<record::JournalStorage> file_;
  std::vector<size_t>* synced_lines_;
  Strings* last_records_;
  int fail_with_;
};

struct Syncs {
  std::vector<size_t> synced_lines;  // per sync: the journal's records at that moment
  Strings last_records;              // per sync: the last of them ("step_finished ID")
  int fail_with = 0;                 // errno to fail every durable append with; 0: succeed
};

struct Journaled {
  std::string path;
  Syncs syncer;
  testing::FakeRunner runner;
  testing::FakeClock clock;
  testing::FixedApprover approver;
  command::SecretMasker masker;
  Diagnostics diags;
  std::shared_ptr<const model::Runbook> runbook;

  explicit Journaled(const std::string& name) : path(temp_path(name)) { std::remove(path.c_str()); }
  ~Journaled() { std::remove(path.c_str()); }

  exec::RunStatus run(const std::string& text, exec::EngineOptions options = {}) {
    runbook = load::load_runbook_text("sync.yaml", text, diags);
    REQUIRE(runbook);
    check::check_runbook(*runbook, diags);
    REQUIRE_FALSE(diags.has_errors());
    record::JournalWriter journal(std::make_unique<CountingStorage>(
        path, &syncer.synced_lines, &syncer.last_records, syncer.fail_with));
    record::RunHeader h;
    h.run_id = options.run_id = "sync-run";
    h.runbook = runbook->name.value;
    journal.run_started(h);
    exec::Engine engine(*runbook, exec::EngineServices{runner, journal, clock, approver, masker},
                        options);
    std::vector<std::string> problems;
    return engine.run(*load::resolve_inputs(*runbook, {}, &problems));
  }
};

const std::string kHead = "runbook: 1\nname: sync\n";

}  // namespace

TEST_CASE("the journal is synced once per step that acted and at the end, never for pure steps") {
  Journaled j("mixed.jsonl");
  j.approver.verdict = exec::Verdict::kApproved;
  j.runner.answer = [](const command::CommandSpec& spec) {
    return testing::exited(testing::script_of(spec) == "fails" ? 1 : 0);
  };
  auto st = j.run(kHead +
                  "steps:\n"
                  "  - id: look\n    run: status\n    readonly: true\n"
                  "  - id: note\n    set: { a: '1' }\n"
                  "  - id: check\n    assert: vars.a == '1'\n"
                  "  - id: say\n    log: hello\n"
                  "  - id: skipped\n    if: vars.a == '2'\n    run: never\n"
                  "  - id: waits\n    wait:\n      run: ready\n      until: exit_code == 0\n"
                  "  - id: change\n    run: do-it\n"
                  "  - id: gate\n    confirm: go?\n"
                  "  - id: pause\n    sleep: 1s\n"
                  "  - id: units\n    for_each: [a, b]\n    run: roll ${{ item }}\n"
                  "  - id: broken\n    run: fails\n    continue_on_error: true\n"
                  "  - id: last\n    log: done\n");
  REQUIRE(st == exec::RunStatus::kSucceeded);
  CHECK(j.syncer.last_records == Strings{"step_finished change", "step_finished gate",
                                         "step_finished pause", "step_finished units[0]",
                                         "step_finished units[1]", "run_finished"});

  // Every record was written all the same (a kill -9 loses none of them) ...
  auto lines = journal_lines(j.path);
  Strings finished;
  size_t approved_at = 0, gate_synced = 0, pause_started = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string d = describe(lines[i]);
    if (lines[i]["event"] == "step_finished") finished.push_back(lines[i]["step"]);
    if (d == "approved gate") approved_at = i;
    if (d == "step_started pause") pause_started = i;
  }
  CHECK(finished == Strings{"look", "note", "check", "say", "skipped", "waits", "change", "gate",
                            "pause", "units[0]", "units[1]", "units", "broken", "last"});
  // ... and the approval was on disk before the step after the gate started.
  gate_synced = j.syncer.synced_lines[1];
  CHECK(approved_at < gate_synced);
  CHECK(pause_started >= gate_synced);
  // The last sync holds the whole journal.
  CHECK(j.syncer.synced_lines.back() == lines.size());
}

TEST_CASE("10,000 steps that change nothing cost one sync, at the run's end") {
  Journaled j("pure.jsonl");
  std::string text = kHead + "steps:\n";
  for (int i = 0; i < 2500; ++i) {
    const std::string n = std::to_string(i);
    text += "  - id: s" + n + "\n    set: { v" + n + ": '" + n + "' }\n";
    text += "  - id: a" + n + "\n    assert: vars.v" + n + " == '" + n + "'\n";
    text += "  - id: l" + n + "\n    log: step " + n + "\n";
    text += "  - id: r" + n + "\n    run: look " + n + "\n    readonly: true\n";
  }
  REQUIRE(j.run(text) == exec::RunStatus::kSucceeded);
  CHECK(j.syncer.last_records == Strings{"run_finished"});
  CHECK(journal_lines(j.path).size() > 10000);
}

TEST_CASE("a paused or failed run is synced at its end; a resumed gate once it is answered") {
  Journaled paused("paused.jsonl");
  REQUIRE(paused.run(kHead + "steps:\n  - id: gate\n    confirm: go?\n  - run: after\n") ==
          exec::RunStatus::kPaused);
  CHECK(paused.syncer.last_records == Strings{"run_finished"});

  // resume --approve: the approval comes from the options, and the gate's end is synced.
  Journaled resumed("resumed.jsonl");
  exec::EngineOptions options;
  options.approved_gates["gate"] =
      exec::ApprovalAnswer{exec::Verdict::kApproved, "bob", "resume --approve", ""};
  REQUIRE(resumed.run(kHead + "steps:\n  - id: gate\n    confirm: go?\n  - run: after\n",
                      options) == exec::RunStatus::kSucceeded);
  CHECK(resumed.syncer.last_records ==
        Strings{"step_finished gate", "step_finished #2", "run_finished"});

  Journaled failed("failed.jsonl");
  failed.runner.answer = [](const command::CommandSpec&) { return testing::exited(3); };
  REQUIRE(failed.run(kHead + "steps:\n  - run: breaks\n") == exec::RunStatus::kFailed);
  CHECK(failed.syncer.last_records == Strings{"run_finished"});
}

TEST_CASE(
    "a failed durable append stops the run after the step that acted, as a failed write does") {
  Journaled j("eio.jsonl");
  j.syncer.fail_with = EIO;
  j.run(kHead + "steps:\n  - id: one\n    run: change\n  - id: two\n    run: change\n");
  CHECK(exec::interrupt_requested());
  CHECK(j.runner.calls.size() == 1);  // nothing ran after the record that could not be synced
  CHECK(j.syncer.last_records.empty());
  exec::reset_interrupt();
}
