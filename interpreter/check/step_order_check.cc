#include "check/step_order_check.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "check/step_graph.h"
#include "expr/ast.h"

namespace rb::check {
namespace {

// A list of sibling steps: the runbook's steps, on_failure or finally, a group's steps or a
// step's on_failure. Its rank orders it among its owner's lists: the runbook's on_failure runs
// after its steps and finally after both; a step's on_failure after the step and its group.
struct Block {
  const std::vector<model::Step>* steps = nullptr;
  int owner = -1;  // the node that holds it; -1: the runbook
  int rank = 0;
  std::string noun;  // "the runbook's on_failure", "the on_failure of 'x'": for messages
  StepOrder order;
  std::vector<size_t> position;     // position[i]: where step i is in order.order
  std::vector<size_t> chain_start;  // steps chain_start[i]..i-1 each follow the one before
  std::vector<int> nodes;           // the node of each step
  std::vector<uint32_t> stamp;      // visited marks of one reachability search
};

struct Node {
  const model::Step* step = nullptr;
  int block = -1;
  size_t index = 0;  // in its block
  size_t seq = 0;    // when it starts in a run of one step at a time
};

// How step `y` stands to step `x`: whether y starts only after x has its result.
struct Relation {
  enum Kind {
    kAfter,     // y runs after x (or the lists are broken and reported elsewhere)
    kSiblings,  // in one list, side_y does not (transitively) come after side_x
    kEarlier,   // x is in a list that runs after y's (a handler list)
    kInside,    // y runs inside x (a step of its group): x has no result yet
    kContains,  // x runs inside y, and y reads it before its steps have run
    kSelf,      // y is x
  } kind = kAfter;
  int side_x = -1, side_y = -1;  // kSiblings, kEarlier: the steps of the level where they part
};

class StepOrderCheck {
 public:
  StepOrderCheck(const model::Runbook& rb, Diagnostics& diags, StepOrders* known)
      : rb_(rb), diags_(diags), known_(known) {}

  void run() {
    add_block(rb_.steps, -1, 0, "the runbook's steps");
    add_block(rb_.on_failure, -1, 1, "the runbook's on_failure");
    add_block(rb_.finally_steps, -1, 2, "the runbook's finally");
    by_id_.reserve(nodes_.size());
    for (size_t n = 0; n < nodes_.size(); ++n) {
      const model::Step& s = *nodes_[n].step;
      if (!s.id.empty()) by_id_.emplace(s.id, static_cast<int>(n));  // the first of duplicates
    }
    for (size_t n = 0; n < nodes_.size(); ++n) check_reads(static_cast<int>(n));
    check_setters();
    if (truncated_) {
      diags_.warning(rb_.name.location,
                     "the steps' 'needs' are too many to check that every step reading steps.X "
                     "runs after X; some were not checked",
                     "split the runbook into smaller ones with 'include'");
    }
  }

 private:
  // Adds the list and, depth first in run order, the lists below its steps.
  void add_block(const std::vector<model::Step>& steps, int owner, int rank, std::string noun) {
    if (steps.empty()) return;
    const int b = static_cast<int>(blocks_.size());
    blocks_.emplace_back();
    {
      Block& k = blocks_.back();
      k.steps = &steps;
      k.owner = owner;
      k.rank = rank;
      k.noun = std::move(noun);
      auto known = known_ ? known_->find(&steps) : StepOrders::iterator();
      if (known_ && known != known_->end()) {
        k.order = std::move(known->second);
      } else {
        k.order = order_steps(steps, nullptr);
      }
      k.position.assign(steps.size(), 0);
      k.chain_start.assign(steps.size(), 0);
      k.nodes.assign(steps.size(), -1);
      k.stamp.assign(steps.size(), 0);
      for (size_t i = 0; i < k.order.order.size(); ++i) k.position[k.order.order[i]] = i;
      for (size_t i = 0; i < steps.size(); ++i) {
        // A step follows the one before it without needs, or with needs naming only that step.
        const auto& d = k.order.depends[i];
        const bool chained = i > 0 && d.size() == 1 && d[0] == i - 1;
        k.chain_start[i] = chained ? k.chain_start[i - 1] : i;
      }
    }
    std::vector<size_t> run_order = blocks_[b].order.order;
    if (!blocks_[b].order.ok) {
      run_order.clear();
      for (size_t i = 0; i < steps.size(); ++i) run_order.push_back(i);
    }
    for (size_t i : run_order) {
      const int n = static_cast<int>(nodes_.size());
      nodes_.push_back(Node{&steps[i], b, i, nodes_.size()});
      blocks_[b].nodes[i] = n;
      const model::Step& s = steps[i];
      if (const auto* g = std::get_if<model::GroupAction>(&s.action); g && !g->steps.empty()) {
        add_block(g->steps, n, 0, "the steps of " + describe(n));
      }
      if (!s.on_failure.empty()) add_block(s.on_failure, n, 1, "the on_failure of " + describe(n));
    }
  }

