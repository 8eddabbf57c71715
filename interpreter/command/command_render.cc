#include "command/command_render.h"

#include <algorithm>
#include <stdexcept>

#include "expr/evaluate.h"
#include "shell/script_quoting.h"

namespace rb::command {
namespace {

// A command is never run with a hole in it: a value that is null (an input nobody gave, the
// output of a step that was skipped) is an error where it is written, not an empty word.
void refuse_hole(const expr::Expression& e, const expr::Value& v) {
  if (!v.is_null()) return;
  throw expr::EvalError(
      e.location(), "'" + e.text() + "' is null, so the command would have a hole where it goes",
      "give it a value, or write default(" + e.text() + ", '') if nothing is meant there");
}

expr::Value render_argument(const expr::Template& t, const expr::Scope& scope) {
  for (const expr::TemplatePart& p : t.parts()) {
    if (!p.expr) continue;
    expr::Value v = expr::evaluate(*p.expr, scope);
    refuse_hole(*p.expr, v);
    if (t.is_single_expression()) return v;
  }
  return expr::render_value(t, scope);
}

void finish_unknown(RenderedCommand& out) {
  std::sort(out.unknown.begin(), out.unknown.end());
  out.unknown.erase(std::unique(out.unknown.begin(), out.unknown.end()), out.unknown.end());
}

}  // namespace

std::string shell_display_word(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789@%+=:,./_-") == std::string::npos) {
    return word;
  }
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

RenderedCommand render_command(const model::Command& command, const expr::Scope& scope) {
  RenderedCommand out;
  if (const auto* exec = std::get_if<model::ExecCommand>(&command)) {
    for (const expr::Template& t : exec->argv) {
      expr::Value v = render_argument(t, scope);
      if (!out.display.empty()) out.display += ' ';
      if (v.is_unknown()) {
        out.argv.push_back(expr::render_preview(t, scope, &out.unknown));
        out.display += out.argv.back();
      } else {
        out.argv.push_back(v.to_text());
        out.display += shell_display_word(out.argv.back());
      }
    }
    finish_unknown(out);
    return out;
  }
  const auto& sh = std::get<model::ShellCommand>(command);
  std::vector<shell::ScriptPiece> pieces;
  for (const expr::TemplatePart& part : sh.script.parts()) {
    shell::ScriptPiece p;
    if (part.expr) {
      p.interpolated = true;
      p.raw = part.expr->is_raw();
      expr::Value v = expr::evaluate(*part.expr, scope);
      refuse_hole(*part.expr, v);
      if (v.is_unknown()) {
        // Shown as written, never quoted: this script is only ever displayed.
        p.raw = true;
        p.text = expr::unknown_placeholder(*part.expr);
        const auto& d = v.as_unknown().depends;
        out.unknown.insert(out.unknown.end(), d.begin(), d.end());
      } else {
        p.text = v.to_text();
      }
    } else {
      p.text = part.literal;
    }
    pieces.push_back(std::move(p));
  }
  shell::RenderedScript script = shell::render_script(pieces);
  if (!script.ok) {
    std::string where;
    size_t k = script.failed_piece;
    if (k < sh.script.parts().size() && sh.script.parts()[k].expr) {
      where = sh.script.parts()[k].expr->location().str() + ": ";
    }
    throw std::runtime_error(where + script.error);
  }
  if (sh.shell == "bash") {
    out.argv = {"bash", "-eo", "pipefail", "-c", script.script};
  } else if (sh.shell == "zsh") {
    out.argv = {"zsh", "-e", "-o", "pipefail", "-c", script.script};
  } else {
    out.argv = {sh.shell, "-e", "-c", script.script};
  }
  finish_unknown(out);
  out.display = script.script;
  while (!out.display.empty() && (out.display.back() == '\n' || out.display.back() == ' ')) {
    out.display.pop_back();
  }
  return out;
}

}  // namespace rb::command
