#include "check/checker.h"

#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "base/spelling.h"
#include "check/step_graph.h"
#include "check/step_order_check.h"
#include "expr/ast.h"
#include "expr/names.h"
#include "load/input_values.h"
#include "shell/script_quoting.h"

namespace rb::check {
namespace {

using expr::NameTree;

const char* const kStepFields[] = {"status", "exit_code", "stdout",   "stderr",
                                   "output", "outputs",   "attempts", "duration_ms"};

template <class Fn>
void for_each_step(const std::vector<model::Step>& steps, const Fn& fn) {
  for (const model::Step& s : steps) {
    fn(s);
    if (const auto* g = std::get_if<model::GroupAction>(&s.action)) for_each_step(g->steps, fn);
    for_each_step(s.on_failure, fn);
  }
}

template <class Fn>
void for_all_steps(const model::Runbook& rb, const Fn& fn) {
  for_each_step(rb.steps, fn);
  for_each_step(rb.on_failure, fn);
  for_each_step(rb.finally_steps, fn);
}

// Calls fn(e) for each expression of a template, in order.
template <class Fn>
void for_each_expression(const expr::Template& t, const Fn& fn) {
  for (const expr::TemplatePart& p : t.parts()) {
    if (p.expr) fn(p.expr);
  }
}

// The tree of names below steps.ID, for each step with an id: built when an expression first
// names the step (most steps are never read by another), not for every step up front.
class StepTrees : public expr::NameSource {
 public:
  explicit StepTrees(const NameTree& fields) : fields_(fields) {}

  // Adds a step with an id. Of two steps with one id, the last one's tree counts; returns where
  // the first one's id is when `s` is such a second one, else nullptr.
  const Location* add(const model::Step& s) {
    auto [it, fresh] = by_id_.try_emplace(s.id, Entry{&s, s.id_location, nullptr});
    if (fresh) return nullptr;
    it->second.step = &s;
    return &it->second.first_location;
  }
  void reserve(size_t n) { by_id_.reserve(n); }

  // Called from both halves of a list checked at once (CheckOptions::parallel_from): the tree
  // built on demand is built under a lock.
  const NameTree* find(std::string_view id) const override {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    if (!it->second.tree) it->second.tree = std::make_unique<NameTree>(build(*it->second.step));
    return it->second.tree.get();
  }

  void names(std::vector<std::string>& out) const override {
    for (const auto& [id, entry] : by_id_) out.emplace_back(id);
  }

 private:
  struct Entry {
    const model::Step* step;  // the last of the steps with this id
    Location first_location;  // the first one's id
    mutable std::unique_ptr<NameTree> tree;
  };

  // The step's fields (a layer over those every step has) and its outputs.
  NameTree build(const model::Step& s) const {
    NameTree fields = NameTree::layer_over(fields_);
    NameTree outputs;
    outputs.child_noun = "output";
    std::vector<const model::NamedExpr*> declared;
    for (const auto& o : s.outputs) declared.push_back(&o);
    // An include step also has the outputs its runbook declares.
    const auto* inc = std::get_if<model::IncludeAction>(&s.action);
    if (inc && inc->runbook) {
      for (const auto& o : inc->runbook->outputs) declared.push_back(&o);
    }
    if (declared.empty()) {
      outputs.hint = inc ? "'" + inc->path.value +
                               "' declares no outputs; add them under its top-level 'outputs:'"
                         : "step '" + s.id + "' declares no outputs; add them under its 'outputs:'";
    } else {
      outputs.hint = "step '" + s.id + "' declares:";
      for (const auto* o : declared) {
        outputs.add(o->name, NameTree::open_tree());
        outputs.hint += " " + o->name;
      }
    }
    fields.add("outputs", std::move(outputs));
    return fields;
  }

  const NameTree& fields_;
  std::unordered_map<std::string_view, Entry> by_id_;
  mutable std::mutex mu_;
};

class RunbookChecker {
 public:
  RunbookChecker(const model::Runbook& rb, Diagnostics& diags,
                 std::set<const model::Runbook*>& checked, const CheckOptions& options)
      : rb_(rb), diags_(diags), checked_(checked), options_(options), step_trees_(step_fields_) {}

