// Runs rendered scripts through `bash -eo pipefail -c` and checks that hostile values come out
// as their literal text and run nothing.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "shell/script_quoting.h"
#include "template_pieces.h"

using namespace rb::shell;
using rb::shell::testing::template_pieces;
namespace fs = std::filesystem;

namespace {

struct BashResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> files_left;  // what the script created in its directory
};

// Runs `bash -eo pipefail -c script` in a fresh empty directory, stdin on /dev/null.
BashResult run_bash(const std::string& script) {
  BashResult result;
  std::string dir_template = (fs::temp_directory_path() / "rb-shell-test-XXXXXX").string();
  REQUIRE(mkdtemp(dir_template.data()) != nullptr);
  const std::string dir = dir_template;

  int out_pipe[2];
  int err_pipe[2];
  REQUIRE(pipe2(out_pipe, O_CLOEXEC) == 0);
  REQUIRE(pipe2(err_pipe, O_CLOEXEC) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_pipe[1], 1) < 0 ||
        dup2(err_pipe[1], 2) < 0 || chdir(dir.c_str()) != 0) {
      _exit(127);
    }
    const char* argv[] = {"bash", "-eo", "pipefail", "-c", script.c_str(), nullptr};
    execvp("bash", const_cast<char* const*>(argv));
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    int n = poll(fds, 2, 10000);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // a script that hangs for 10 s is a failure
      kill(pid, SIGKILL);
      FAIL("bash did not finish: " << script);
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      ssize_t got = read(fds[k].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open_fds;
      } else {
        sinks[k]->append(buf, static_cast<size_t>(got));
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  for (const auto& entry : fs::directory_iterator(dir)) {
    result.files_left.push_back(entry.path().filename().string());
  }
  fs::remove_all(dir);
  return result;
}

std::string strip_trailing_newlines(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

bool starts_line_with_tab(const std::string& v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\t' && (i == 0 || v[i - 1] == '\n')) return true;
  }
  return false;
}

const std::vector<std::string>& hostile_values() {
  static const std::vector<std::string> values = {
      "'",
      "\"",
      "$(touch PWNED)",
      "`touch PWNED`",
      "; touch PWNED",
      "\\",
      "\\n",
      "\ntouch PWNED",
      "a\ntouch PWNED\n",
      "$VAR",
      "${HOME}",
      "$'x'",
      "'\"'\"'",
      "*",
      "~",
      "~root",
      "!",
      "!!",
      "{a,b}",
      "[a]*?",
      " EOF",
      "EOF ",
      "\tEOF",
      "EOFX",
      "xEOF",
      "eof",
      "a\n EOF\nb",
      "'EOF'",
      "EOF\\",
      "E\\\nOF",
      "x\nE\\\nOF\ntouch PWNED",
      "h\xc3\xa9llo \xe2\x82\xac \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89",
      "\xff\xfe raw bytes",
      "",
      "trailing\\",
      "  spaces  in  it  ",
      "\ttabs\tin\tit\t",
      "\x01\x1b[31mred\x7f",
      "\r\ncrlf\r",
      "-n",
      "%s%d",
      "a'b\"c$d`e\\f",
      "'; touch PWNED; '",
      "\"; touch PWNED; \"",
      "'\"$(touch PWNED)\"'",
      "\\'; touch PWNED; #",
      "}; touch PWNED; {",
      "\")\"; touch PWNED; (\"",
      "'$(touch PWNED)'\n#",
      "$((1+1))",
      "a[$(touch PWNED)]",
      "<<EOF",
  };
  return values;
}

struct Case {
  const char* name;
  const char* tmpl;
  std::function<std::string(const std::string&)> expected;  // stdout for a value
  std::function<bool(const std::string&)> refused = [](const std::string&) { return false; };
};

std::string same(const std::string& v) {
  return v;
}
std::string with_newline(const std::string& v) {
  return v + "\n";
}