  std::string describe(int n) const {
    const model::Step& s = *nodes_[n].step;
    if (!s.id.empty()) return "'" + s.id + "'";
    return "the step at line " + std::to_string(s.location.line);
  }

  // The nodes from the outermost list down to n.
  std::vector<int> path(int n) const {
    std::vector<int> p;
    for (int k = n; k >= 0; k = blocks_[nodes_[k].block].owner) p.push_back(k);
    std::reverse(p.begin(), p.end());
    return p;
  }

  // Whether step b of the list comes after step a, through the steps it needs, transitively.
  bool follows(Block& k, size_t b, size_t a) {
    if (k.position[a] >= k.position[b]) return false;  // a runs later, or is b
    const uint32_t gen = ++generation_;
    std::vector<size_t>& todo = todo_;  // reused: no allocation per search
    todo.assign(1, b);
    while (!todo.empty()) {
      const size_t i = todo.back();
      todo.pop_back();
      const size_t c = k.chain_start[i];
      if (a >= c && a < i) return true;  // i follows each step from c up to it
      if (k.stamp[c] == gen) continue;
      k.stamp[c] = gen;
      if (++visits_ > kMaxVisits) {  // a hostile graph: stop rather than hang
        truncated_ = true;
        return true;
      }
      for (size_t d : k.order.depends[c]) {
        if (d == a) return true;
        if (k.position[d] > k.position[a]) todo.push_back(d);  // else d cannot reach a
      }
    }
    return false;
  }

  // `after_action`: y reads x where its own action has finished (its outputs, retry until).
  Relation relate(int y, int x, bool after_action) {
    Relation r;
    if (x == y) {
      r.kind = Relation::kSelf;
      return r;
    }
    if (nodes_[x].block == nodes_[y].block) {  // siblings: where the paths below part at once
      r.side_x = x;
      r.side_y = y;
      Block& list = blocks_[nodes_[x].block];
      if (!list.order.ok || follows(list, nodes_[y].index, nodes_[x].index)) return r;  // kAfter
      r.kind = Relation::kSiblings;
      return r;
    }
    const std::vector<int> px = path(x), py = path(y);
    size_t k = 0;
    while (k < px.size() && k < py.size() && px[k] == py[k]) ++k;
    if (k == px.size()) {  // y runs inside x: after it only in x's on_failure
      r.kind = blocks_[nodes_[py[k]].block].rank == 1 ? Relation::kAfter : Relation::kInside;
      return r;
    }
    if (k == py.size()) {  // x runs inside y: y's outputs see its group's steps
      const bool in_group = blocks_[nodes_[px[k]].block].rank == 0;
      r.kind = after_action && in_group ? Relation::kAfter : Relation::kContains;
      return r;
    }
    const Node& u = nodes_[px[k]];
    const Node& v = nodes_[py[k]];
    r.side_x = px[k];
    r.side_y = py[k];
    if (u.block != v.block) {  // two lists of one owner
      r.kind =
          blocks_[v.block].rank > blocks_[u.block].rank ? Relation::kAfter : Relation::kEarlier;
      return r;
    }
    Block& list = blocks_[u.block];
    if (!list.order.ok || follows(list, v.index, u.index)) return r;  // kAfter
    r.kind = Relation::kSiblings;
    return r;
  }

  // ---- (a) steps.X read by a step that does not run after X ----

  // Each `steps.ID` (or steps['ID']) in e, with the offset of the ID.
  static void step_refs(const expr::Node& n,
                        std::vector<std::pair<std::string_view, size_t>>& out) {
    if (!n.children.empty() && n.children[0]->kind == expr::NodeKind::kName &&
        n.children[0]->name == "steps") {
      if (n.kind == expr::NodeKind::kMember) {
        out.emplace_back(n.name, n.offset);
      } else if (n.kind == expr::NodeKind::kIndex && n.children.size() > 1 &&
                 n.children[1]->kind == expr::NodeKind::kLiteral &&
                 n.children[1]->value.is_string()) {
        out.emplace_back(n.children[1]->value.as_string(), n.children[1]->offset);
      }
    }
    for (const expr::NodePtr& c : n.children) step_refs(*c, out);
  }

