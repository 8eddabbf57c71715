#pragma once
// The typed model of a test file (NAME.test.yaml) for `runbook test`: the runbook under test and
// its scenarios, each with inputs, mocks, gate answers and expectations. Every element keeps its
// place in the test file, so a failed expectation points at the line that states it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/duration.h"
#include "base/location.h"
#include "base/source_file.h"
#include "expr/value.h"
#include "load/model.h"

namespace rb::model {

// What a mocked command does on one call.
struct MockResult {
  int exit_code = 0;
  std::string stdout_text;
  std::string stderr_text;
  Duration delay{0};  // fake time the command takes (a step's timeout can cut it)
  Location location;
};

// A mocked command: a pattern on the rendered (masked) command and what it answers.
struct Mock {
  enum class Kind { kGlob, kRegex };
  Kind kind = Kind::kGlob;
  std::string pattern;
  Location location;                // of the pattern
  std::vector<MockResult> results;  // one per call, the last repeating; never empty
  std::optional<int> times;         // matches at most this many calls, then the next mock is tried
};

struct GateAnswer {
  Located<std::string> gate;  // the confirm step's path
  bool approve = false;
};

// `approve: true` (every gate) or `approve: {GATE: true|false}`.
struct Approvals {
  bool all = false;
  std::vector<GateAnswer> gates;
  Location location;
};

// A list of names or globs under an expectation key.
struct ExpectedList {
  std::vector<Located<std::string>> items;
  Location location;  // of the list
};

struct ExpectedValue {
  Located<std::string> name;
  expr::Value value;
};

struct ExpectedOutputs {
  Located<std::string> step;
  std::vector<ExpectedValue> values;
};

struct Expectations {
  std::optional<Located<std::string>> status;  // succeeded | failed | paused | interrupted
  std::optional<ExpectedList> ran;             // these ran, in this order (others may run too)
  std::optional<ExpectedList> skipped;         // these were skipped (others may be too)
  std::optional<ExpectedList> failed;          // exactly these failed
  std::optional<ExpectedList> commands;        // globs seen, in this order
  std::optional<ExpectedList> not_commands;    // globs never seen
  std::vector<ExpectedOutputs> outputs;        // steps.ID.outputs.NAME
  std::vector<ExpectedValue> vars;             // vars.NAME at the end of the run
};

// One run of the engine: a scenario's first run, or one of its resumes.
struct TestStage {
  Location location;
  Approvals approve;
  std::vector<Mock> mocks;  // tried before the scenario's and the file's own
  Expectations expect;
};

struct Scenario {
  Located<std::string> name;
  expr::Map inputs;
  Location inputs_location;
  std::map<std::string, Location> input_locations;  // of each input's name
  std::vector<std::string> env;  // "K=V": the environment the run starts from (default: empty)
  TestStage run;
  std::vector<TestStage> resumes;  // resume: each continues the run before it (replayed)
};

struct TestFile {
  SourceFilePtr source;
  std::string path;
  Located<std::string> runbook;  // as written, relative to the test file
  std::string runbook_path;      // resolved
  std::vector<Mock> mocks;       // shared by every scenario, tried last
  std::vector<Scenario> scenarios;
};

}  // namespace rb::model
