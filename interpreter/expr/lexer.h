#pragma once
// Splits expression text into tokens, each with its byte offset so errors point at it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rb::expr {

enum class TokenKind {
  kEnd,
  kName,
  kInteger,
  kNumber,
  kString,
  kTrue,
  kFalse,
  kNull,
  kLeftParen,
  kRightParen,
  kLeftBracket,
  kRightBracket,
  kComma,
  kDot,
  kBang,
  kMinus,
  kPlus,
  kStar,
  kSlash,
  kPercent,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqualEqual,
  kBangEqual,
  kAndAnd,
  kOrOr,
  kCount,  // number of kinds, for tables
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t offset = 0;  // in the expression text
  size_t length = 0;
  std::string text;  // kName: the name; kString: the decoded string; others: the spelling
  int64_t integer = 0;
  double number = 0;
};

// A problem in the expression's syntax, at a byte range of its text. The lexer and the parser
// produce these; parse_expression turns them into located diagnostics.
struct SyntaxError {
  size_t offset = 0;
  size_t length = 1;
  std::string message;
  std::string hint;
  std::optional<size_t> note_offset;  // a related place, e.g. the '(' left open
  std::string note;
};

struct LexResult {
  std::vector<Token> tokens;  // ends with kEnd when there is no error
  std::optional<SyntaxError> error;
};

LexResult lex(std::string_view text);

// How a token is named in messages: "name 'x'", "number 42", "string 'a'", "')'",
// "end of expression".
std::string describe(const Token& t);

}  // namespace rb::expr
