#include "check/step_graph.h"

#include <functional>
#include <map>

#include "base/spelling.h"

namespace rb::check {

std::string step_label(const model::Step& step, size_t index) {
  return step.id.empty() ? "#" + std::to_string(index + 1) : step.id;
}

StepOrder order_steps(const std::vector<model::Step>& steps, Diagnostics* diags) {
  StepOrder out;
  const size_t n = steps.size();
  out.depends.assign(n, {});
  std::map<std::string, size_t, std::less<>> by_id;
  std::vector<std::string> ids;
  for (size_t i = 0; i < n; ++i) {
    if (!steps[i].id.empty() && by_id.emplace(steps[i].id, i).second) ids.push_back(steps[i].id);
  }
  for (size_t i = 0; i < n; ++i) {
    const model::Step& s = steps[i];
    if (!s.needs_given) {
      if (i > 0) out.depends[i].push_back(i - 1);
      continue;
    }
    for (const auto& need : s.needs) {
      auto it = by_id.find(need.value);
      if (it == by_id.end()) {
        out.ok = false;
        if (diags) {
          std::string hint = did_you_mean(need.value, ids);
          diags->error(need.location, "'needs' names no step '" + need.value + "' in this list",
                       hint.empty() ? "'needs' refers to the id of a step in the same list" : hint,
                       static_cast<int>(need.value.size()));
        }
        continue;
      }
      out.depends[i].push_back(it->second);
    }
  }
  // Depth-first search for cycles, then Kahn's algorithm with the lowest index first.
  std::vector<int> state(n, 0);  // 0 new, 1 on stack, 2 done
  std::vector<size_t> stack;
  bool cycle_reported = false;
  std::function<void(size_t)> visit = [&](size_t i) {
    state[i] = 1;
    stack.push_back(i);
    for (size_t d : out.depends[i]) {
      if (state[d] == 1) {
        out.ok = false;
        if (diags && !cycle_reported) {
          cycle_reported = true;
          // The stack from d to i is a chain of needs; i needs d closes it.
          size_t from = 0;
          while (stack[from] != d) ++from;
          std::string shown;
          for (size_t k = from; k < stack.size(); ++k) {
            shown += step_label(steps[stack[k]], stack[k]) + " -> ";
          }
          shown += step_label(steps[d], d);
          const model::Step& at = steps[i];
          Location where = at.location;
          for (const auto& need : at.needs) {
            if (by_id.count(need.value) && by_id[need.value] == d) where = need.location;
          }
          diags->error(where, "dependency cycle: " + shown,
                       "each step runs after the steps it needs (or after the step before it); "
                       "remove one of these needs");
        }
      } else if (state[d] == 0) {
        visit(d);
      }
    }
    stack.pop_back();
    state[i] = 2;
  };
  for (size_t i = 0; i < n; ++i) {
    if (state[i] == 0) visit(i);
  }
  if (!out.ok) return out;
  std::vector<size_t> remaining(n, 0);
  std::vector<std::vector<size_t>> dependents(n);
  for (size_t i = 0; i < n; ++i) {
    remaining[i] = out.depends[i].size();
    for (size_t d : out.depends[i]) dependents[d].push_back(i);
  }
  std::vector<bool> done(n, false);
  for (size_t round = 0; round < n; ++round) {
    size_t pick = n;
    for (size_t i = 0; i < n; ++i) {
      if (!done[i] && remaining[i] == 0) {
        pick = i;
        break;
      }
    }
    if (pick == n) break;
    done[pick] = true;
    out.order.push_back(pick);
    for (size_t d : dependents[pick]) --remaining[d];
  }
  return out;
}

}  // namespace rb::check