  void run() {
    index_steps();
    build_trees();
    check_runbook_level();
    check_list(rb_.steps, steps_tree_);
    check_list(rb_.on_failure, steps_tree_);
    check_list(rb_.finally_steps, steps_tree_);
    for (const auto& o : rb_.outputs) check_expr(o.value, steps_tree_);
    check_step_order(rb_, diags_, &orders_);
  }

 private:
  // One pass over every step: duplicate ids (reported), the vars that set steps set, the steps'
  // name trees.
  void index_steps() {
    size_t count = 0;
    for_all_steps(rb_, [&](const model::Step&) { ++count; });
    step_trees_.reserve(count);
    for_all_steps(rb_, [&](const model::Step& s) {
      if (const auto* set = std::get_if<model::SetAction>(&s.action)) {
        for (const auto& v : set->values) set_vars_.push_back(&v.name);
      }
      if (s.id.empty()) return;
      if (const Location* first = step_trees_.add(s)) {
        Diagnostic& d = diags_.error(s.id_location, "duplicate step id '" + s.id + "'",
                                     "step ids must be unique in a runbook; rename one",
                                     static_cast<int>(s.id.size()));
        d.notes.push_back(Diagnostic{Severity::kNote,
                                     *first,
                                     static_cast<int>(s.id.size()),
                                     "'" + s.id + "' is first used here",
                                     "",
                                     {}});
      }
    });
  }

  void build_trees() {
    NameTree inputs;
    inputs.child_noun = "input";
    inputs.hint = "declare it under 'inputs:'";
    for (const auto& i : rb_.inputs) inputs.add(i.name, NameTree::open_tree());

    NameTree vars;
    vars.child_noun = "var";
    vars.hint = "define it under 'vars:' or with a 'set:' step";
    for (const auto& v : rb_.vars) vars.add(v.name, NameTree::open_tree());
    for (const std::string* name : set_vars_) vars.add(*name, NameTree::open_tree());

    NameTree steps;
    steps.child_noun = "step";
    steps.hint = "refer to a step by its 'id:'";
    step_fields_.child_noun = "step field";
    step_fields_.hint =
        "a step has status, exit_code, stdout, stderr, output, outputs, attempts, duration_ms";
    for (const char* f : kStepFields) step_fields_.add(f, NameTree::open_tree());
    steps.source = &step_trees_;  // each step's fields: a layer over step_fields_, on demand

    NameTree run;
    run.child_noun = "run field";
    run.add("id");
    NameTree runbook;
    runbook.child_noun = "runbook field";
    runbook.add("name");

    inputs_tree_.child_noun = "name";
    inputs_tree_.add("inputs", inputs);
    inputs_tree_.hint = "required_if is checked before the run starts: it can use only inputs";

    header_tree_.child_noun = "name";
    header_tree_.add("inputs", std::move(inputs));
    header_tree_.add("env", NameTree::open_tree());
    header_tree_.add("run", run);
    header_tree_.add("runbook", runbook);
    header_tree_.hint = "expressions use inputs, vars, env, steps, run and runbook";

    steps_tree_ = header_tree_;
    steps_tree_.add("vars", std::move(vars));
    steps_tree_.add("steps", std::move(steps));
  }

  void check_runbook_level() {
    // vars are evaluated in order: each may use only the vars above it.
    NameTree tree = header_tree_;
    NameTree& vars = tree.add("vars");
    vars.child_noun = "var";
    vars.hint = "vars are evaluated in order; a var can use only the vars above it";
    for (const auto& v : rb_.vars) {
      check_template(v.value, tree);
      vars.add(v.name, NameTree::open_tree());
    }
    for (const auto& e : rb_.env) check_template(e.value, tree);
    if (rb_.concurrency) check_template(*rb_.concurrency, tree);
    for (const auto& i : rb_.inputs) check_expr(i.required_if, inputs_tree_);
  }

