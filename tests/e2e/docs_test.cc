// The documentation stays true: every runbook shown in docs/ (a ```yaml block holding the line
// `runbook: 1`) validates, every flag of every command is in docs/cli.md, and nothing a user
// reads links outside the project.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "cli_process.h"

namespace fs = std::filesystem;
using rb::e2e::read_file;
using rb::e2e::run_runbook;

namespace {

struct Block {
  std::string file;
  int line = 0;  // where the block starts
  std::string text;
};

std::vector<std::string> user_pages() {
  std::vector<std::string> pages = {"README.md", "examples/README.md"};
  for (const auto& e : fs::directory_iterator(fs::path(RUNBOOK_SOURCE_DIR) / "docs")) {
    if (e.path().extension() == ".md") {
      pages.push_back(fs::relative(e.path(), RUNBOOK_SOURCE_DIR).string());
    }
  }
  std::sort(pages.begin(), pages.end());
  return pages;
}

std::vector<Block> yaml_blocks(const std::string& page) {
  std::vector<Block> out;
  std::istringstream in(read_file(std::string(RUNBOOK_SOURCE_DIR) + "/" + page));
  std::string line;
  int number = 0;
  bool in_yaml = false, in_other = false;
  while (std::getline(in, line)) {
    ++number;
    std::string trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    if (!in_yaml && !in_other && trimmed.rfind("```", 0) == 0) {
      if (trimmed == "```yaml") {
        in_yaml = true;
        out.push_back(Block{page, number, ""});
      } else {
        in_other = true;
      }
      continue;
    }
    if ((in_yaml || in_other) && trimmed == "```") {
      in_yaml = in_other = false;
      continue;
    }
    if (in_yaml) out.back().text += line + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("every runbook shown in the docs validates") {
  const std::string dir = rb::e2e::make_temp_dir();
  size_t runbooks = 0;
  for (const std::string& page : user_pages()) {
    for (const Block& b : yaml_blocks(page)) {
      if (b.text.find("\nrunbook: 1\n") == std::string::npos &&
          b.text.rfind("runbook: 1\n", 0) != 0) {
        continue;  // a fragment (a step, a mock) or a test file
      }
      ++runbooks;
      const std::string path =
          dir + "/" + fs::path(page).stem().string() + "-line-" + std::to_string(b.line) + ".yaml";
      rb::e2e::write_file(path, b.text);
      DYNAMIC_SECTION(page << ":" << b.line) {
        rb::e2e::CliOptions o;
        o.extra_env = {"NO_COLOR=1"};
        auto r = run_runbook({"validate", path}, o);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());  // no warnings either
      }
    }
  }
  CHECK(runbooks >= 8);
  fs::remove_all(dir);
}

TEST_CASE("a runbook the docs show from the repository is that file, as it is") {
  // A block whose first line is "# examples/...: ..." shows that file whole.
  size_t shown = 0;
  for (const std::string& page : user_pages()) {
    for (const Block& b : yaml_blocks(page)) {
      if (b.text.rfind("# examples/", 0) != 0) continue;
      const std::string path = b.text.substr(2, b.text.find(':') - 2);
      DYNAMIC_SECTION(page << ":" << b.line << " shows " << path) {
        CHECK(b.text == read_file(std::string(RUNBOOK_SOURCE_DIR) + "/" + path));
      }
      ++shown;
    }
  }
  CHECK(shown >= 2);  // the tutorial's runbook and its test file
}

TEST_CASE("docs/cli.md names every command and every flag the CLI takes") {
  const std::string cli = read_file(std::string(RUNBOOK_SOURCE_DIR) + "/docs/cli.md");
  const std::vector<std::string> commands = {"validate", "plan",   "graph",   "run",
                                             "resume",   "status", "history", "test"};
  // The option lines of CLI11's help: "  -i,--input TEXT ...  An input value".
  const std::regex option_line(R"(^  (-[a-zA-Z])?,?(--[a-z][a-z-]*)?\s)");
  std::vector<std::string> missing;
  auto check_help = [&](const std::string& command, const std::string& help) {
    const std::string heading = command.empty() ? "## `runbook`" : "## `runbook " + command + "`";
    const size_t at = cli.find(heading + "\n");
    const size_t stop = at == std::string::npos ? at : cli.find("\n## ", at + 1);
    const std::string section = at == std::string::npos ? "" : cli.substr(at, stop - at);
    if (section.empty()) missing.push_back(heading + " (no such section)");
    std::istringstream lines(help);
    std::string line;
    while (std::getline(lines, line)) {
      std::smatch m;
      if (!std::regex_search(line, m, option_line)) continue;
      for (int g = 1; g <= 2; ++g) {
        const std::string f = m[g];
        if (f.empty() || f == "--help" || f == "-h") continue;
        if (section.find("`" + f) == std::string::npos) {
          missing.push_back((command.empty() ? "runbook" : command) + " " + f);
        }
      }
    }
  };
  check_help("", run_runbook({"--help"}).out);
  for (const std::string& c : commands) {
    auto r = run_runbook({c, "--help"});
    REQUIRE(r.exit_code == 0);
    check_help(c, r.out);
  }
  std::string all;
  for (const std::string& m : missing) all += m + "\n";
  INFO("flags in --help not documented in their section of docs/cli.md:\n" << all);
  CHECK(missing.empty());
}

TEST_CASE("nothing a user reads links outside the project") {
  std::vector<std::string> pages = user_pages();
  pages.push_back(".pre-commit-hooks.yaml");
  const std::regex link(R"(\]\(([^)#\s]+))");
  for (const std::string& page : pages) {
    const std::string text = read_file(std::string(RUNBOOK_SOURCE_DIR) + "/" + page);
    DYNAMIC_SECTION(page) {
      CHECK(text.find("../shared") == std::string::npos);
      CHECK(text.find("/work/") == std::string::npos);
      // every relative link names a file of the project
      for (std::sregex_iterator it(text.begin(), text.end(), link), end; it != end; ++it) {
        const std::string target = (*it)[1];
        if (target.find("://") != std::string::npos) continue;
        const fs::path resolved =
            (fs::path(RUNBOOK_SOURCE_DIR) / fs::path(page).parent_path() / target)
                .lexically_normal();
        INFO(page << " links to " << target);
        CHECK(fs::exists(resolved));
        CHECK(resolved.string().rfind(fs::path(RUNBOOK_SOURCE_DIR).lexically_normal().string(),
                                      0) == 0);
      }
    }
  }
}
