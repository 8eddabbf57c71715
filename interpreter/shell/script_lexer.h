#pragma once
// A small lexer for the literal text of a `run:` script. It follows just enough bash syntax
// (quotes, $( ), ${ }, arithmetic, backticks, comments, here-documents, case patterns) to say
// where an interpolated value would land, and it watches here-document lines so that a value can
// neither end a here-document early nor hide its terminator.
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "shell/script_quoting.h"

namespace rb::shell {

// How a value is spelled where it lands. Inside "${...}" bash reads quotes its own way: a bare '
// is taken for an opening quote while looking for the closing brace, and brace expansion does
// not see nested "..." as quoted. What survives every pass (checked against bash 5.2):
enum class Spelling {
  kContext,       // as quote_for(context) says
  kParamWord,     // the word of "${x:-word}": "\a\b..." (a backslash before each printable
                  // ASCII character; inside those nested quotes it only ever stands for it)
  kParamPattern,  // a pattern or replacement of "${x#pat}", "${x/pat/rep}": '...', where
                  // single quotes do quote
};

// Where a value inserted at the lexer's current position lands, and how it must be rendered.
struct Landing {
  QuoteContext context = QuoteContext::kBare;
  Spelling spelling = Spelling::kContext;
  std::string refusal;  // non-empty: no value can be placed here; why
};

class ScriptLexer {
 public:
  ScriptLexer();

  // Scans literal script text. Consecutive literal pieces must be fed as one string: a token
  // split across feed() calls is taken to have an interpolation in between.
  void feed(std::string_view literal);
  // Where a value inserted now would land.
  Landing landing() const;
  // Records a value inserted now, as rendered (`piece` names it in errors). Values never change
  // the context; their text only counts towards here-document lines.
  void insert(std::string_view rendered, size_t piece);
  // Records a raw() value: copied as is, not followed (the documented opt-out).
  void insert_raw();
  // Ends the script: a last here-document line without a newline still counts.
  void finish();

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  size_t error_piece() const { return error_piece_; }
  // After finish(): what the literal text leaves open (an unclosed quote, a stray ')'), or empty.
  std::string unclosed() const;

 private:
  enum class Kind {
    kTop,
    kCmdSubst,
    kSingle,
    kDouble,
    kAnsiC,
    kParam,
    kArith,
    kBacktick,
    kComment,
    kHeredoc
  };
  enum class ParamPart { kName, kAfterName, kWord, kPattern, kArith, kOther };

  struct Heredoc {
    std::string delimiter;
    bool quoted = false;      // <<'EOF', <<"EOF", <<\EOF: the body is literal
    bool strip_tabs = false;  // <<-EOF
  };

  struct Frame {
    Kind kind = Kind::kTop;
    // kTop, kCmdSubst: words and commands.
    bool in_word = false;  // inside a word: a '#' here does not start a comment
    bool cmd_pos = true;   // the next word is in command position (for case/esac)
    bool word_plain = true;
    std::string word;
    int paren_depth = 0;
    int case_depth = 0;
    // kParam
    bool in_double = false;  // the ${ is inside "..." or a here-document body
    ParamPart part = ParamPart::kName;
    bool name_prefix = false;  // ${#x} / ${!x}
    // kArith: closed by "))" or, for $[ ] and subscripts, by ']'
    bool bracket = false;
    int depth = 0;
    // kHeredoc
    Heredoc doc;
    std::string line;          // the current body line, as bash will read it
    std::string literal_line;  // the same line without the values in it
    bool line_has_value = false;
    size_t value_piece = 0;
    bool line_ended = false;         // a newline was read; end_heredoc_lines() looks at the line
    bool backslash = false;          // the line ends in an unescaped backslash (unquoted body)
    bool backslash_literal = false;  // ...which came from the literal text
  };

  static bool is_word_frame(Kind k) { return k == Kind::kTop || k == Kind::kCmdSubst; }

  size_t step(std::string_view s, size_t i);
  size_t step_words(std::string_view s, size_t i);
  size_t step_param(std::string_view s, size_t i);
  size_t step_arith(std::string_view s, size_t i);
  size_t escape(std::string_view s, size_t i);
  size_t expansion(std::string_view s, size_t i, bool ansi_and_locale_quotes);
  size_t heredoc_delimiter(std::string_view s, size_t i, bool strip_tabs);

  void push(Kind kind);
  void push_param();
  void push_arith(bool bracket);
  void word_char(Frame& f, char c, bool plain);
  void end_word(Frame& f);
  void start_pending_heredoc();

  // Every consumed character goes through take(); it keeps the here-document lines.
  void take(char c);
  void take(std::string_view s, size_t i, size_t n);
  size_t take_run(std::string_view s, size_t i, size_t j);
  void end_heredoc_lines();
  void fail(size_t piece, std::string message);

  std::vector<Frame> stack_;
  std::deque<Heredoc> pending_heredocs_;  // announced by <<, body starts at the next newline
  bool pending_escape_ = false;           // the literal ended with an escaping backslash
  bool pending_dollar_ = false;           // the literal ended with a '$'
  bool pending_delimiter_ = false;        // the literal ended in or before a << delimiter
  bool stray_paren_ = false;
  bool value_chars_ = false;  // take() is adding a value's text, not literal text
  size_t value_piece_ = 0;
  std::string error_;
  size_t error_piece_ = 0;
};

}  // namespace rb::shell
