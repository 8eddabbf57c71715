#include "command/derived_secrets.h"

#include <algorithm>

#include "expr/ast.h"
#include "expr/evaluate.h"

namespace rb::command {
namespace {

bool node_reads_secret(const expr::Node& n, const model::Runbook& rb,
                       const std::set<std::string, std::less<>>& vars) {
  if ((n.kind == expr::NodeKind::kMember || n.kind == expr::NodeKind::kIndex) &&
      !n.children.empty() && n.children[0]->kind == expr::NodeKind::kName) {
    std::string_view member = n.name;
    if (n.kind == expr::NodeKind::kIndex) {  // inputs['token']; a computed index: any of them
      const expr::Node& index = *n.children[1];
      member = index.kind == expr::NodeKind::kLiteral && index.value.is_string()
                   ? std::string_view(index.value.as_string())
                   : std::string_view();
    }
    const std::string& root = n.children[0]->name;
    if (root == "inputs") {
      const model::InputSpec* spec = rb.find_input(member);
      const bool any = std::any_of(rb.inputs.begin(), rb.inputs.end(),
                                   [](const model::InputSpec& s) { return s.secret; });
      if (member.empty() ? any : spec && spec->secret) return true;
    }
    if (root == "vars" && (member.empty() ? !vars.empty() : vars.count(member) > 0)) return true;
  }
  for (const auto& c : n.children) {
    if (node_reads_secret(*c, rb, vars)) return true;
  }
  return false;
}

void literal_strings(const expr::Node& n, std::set<std::string>& out) {
  if (n.kind == expr::NodeKind::kLiteral && n.value.is_string()) out.insert(n.value.as_string());
  for (const auto& c : n.children) literal_strings(*c, out);
}

void add_derived(SecretMasker& masker, const expr::Value& v,
                 const std::set<std::string>& literals) {
  if (v.is_string()) {
    const std::string& s = v.as_string();
    if (s.size() >= 4 && !literals.count(s) && masker.mask(s) == s) masker.add(s);
  } else if (v.is_list()) {
    for (const expr::Value& e : v.as_list()) add_derived(masker, e, literals);
  } else if (v.is_map()) {
    for (const auto& [key, value] : v.as_map()) add_derived(masker, value, literals);
  }
}

}  // namespace

DerivedSecrets::DerivedSecrets(const model::Runbook& rb)
    : rb_(rb),
      secret_inputs_(std::any_of(rb.inputs.begin(), rb.inputs.end(),
                                 [](const model::InputSpec& s) { return s.secret; })) {}

bool DerivedSecrets::reads_secret(const expr::Expression& e) const {
  return any() && node_reads_secret(e.root(), rb_, vars_);
}

bool DerivedSecrets::reads_secret(const expr::Template& t) const {
  if (!any()) return false;
  for (const expr::TemplatePart& p : t.parts()) {
    if (p.expr && reads_secret(*p.expr)) return true;
  }
  return false;
}

void DerivedSecrets::note_var(const std::string& name, const expr::Template& t) {
  if (reads_secret(t)) vars_.insert(name);
}

void DerivedSecrets::mask(SecretMasker& masker, const expr::Expression& e,
                          const expr::Scope& scope) const {
  if (!reads_secret(e)) return;
  try {
    std::set<std::string> literals;
    literal_strings(e.root(), literals);
    add_derived(masker, expr::evaluate(e, scope), literals);
  } catch (const expr::EvalError&) {
  }
}

void DerivedSecrets::mask(SecretMasker& masker, const expr::Template& t,
                          const expr::Scope& scope) const {
  if (!any()) return;
  for (const expr::TemplatePart& p : t.parts()) {
    if (p.expr) mask(masker, *p.expr, scope);
  }
}

}  // namespace rb::command
