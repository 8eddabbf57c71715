// Hostile input end to end: files built to exhaust memory, block forever or be silently
// half-read are refused with a located message, in bounded memory and time.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "cli_process.h"
#include "sandbox.h"

namespace fs = std::filesystem;
using namespace rb::e2e;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("an alias bomb under steps is refused at once, in little memory") {
  Sandbox s;
  fs::create_directories(s.dir);
  // Ten levels of nine aliases each: 9^10 steps once expanded.
  std::string text = "runbook: 1\nname: bomb\nsteps:\n  - id: a\n    steps: &l0 [{log: x}]\n";
  for (int i = 1; i <= 10; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    text += "  - id: s" + std::to_string(i) + "\n    steps: &l" + std::to_string(i) + " [" +
            repeat("{steps: " + prev + "}, ", 8) + "{steps: " + prev + "}]\n";
  }
  write_file(s.dir + "/bomb.yaml", text);
  for (const char* command : {"validate", "run"}) {
    auto r = s.runbook({command, s.dir + "/bomb.yaml"});
    INFO(command << ": " << r.err << " peak RSS " << r.max_rss_kb << " KiB");
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "bomb.yaml:5:12: error: YAML anchors ('&name') are not allowed"));
    CHECK(r.max_rss_kb < 100 * 1024);
  }
}

TEST_CASE("an alias in an inputs file is refused too") {
  Sandbox s;
  fs::create_directories(s.dir);
  write_file(s.dir + "/inputs.yaml", "a: &x [1, 2]\nb: *x\n");
  auto r = s.runbook({"run", "tests/runbooks/local-procedure.yaml", "--inputs-file",
                      s.dir + "/inputs.yaml", "-i", "out=" + s.out});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err,
                 "inputs.yaml:1:4: error: YAML anchors ('&name') are not allowed in an "
                 "inputs file"));
  CHECK(fs::is_empty(s.out));
}

TEST_CASE("memory is linear in the size of a template") {
  Sandbox s;
  fs::create_directories(s.dir);
  // 9,000 interpolations in one quoted (so per-byte located) string: 3 GB before the fix.
  std::string text =
      "runbook: 1\nname: big\nsteps:\n  - log: \"" + repeat("${{ 1 }}", 9000) + "\"\n";
  write_file(s.dir + "/big.yaml", text);
  auto r = s.runbook({"run", s.dir + "/big.yaml"});
  INFO(r.err << " peak RSS " << r.max_rss_kb << " KiB");
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, repeat("1", 9000)));
  CHECK(r.max_rss_kb < 100 * 1024);

  // Past the limit: a located error, not a slow death.
  write_file(s.dir + "/bigger.yaml",
             "runbook: 1\nname: big\nsteps:\n  - log: \"" + repeat("${{ 1 }}", 10001) + "\"\n");
  r = s.runbook({"validate", s.dir + "/bigger.yaml"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err,
                 "bigger.yaml:4:80011: error: more than 10000 '${{ }}' interpolations in one "
                 "string"));
}

TEST_CASE("a FIFO is refused wherever a file is read: runbook, include, inputs file") {
  Sandbox s;
  fs::create_directories(s.dir);
  const std::string fifo = s.dir + "/fifo.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  write_file(s.dir + "/includes.yaml", "runbook: 1\nname: inc\nsteps:\n  - include: fifo.yaml\n");
  auto options = s.options();
  options.timeout_seconds = 10;  // blocked forever before the fix: killed, and failed

  auto r = run_runbook({"validate", fifo}, options);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "cannot read '" + fifo +
                            "': it is a FIFO (named pipe), not a regular "
                            "file"));

  for (const char* command : {"validate", "run"}) {
    r = run_runbook({command, s.dir + "/includes.yaml"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "includes.yaml:4:14: error: cannot read '" + fifo + "': it is a FIFO"));
  }

  r = run_runbook(
      {"run", "tests/runbooks/local-procedure.yaml", "--inputs-file", fifo, "-i", "out=" + s.out},
      options);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "cannot read inputs file '" + fifo + "': it is a FIFO"));

  r = run_runbook({"validate", "/dev/zero"}, options);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "it is a character device, not a regular file"));
}
