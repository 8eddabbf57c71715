#include "check/step_graph.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <string_view>
#include <unordered_map>

#include "base/spelling.h"

namespace rb::check {

std::string step_label(const model::Step& step, size_t index) {
  return step.id.empty() ? "#" + std::to_string(index + 1) : step.id;
}

StepOrder order_steps(const std::vector<model::Step>& steps, Diagnostics* diags) {
  StepOrder out;
  const size_t n = steps.size();
  if (n == 0) return out;  // most lists (a step's on_failure) are empty
  out.depends.assign(n, {});
  // Without `needs`, each step runs after the one before it: the order is the list's.
  if (std::none_of(steps.begin(), steps.end(),
                   [](const model::Step& s) { return s.needs_given; })) {
    out.order.resize(n);
    for (size_t i = 0; i < n; ++i) {
      out.order[i] = i;
      if (i > 0) out.depends[i].push_back(i - 1);
    }
    return out;
  }
  std::unordered_map<std::string_view, size_t> by_id;  // the first step of each id
  by_id.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!steps[i].id.empty()) by_id.emplace(steps[i].id, i);
  }
  std::vector<std::string> ids;  // in the order of the list, once each; made for the first error
  auto known_ids = [&]() -> const std::vector<std::string>& {
    if (ids.empty()) {
      for (size_t i = 0; i < n; ++i) {
        if (!steps[i].id.empty() && by_id.find(steps[i].id)->second == i)
          ids.push_back(steps[i].id);
      }
    }
    return ids;
  };
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
          std::string hint = did_you_mean(need.value, known_ids());
          diags->error(need.location, "'needs' names no step '" + need.value + "' in this list",
                       hint.empty() ? "'needs' refers to the id of a step in the same list" : hint,
                       static_cast<int>(need.value.size()));
        }
        continue;
      }
      out.depends[i].push_back(it->second);
    }
  }
  // Kahn's algorithm, the lowest ready index first: O(N log N). Only when it cannot order every
  // step is there a cycle, and then a depth-first search finds one to report.
  // The steps that wait for each step, as one array: dependents of d are
  // dependents[first[d]..first[d + 1]), in the order of the list.
  std::vector<size_t> remaining(n, 0);
  std::vector<size_t> first(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    remaining[i] = out.depends[i].size();
    for (size_t d : out.depends[i]) ++first[d + 1];
  }
  for (size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  std::vector<size_t> dependents(first[n]);
  {
    std::vector<size_t> fill(first.begin(), first.end() - 1);
    for (size_t i = 0; i < n; ++i) {
      for (size_t d : out.depends[i]) dependents[fill[d]++] = i;
    }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  out.order.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (remaining[i] == 0) ready.push(i);
  }
  while (!ready.empty()) {
    size_t pick = ready.top();
    ready.pop();
    out.order.push_back(pick);
    for (size_t k = first[pick]; k < first[pick + 1]; ++k) {
      if (--remaining[dependents[k]] == 0) ready.push(dependents[k]);
    }
  }
  if (out.order.size() == n) return out;
  out.ok = false;
  out.order.clear();
  if (!diags) return out;

  // The first cycle a depth-first search from each step in turn meets (iterative: a long chain
  // of steps must not exhaust the stack).
  std::vector<int> state(n, 0);  // 0 new, 1 on stack, 2 done
  std::vector<size_t> stack;
  std::vector<size_t> next;  // per stack entry: the next dependency to follow
  for (size_t root = 0; root < n; ++root) {
    if (state[root] != 0) continue;
    state[root] = 1;
    stack.push_back(root);
    next.push_back(0);
    while (!stack.empty()) {
      const size_t i = stack.back();
      if (next.back() == out.depends[i].size()) {
        state[i] = 2;
        stack.pop_back();
        next.pop_back();
        continue;
      }
      const size_t d = out.depends[i][next.back()++];
      if (state[d] == 0) {
        state[d] = 1;
        stack.push_back(d);
        next.push_back(0);
        continue;
      }
      if (state[d] != 1) continue;
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
        auto it = by_id.find(need.value);
        if (it != by_id.end() && it->second == d) where = need.location;
      }
      diags->error(where, "dependency cycle: " + shown,
                   "each step runs after the steps it needs (or after the step before it); "
                   "remove one of these needs");
      return out;
    }
  }
  return out;
}

}  // namespace rb::check
