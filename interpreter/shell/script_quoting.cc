#include "shell/script_quoting.h"

#include <cstdio>

#include "shell/script_lexer.h"

namespace rb::shell {
namespace {

const char* kNulRefusal = "value contains a NUL byte, which cannot be passed to a shell";

std::string escape_chars(std::string_view value, std::string_view special) {
  std::string out;
  out.reserve(value.size() + 8);
  for (char c : value) {
    if (special.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A word bash reads back as itself anywhere a bare word can stand, so commands stay readable
// (`juju refresh mysql-k8s --revision=88`). Not '=' (a leading NAME=x would become an
// assignment), not '~' or glob characters, and not a reserved word.
bool is_plain_word(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '@' || c == '%' || c == '+' || c == ':' || c == ',' || c == '.' || c == '/' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  static const char* const kReserved[] = {"if",   "then", "else",     "elif",  "fi",    "case",
                                          "esac", "for",  "select",   "while", "until", "do",
                                          "done", "in",   "function", "time",  "coproc"};
  for (const char* r : kReserved) {
    if (value == r) return false;
  }
  return true;
}

std::string single_quote_body(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 8);
  for (char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out;
}

// $'...': \ and ' escaped; control bytes as \xHH so none of them can surprise a reader or a
// terminal (bash reads at most two hex digits, so a following digit stays a digit).
std::string ansi_c_body(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 8);
  for (char c : value) {
    auto b = static_cast<unsigned char>(c);
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += c;
    } else if (b < 0x20 || b == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", b);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

// See Spelling::kParamWord.
std::string param_word(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c >= 0x20 && c < 0x7f) out += '\\';
    out += c;
  }
  return out + "\"";
}

bool is_integer(std::string_view value) {
  size_t i = (!value.empty() && (value[0] == '-' || value[0] == '+')) ? 1 : 0;
  if (i >= value.size()) return false;
  for (; i < value.size(); ++i) {
    if (value[i] < '0' || value[i] > '9') return false;
  }
  return true;
}

// Runs the lexer over the pieces: consecutive literal pieces are scanned as one text, and
// `on_value` sees each interpolated piece with where it lands; it returns false to stop.
template <typename OnValue>
void walk(const std::vector<ScriptPiece>& pieces, ScriptLexer& lexer, OnValue on_value) {
  std::string literal;
  for (size_t k = 0; k < pieces.size(); ++k) {
    const ScriptPiece& p = pieces[k];
    if (!p.interpolated) {
      literal += p.text;
      continue;
    }
    lexer.feed(literal);
    literal.clear();
    if (!on_value(k, p, lexer.landing())) return;
  }
  lexer.feed(literal);
  lexer.finish();
}

}  // namespace

const char* quote_context_name(QuoteContext c) {
  switch (c) {
    case QuoteContext::kBare:
      return "bare word";
    case QuoteContext::kSingleQuoted:
      return "single-quoted";
    case QuoteContext::kDoubleQuoted:
      return "double-quoted";
    case QuoteContext::kAnsiCQuoted:
      return "$'...'-quoted";
    case QuoteContext::kComment:
      return "comment";
    case QuoteContext::kHeredoc:
      return "here-document";
    case QuoteContext::kQuotedHeredoc:
      return "quoted here-document";
    case QuoteContext::kBacktick:
      return "backticks";
    case QuoteContext::kArithmetic:
      return "arithmetic";
  }
  return "?";
}

std::optional<std::string> quote_for(QuoteContext c, std::string_view value, std::string* why) {
  auto refuse = [&](const char* message) -> std::optional<std::string> {
    if (why) *why = message;
    return std::nullopt;
  };
  if (value.find('\0') != std::string_view::npos) return refuse(kNulRefusal);
  switch (c) {
    case QuoteContext::kBare:
      if (is_plain_word(value)) return std::string(value);
      return "'" + single_quote_body(value) + "'";
    case QuoteContext::kSingleQuoted:
      return single_quote_body(value);
    case QuoteContext::kDoubleQuoted:
      return escape_chars(value, "\\$`\"");
    case QuoteContext::kAnsiCQuoted:
      return ansi_c_body(value);
    case QuoteContext::kComment: {
      // Only a line break can end a comment.
      std::string out(value);
      for (char& ch : out) {
        if (ch == '\n' || ch == '\r') ch = ' ';
      }
      return out;
    }
    case QuoteContext::kHeredoc:
      return escape_chars(value, "\\$`");
    case QuoteContext::kQuotedHeredoc:
      return std::string(value);
    case QuoteContext::kBacktick:
      return refuse("interpolation inside backticks cannot be quoted safely; use $( ) instead");
    case QuoteContext::kArithmetic:
      if (is_integer(value)) return std::string(value);
      return refuse(
          "only an integer can be interpolated into arithmetic ($(( )), (( )), $[ ], an array "
          "subscript, ${x:offset}) or a ${ } name: bash evaluates the text there as code; assign "
          "the value to a variable first");
  }
  return refuse("unknown quoting context");
}

std::vector<QuoteContext> interpolation_contexts(const std::vector<ScriptPiece>& pieces) {
  std::vector<QuoteContext> out;
  ScriptLexer lexer;
  walk(pieces, lexer, [&](size_t k, const ScriptPiece&, const Landing& l) {
    out.push_back(l.context);
    lexer.insert("", k);  // literal text alone decides the contexts
    return true;
  });
  return out;
}

RenderedScript render_script(const std::vector<ScriptPiece>& pieces) {
  RenderedScript out;
  auto fail = [&](size_t piece, std::string message) {
    out.ok = false;
    out.error = std::move(message);
    out.failed_piece = piece;
  };
  ScriptLexer lexer;
  std::optional<size_t> first_quoted;
  size_t copied = 0;  // pieces[0, copied) are in out.script
  walk(pieces, lexer, [&](size_t k, const ScriptPiece& p, const Landing& l) {
    // A value can make a later literal line of a here-document its terminator.
    if (lexer.failed()) {
      fail(lexer.error_piece(), lexer.error());
      return false;
    }
    for (; copied < k; ++copied) out.script += pieces[copied].text;
    copied = k + 1;
    if (p.text.find('\0') != std::string::npos) {
      fail(k, kNulRefusal);
      return false;
    }
    if (p.raw) {
      out.script += p.text;
      lexer.insert_raw();
      return true;
    }
    if (!l.refusal.empty()) {
      fail(k, l.refusal);
      return false;
    }
    std::string why;
    std::optional<std::string> quoted = quote_for(l.context, p.text, &why);
    if (!quoted) {
      fail(k, why);
      return false;
    }
    if (l.spelling == Spelling::kParamWord) {
      quoted = param_word(p.text);
    } else if (l.spelling == Spelling::kParamPattern) {
      // Always quoted: in a pattern even plain characters like '%' mean something.
      quoted = "'" + single_quote_body(p.text) + "'";
    }
    lexer.insert(*quoted, k);
    if (lexer.failed()) {
      fail(lexer.error_piece(), lexer.error());
      return false;
    }
    if (!first_quoted) first_quoted = k;
    out.script += *quoted;
    return true;
  });
  if (out.ok && lexer.failed()) fail(lexer.error_piece(), lexer.error());
  if (out.ok && first_quoted) {
    std::string open = lexer.unclosed();
    if (!open.empty()) {
      fail(*first_quoted, "cannot follow the shell quoting of this script (" + open +
                              "), so interpolated values cannot be placed safely");
    }
  }
  if (!out.ok) {
    out.script.clear();
    return out;
  }
  for (; copied < pieces.size(); ++copied) out.script += pieces[copied].text;
  return out;
}

}  // namespace rb::shell
