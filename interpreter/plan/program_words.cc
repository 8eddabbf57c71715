#include "plan/program_words.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

namespace rb::plan {
namespace {

constexpr std::array<std::string_view, 58> kShellWords = {
    "!",      "[",        "[[",     "]]",     "{",       "}",        "alias",   "bg",
    "break",  "builtin",  "case",   "cd",     "command", "continue", "declare", "do",
    "done",   "echo",     "elif",   "else",   "esac",    "eval",     "exec",    "exit",
    "export", "false",    "fg",     "fi",     "for",     "function", "getopts", "hash",
    "if",     "in",       "jobs",   "kill",   "let",     "local",    "printf",  "pwd",
    "read",   "readonly", "return", "select", "set",     "shift",    "source",  "test",
    "then",   "time",     "trap",   "true",   "type",    "ulimit",   "umask",   "unset",
    "until",  "while"};

// Words after which the next word starts the command: `if cmd`, `then cmd`, `! cmd`.
bool leads_command(std::string_view w) {
  static const std::unordered_set<std::string_view> kWords = {
      "!",     "if",   "then", "else", "elif",    "do",     "while",
      "until", "time", "{",    "exec", "command", "builtin"};
  return kWords.count(w) != 0;
}

// Looked up once per command of a plan: a hash, not 58 comparisons.
bool is_shell_word(std::string_view w) {
  static const std::unordered_set<std::string_view> kWords(kShellWords.begin(), kShellWords.end());
  return w == ":" || w == "." || kWords.count(w) != 0;
}

bool plain_program(std::string_view w) {
  if (w.empty()) return false;
  for (char c : w) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == '/' || c == '+';
    if (!ok) return false;
  }
  return w.front() != '-';
}

// The first word of each simple command, line by line.
void shell_programs(std::string_view script, std::vector<std::string>& out) {
  std::string heredoc_end;  // inside a here-document until this line
  bool continued = false;   // the previous line ended with a backslash
  size_t pos = 0;
  while (pos <= script.size()) {
    size_t nl = script.find('\n', pos);
    std::string_view line =
        script.substr(pos, nl == std::string_view::npos ? script.npos : nl - pos);
    pos = nl == std::string_view::npos ? script.size() + 1 : nl + 1;
    if (!heredoc_end.empty()) {
      std::string_view trimmed = line;
      while (!trimmed.empty() && trimmed.front() == '\t') trimmed.remove_prefix(1);
      if (trimmed == heredoc_end) heredoc_end.clear();
      continue;
    }
    const bool starts_command = !continued;
    continued = !line.empty() && line.back() == '\\';
    if (size_t h = line.find("<<"); h != std::string_view::npos) {
      size_t k = h + 2;
      if (k < line.size() && line[k] == '-') ++k;
      while (k < line.size() && (line[k] == ' ' || line[k] == '\'' || line[k] == '"')) ++k;
      size_t end = k;
      while (end < line.size() &&
             (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')) {
        ++end;
      }
      if (end > k) heredoc_end.assign(line.data() + k, end - k);
    }
    // Split the line into simple commands at ; | && || (outside quotes, roughly: a quote stops
    // the scan of this line, since what follows may be inside it).
    size_t i = 0;
    bool at_command = starts_command;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i >= line.size() || line[i] == '#') break;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != ';' &&
             line[j] != '|' && line[j] != '&') {
        ++j;
      }
      std::string_view word = line.substr(i, j - i);
      if (at_command && !word.empty()) {
        const bool assignment = word.find('=') != std::string_view::npos;
        if (assignment || leads_command(word)) {
          // `if cmd`, `then cmd`, `X=1 cmd`: the next word starts the command.
        } else if (is_shell_word(word)) {
          at_command = false;  // a builtin: its arguments are not programs
        } else {
          if (plain_program(word)) out.emplace_back(word);
          at_command = false;
        }
      }
      if (word.find_first_of("'\"`$(") != std::string_view::npos) break;
      i = j;
      while (i < line.size() && (line[i] == ';' || line[i] == '|' || line[i] == '&')) {
        at_command = true;
        ++i;
      }
    }
  }
}

}  // namespace

std::vector<std::string> command_programs(const model::Command& command,
                                          const command::RenderedCommand& rendered) {
  std::vector<std::string> out;
  if (std::holds_alternative<model::ExecCommand>(command)) {
    if (!rendered.argv.empty() && plain_program(rendered.argv[0])) out.push_back(rendered.argv[0]);
  } else {
    shell_programs(rendered.display, out);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool program_on_path(const std::string& program, const std::vector<std::string>& env) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  std::string path = "/usr/bin:/bin";
  for (const std::string& kv : env) {
    if (kv.rfind("PATH=", 0) == 0) path = kv.substr(5);
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? path.npos : colon - start);
    if (dir.empty()) dir = ".";
    if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return false;
}

std::string located(const expr::EvalError& e) {
  std::string where = e.location().str();
  return where.empty() ? e.message() : where + ": " + e.message();
}

std::optional<command::RenderedCommand> render_for_plan(const model::Command& command,
                                                        const expr::Scope& scope,
                                                        std::string* failure) {
  try {
    return command::render_command(command, scope);
  } catch (const expr::EvalError& err) {
    *failure = located(err) + ": the run fails here";
  } catch (const std::runtime_error& err) {
    *failure = std::string(err.what()) + ": the run fails here";
  }
  return std::nullopt;
}

bool ProgramLookup::on_path(const std::string& program, const std::vector<std::string>& env) {
  std::string_view path;  // the last PATH= wins, as in program_on_path
  for (const std::string& kv : env) {
    if (kv.size() >= 5 && kv.compare(0, 5, "PATH=") == 0) path = kv;
  }
  auto it = seen_.find(program);
  if (it == seen_.end()) it = seen_.emplace(program, decltype(seen_)::mapped_type{}).first;
  for (const auto& [seen, found] : it->second) {
    if (seen == path) return found;
  }
  const bool found = program_on_path(program, env);
  it->second.emplace_back(path, found);
  return found;
}

void command_warnings(const model::Command& command, const command::RenderedCommand& rendered,
                      bool check_programs, const std::vector<std::string>& env,
                      ProgramLookup& programs, std::vector<std::string>& out) {
  auto raw_warnings = [&](const expr::Template& t) {
    for (const expr::TemplatePart& part : t.parts()) {
      if (part.expr && part.expr->calls_raw()) {
        out.push_back("${{ " + part.expr->text() +
                      " }} uses raw(): inserted unquoted, so check it cannot inject code");
      }
    }
  };
  if (const auto* sh = std::get_if<model::ShellCommand>(&command)) {
    raw_warnings(sh->script);
  } else {
    for (const expr::Template& t : std::get<model::ExecCommand>(command).argv) raw_warnings(t);
  }
  if (!check_programs) return;
  for (const std::string& program : command_programs(command, rendered)) {
    if (!programs.on_path(program, env)) out.push_back("'" + program + "' is not on PATH here");
  }
}

}  // namespace rb::plan
