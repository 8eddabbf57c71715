// runbook test FILE|DIR... [--junit FILE] [--coverage] [--min-coverage PERCENT]
// Runs the scenarios of test files (NAME.test.yaml) against the real engine with every command
// mocked and time simulated: nothing is executed. One line per scenario, each failure with its
// place in the test file, then `N passed, N failed`. Exit 0 when all pass, 1 when any fails, 2
// when a test file (or the runbook it tests) is invalid.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/console_style.h"
#include "cli/load_and_check.h"
#include "cli/run_report.h"
#include "load/test_loader.h"
#include "testing/coverage.h"
#include "testing/scenario_runner.h"
#include "testing/test_file_check.h"

namespace rb::cli {
namespace {

namespace fs = std::filesystem;

struct TestOptions {
  std::vector<std::string> paths;
  std::string junit;
  bool coverage = false;
  double min_coverage = -1;
};

bool is_test_file(const fs::path& p) {
  const std::string name = p.filename().string();
  auto ends = [&](const std::string& suffix) {
    return name.size() > suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".test.yaml") || ends(".test.yml");
}

// The test files named, directories searched recursively (sorted, so runs are repeatable).
std::vector<std::string> find_test_files(const std::vector<std::string>& paths, bool* ok) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (auto it =
             fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && is_test_file(it->path())) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    if (found.empty()) {
      std::fprintf(stderr,
                   "%s: error: no test files here\n  hint: test files are named NAME.test.yaml; "
                   "they are searched for in every folder below\n",
                   p.c_str());
      *ok = false;
    }
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

struct FileResult {
  std::string path;
  std::string runbook;  // its name, for JUnit classnames
  bool invalid = false;
  std::string invalid_text;  // the diagnostics, for JUnit
  std::vector<testing::ScenarioReport> scenarios;
  double seconds = 0;
};

std::string indent(const std::string& text, const std::string& by) {
  std::string out = by;
  for (char c : text) {
    out += c;
    if (c == '\n') out += by;
  }
  return out;
}

std::string failure_text(const testing::Failure& f) {
  std::string where = f.where.str();
  return (where.empty() ? "" : where + ": ") + f.message;
}

std::string junit_xml(const std::vector<FileResult>& files) {
  size_t tests = 0, failures = 0, errors = 0;
  double seconds = 0;
  for (const FileResult& f : files) {
    tests += f.invalid ? 1 : f.scenarios.size();
    errors += f.invalid ? 1 : 0;
    for (const auto& s : f.scenarios) failures += s.passed() ? 0 : 1;
    seconds += f.seconds;
  }
  auto secs = [](double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return std::string(buf);
  };
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"runbook test\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" time=\"" +
         secs(seconds) + "\">\n";
  for (const FileResult& f : files) {
    size_t ff = 0;
    for (const auto& s : f.scenarios) ff += s.passed() ? 0 : 1;
    out += "  <testsuite name=\"" + xml_escape(f.path) + "\" tests=\"" +
           std::to_string(f.invalid ? 1 : f.scenarios.size()) + "\" failures=\"" +
           std::to_string(ff) + "\" errors=\"" + (f.invalid ? "1" : "0") + "\" time=\"" +
           secs(f.seconds) + "\">\n";
    if (f.invalid) {
      out += "    <testcase classname=\"" + xml_escape(f.runbook) + "\" name=\"" +
             xml_escape(f.path) + "\" file=\"" + xml_escape(f.path) + "\">\n";
      out += "      <error message=\"invalid test file\">" + xml_escape(f.invalid_text) +
             "</error>\n    </testcase>\n";
    }
    for (const testing::ScenarioReport& s : f.scenarios) {
      out += "    <testcase classname=\"" + xml_escape(f.runbook) + "\" name=\"" +
             xml_escape(s.name) + "\" file=\"" + xml_escape(f.path) + "\" line=\"" +
             std::to_string(s.location.line) + "\" time=\"" +
             secs(static_cast<double>(s.simulated.count()) / 1000.0) + "\"";
      if (s.passed()) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      std::string body;
      for (const testing::Failure& fl : s.failures) body += failure_text(fl) + "\n";
      std::string first =
          s.failures.front().message.substr(0, s.failures.front().message.find('\n'));
      out += "      <failure message=\"" + xml_escape(first) + "\">" + xml_escape(body) +
             "</failure>\n    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

int run_tests(const TestOptions& o) {
  bool found_ok = true;
  const std::vector<std::string> files = find_test_files(o.paths, &found_ok);
  const bool color = use_color(stdout);
  const char* green = color ? "\x1b[32m" : "";
  const char* red = color ? "\x1b[31m" : "";
  const char* reset = color ? "\x1b[0m" : "";

  std::vector<FileResult> results;
  // Coverage per runbook, in the order the runbooks are first tested.
  std::vector<std::string> covered_order;
  std::map<std::string, std::unique_ptr<testing::Coverage>> coverage;
  std::vector<std::shared_ptr<const model::TestFile>> keep;  // locations point into them
  // One coverage per runbook file, however the test files spell its path; an included runbook's
  // steps count for its own coverage, whichever runbook includes it.
  std::function<testing::Coverage*(std::shared_ptr<const model::Runbook>, const std::string&)>
      coverage_of = [&](std::shared_ptr<const model::Runbook> rb, const std::string& path) {
        std::error_code ec;
        std::string key = fs::weakly_canonical(path, ec).string();
        if (ec) key = path;
        auto& slot = coverage[key];
        if (slot) return slot.get();
        slot = std::make_unique<testing::Coverage>(rb);
        covered_order.push_back(key);
        testing::Coverage* made = slot.get();
        for (const auto& [step, inc] : made->include_steps()) {
          if (inc->runbook) made->include(step, coverage_of(inc->runbook, inc->resolved_path));
        }
        return made;
      };
  size_t passed = 0, failed = 0, invalid = 0;

  for (const std::string& file : files) {
    const auto wall_start = std::chrono::steady_clock::now();
    FileResult fr;
    fr.path = file;
    CheckedTestFile t = load_and_check_test(file);
    if (!t.ok()) {
      print_test_file_problems(t);
      fr.invalid = true;
      fr.invalid_text = t.problem();
      ++invalid;
      results.push_back(std::move(fr));
      continue;
    }
    print_diagnostics(t.diagnostics);  // warnings
    const auto& tf = t.file;
    const CheckedRunbook& c = t.runbook;
    keep.push_back(tf);
    const model::Runbook& rb = *c.runbook;
    fr.runbook = rb.name.value;
    testing::Coverage* cov = nullptr;
    if (o.coverage || o.min_coverage >= 0) cov = coverage_of(c.runbook, tf->runbook_path);
    std::printf("%s (runbook %s)\n", file.c_str(), rb.name.value.c_str());
    for (const model::Scenario& sc : tf->scenarios) {
      testing::ScenarioReport r = testing::run_scenario(rb, *tf, sc, cov);
      const std::string stats = "(" + std::to_string(r.commands) + " command" +
                                (r.commands == 1 ? "" : "s") + ", " + format_elapsed(r.simulated) +
                                " simulated)";
      if (r.passed()) {
        ++passed;
        std::printf("  %sok%s      %s %s\n", green, reset, r.name.c_str(), stats.c_str());
      } else {
        ++failed;
        std::printf("  %sFAILED%s  %s %s\n", red, reset, r.name.c_str(), stats.c_str());
        for (const testing::Failure& f : r.failures) {
          std::printf("%s\n", indent(failure_text(f), "          ").c_str());
        }
      }
      fr.scenarios.push_back(std::move(r));
    }
    fr.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    results.push_back(std::move(fr));
  }

  bool coverage_low = false;
  for (const std::string& path : covered_order) {
    const testing::Coverage& cov = *coverage[path];
    if (o.coverage) std::printf("%s", testing::coverage_report(cov).c_str());
    const double percent = cov.total() == 0 ? 100.0
                                            : 100.0 * static_cast<double>(cov.reached()) /
                                                  static_cast<double>(cov.total());
    if (o.min_coverage >= 0 && percent < o.min_coverage) {
      coverage_low = true;
      std::printf("coverage of %s is %.1f%%, below --min-coverage %.1f%%\n",
                  cov.runbook().path.c_str(), percent, o.min_coverage);
    }
  }
  if (invalid > 0) {
    std::printf("%zu invalid test file%s\n", invalid, invalid == 1 ? "" : "s");
  }
  std::printf("%zu passed, %zu failed\n", passed, failed);
  std::fflush(stdout);

  if (!o.junit.empty()) {
    std::ofstream out(o.junit, std::ios::binary | std::ios::trunc);
    out << junit_xml(results);
    if (!out) {
      std::fprintf(stderr, "error: cannot write the JUnit report '%s'\n", o.junit.c_str());
      return kExitUsage;
    }
  }
  if (invalid > 0 || !found_ok) return kExitUsage;
  return failed > 0 || coverage_low ? kExitFailed : kExitOk;
}

}  // namespace

void add_test_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<TestOptions>();
  CLI::App* cmd = app.add_subcommand(
      "test",
      "Run the scenarios of test files (NAME.test.yaml; folders are searched) against their "
      "runbooks with every command mocked and time simulated: nothing is executed. Exit 0 when "
      "all pass, 1 when any fails, 2 when a test file is invalid.");
  cmd->add_option("paths", o->paths, "Test files (NAME.test.yaml), or folders holding them")
      ->required()
      ->option_text("FILE|DIR...");
  cmd->footer(
      "Examples:\n"
      "  runbook test runbooks/\n"
      "  runbook test runbooks/mysql-k8s-rollback.test.yaml --coverage --junit report.xml");
  cmd->add_option("--junit", o->junit, "Also write the results as JUnit XML to this file");
  cmd->add_flag("--coverage", o->coverage,
                "List every step, guard outcome and handler no scenario reached, with a "
                "percentage per runbook");
  cmd->add_option("--min-coverage", o->min_coverage,
                  "Fail (exit 1) when a runbook's coverage of steps and guard outcomes is below "
                  "this percentage")
      ->check(CLI::Range(0.0, 100.0));
  cmd->callback([o, exit_code] { *exit_code = run_tests(*o); });
}

}  // namespace rb::cli
