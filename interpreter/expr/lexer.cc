#include "expr/lexer.h"

#include "base/char_class.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace rb::expr {
namespace {

// The punctuation token starting with c (then `next`), and its length; length 0 when none does.
// Two-character spellings win over one: "<=" over "<".
std::pair<TokenKind, size_t> punctuation(char c, char next) {
  switch (c) {
    case '=':
      if (next == '=') return {TokenKind::kEqualEqual, 2};
      break;
    case '!':
      if (next == '=') return {TokenKind::kBangEqual, 2};
      return {TokenKind::kBang, 1};
    case '<':
      if (next == '=') return {TokenKind::kLessEqual, 2};
      return {TokenKind::kLess, 1};
    case '>':
      if (next == '=') return {TokenKind::kGreaterEqual, 2};
      return {TokenKind::kGreater, 1};
    case '&':
      if (next == '&') return {TokenKind::kAndAnd, 2};
      break;
    case '|':
      if (next == '|') return {TokenKind::kOrOr, 2};
      break;
    case '(':
      return {TokenKind::kLeftParen, 1};
    case ')':
      return {TokenKind::kRightParen, 1};
    case '[':
      return {TokenKind::kLeftBracket, 1};
    case ']':
      return {TokenKind::kRightBracket, 1};
    case ',':
      return {TokenKind::kComma, 1};
    case '.':
      return {TokenKind::kDot, 1};
    case '-':
      return {TokenKind::kMinus, 1};
    case '+':
      return {TokenKind::kPlus, 1};
    case '*':
      return {TokenKind::kStar, 1};
    case '/':
      return {TokenKind::kSlash, 1};
    case '%':
      return {TokenKind::kPercent, 1};
    default:
      break;
  }
  return {TokenKind::kEnd, 0};
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  LexResult run() {
    LexResult out;
    // At most a token per byte, and the end: one allocation for any usual expression.
    out.tokens.reserve(std::min<size_t>(text_.size() + 1, 64));
    try {
      while (true) {
        skip_space();
        if (pos_ >= text_.size()) break;
        out.tokens.push_back(next());
      }
      Token end;
      end.kind = TokenKind::kEnd;
      end.offset = text_.size();
      out.tokens.push_back(end);
    } catch (SyntaxError& e) {
      out.error = std::move(e);
    }
    return out;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  [[noreturn]] void fail(size_t offset, size_t length, std::string message, std::string hint = {}) {
    throw SyntaxError{offset, length, std::move(message), std::move(hint), std::nullopt, {}};
  }

  Token make(TokenKind kind, size_t start) {
    Token t;
    t.kind = kind;
    t.offset = start;
    t.length = pos_ - start;
    if (kind != TokenKind::kString) t.text = std::string(text_.substr(start, pos_ - start));
    return t;
  }

  Token next() {
    const char c = text_[pos_];
    if (is_name_start(c)) return name();
    if (is_digit(c)) return number();
    if (c == '\'') return single_quoted();
    if (c == '"') return double_quoted();
    const auto [kind, length] = punctuation(c, pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0');
    if (length > 0) {
      const size_t start = pos_;
      pos_ += length;
      return make(kind, start);
    }
    switch (c) {
      case '=':
        fail(pos_, 1, "unexpected '='", "use '==' to compare");
      case '&':
        fail(pos_, 1, "unexpected '&'", "use '&&' for 'and'");
      case '|':
        fail(pos_, 1, "unexpected '|'", "use '||' for 'or'");
      case '$':
        if (text_.substr(pos_, 3) == "${{") {
          fail(pos_, 3, "'${{' inside an expression",
               "an expression refers to names directly: write inputs.x, not ${{ inputs.x }}");
        }
        break;
      default:
        break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) fail(pos_, 1, "unexpected character (byte 0x" + hex(u) + ")");
    fail(pos_, 1, std::string("unexpected character '") + c + "'");
  }

  static std::string hex(unsigned char u) {
    static const char kHex[] = "0123456789abcdef";
    return {kHex[u >> 4], kHex[u & 0xF]};
  }

  Token name() {
    const size_t start = pos_;
    // A hyphen belongs to the name only between name characters (`pre-check`), so `a- 1` and a
    // trailing `-` still read as subtraction.
    while (pos_ < text_.size() &&
           (is_name_char(text_[pos_]) ||
            (text_[pos_] == '-' && pos_ + 1 < text_.size() && is_name_char(text_[pos_ + 1])))) {
      ++pos_;
    }
    const std::string_view word = text_.substr(start, pos_ - start);
    TokenKind kind = TokenKind::kName;
    if (word == "true") kind = TokenKind::kTrue;
    if (word == "false") kind = TokenKind::kFalse;
    if (word == "null") kind = TokenKind::kNull;
    return make(kind, start);
  }

  Token number() {
    const size_t start = pos_;
    bool is_float = false;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' && is_digit(text_[pos_ + 1])) {
      is_float = true;
      ++pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      size_t at = pos_ + 1;
      if (at < text_.size() && (text_[at] == '+' || text_[at] == '-')) ++at;
      if (at < text_.size() && is_digit(text_[at])) {
        is_float = true;
        pos_ = at;
        while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
      }
    }
    if (pos_ < text_.size() && is_name_start(text_[pos_])) {
      fail(start, pos_ - start + 1, "a number runs into a name here",
           "put a space or an operator between them");
    }
    Token t = make(is_float ? TokenKind::kNumber : TokenKind::kInteger, start);
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    if (is_float) {
      auto [ptr, ec] = std::from_chars(first, last, t.number);
      if (ec != std::errc() || ptr != last || !std::isfinite(t.number)) {
        fail(start, t.length, "number " + t.text + " is out of range");
      }
    } else {
      auto [ptr, ec] = std::from_chars(first, last, t.integer);
      if (ec != std::errc() || ptr != last) {
        fail(start, t.length, "integer " + t.text + " is too large",
             "integers are 64-bit: at most 9223372036854775807");
      }
    }
    return t;
  }

  // 'text', where '' is a quote (as in GitHub Actions and SQL).
  Token single_quoted() {
    const size_t start = pos_++;
    std::string value;
    while (true) {
      if (pos_ >= text_.size()) unterminated(start, '\'');
      const char c = text_[pos_++];
      if (c == '\'') {
        if (pos_ < text_.size() && text_[pos_] == '\'') {
          value += '\'';
          ++pos_;
          continue;
        }
        break;
      }
      value += c;
    }
    Token t = make(TokenKind::kString, start);
    t.text = std::move(value);
    return t;
  }

  // "text", with backslash escapes \" \\ \n \t \r.
  Token double_quoted() {
    const size_t start = pos_++;
    std::string value;
    while (true) {
      if (pos_ >= text_.size()) unterminated(start, '"');
      const char c = text_[pos_++];
      if (c == '"') break;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (pos_ >= text_.size()) unterminated(start, '"');
      const char e = text_[pos_++];
      switch (e) {
        case '"':
          value += '"';
          break;
        case '\\':
          value += '\\';
          break;
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        default:
          fail(pos_ - 2, 2, std::string("unknown escape '\\") + e + "' in a string",
               "escapes are \\\" \\\\ \\n \\t \\r; write '\\\\' for a backslash");
      }
    }
    Token t = make(TokenKind::kString, start);
    t.text = std::move(value);
    return t;
  }

  [[noreturn]] void unterminated(size_t start, char quote) {
    fail(start, 1, "unterminated string", std::string("close it with ") + quote);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

LexResult lex(std::string_view text) {
  return Lexer(text).run();
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "end of expression";
    case TokenKind::kName:
      return "name '" + t.text + "'";
    case TokenKind::kInteger:
    case TokenKind::kNumber:
      return "number " + t.text;
    case TokenKind::kString:
      return "string '" + t.text + "'";
    default:
      return "'" + t.text + "'";
  }
}

}  // namespace rb::expr
