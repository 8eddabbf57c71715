// `runbook validate` on the golden corpus: every file under tests/validate/bad/ is refused with
// exactly the diagnostics in its .expected file (exit 2); every runbook under runbooks/,
// examples/ and tests/validate/good/ is accepted (exit 0).
// Set UPDATE_GOLDEN=1 to rewrite the .expected files from the current output (then review them).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cli_process.h"

namespace fs = std::filesystem;
using rb::e2e::read_file;
using rb::e2e::run_runbook;

namespace {

rb::e2e::CliOptions plain() {
  rb::e2e::CliOptions o;
  o.extra_env = {"NO_COLOR=1"};
  o.timeout_seconds = 20;
  return o;
}

std::vector<std::string> yaml_files(const std::string& dir, bool recursive) {
  std::vector<std::string> out;
  fs::path root = fs::path(RUNBOOK_SOURCE_DIR) / dir;
  if (!fs::exists(root)) return out;
  auto add = [&](const fs::path& p) {
    if (p.extension() == ".yaml" || p.extension() == ".yml") {
      out.push_back(fs::relative(p, RUNBOOK_SOURCE_DIR).string());
    }
  };
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(root)) add(e.path());
  } else {
    for (const auto& e : fs::directory_iterator(root)) add(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("validate refuses each broken runbook with the exact diagnostics") {
  std::vector<std::string> files = yaml_files("tests/validate/bad", false);
  REQUIRE(files.size() >= 40);
  const bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
  for (const std::string& file : files) {
    DYNAMIC_SECTION(file) {
      auto r = run_runbook({"validate", file}, plain());
      std::string expected_path =
          (fs::path(RUNBOOK_SOURCE_DIR) / file).replace_extension(".expected").string();
      if (update) rb::e2e::write_file(expected_path, r.err);
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      CHECK(r.err == read_file(expected_path));
    }
  }
}

TEST_CASE("validate accepts every real runbook and example") {
  std::vector<std::string> files;
  for (const char* dir :
       {"runbooks", "examples", "tests/validate/good", "tests/runbooks", "tests/schema/good"}) {
    auto more = yaml_files(dir, true);
    files.insert(files.end(), more.begin(), more.end());
  }
  // Runbooks that are included by others, or that are test fixtures meant to fail at run time,
  // are still valid runbooks; files that are not runbooks live outside these folders (but for
  // the GitHub Actions workflow in examples/github-actions/ and the test files NAME.test.yaml
  // next to the runbooks, which `runbook test` and tests/schema/check_schema.py check).
  auto ends_with = [](const std::string& f, const std::string& tail) {
    return f.size() >= tail.size() && f.compare(f.size() - tail.size(), tail.size(), tail) == 0;
  };
  files.erase(std::remove_if(files.begin(), files.end(),
                             [&](const std::string& f) {
                               return f.rfind("examples/github-actions/", 0) == 0 ||
                                      ends_with(f, ".test.yaml") || ends_with(f, ".test.yml");
                             }),
              files.end());
  REQUIRE_FALSE(files.empty());
  for (const std::string& file : files) {
    DYNAMIC_SECTION(file) {
      auto r = run_runbook({"validate", file}, plain());
      INFO(r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.err.find("error:") == std::string::npos);
    }
  }
}

TEST_CASE("validate reports every error of a file, not just the first") {
  auto r = run_runbook({"validate", "tests/validate/bad/many-errors.yaml"}, plain());
  CHECK(r.exit_code == 2);
  size_t count = 0;
  for (size_t at = r.err.find(": error: "); at != std::string::npos;
       at = r.err.find(": error: ", at + 1)) {
    ++count;
  }
  CHECK(count >= 4);
}

TEST_CASE("validate of a missing file says so and exits 2") {
  auto r = run_runbook({"validate", "no/such/file.yaml"}, plain());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no/such/file.yaml: error: cannot read 'no/such/file.yaml'") == 0);
}

TEST_CASE("validate without files is a usage error") {
  auto r = run_runbook({"validate"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("an unknown command is a usage error") {
  auto r = run_runbook({"frobnicate"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("diagnostics are coloured only on request of a terminal, never with NO_COLOR") {
  auto r = run_runbook({"validate", "tests/validate/bad/many-errors.yaml"}, plain());
  CHECK(r.err.find('\033') == std::string::npos);
}

TEST_CASE("validate refuses every runbook the JSON Schema refuses") {
  // tests/schema/bad holds structural mistakes the schema catches; the loader must agree.
  std::vector<std::string> files = yaml_files("tests/schema/bad", false);
  REQUIRE(files.size() >= 20);
  for (const std::string& file : files) {
    DYNAMIC_SECTION(file) {
      auto r = run_runbook({"validate", file}, plain());
      CHECK(r.exit_code == 2);
      CHECK(r.err.find(": error: ") != std::string::npos);
    }
  }
}