const std::vector<Case>& cases() {
  static const std::vector<Case> list = {
      {"bare", "printf %s ${{v}}", same},
      {"single", "printf %s '${{v}}'", same},
      {"double", "printf %s \"${{v}}\"", same},
      {"ansi-c", "printf %s $'${{v}}'", same},
      {"double with text around", "printf %s \"pre-${{v}}-post\"",
       [](const std::string& v) { return "pre-" + v + "-post"; }},
      {"bare with text around", "printf %s pre-${{v}}-post",
       [](const std::string& v) { return "pre-" + v + "-post"; }},
      {"twice in one word", "printf %s ${{v}}=\"${{v}}\"'${{v}}'",
       [](const std::string& v) { return v + "=" + v + v; }},
      {"$( ) in double quotes", "printf %s \"$(printf %s ${{v}})\"",
       [](const std::string& v) { return strip_trailing_newlines(v); }},
      {"quotes in $( ) in double quotes", "printf %s \"$(printf %s '${{v}}' \"${{v}}\")\"",
       [](const std::string& v) { return strip_trailing_newlines(v + v); }},
      {"${u:-word}", "printf %s ${u:-${{v}}}", same},
      {"\"${u:-word}\"", "printf %s \"${u:-<${{v}}>}\"",
       [](const std::string& v) { return "<" + v + ">"; }},
      {"\"${u:-word}\" in \"...\" in $( )", "printf %s \"$(printf %s \"${u:-${{v}}}\")\"",
       [](const std::string& v) { return strip_trailing_newlines(v); }},
      {"\"${x#pattern}\"", "x=${{v}}rest; printf %s \"${x#${{v}}}\"",
       [](const std::string&) { return std::string("rest"); }},
      {"\"${x%pattern}\"", "x=rest${{v}}; printf %s \"${x%${{v}}}\"",
       [](const std::string&) { return std::string("rest"); }},
      {"\"${x/b/replacement}\"", "x=ab; printf %s \"${x/b/${{v}}}\"",
       [](const std::string& v) { return "a" + v; }},
      {"${u:-word} in a here-document", "cat <<EOF\n${u:-${{v}}}\nEOF\n", with_newline},
      {"case in $( )", "printf %s \"$(case a in a) printf %s ${{v}};; esac)\"",
       [](const std::string& v) { return strip_trailing_newlines(v); }},
      {"after a comment", "# a comment: it's \"odd\n printf %s ${{v}}", same},
      {"here-document", "cat <<EOF\n${{v}}\nEOF", with_newline,
       [](const std::string& v) { return v == "EOF"; }},
      {"here-document with text", "cat <<EOF\n[${{v}}]\nEOF\n",
       [](const std::string& v) { return "[" + v + "]\n"; }},
      {"quoted here-document", "cat <<'EOF'\n${{v}}\nEOF\n", with_newline},
      {"double-quoted here-document", "cat <<\"EOF\"\n${{v}}\nEOF\n", with_newline},
      {"<<- here-document", "cat <<-EOF\n\t${{v}}\n\tEOF\n", with_newline, starts_line_with_tab},
      {"$( ) in a here-document", "cat <<EOF\n$(printf %s ${{v}})\nEOF\n",
       [](const std::string& v) { return strip_trailing_newlines(v) + "\n"; },
       [](const std::string& v) { return v.find("\\\n") != std::string::npos; }},
      {"here-document in $( )", "printf %s \"$(cat <<'EOF'\n${{v}}\nEOF\n)\"",
       [](const std::string& v) { return strip_trailing_newlines(v); }},
      {"here-string", "cat <<<${{v}}", with_newline},
  };
  return list;
}

}  // namespace

TEST_CASE("hostile values reach the command as their literal text and run nothing") {
  for (const Case& c : cases()) {
    for (const std::string& value : hostile_values()) {
      INFO("context: " << c.name << "\nvalue: [" << value << "]");
      RenderedScript r = render_script(template_pieces(c.tmpl, value));
      INFO("error: " << r.error << "\nscript:\n" << r.script);
      if (c.refused(value)) {
        CHECK_FALSE(r.ok);
        continue;
      }
      REQUIRE(r.ok);
      BashResult run = run_bash(r.script);
      INFO("stderr: " << run.err);
      CHECK(run.exit_code == 0);
      CHECK(run.out == c.expected(value));
      CHECK(run.files_left.empty());
    }
  }
}

TEST_CASE("a value in a comment cannot end the comment") {
  for (const std::string& value :
       {std::string("x\ntouch PWNED"), std::string("x\rtouch PWNED"),
        std::string("\n\ntouch PWNED\n"), std::string("'\n$(touch PWNED)")}) {
    INFO("value: [" << value << "]");
    RenderedScript r = render_script(template_pieces("# ${{v}}\nprintf ok", value));
    REQUIRE(r.ok);
    BashResult run = run_bash(r.script);
    CHECK(run.exit_code == 0);
    CHECK(run.out == "ok");
    CHECK(run.files_left.empty());
  }
}

TEST_CASE("an integer goes into arithmetic; anything else is refused before it runs") {
  RenderedScript ok = render_script(template_pieces("printf %s $(( ${{v}} + 1 ))", "41"));
  REQUIRE(ok.ok);
  CHECK(run_bash(ok.script).out == "42");
  for (const char* tmpl : {"printf %s $(( ${{v}} + 1 ))", "a=(1 2); printf %s \"${a[${{v}}]}\"",
                           "printf %s $(( \"${{v}}\" ))"}) {
    RenderedScript r = render_script(template_pieces(tmpl, "a[$(touch PWNED)]"));
    CHECK_FALSE(r.ok);
  }
}

TEST_CASE("the test runner can see an injection (the checks above can fail)") {
  // The same script with the value pasted in unquoted: the runner must notice.
  BashResult run = run_bash("printf %s '; touch PWNED; '");
  CHECK(run.out == "; touch PWNED; ");
  CHECK(run.files_left.empty());
  BashResult pasted = run_bash("printf %s $(touch PWNED)x");
  CHECK(pasted.out == "x");
  CHECK(pasted.files_left == std::vector<std::string>{"PWNED"});
}
