#include "expr/parser.h"

#include <re2/re2.h>

#include <array>

#include "expr/expression.h"
#include "expr/format_string.h"
#include "expr/functions.h"

namespace rb::expr {

void PatternDelete::operator()(const re2::RE2* re) const {
  delete re;
}

static_assert(sizeof(void*) != 8 || sizeof(Node) <= 136, "a node grew: see ast.h");

namespace {

// Binding power, lowest first.
enum Precedence {
  kNone = 0,
  kOr,          // ||
  kAnd,         // &&
  kEquality,    // == !=
  kComparison,  // < <= > >=
  kSum,         // + -
  kProduct,     // * / %
  kUnary,       // ! -
  kPostfix,     // .name [index] (call)
};

using MutableNode = std::unique_ptr<Node>;

bool is_comparison(const Node& n) {
  return n.kind == NodeKind::kBinary &&
         (n.binary_op == BinaryOp::kLess || n.binary_op == BinaryOp::kLessEqual ||
          n.binary_op == BinaryOp::kGreater || n.binary_op == BinaryOp::kGreaterEqual);
}

std::string list_of_functions() {
  std::string out;
  for (const std::string& name : function_names()) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

class Parser {
 public:
  explicit Parser(const std::vector<Token>& tokens) : tokens_(tokens) {}

  MutableNode parse() {
    MutableNode root = expression(kNone);
    const Token& t = peek();
    if (t.kind == TokenKind::kRightParen) fail(t, "unexpected ')' with no matching '('");
    if (t.kind == TokenKind::kRightBracket) fail(t, "unexpected ']' with no matching '['");
    if (t.kind != TokenKind::kEnd) {
      fail(t, "unexpected " + describe(t) + " after the expression",
           "combine expressions with an operator such as '&&', '||' or '+'");
    }
    return root;
  }

 private:
  using Prefix = MutableNode (Parser::*)(const Token&);
  using Infix = MutableNode (Parser::*)(MutableNode, const Token&);
  struct Rule {
    Prefix prefix = nullptr;
    Infix infix = nullptr;
    Precedence precedence = kNone;  // of the infix handler
  };

  // The grammar, one row per token.
  static const Rule& rule(TokenKind kind) {
    static const auto table = [] {
      std::array<Rule, static_cast<size_t>(TokenKind::kCount)> t{};
      auto row = [&](TokenKind k, Prefix prefix, Infix infix, Precedence p) {
        t[static_cast<size_t>(k)] = Rule{prefix, infix, p};
      };
      using P = Parser;
      using K = TokenKind;
      // clang-format off
      //  token              prefix        infix              precedence
      row(K::kName,          &P::name,     nullptr,           kNone);
      row(K::kInteger,       &P::literal,  nullptr,           kNone);
      row(K::kNumber,        &P::literal,  nullptr,           kNone);
      row(K::kString,        &P::literal,  nullptr,           kNone);
      row(K::kTrue,          &P::literal,  nullptr,           kNone);
      row(K::kFalse,         &P::literal,  nullptr,           kNone);
      row(K::kNull,          &P::literal,  nullptr,           kNone);
      row(K::kLeftParen,     &P::group,    &P::not_callable,  kPostfix);
      row(K::kLeftBracket,   &P::list,     &P::index,         kPostfix);
      row(K::kDot,           nullptr,      &P::member,        kPostfix);
      row(K::kBang,          &P::unary,    nullptr,           kNone);
      row(K::kMinus,         &P::unary,    &P::binary,        kSum);
      row(K::kPlus,          nullptr,      &P::binary,        kSum);
      row(K::kStar,          nullptr,      &P::binary,        kProduct);
      row(K::kSlash,         nullptr,      &P::binary,        kProduct);
      row(K::kPercent,       nullptr,      &P::binary,        kProduct);
      row(K::kLess,          nullptr,      &P::binary,        kComparison);
      row(K::kLessEqual,     nullptr,      &P::binary,        kComparison);
      row(K::kGreater,       nullptr,      &P::binary,        kComparison);
      row(K::kGreaterEqual,  nullptr,      &P::binary,        kComparison);
      row(K::kEqualEqual,    nullptr,      &P::binary,        kEquality);
      row(K::kBangEqual,     nullptr,      &P::binary,        kEquality);
      row(K::kAndAnd,        nullptr,      &P::logical,       kAnd);
      row(K::kOrOr,          nullptr,      &P::logical,       kOr);
      // clang-format on
      return t;
    }();
    return table[static_cast<size_t>(kind)];
  }

  // Parses operators that bind tighter than `min_precedence`.
  MutableNode expression(Precedence min_precedence) {
    if (++depth_ > kMaxDepth) too_deep(peek());
    const Token& t = advance();
    const Rule& r = rule(t.kind);
    if (!r.prefix) {
      if (t.kind == TokenKind::kEnd) fail(t, "unexpected end of expression");
      fail(t, "expected an expression, found " + describe(t));
    }
    MutableNode left = (this->*r.prefix)(t);
    while (min_precedence < rule(peek().kind).precedence) {
      const Token& op = advance();
      left = (this->*rule(op.kind).infix)(std::move(left), op);
    }
    --depth_;
    return left;
  }

  // ---- prefix handlers

  MutableNode literal(const Token& t) {
    MutableNode n = start(NodeKind::kLiteral, t);
    switch (t.kind) {
      case TokenKind::kInteger:
        n->value = Value(t.integer);
        break;
      case TokenKind::kNumber:
        n->value = Value(t.number);
        break;
      case TokenKind::kString:
        n->value = Value(t.text);
        break;
      case TokenKind::kTrue:
        n->value = Value(true);
        break;
      case TokenKind::kFalse:
        n->value = Value(false);
        break;
      default:
        break;  // null
    }
    return finish(std::move(n), t.offset);
  }

  MutableNode name(const Token& t) {
    if (peek().kind == TokenKind::kLeftParen) return call(t);
    MutableNode n = start(NodeKind::kName, t);
    n->name = t.text;
    return finish(std::move(n), t.offset);
  }

  MutableNode group(const Token& open) {
    MutableNode inner = expression(kNone);
    expect(TokenKind::kRightParen, "')' to close '('", open);
    inner->parenthesized = true;
    inner->begin = open.offset;
    inner->end = prev_end();
    return inner;
  }

  MutableNode list(const Token& open) {
    MutableNode n = start(NodeKind::kList, open);
    while (peek().kind != TokenKind::kRightBracket) {
      n->children.push_back(expression(kNone));
      if (peek().kind != TokenKind::kComma) break;
      advance();  // a trailing comma is fine: lists are often written one element per line
    }
    expect(TokenKind::kRightBracket, "',' or ']' in the list", open);
    return finish(std::move(n), open.offset);
  }

  MutableNode unary(const Token& op) {
    MutableNode n = start(NodeKind::kUnary, op);
    n->unary_op = op.kind == TokenKind::kBang ? UnaryOp::kNot : UnaryOp::kNegate;
    n->children.push_back(expression(kUnary));  // binds only postfix: -a.b is -(a.b)
    return finish(std::move(n), op.offset);
  }

  MutableNode call(const Token& name) {
    const Token& open = advance();  // '('
    MutableNode n = start(NodeKind::kCall, name);
    n->name = name.text;
    n->function = find_function(name.text);
    if (!n->function) {
      std::string hint = suggest_function(name.text);
      fail(name, "unknown function '" + name.text + "'",
           hint.empty() ? "functions are: " + list_of_functions() : hint);
    }
    if (peek().kind != TokenKind::kRightParen) {
      while (true) {
        n->children.push_back(expression(kNone));
        if (peek().kind != TokenKind::kComma) break;
        advance();
      }
    }
    expect(TokenKind::kRightParen, "',' or ')' after an argument of " + name.text + "()", open);
    if (std::string error = arity_error(*n->function, n->children.size()); !error.empty()) {
      fail(name, error, std::string("call it as ") + std::string(n->function->signature));
    }
    check_literal_arguments(*n);
    return finish(std::move(n), name.offset);
  }

  // ---- infix handlers

  MutableNode binary(MutableNode left, const Token& op) {
    static constexpr std::pair<TokenKind, BinaryOp> kOps[] = {
        {TokenKind::kPlus, BinaryOp::kAdd},
        {TokenKind::kMinus, BinaryOp::kSubtract},
        {TokenKind::kStar, BinaryOp::kMultiply},
        {TokenKind::kSlash, BinaryOp::kDivide},
        {TokenKind::kPercent, BinaryOp::kRemainder},
        {TokenKind::kEqualEqual, BinaryOp::kEqual},
        {TokenKind::kBangEqual, BinaryOp::kNotEqual},
        {TokenKind::kLess, BinaryOp::kLess},
        {TokenKind::kLessEqual, BinaryOp::kLessEqual},
        {TokenKind::kGreater, BinaryOp::kGreater},
        {TokenKind::kGreaterEqual, BinaryOp::kGreaterEqual},
    };
    MutableNode n = start(NodeKind::kBinary, op);
    for (const auto& [kind, binary_op] : kOps) {
      if (kind == op.kind) n->binary_op = binary_op;
    }
    if (is_comparison(*n) && is_comparison(*left) && !left->parenthesized) {
      fail(op, "comparisons do not chain: this compares a boolean with the next operand",
           "write 'a < b && b < c'");
    }
    const size_t begin = left->begin;
    n->children.push_back(std::move(left));
    n->children.push_back(expression(rule(op.kind).precedence));
    return finish(std::move(n), begin);
  }

  MutableNode logical(MutableNode left, const Token& op) {
    MutableNode n = start(op.kind == TokenKind::kAndAnd ? NodeKind::kAnd : NodeKind::kOr, op);
    const size_t begin = left->begin;
    n->children.push_back(std::move(left));
    n->children.push_back(expression(rule(op.kind).precedence));
    return finish(std::move(n), begin);
  }

  MutableNode member(MutableNode object, const Token& /*dot*/) {
    const Token& field = advance();
    // Keywords are fine as field names: outputs.null is an output called "null".
    if (field.kind != TokenKind::kName && field.kind != TokenKind::kTrue &&
        field.kind != TokenKind::kFalse && field.kind != TokenKind::kNull) {
      fail(field, "expected a field name after '.', found " + describe(field));
    }
    if (peek().kind == TokenKind::kLeftParen && find_function(field.text)) {
      fail(field, "only functions can be called, not fields",
           "write '" + field.text + "(x)' rather than 'x." + field.text + "()'");
    }
    MutableNode n = start(NodeKind::kMember, field);
    n->name = field.text;
    const size_t begin = object->begin;
    n->children.push_back(std::move(object));
    return finish(std::move(n), begin);
  }

  MutableNode index(MutableNode object, const Token& open) {
    MutableNode n = start(NodeKind::kIndex, open);
    const size_t begin = object->begin;
    n->children.push_back(std::move(object));
    n->children.push_back(expression(kNone));
    expect(TokenKind::kRightBracket, "']' to close '['", open);
    return finish(std::move(n), begin);
  }

  MutableNode not_callable(MutableNode, const Token& open) {
    fail(open, "only functions can be called", "functions are called by name: len(x)");
  }

  // ---- parse-time checks of literal arguments

  void check_literal_arguments(Node& call) {
    const FunctionSpec& f = *call.function;
    auto literal_string = [&](int i) -> const Node* {
      if (i < 0 || static_cast<size_t>(i) >= call.children.size()) return nullptr;
      const Node& arg = *call.children[i];
      return arg.kind == NodeKind::kLiteral && arg.value.is_string() ? &arg : nullptr;
    };
    if (const Node* arg = literal_string(f.pattern_arg)) {
      std::unique_ptr<const RE2, PatternDelete> re(new RE2(arg->value.as_string(), RE2::Quiet));
      if (!re->ok()) fail_node(*arg, "invalid regular expression: " + re->error());
      call.pattern = std::move(re);
    }
    if (const Node* arg = literal_string(f.format_arg)) {
      const size_t count = call.children.size() - static_cast<size_t>(f.format_arg) - 1;
      if (std::optional<FunctionError> e = check_format(arg->value.as_string(), count)) {
        fail_node(*arg, e->message, e->hint);
      }
    }
  }

  // ---- helpers

  const Token& peek() const { return tokens_[pos_]; }
  const Token& advance() {
    const Token& t = tokens_[pos_];
    if (t.kind != TokenKind::kEnd) ++pos_;
    return t;
  }
  size_t prev_end() const {
    if (pos_ == 0) return 0;
    const Token& t = tokens_[pos_ - 1];
    return t.offset + t.length;
  }

  void expect(TokenKind kind, const std::string& what, const Token& open) {
    const Token& t = peek();
    if (t.kind == kind) {
      advance();
      return;
    }
    SyntaxError e;
    e.offset = t.offset;
    e.length = t.kind == TokenKind::kEnd ? 1 : t.length;
    e.message = "expected " + what + ", found " + describe(t);
    e.note_offset = open.offset;
    e.note = "'" + open.text + "' is here";
    throw e;
  }

  static MutableNode start(NodeKind kind, const Token& t) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->offset = t.offset;
    n->length = t.length;
    return n;
  }

  MutableNode finish(MutableNode n, size_t begin) {
    n->begin = begin;
    n->end = prev_end();
    for (const NodePtr& c : n->children) n->height = std::max(n->height, c->height + 1);
    if (n->height > kMaxDepth) {
      too_deep_at(n->offset, n->length);
    }
    return n;
  }

  [[noreturn]] void too_deep(const Token& t) {
    too_deep_at(t.offset, std::max<size_t>(1, t.length));
  }
  [[noreturn]] static void too_deep_at(size_t offset, size_t length) {
    throw SyntaxError{offset,
                      std::max<size_t>(1, length),
                      "expression nests deeper than " + std::to_string(kMaxDepth) + " levels",
                      "split it into smaller expressions, for example with vars",
                      std::nullopt,
                      {}};
  }

  [[noreturn]] static void fail(const Token& t, std::string message, std::string hint = {}) {
    throw SyntaxError{t.offset,           std::max<size_t>(1, t.length),
                      std::move(message), std::move(hint),
                      std::nullopt,       {}};
  }

  [[noreturn]] static void fail_node(const Node& n, std::string message, std::string hint = {}) {
    throw SyntaxError{n.begin,
                      std::max<size_t>(1, n.end - n.begin),
                      std::move(message),
                      std::move(hint),
                      std::nullopt,
                      {}};
  }

  const std::vector<Token>& tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

ParseResult parse_tree(std::string_view text) {
  ParseResult out;
  LexResult lexed = lex(text);
  if (lexed.error) {
    out.error = std::move(lexed.error);
    return out;
  }
  try {
    out.root = Parser(lexed.tokens).parse();
  } catch (SyntaxError& e) {
    out.error = std::move(e);
  }
  return out;
}

}  // namespace rb::expr
