#pragma once
// The expression parser: a Pratt parser driven by one table that gives each token its prefix
// handler, infix handler and binding power (parser.cc). Also resolves function names and checks
// argument counts, literal regular expressions and literal format strings.
#include <optional>
#include <string_view>

#include "expr/ast.h"
#include "expr/lexer.h"

namespace rb::expr {

struct ParseResult {
  NodePtr root;                      // null on error
  std::optional<SyntaxError> error;  // the first problem found
};

// Parses `text` whole. Nesting (and tree height) beyond kMaxDepth is an error, never a deep
// recursion.
ParseResult parse_tree(std::string_view text);

}  // namespace rb::expr
