#include "cli/usage_error.h"

#include <cctype>
#include <string_view>
#include <vector>

#include "base/spelling.h"

namespace rb::cli {
namespace {

// CLI11's message after its "...: " lead, e.g. the arguments of "The following argument was not
// expected: x y".
std::string after_colon(const std::string& what) {
  size_t at = what.find(": ");
  return at == std::string::npos ? what : what.substr(at + 2);
}

std::string first_word(const std::string& s) {
  size_t end = s.find(' ');
  return end == std::string::npos ? s : s.substr(0, end);
}

std::vector<std::string> option_names(const CLI::App& cmd) {
  std::vector<std::string> names;
  for (const CLI::Option* o : cmd.get_options()) {
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    for (const std::string& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

std::vector<std::string> command_list(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

std::string command_names(const CLI::App& app) {
  std::string out;
  for (const std::string& name : command_list(app)) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// "runbook: unknown command 'valdate'", with "did you mean" or the list of commands.
std::string unknown_command(const CLI::App& app, const std::string& word, std::string* hint) {
  *hint = did_you_mean(word, command_list(app));
  if (hint->empty()) *hint = "the commands are " + command_names(app);
  return "runbook: unknown command '" + word + "'";
}

// The sentence for `error` on `cmd` (the chosen command, or null for the top level).
std::string sentence(const CLI::App& app, const CLI::App* cmd, const CLI::ParseError& error,
                     const std::vector<std::string>& args, std::string* hint) {
  const std::string what = error.what();
  const std::string where = cmd ? "runbook " + cmd->get_name() : "runbook";
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    if (cmd == nullptr) {
      // CLI11 asks for a command even when one was given but misspelt ("runbook valdate").
      for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--color") {
          ++i;  // its value is not a command
          continue;
        }
        if (args[i].empty() || args[i][0] == '-') continue;
        return unknown_command(app, args[i], hint);
      }
      return "runbook: name a command: " + command_names(app);
    }
    // "file is required": name what is missing as the command's help describes it.
    const std::string name = what.substr(0, what.find(" is required"));
    const CLI::Option* option = cmd->get_option_no_throw(name);
    std::string missing = option != nullptr ? option->get_description() : name;
    if (!missing.empty()) missing[0] = static_cast<char>(std::tolower(missing[0]));
    return where + ": missing " + missing;
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    const std::string extra = first_word(after_colon(what));
    if (cmd == nullptr && !extra.empty() && extra[0] != '-') {
      return unknown_command(app, extra, hint);
    }
    if (!extra.empty() && extra[0] == '-') {
      const std::string bare = extra.substr(0, extra.find('='));
      *hint = did_you_mean(bare, option_names(cmd ? *cmd : app));
      return where + ": unknown option '" + bare + "'";
    }
    if (extra.find('=') != std::string::npos) {
      *hint = "inputs are given with -i: -i " + extra;
    }
    return where + ": unexpected argument '" + extra + "'";
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    // "Expected at least 1 arguments to --format, got 0", "--limit: 1 required INT missing"
    for (const CLI::Option* o : (cmd ? *cmd : app).get_options()) {
      const std::string name = o->get_name(false, true);
      for (const std::string& l : o->get_lnames()) {
        if (what.find("--" + l) != std::string::npos) return where + ": --" + l + " needs a value";
      }
      if (!name.empty() && what.find(name) != std::string::npos) {
        return where + ": " + name + " needs a value";
      }
    }
  }
  if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr ||
      dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
    // "--format: x not in {text,json}", "The value abc is not an allowed value for --limit",
    // "Could not convert: --limit = abc"; the option may be runbook's own (--color).
    std::string value;
    if (size_t at = what.find(": "), end = what.find(" not in {");
        at != std::string::npos && end != std::string::npos && end > at) {
      value = what.substr(at + 2, end - at - 2);
    } else if (size_t v = what.find("The value "), e2 = what.find(" is not an allowed value");
               v != std::string::npos && e2 != std::string::npos) {
      value = what.substr(v + 10, e2 - v - 10);
    } else if (size_t eq = what.find(" = "); eq != std::string::npos) {
      value = what.substr(eq + 3);
    }
    std::vector<const CLI::App*> scopes = {&app};
    if (cmd != nullptr) scopes.insert(scopes.begin(), cmd);
    for (const CLI::App* scope : scopes) {
      for (const CLI::Option* o : scope->get_options()) {
        for (const std::string& l : o->get_lnames()) {
          if (what.find("--" + l) == std::string::npos) continue;
          std::string description = o->get_description();
          if (!description.empty())
            description[0] = static_cast<char>(std::tolower(description[0]));
          *hint = "--" + l + ": " + description;
          return where + ": --" + l + " does not take " +
                 (value.empty() ? std::string("that value") : "'" + value + "'");
        }
      }
    }
  }
  std::string text = what;
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(text[0]));
  return where + ": " + text;
}

}  // namespace

std::string usage_error_message(const CLI::App& app, const CLI::ParseError& error,
                                const std::vector<std::string>& args) {
  std::vector<CLI::App*> chosen = app.get_subcommands();
  const CLI::App* cmd = chosen.empty() ? nullptr : chosen.back();
  std::string hint;
  std::string out = "error: " + sentence(app, cmd, error, args, &hint) + "\n";
  if (!hint.empty()) out += "  hint: " + hint + "\n";
  std::string footer = cmd ? cmd->get_footer() : app.get_footer();
  // The footer's first example line ("  runbook validate runbooks/").
  size_t at = footer.find("runbook ");
  if (at != std::string::npos) {
    std::string example = footer.substr(at, footer.find('\n', at) - at);
    out += "  e.g. " + example + "\n";
  }
  out += "  (" + std::string(cmd ? "runbook " + cmd->get_name() : "runbook") +
         " --help describes every option)\n";
  return out;
}

}  // namespace rb::cli
