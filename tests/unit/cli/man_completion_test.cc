// Man pages and shell completion are read from the CLI's own definitions: every command gets a
// page with each of its options, and completion offers commands, flags, choices, run ids and
// the inputs of the runbook on the command line.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli/commands.h"
#include "cli/completion.h"
#include "cli/man_page.h"

using namespace rb;

namespace {

struct App {
  CLI::App app{"runbook: validate, review, run, record and test operations runbooks", "runbook"};
  int exit_code = 0;
  App() {
    cli::add_validate_command(app, &exit_code);
    cli::add_plan_command(app, &exit_code);
    cli::add_graph_command(app, &exit_code);
    cli::add_run_command(app, &exit_code);
    cli::add_resume_command(app, &exit_code);
    cli::add_status_command(app, &exit_code);
    cli::add_history_command(app, &exit_code);
    cli::add_test_command(app, &exit_code);
  }
};

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("a man page per command, with every option and the exit status, as roff") {
  App a;
  const std::string top = cli::man_page(a.app, nullptr, "1.2.3");
  CHECK(top.find(".TH RUNBOOK 1 \"\" \"runbook 1.2.3\"") != std::string::npos);
  CHECK(top.find("\\fBrunbook\\-status\\fR(1)") != std::string::npos);
  CHECK(top.find(".SH EXIT STATUS") != std::string::npos);
  CHECK(top.find("\\fB130\\fR") != std::string::npos);
  for (const CLI::App* c : cli::visible_commands(a.app)) {
    const std::string page = cli::man_page(a.app, c, "1.2.3");
    INFO(c->get_name());
    CHECK(page.find(".SH OPTIONS") != std::string::npos);
    for (const CLI::Option* o : c->get_options()) {
      if (!o->nonpositional()) continue;
      for (const std::string& l : o->get_lnames()) {
        std::string escaped;
        for (char ch : l) escaped += ch == '-' ? std::string("\\-") : std::string(1, ch);
        CHECK(page.find("\\fB\\-\\-" + escaped + "\\fR") != std::string::npos);
      }
      // The option's own help text, as --help prints it (hyphens escaped for roff).
      std::string d = o->get_description();
      CHECK(page.find(d.substr(0, std::min<size_t>(d.find('-'), 20))) != std::string::npos);
    }
    // No line starts with a roff control character that is not ours.
    CHECK(page.find("\n'") == std::string::npos);
  }
  const CLI::App* run = a.app.get_subcommand("run");
  const std::string page = cli::man_page(a.app, run, "1.2.3");
  CHECK(page.find(".SH NAME\nrunbook\\-run \\- ") != std::string::npos);
  CHECK(page.find("\\fB\\-i\\fR, \\fB\\-\\-input\\fR \\fITEXT\\fR ...") != std::string::npos);
  CHECK(page.find("\\fB\\-\\-yes\\fR\n") != std::string::npos);  // a flag: no value
  CHECK(page.find(".SH SYNOPSIS\n\\fBrunbook run\\fR \\fIFILE\\fR [") != std::string::npos);
}

TEST_CASE("completion: commands, flags, choices") {
  App a;
  auto c = cli::complete(a.app, {"re"});
  CHECK(c == std::vector<std::string>{"resume"});
  c = cli::complete(a.app, {""});
  CHECK(c.size() == 8);
  CHECK(has(c, "history"));
  c = cli::complete(a.app, {"status", "--f"});
  CHECK(c == std::vector<std::string>{"--format"});
  c = cli::complete(a.app, {"status", "--format", ""});
  CHECK(has(c, "html"));
  CHECK(has(c, "junit"));
  c = cli::complete(a.app, {"run", "-"});
  CHECK(has(c, "--yes"));
  CHECK(has(c, "-i"));
  CHECK(has(c, "--inputs-file"));
  c = cli::complete(a.app, {"run", ""});
  CHECK(c == std::vector<std::string>{":yaml"});
  c = cli::complete(a.app, {"run", "x.yaml", "--state-dir", ""});
  CHECK(c == std::vector<std::string>{":dirs"});
}

TEST_CASE("completion: -i NAME= from the runbook on the line, run ids from the state folder") {
  App a;
  const std::string dir =
      std::filesystem::temp_directory_path() / ("rb-complete-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/state/runs/20261123-212500000-abcd");
  std::filesystem::create_directories(dir + "/state/runs/20261124-080000000-beef");
  for (const char* id : {"20261123-212500000-abcd", "20261124-080000000-beef"}) {
    std::ofstream(dir + "/state/runs/" + id + "/journal.jsonl") << "";
  }
  std::ofstream(dir + "/rb.yaml") << "runbook: 1\nname: x\ninputs:\n  reset: { type: boolean, "
                                     "default: false }\n  revision: { type: integer, default: 1 "
                                     "}\n  app: { type: string, default: a }\nsteps:\n  - run: "
                                     "echo\n";
  auto c = cli::complete(a.app, {"run", dir + "/rb.yaml", "-i", "re"});
  CHECK(c == std::vector<std::string>{":nospace", "reset=", "revision="});
  c = cli::complete(a.app, {"plan", "--input", ""});  // no runbook on the line yet
  CHECK(c == std::vector<std::string>{":nospace"});
  c = cli::complete(a.app, {"status", "--state-dir", dir + "/state", ""});
  CHECK(c == std::vector<std::string>{"20261124-080000000-beef", "20261123-212500000-abcd"});
  c = cli::complete(a.app, {"resume", "--state-dir", dir + "/state", "202611"});
  CHECK(c.size() == 2);
  c = cli::complete(a.app,
                    {"status", "--state-dir", dir + "/state", "20261123-212500000-abcd", ""});
  CHECK(c.empty());
  std::filesystem::remove_all(dir);
}