  void check_list(const std::vector<model::Step>& steps, const NameTree& scope) {
    if (steps.empty()) return;  // most lists (a step's on_failure) are empty
    orders_.emplace(&steps, order_steps(steps, &diags_));  // kept for check_step_order
    if (!splits(steps)) {
      for (const model::Step& s : steps) check_step(s, scope);
      return;
    }
    // The second half on a thread of its own, with its own diagnostics and caches; the name
    // trees it reads are shared (StepTrees builds under a lock). Its diagnostics follow the first
    // half's, as one pass would have added them.
    const size_t half = steps.size() / 2;
    std::set<const model::Runbook*> no_includes;  // splits() saw none in the list
    Diagnostics second_diags;
    RunbookChecker second(rb_, second_diags, no_includes, options_);
    second.in_half_ = true;
    in_half_ = true;
    std::future<void> done;
    try {
      done = std::async(std::launch::async, [&] {
        for (size_t i = half; i < steps.size(); ++i) second.check_step(steps[i], scope);
      });
    } catch (const std::system_error&) {  // no thread to be had: one pass
      in_half_ = false;
      for (const model::Step& s : steps) check_step(s, scope);
      return;
    }
    struct Join {  // the second half ends before anything it reads goes away
      std::future<void>& f;
      ~Join() {
        if (f.valid()) f.wait();
      }
    } join{done};
    for (size_t i = 0; i < half; ++i) check_step(steps[i], scope);
    done.get();
    in_half_ = false;
    diags_.append(second_diags);
    orders_.merge(second.orders_);
  }

  // Whether a list is checked in two halves at once: long enough, not already in a half, and
  // with no include in it (an included runbook is checked once, by whoever reaches it first).
  bool splits(const std::vector<model::Step>& steps) const {
    if (in_half_ || options_.parallel_from == 0 || steps.size() < options_.parallel_from ||
        steps.size() < 2) {
      return false;
    }
    bool include = false;
    for_each_step(steps, [&](const model::Step& s) {
      include = include || std::holds_alternative<model::IncludeAction>(s.action);
    });
    return !include;
  }

  // Scopes are derived once and kept (with stable addresses), not copied per step: a copy of
  // the name tree per step made checking quadratic in the number of steps.
  const NameTree& with_own_result(const NameTree& scope) {
    auto& slot = own_trees_[&scope];
    if (!slot) {
      slot = std::make_unique<NameTree>(NameTree::layer_over(scope));
      slot->add("stdout");
      slot->add("stderr");
      slot->add("output", NameTree::open_tree());
      slot->add("exit_code");
    }
    return *slot;
  }

  const NameTree& with_loop_var(const NameTree& outer, const std::string& var) {
    auto& slot = loop_trees_[{&outer, var}];
    if (!slot) {
      slot = std::make_unique<NameTree>(NameTree::layer_over(outer));
      slot->add(var, NameTree::open_tree());
    }
    return *slot;
  }

