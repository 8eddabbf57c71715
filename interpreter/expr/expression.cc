#include "expr/expression.h"

#include "expr/ast.h"
#include "expr/parser.h"

namespace rb::expr {
namespace {

bool any_raw_call(const Node& n) {
  if (n.kind == NodeKind::kCall && n.name == "raw") return true;
  for (const NodePtr& c : n.children) {
    if (any_raw_call(*c)) return true;
  }
  return false;
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

Expression::Expression(std::string text, TextOrigin origin, std::unique_ptr<const Node> root)
    : text_(std::move(text)), origin_(std::move(origin)), root_(std::move(root)) {}

Expression::~Expression() = default;

bool Expression::is_raw() const {
  return root_->kind == NodeKind::kCall && root_->name == "raw";
}

bool Expression::calls_raw() const {
  return any_raw_call(*root_);
}

ExprPtr parse_expression(std::string_view text, const TextOrigin& origin, Diagnostics& diags) {
  if (text.size() > kMaxExpressionLength) {
    diags.error(origin.locate(0),
                "expression is longer than " + std::to_string(kMaxExpressionLength) + " bytes",
                "move the logic into a script step");
    return nullptr;
  }
  if (blank(text)) {
    diags.error(origin.locate(0), "empty expression", "write an expression, e.g. inputs.name");
    return nullptr;
  }
  ParseResult parsed = parse_tree(text);
  if (parsed.error) {
    const SyntaxError& e = *parsed.error;
    Diagnostic& d = diags.error(origin.locate(e.offset), e.message, e.hint,
                                static_cast<int>(std::min<size_t>(e.length, 1000)));
    if (e.note_offset) {
      d.notes.push_back(
          Diagnostic{Severity::kNote, origin.locate(*e.note_offset), 1, e.note, "", {}});
    }
    return nullptr;
  }
  return std::make_shared<const Expression>(std::string(text), origin, std::move(parsed.root));
}

}  // namespace rb::expr