  void check_reads(int y) {
    const model::Step& s = *nodes_[y].step;
    std::set<int> reported;  // one error per step read
    auto expr = [&](const expr::ExprPtr& e, bool after_action) {
      if (!e) return;
      std::vector<std::pair<std::string_view, size_t>>& refs = refs_;  // reused
      refs.clear();
      step_refs(e->root(), refs);
      for (const auto& [id, offset] : refs) {
        auto it = by_id_.find(id);
        if (it == by_id_.end() || reported.count(it->second)) continue;  // unknown: reported
        const Relation r = relate(y, it->second, after_action);
        if (r.kind == Relation::kAfter) continue;
        reported.insert(it->second);
        report_read(y, it->second, r, e->origin().locate(offset), id.size());
      }
    };
    auto tmpl = [&](const expr::Template& t) {
      for (const expr::TemplatePart& p : t.parts()) {
        if (p.expr) expr(p.expr, false);
      }
    };
    auto command = [&](const model::Command& c) {
      if (const auto* sh = std::get_if<model::ShellCommand>(&c)) {
        tmpl(sh->script);
      } else {
        for (const auto& a : std::get<model::ExecCommand>(c).argv) tmpl(a);
      }
    };
    expr(s.for_each, false);
    if (s.for_each_items) {
      for (const auto& t : *s.for_each_items) tmpl(t);
    }
    if (s.name) tmpl(*s.name);
    expr(s.guard, false);
    for (const auto& e : s.env) tmpl(e.value);
    if (s.cwd) tmpl(*s.cwd);
    if (s.timeout_template) tmpl(*s.timeout_template);
    if (s.retry && s.retry->delay_template) tmpl(*s.retry->delay_template);
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, model::CommandAction>) {
            command(a.command);
          } else if constexpr (std::is_same_v<T, model::WaitAction>) {
            command(a.command);
            expr(a.until, false);
            expr(a.fail_if, false);
            if (a.interval_template) tmpl(*a.interval_template);
            if (a.timeout_template) tmpl(*a.timeout_template);
          } else if constexpr (std::is_same_v<T, model::SleepAction>) {
            if (a.duration_template) tmpl(*a.duration_template);
          } else if constexpr (std::is_same_v<T, model::ConfirmAction> ||
                               std::is_same_v<T, model::LogAction> ||
                               std::is_same_v<T, model::FailAction>) {
            tmpl(a.message);
          } else if constexpr (std::is_same_v<T, model::AssertAction>) {
            for (const auto& c : a.conditions) expr(c, false);
            if (a.message) tmpl(*a.message);
          } else if constexpr (std::is_same_v<T, model::SetAction>) {
            for (const auto& v : a.values) tmpl(v.value);
          } else if constexpr (std::is_same_v<T, model::IncludeAction>) {
            for (const auto& w : a.with) tmpl(w.value);
          }
        },
        s.action);
    // Evaluated once the action has finished: a group's steps have run.
    if (s.retry) expr(s.retry->until, true);
    for (const auto& o : s.outputs) expr(o.value, true);
  }

  // "add 'needs: [a]' to 'b'", keeping the steps b follows now.
  std::string needs_hint(int side_x, int side_y) const {
    const Node& u = nodes_[side_x];
    const Node& v = nodes_[side_y];
    const model::Step& a = *u.step;
    const model::Step& b = *v.step;
    if (a.id.empty()) {
      return "give " + describe(side_x) + " an id and list it in the 'needs' of " +
             describe(side_y);
    }
    std::vector<std::string> needs;
    if (b.needs_given) {
      for (const auto& n : b.needs) needs.push_back(n.value);
    } else if (v.index > 0 && !(*blocks_[v.block].steps)[v.index - 1].id.empty()) {
      needs.push_back((*blocks_[v.block].steps)[v.index - 1].id);  // the step it follows now
    }
    needs.push_back(a.id);
    std::string list;
    for (const std::string& n : needs) list += (list.empty() ? "" : ", ") + n;
    std::string hint = "add 'needs: [" + list + "]' to " + describe(side_y);
    if (b.needs_given) {
      hint = "add '" + a.id + "' to the needs of " + describe(side_y) + ": 'needs: [" + list + "]'";
    } else if (needs.size() > 1) {
      hint += " (it keeps following '" + needs.front() + "', the step before it)";
    }
    return hint;
  }

  void report_read(int y, int x, const Relation& r, Location at, size_t width) {
    const std::string reader = describe(y), read = describe(x);
    const std::string subject = nodes_[y].step->id.empty() ? reader : "step " + reader;
    const std::string id = nodes_[x].step->id;
    std::string message = subject + " reads steps." + id + ", but it does not run after " + read +
                          ": the two can run at the same time";
    std::string hint;
    switch (r.kind) {
      case Relation::kSiblings:
        hint = needs_hint(r.side_x, r.side_y);
        if (r.side_x != x || r.side_y != y) {
          hint += " (" + (r.side_x != x ? describe(r.side_x) + " holds " + read : read) +
                  (r.side_y != y ? "; " + describe(r.side_y) + " holds " + reader : "") + ")";
        }
        break;
      case Relation::kEarlier:
        message = subject + " reads steps." + id + ", but " + read + " runs later, in " +
                  blocks_[nodes_[x].block].noun;
        hint = "a step can read only the steps that run before it";
        break;
      case Relation::kInside:
        message = subject + " reads steps." + id + ", but it runs inside " + read +
                  ", which has no result until its steps have finished";
        hint = "read the steps before it inside " + read + ", or read steps." + id +
               " in a step after " + read;
        break;
      case Relation::kContains:
        message = subject + " reads steps." + id + ", but " + read + " runs inside it, later";
        hint =
            "only a step's 'outputs' and retry 'until' see the steps of its group; read it "
            "in a step after " +
            reader;
        break;
      case Relation::kSelf:
        message = subject + " reads its own steps." + id +
                  ", which it has only once it "
                  "has finished";
        hint =
            "in its 'outputs' and retry 'until', its own result is output, stdout, stderr and "
            "exit_code";
        break;
      case Relation::kAfter:
        return;
    }
    diags_.error(at, message, hint, static_cast<int>(width));
  }

  // ---- (b) two steps that can run at the same time set the same var ----

  void check_setters() {
    struct Setter {
      int node;
      Location at;
      int width;
    };
    std::map<std::string, std::vector<Setter>> setters;
    for (size_t n = 0; n < nodes_.size(); ++n) {
      const auto* set = std::get_if<model::SetAction>(&nodes_[n].step->action);
      if (!set) continue;
      const int loop = parallel_loop(static_cast<int>(n));
      for (const model::NamedTemplate& v : set->values) {
        const int width = static_cast<int>(v.name.size());
        setters[v.name].push_back({static_cast<int>(n), v.location, width});
        if (loop < 0) continue;
        const int p = nodes_[loop].step->parallel;
        diags_.error(v.location,
                     (nodes_[n].step->id.empty() ? "" : "step ") + describe(static_cast<int>(n)) +
                         " sets vars." + v.name +
                         (loop == static_cast<int>(n) ? " in each of its items"
                                                      : " in each item of " + describe(loop)) +
                         ", and up to " + std::to_string(p) +
                         " items run at the same time (parallel: " + std::to_string(p) + ")",
                     "collect each item's value from steps.ID.output or its outputs after the "
                     "loop, or run the items one at a time (parallel: 1)",
                     width);
      }
    }
    if (rb_.max_parallel <= 1) return;  // one step at a time: siblings never overlap
    for (auto& [name, list] : setters) {
      // In run order (one step at a time), each must run after the one before it: then every
      // two of them are ordered. The first pair that is not can run at the same time.
      std::sort(list.begin(), list.end(), [&](const Setter& a, const Setter& b) {
        return nodes_[a.node].seq < nodes_[b.node].seq;
      });
      for (size_t i = 1; i < list.size(); ++i) {
        const Relation r = relate(list[i].node, list[i - 1].node, false);
        if (r.kind != Relation::kSiblings) continue;
        const std::string a = describe(list[i - 1].node), b = describe(list[i].node);
        std::string hint = "order them: " + needs_hint(r.side_x, r.side_y);
        if (r.side_x != list[i - 1].node || r.side_y != list[i].node) {
          hint += " (the steps that hold them)";
        }
        Diagnostic& d = diags_.error(list[i].at,
                                     "steps " + a + " and " + b + " both set vars." + name +
                                         ", and they can run at the same time",
                                     hint + "; or set different vars", list[i].width);
        d.notes.push_back(Diagnostic{Severity::kNote,
                                     list[i - 1].at,
                                     list[i - 1].width,
                                     a + " sets vars." + name + " here",
                                     "",
                                     {}});
      }
    }
  }

  // The innermost for_each with parallel > 1 that n runs in (n itself included), or -1.
  int parallel_loop(int n) const {
    for (int k = n; k >= 0; k = blocks_[nodes_[k].block].owner) {
      const model::Step& s = *nodes_[k].step;
      if (s.has_loop() && s.parallel > 1) return k;
    }
    return -1;
  }

  const model::Runbook& rb_;
  Diagnostics& diags_;
  std::vector<Block> blocks_;
  std::vector<Node> nodes_;
  StepOrders* known_;
  std::unordered_map<std::string_view, int> by_id_;
  std::vector<size_t> todo_;                               // follows(): steps to visit
  std::vector<std::pair<std::string_view, size_t>> refs_;  // check_reads(): steps.ID read
  uint32_t generation_ = 0;
  // Steps the reachability searches visited, bounded so that no graph makes the check hang.
  static constexpr size_t kMaxVisits = 20'000'000;
  size_t visits_ = 0;
  bool truncated_ = false;
};

}  // namespace

void check_step_order(const model::Runbook& rb, Diagnostics& diags, StepOrders* known) {
  StepOrderCheck(rb, diags, known).run();
}

}  // namespace rb::check