  void check_step(const model::Step& s, const NameTree& outer) {
    if (s.for_each) check_expr(s.for_each, outer);
    if (s.for_each_items) {
      for (const auto& t : *s.for_each_items) check_template(t, outer);
    }
    const NameTree& scope = s.has_loop() ? with_loop_var(outer, s.loop_var) : outer;
    if (s.name) check_template(*s.name, scope);
    if (s.guard) check_expr(s.guard, scope);
    for (const auto& e : s.env) check_template(e.value, scope);
    if (s.cwd) check_template(*s.cwd, scope);
    const NameTree& own = with_own_result(scope);
    if (s.retry && s.retry->until) check_expr(s.retry->until, own);
    if (s.retry && s.retry->delay_template) check_template(*s.retry->delay_template, scope);
    if (s.timeout_template) check_template(*s.timeout_template, scope);
    for (const auto& o : s.outputs) check_expr(o.value, own);

    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, model::CommandAction>) {
            check_command(a.command, scope);
          } else if constexpr (std::is_same_v<T, model::WaitAction>) {
            check_command(a.command, scope);
            if (a.until) check_expr(a.until, own);
            if (a.fail_if) check_expr(a.fail_if, own);
            if (a.interval_template) check_template(*a.interval_template, scope);
            if (a.timeout_template) check_template(*a.timeout_template, scope);
          } else if constexpr (std::is_same_v<T, model::SleepAction>) {
            if (a.duration_template) check_template(*a.duration_template, scope);
          } else if constexpr (std::is_same_v<T, model::ConfirmAction> ||
                               std::is_same_v<T, model::LogAction> ||
                               std::is_same_v<T, model::FailAction>) {
            check_template(a.message, scope);
          } else if constexpr (std::is_same_v<T, model::AssertAction>) {
            for (const auto& c : a.conditions) check_expr(c, scope);
            if (a.message) check_template(*a.message, scope);
          } else if constexpr (std::is_same_v<T, model::SetAction>) {
            for (const auto& v : a.values) check_template(v.value, scope);
          } else if constexpr (std::is_same_v<T, model::IncludeAction>) {
            check_include(a, scope);
          } else if constexpr (std::is_same_v<T, model::GroupAction>) {
            check_list(a.steps, scope);
          }
        },
        s.action);
    check_list(s.on_failure, scope);
  }

  void check_include(const model::IncludeAction& inc, const NameTree& scope) {
    for (const auto& w : inc.with) check_template(w.value, scope);
    if (!inc.runbook) return;
    const model::Runbook& child = *inc.runbook;
    std::vector<std::string> names;
    for (const auto& i : child.inputs) names.push_back(i.name);
    std::set<std::string> given;
    for (const auto& w : inc.with) {
      given.insert(w.name);
      if (!child.find_input(w.name)) {
        std::string hint = did_you_mean(w.name, names);
        diags_.error(w.location, "'" + inc.path.value + "' has no input '" + w.name + "'",
                     hint.empty() ? "its inputs are: " + join_names(names) : hint,
                     static_cast<int>(w.name.size()));
      }
    }
    for (const auto& i : child.inputs) {
      if (i.required && !i.default_value && !given.count(i.name)) {
        diags_.error(
            inc.path.location,
            "'" + inc.path.value + "' needs input '" + i.name + "', which 'with' does not give",
            "add it: with: { " + i.name + ": ... }");
      }
    }
    if (checked_.insert(&child).second) RunbookChecker(child, diags_, checked_, options_).run();
  }

  void warn_reparsed(const expr::Template& t, const std::string& what) {
    for (const expr::TemplatePart& p : t.parts()) {
      const expr::ExprPtr& e = p.expr;
      if (!e || e->is_raw()) continue;  // raw() is warned about already
      diags_.warning(
          e->location(),
          "'${{ }}' inside the code that " + what + " runs: the value becomes code, not data",
          "pass the value as an argument or environment variable instead (e.g. "
          "exec: [bash, -c, 'echo \"$1\"', _, '${{ ... }}'], or env: and \"$NAME\")",
          static_cast<int>(e->text().size()));
      return;  // once per template is enough
    }
  }

  // The first input this expression reads whose values could start with '-', or null.
  const model::InputSpec* dash_input(const expr::Node& n) const {
    if (n.kind == expr::NodeKind::kMember && !n.children.empty() &&
        n.children[0]->kind == expr::NodeKind::kName && n.children[0]->name == "inputs") {
      const model::InputSpec* spec = rb_.find_input(n.name);
      if (spec && load::input_may_start_with_dash(*spec)) return spec;
    }
    for (const auto& c : n.children) {
      if (const model::InputSpec* spec = dash_input(*c)) return spec;
    }
    return nullptr;
  }

  // A template that starts an argument of a command, and whose value can start with '-': the
  // command may take it for an option (`grep -c needle ${{ inputs.v }}` with v=--version).
  void note_option_like(const expr::Expression& e) {
    const model::InputSpec* spec = dash_input(e.root());
    if (!spec) return;
    Diagnostic d;
    d.severity = Severity::kNote;
    d.location = e.location();
    d.length = static_cast<int>(e.text().size());
    d.message = "'${{ }}' starts an argument, and input '" + spec->name +
                "' may start with '-': the command could take the value for an option";
    d.hint =
        "end the command's options first with '--' (grep -c needle -- ${{ inputs.v }}), or "
        "give the input a pattern that cannot start with '-'";
    diags_.add(std::move(d));
  }

  // The words of the command that `before` (script text up to an interpolation, interpolations
  // written as x) is the start of; lines ended with a backslash continue it.
  static std::vector<std::string> command_words(const std::string& before) {
    std::vector<std::string> words;
    std::string w;
    for (size_t i = 0; i < before.size(); ++i) {
      char ch = before[i];
      if (ch == '\\' && i + 1 < before.size() && before[i + 1] == '\n') {
        ++i;
        ch = ' ';
      }
      if (ch == ';' || ch == '&' || ch == '|' || ch == '\n' || ch == '(' || ch == ')' ||
          ch == '{' || ch == '}' || ch == '`') {  // a new command starts
        words.clear();
        w.clear();
        continue;
      }
      if (ch == ' ' || ch == '\t') {
        if (!w.empty()) words.push_back(std::move(w));
        w.clear();
      } else {
        w += ch;
      }
    }
    if (!w.empty()) words.push_back(std::move(w));
    // Keywords before the command, and assignments in front of it, are not its arguments.
    static const std::set<std::string> kLead = {"if",    "then",  "else", "elif", "do",
                                                "while", "until", "!",    "time", "exec"};
    size_t skip = 0;
    while (skip < words.size() &&
           (kLead.count(words[skip]) ||
            (words[skip].find('=') != std::string::npos && words[skip][0] != '-' &&
             words[skip][0] != '=' && words[skip].find('=') < words[skip].find_first_of("\"'$")))) {
      ++skip;
    }
    words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(skip));
    return words;
  }

  // Whether an interpolation after `words` (in a bare word or at the start of a quoted one) is an
  // argument that could be taken for an option: not the command itself, not after '--', not a
  // redirection's file, not an operand of test, [ or a for/case list.
  static bool starts_option_argument(const std::vector<std::string>& words) {
    if (words.empty()) return false;  // the command word
    static const std::set<std::string> kNoOptions = {
        "[", "[[", "test", "for", "case", "select", "local", "export", "declare", "readonly"};
    if (kNoOptions.count(words[0])) return false;
    for (size_t i = 1; i < words.size(); ++i) {
      if (words[i] == "--") return false;
    }
    const std::string& last = words.back();
    return last.back() != '>' && last.back() != '<';
  }

  // exec: [bash, -c, SCRIPT], [python3, -c, CODE], [perl, -e, CODE]: SCRIPT is code.
  // Returns true when it is such a program, given code (whose arguments are then data).
  bool check_exec_code(const model::ExecCommand& e) {
    if (e.argv.empty() || !e.argv[0].is_literal()) return false;
    std::string program = e.argv[0].source();
    if (size_t slash = program.rfind('/'); slash != std::string::npos) program.erase(0, slash + 1);
    static const std::set<std::string> kShells = {"bash",   "sh",      "dash", "zsh",  "ksh",
                                                  "python", "python3", "perl", "ruby", "node"};
    if (!kShells.count(program)) return false;
    for (size_t i = 1; i + 1 < e.argv.size(); ++i) {
      const expr::Template& flag = e.argv[i];
      if (!flag.is_literal()) return false;  // a script given by a value: nothing more to tell
      const std::string& f = flag.source();
      if (f.size() >= 2 && f[0] == '-' && f[1] != '-' &&
          (f.find('c') != std::string::npos || f.find('e') != std::string::npos) &&
          (f.back() == 'c' || f.back() == 'e')) {
        warn_reparsed(e.argv[i + 1], "'" + program + " " + f + "'");
        return true;
      }
      if (f.empty() || f[0] != '-') return false;  // past the options
    }
    return false;
  }

  // exec: [grep, -c, needle, "${{ inputs.v }}"]: an element that starts with a template is an
  // argument that could be taken for an option, up to a literal '--'.
  void note_exec_arguments(const model::ExecCommand& e) {
    if (e.argv.empty()) return;
    if (e.argv[0].is_literal()) {
      std::string program = e.argv[0].source();
      if (size_t slash = program.rfind('/'); slash != std::string::npos)
        program.erase(0, slash + 1);
      if (program == "[" || program == "test") return;
    }
    for (size_t i = 1; i < e.argv.size(); ++i) {
      const expr::Template& a = e.argv[i];
      if (a.is_literal() && a.source() == "--") return;
      const auto& parts = a.parts();
      if (!parts.empty() && parts[0].expr && !parts[0].expr->is_raw()) {
        note_option_like(*parts[0].expr);
      }
    }
  }

  // In a run: script, an interpolation after `eval` or `bash -c` / `sh -c` on the same line is
  // parsed twice: quoted once for this shell, then run as code by the inner one.
  static std::string reparsing_word(const std::string& line_before) {
    // Every word this looks for is "eval" or ends in "sh" (bash, sh, dash, zsh, ksh).
    if (line_before.find("sh") == std::string::npos &&
        line_before.find("eval") == std::string::npos) {
      return "";
    }
    std::vector<std::string> words;
    std::string w;
    for (char ch : line_before) {
      if (ch == ';' || ch == '&' || ch == '|') {  // a new command starts
        words.clear();
        w.clear();
        continue;
      }
      if (ch == ' ' || ch == '\t' || ch == '(' || ch == ')' || ch == '{' || ch == '}' ||
          ch == '`' || ch == '"' || ch == '\'') {
        if (!w.empty()) words.push_back(std::move(w));
        w.clear();
      } else {
        w += ch;
      }
    }
    if (!w.empty()) words.push_back(std::move(w));
    static const std::set<std::string> kShells = {"bash", "sh", "dash", "zsh", "ksh"};
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i] == "eval") return "eval";
      std::string program = words[i];
      if (size_t slash = program.rfind('/'); slash != std::string::npos) {
        program.erase(0, slash + 1);
      }
      if (!kShells.count(program)) continue;
      for (size_t j = i + 1; j < words.size() && words[j].size() >= 2 && words[j][0] == '-'; ++j) {
        if (words[j][1] != '-' && words[j].back() == 'c') return program + " " + words[j];
      }
    }
    return "";
  }

  void check_command(const model::Command& c, const NameTree& scope) {
    if (const auto* e = std::get_if<model::ExecCommand>(&c)) {
      for (const auto& a : e->argv) check_template(a, scope);
      if (!check_exec_code(*e)) note_exec_arguments(*e);
      return;
    }
    const auto& sh = std::get<model::ShellCommand>(c);
    check_template(sh.script, scope);
    std::vector<shell::ScriptPiece> pieces;
    std::vector<const expr::TemplatePart*> sources;
    for (const auto& part : sh.script.parts()) {
      shell::ScriptPiece p;
      p.interpolated = part.expr != nullptr;
      p.raw = part.expr && part.expr->is_raw();
      p.text = part.expr ? "x" : part.literal;
      pieces.push_back(std::move(p));
      sources.push_back(&part);
    }
    std::vector<shell::QuoteContext> contexts = shell::interpolation_contexts(pieces);
    size_t k = 0;
    for (size_t i = 0; i < pieces.size() && k < contexts.size(); ++i) {
      if (!pieces[i].interpolated) continue;
      if (contexts[k] == shell::QuoteContext::kBacktick && !pieces[i].raw) {
        const expr::Expression& e = *sources[i]->expr;
        diags_.error(e.location(), "'${{ }}' inside backticks cannot be quoted safely",
                     "use $( ... ) instead of backticks");
      }
      if (!pieces[i].raw && contexts[k] != shell::QuoteContext::kComment) {
        std::string before;  // the literal text of this line before the interpolation
        for (size_t j = i; j-- > 0;) {
          if (pieces[j].interpolated) continue;
          size_t nl = pieces[j].text.rfind('\n');
          before.insert(0,
                        nl == std::string::npos ? pieces[j].text : pieces[j].text.substr(nl + 1));
          if (nl != std::string::npos) break;
        }
        note_if_option_argument(pieces, sources, i, contexts[k]);
        std::string word = reparsing_word(before);
        if (!word.empty()) {
          const expr::Expression& e = *sources[i]->expr;
          diags_.warning(e.location(),
                         "'${{ }}' inside the code of '" + word +
                             "': the value is quoted for this script, then parsed again as code",
                         "pass the value as an argument or environment variable instead (e.g. "
                         "bash -c 'echo \"$1\"' _ ${{ ... }}, or env: and \"$NAME\")",
                         static_cast<int>(e.text().size()));
        }
      }
      ++k;
    }
  }

  // In a run: script, the interpolation pieces[i] (in context c) starts an argument when it opens
  // a bare word or a quoted one ("${{ v }}", '${{ v }}').
  void note_if_option_argument(const std::vector<shell::ScriptPiece>& pieces,
                               const std::vector<const expr::TemplatePart*>& sources, size_t i,
                               shell::QuoteContext c) {
    if (i == 0 || pieces[i - 1].interpolated) return;
    std::string lead = pieces[i - 1].text;
    switch (c) {
      case shell::QuoteContext::kBare:
        break;
      case shell::QuoteContext::kDoubleQuoted:
      case shell::QuoteContext::kSingleQuoted:
        if (lead.empty() || lead.back() != (c == shell::QuoteContext::kDoubleQuoted ? '"' : '\'')) {
          return;
        }
        lead.pop_back();
        if (!lead.empty() && lead.back() == '$') lead.pop_back();  // $"..."
        break;
      case shell::QuoteContext::kAnsiCQuoted:
        if (lead.size() < 2 || lead.compare(lead.size() - 2, 2, "$'") != 0) return;
        lead.resize(lead.size() - 2);
        break;
      default:
        return;  // comments, here-documents, arithmetic: not arguments
    }
    if (lead.empty() || (lead.back() != ' ' && lead.back() != '\t')) {
      // Only the start of the script (or of a line) is no argument; anything else joins a word.
      if (!lead.empty() && lead.back() != '\n') return;
    }
    // Back to the start of the line (past lines ended with a backslash): the command so far.
    auto ends_line = [](const std::string& s) {
      for (size_t n = s.find('\n'); n != std::string::npos; n = s.find('\n', n + 1)) {
        if (n == 0 || s[n - 1] != '\\') return true;
      }
      return false;
    };
    std::string before = lead;
    for (size_t j = i - 1; j-- > 0 && !ends_line(before);) {
      before.insert(0, pieces[j].interpolated ? "x" : pieces[j].text);
    }
    if (starts_option_argument(command_words(before))) note_option_like(*sources[i]->expr);
  }

  void check_template(const expr::Template& t, const NameTree& scope) {
    for_each_expression(t, [&](const expr::ExprPtr& e) { check_expr(e, scope); });
  }

  void check_expr(const expr::ExprPtr& e, const NameTree& scope) {
    if (!e) return;
    expr::check_names(*e, scope, diags_);
    if (e->calls_raw()) {
      diags_.warning(e->location(),
                     "raw() inserts its value without quoting: a value holding shell code will run",
                     "use raw() only for trusted values; interpolation without it is always safe",
                     static_cast<int>(e->text().size()));
    }
  }

  const model::Runbook& rb_;
  Diagnostics& diags_;
  std::set<const model::Runbook*>& checked_;
  const CheckOptions& options_;
  bool in_half_ = false;  // checking half of a list beside the other half: no further split
  NameTree inputs_tree_;  // for required_if: only inputs
  NameTree step_fields_;  // the fields every step has (each step's tree is a layer over it)
  NameTree header_tree_;  // for vars, env and concurrency: no steps yet
  NameTree steps_tree_;
  std::vector<const std::string*> set_vars_;  // the vars of every set step, in order
  StepTrees step_trees_;
  StepOrders orders_;  // each list's order, computed by check_list, used by check_step_order
  std::map<const NameTree*, std::unique_ptr<NameTree>> own_trees_;
  std::map<std::pair<const NameTree*, std::string>, std::unique_ptr<NameTree>> loop_trees_;
};

}  // namespace

void check_runbook(const model::Runbook& rb, Diagnostics& diags, const CheckOptions& options) {
  std::set<const model::Runbook*> checked{&rb};
  RunbookChecker(rb, diags, checked, options).run();
}

}  // namespace rb::check
