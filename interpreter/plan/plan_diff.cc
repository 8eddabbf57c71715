#include "plan/plan_diff.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "plan/plan_json.h"
#include "plan/plan_text.h"

namespace rb::plan {
namespace {

struct Field {
  const char* name;
  std::string (*get)(const PlanStep&);
};

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

// The fields a review compares, in the order a change is reported.
const Field kFields[] = {
    {"title", [](const PlanStep& s) { return s.title; }},
    {"action", [](const PlanStep& s) { return s.action; }},
    {"command", [](const PlanStep& s) { return s.command; }},
    {"guard", [](const PlanStep& s) { return s.guard; }},
    {"verdict", [](const PlanStep& s) { return verdict_text(s); }},
    {"handler", [](const PlanStep& s) { return s.when; }},
    {"loop", [](const PlanStep& s) { return s.loop; }},
    {"batch", [](const PlanStep& s) { return s.batch; }},
    {"gate",
     [](const PlanStep& s) { return s.gate.empty() ? "" : s.gate + "\n" + s.gate_approval; }},
    {"wait", [](const PlanStep& s) { return s.wait; }},
    {"retry", [](const PlanStep& s) { return s.retry; }},
    {"timeout", [](const PlanStep& s) { return s.timeout; }},
    {"continue_on_error",
     [](const PlanStep& s) { return std::string(s.continue_on_error ? "true" : ""); }},
    {"changes",
     [](const PlanStep& s) {
       return std::string(s.changes ? "changes something" : s.readonly ? "readonly" : "");
     }},
    {"detail", [](const PlanStep& s) { return s.detail; }},
    {"include",
     [](const PlanStep& s) {
       return s.include.empty() ? "" : s.include + "\n" + join_lines(s.with);
     }},
};

// Indices (into `seq`) of a longest increasing subsequence: the common steps that kept their
// relative order. O(n log n), so a diff of 20,000 steps stays fast.
std::vector<bool> in_order(const std::vector<size_t>& seq) {
  std::vector<size_t> tails;  // index into seq of the smallest tail of each length
  std::vector<long> prev(seq.size(), -1);
  for (size_t i = 0; i < seq.size(); ++i) {
    auto it = std::lower_bound(tails.begin(), tails.end(), seq[i],
                               [&](size_t k, size_t v) { return seq[k] < v; });
    if (it != tails.begin()) prev[i] = static_cast<long>(*(it - 1));
    if (it == tails.end()) {
      tails.push_back(i);
    } else {
      *it = i;
    }
  }
  std::vector<bool> keep(seq.size(), false);
  long k = tails.empty() ? -1 : static_cast<long>(tails.back());
  while (k >= 0) {
    keep[static_cast<size_t>(k)] = true;
    k = prev[static_cast<size_t>(k)];
  }
  return keep;
}

std::string summary(const std::vector<StepChange>& diff) {
  std::map<std::string, int> n;
  for (const StepChange& c : diff) ++n[c.change];
  std::string out;
  for (const char* kind : {"added", "removed", "changed", "moved"}) {
    if (n[kind]) out += (out.empty() ? "" : ", ") + std::to_string(n[kind]) + " " + kind;
  }
  return out.empty() ? "no change to the plan" : out;
}

// Lines of `text` prefixed for a diff block, the first with the field name.
std::string prefixed(char sign, const std::string& field, const std::string& text) {
  std::string out;
  std::string lead = std::string(1, sign) + " " + field + ": ";
  std::string cont = std::string(1, sign) + std::string(field.size() + 3, ' ');
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t nl = text.find('\n', start);
    out += (first ? lead : cont) + text.substr(start, nl == std::string::npos ? nl : nl - start) +
           "\n";
    first = false;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// The changed fields of one step as diff lines (- base, + head); every field for added/removed.
std::string change_lines(const StepChange& c) {
  std::string out;
  for (const Field& f : kFields) {
    std::string before = c.base ? f.get(*c.base) : "";
    std::string after = c.head ? f.get(*c.head) : "";
    if (before == after) continue;
    if (!before.empty()) out += prefixed('-', f.name, before);
    if (!after.empty()) out += prefixed('+', f.name, after);
  }
  if (std::find(c.fields.begin(), c.fields.end(), "position") != c.fields.end()) {
    out += "  (moved)\n";
  }
  return out;
}

}  // namespace

std::vector<StepChange> diff_plans(const Plan& base, const Plan& head) {
  std::map<std::string, size_t> base_at, head_at;
  for (size_t i = 0; i < base.steps.size(); ++i) base_at.emplace(base.steps[i].path, i);
  for (size_t i = 0; i < head.steps.size(); ++i) head_at.emplace(head.steps[i].path, i);

  std::vector<size_t> common_base;  // base index of each common step, in head order
  for (const PlanStep& s : head.steps) {
    if (auto it = base_at.find(s.path); it != base_at.end()) common_base.push_back(it->second);
  }
  std::vector<bool> kept = in_order(common_base);
  std::map<size_t, bool> moved;  // by base index
  for (size_t k = 0; k < common_base.size(); ++k) moved[common_base[k]] = !kept[k];

  std::vector<StepChange> out;
  size_t next_base = 0;  // removed base steps are reported before the head step that follows them
  auto flush_removed = [&](size_t up_to) {
    for (; next_base < up_to && next_base < base.steps.size(); ++next_base) {
      const PlanStep& b = base.steps[next_base];
      if (!head_at.count(b.path)) out.push_back(StepChange{b.path, "removed", {}, &b, nullptr});
    }
  };
  for (const PlanStep& h : head.steps) {
    auto it = base_at.find(h.path);
    if (it == base_at.end()) {
      out.push_back(StepChange{h.path, "added", {}, nullptr, &h});
      continue;
    }
    const PlanStep& b = base.steps[it->second];
    if (!moved[it->second]) flush_removed(it->second);
    StepChange c{h.path, "changed", {}, &b, &h};
    for (const Field& f : kFields) {
      if (f.get(b) != f.get(h)) c.fields.push_back(f.name);
    }
    if (moved[it->second]) {
      c.fields.push_back("position");
      if (c.fields.size() == 1) c.change = "moved";
    }
    if (!c.fields.empty()) out.push_back(std::move(c));
  }
  flush_removed(base.steps.size());
  return out;
}

std::string diff_text(const Plan& base, const Plan& head, const std::vector<StepChange>& diff) {
  std::string out = "Plan diff for " + head.runbook + ": " + base.file + " -> " + head.file + "\n";
  out += "  " + summary(diff) + "\n";
  out += "  digest: " + base.digest + " -> " + head.digest + "\n";
  for (const StepChange& c : diff) {
    out += "\n" + c.change + " " + c.step;
    if (c.change == "changed") {
      std::string fields;
      for (const std::string& f : c.fields) fields += (fields.empty() ? "" : ", ") + f;
      out += " (" + fields + ")";
    }
    out += "\n";
    std::string lines = change_lines(c);
    size_t start = 0;
    while (start < lines.size()) {
      size_t nl = lines.find('\n', start);
      out += "    " + lines.substr(start, nl - start) + "\n";
      start = nl + 1;
    }
  }
  return out;
}

std::string diff_markdown(const Plan& base, const Plan& head, const std::vector<StepChange>& diff) {
  std::string out = "## Plan diff: `" + head.runbook + "`\n\n";
  out += "`" + base.file + "` → `" + head.file + "`: **" + summary(diff) + "**\n\n";
  out += "Digest: `" + base.digest + "` → `" + head.digest + "`\n\n";
  if (!diff.empty()) {
    out += "| step | change | fields |\n| --- | --- | --- |\n";
    for (const StepChange& c : diff) {
      std::string fields;
      for (const std::string& f : c.fields) fields += (fields.empty() ? "" : ", ") + f;
      out += "| `" + c.step + "` | " + c.change + " | " + fields + " |\n";
    }
    out += "\n";
  }
  for (const StepChange& c : diff) {
    out += "#### " + c.change + " `" + c.step + "`\n\n";
    std::string lines = change_lines(c);
    size_t longest = 0, run = 0;
    for (char ch : lines) {
      run = ch == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    std::string fence(std::max<size_t>(3, longest + 1), '`');
    out += fence + "diff\n" + lines + fence + "\n\n";
  }
  return out;
}

std::string diff_json(const Plan& base, const Plan& head, const std::vector<StepChange>& diff) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(plan_json(head));
  j["base"] = {{"file", base.file}, {"digest", base.digest}};
  nlohmann::ordered_json changes = nlohmann::ordered_json::array();
  for (const StepChange& c : diff) {
    changes.push_back({{"step", c.step}, {"change", c.change}, {"fields", c.fields}});
  }
  j["diff"] = std::move(changes);
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace rb::plan
