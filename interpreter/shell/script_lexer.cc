#include "shell/script_lexer.h"

#include "base/char_class.h"

#include <algorithm>
#include <utility>

namespace rb::shell {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// Characters that end a word outside quotes.
bool is_metachar(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
         c == '>' || c == '(' || c == ')';
}

// Reserved words after which the next word is again in command position.
bool keeps_command_position(const std::string& w) {
  return w == "then" || w == "do" || w == "else" || w == "elif" || w == "if" || w == "while" ||
         w == "until" || w == "!" || w == "{" || w == "}" || w == "time";
}

std::string strip_leading_tabs(const std::string& line, bool strip) {
  if (!strip) return line;
  size_t k = line.find_first_not_of('\t');
  return k == std::string::npos ? std::string() : line.substr(k);
}

const char* kInsideSingleInParam =
    "interpolation inside '...' or $'...' within \"${...}\" is not supported: bash treats those "
    "quotes inconsistently there; interpolate outside the quotes";

}  // namespace

ScriptLexer::ScriptLexer() {
  stack_.push_back(Frame{});
}

void ScriptLexer::fail(size_t piece, std::string message) {
  if (!error_.empty()) return;
  error_ = std::move(message);
  error_piece_ = piece;
}

// ---- characters and here-document lines ----

// Here-document bodies are cut into lines before anything else reads them, whatever quotes or
// substitutions are open inside, and an unquoted body joins a line ending in an unescaped
// backslash with the next.
void ScriptLexer::take(char c) {
  bool line_ended = false;
  for (Frame& f : stack_) {
    if (f.kind != Kind::kHeredoc) continue;
    if (value_chars_) {
      if (!f.line_has_value) f.value_piece = value_piece_;
      f.line_has_value = true;
    }
    if (f.backslash) {
      f.backslash = false;
      if (c == '\n') {  // a line continuation: neither the backslash nor the newline remain
        if (value_chars_ || !f.backslash_literal) {
          fail(value_piece_, "value puts a backslash at the end of a line of the here-document <<" +
                                 f.doc.delimiter + ", where bash would join it with the next line");
        }
        f.line.pop_back();
        if (f.backslash_literal) f.literal_line.pop_back();
        continue;
      }
    } else if (c == '\\' && !f.doc.quoted) {
      f.backslash = true;
      f.backslash_literal = !value_chars_;
    }
    if (c == '\n') {
      f.line_ended = true;
      line_ended = true;
      continue;
    }
    if (value_chars_ && f.doc.strip_tabs && c == '\t' &&
        f.line.find_first_not_of('\t') == std::string::npos) {
      fail(value_piece_, "value puts a tab at the start of a line of the here-document <<-" +
                             f.doc.delimiter + ", where bash would strip it");
    }
    if (!value_chars_) f.literal_line += c;
    f.line += c;
  }
  if (line_ended) end_heredoc_lines();
}

void ScriptLexer::take(std::string_view s, size_t i, size_t n) {
  for (size_t k = i; k < i + n && k < s.size(); ++k) take(s[k]);
}

// Takes a run s[i, j) (j > i) of characters that change nothing but here-document lines, and
// returns where it ended: with no here-document open, take() has nothing to do, so all of it at
// once; else s[i] alone, through take(), as one character at a time always was.
size_t ScriptLexer::take_run(std::string_view s, size_t i, size_t j) {
  for (const Frame& f : stack_) {
    if (f.kind == Kind::kHeredoc) {
      take(s[i]);
      return i + 1;
    }
  }
  return j;
}

void ScriptLexer::end_heredoc_lines() {
  for (size_t k = 0; k < stack_.size(); ++k) {
    Frame& h = stack_[k];
    if (h.kind != Kind::kHeredoc || !h.line_ended) continue;
    const std::string& delim = h.doc.delimiter;
    bool is_end = strip_leading_tabs(h.line, h.doc.strip_tabs) == delim;
    bool literal_end = strip_leading_tabs(h.literal_line, h.doc.strip_tabs) == delim;
    if (h.line_has_value && is_end) {
      fail(h.value_piece,
           "value would end the here-document early: it makes a line equal to "
           "its delimiter '" +
               delim + "'");
    } else if (h.line_has_value && literal_end) {
      fail(h.value_piece, "interpolation on the terminator line '" + delim +
                              "' of a here-document would keep the here-document open");
    }
    h.line.clear();
    h.literal_line.clear();
    h.line_has_value = false;
    h.line_ended = false;
    if (is_end || literal_end) {
      stack_.resize(k);
      start_pending_heredoc();
      return;
    }
  }
}

void ScriptLexer::start_pending_heredoc() {
  if (pending_heredocs_.empty() || !is_word_frame(stack_.back().kind)) return;
  Frame f;
  f.kind = Kind::kHeredoc;
  f.doc = std::move(pending_heredocs_.front());
  pending_heredocs_.pop_front();
  stack_.push_back(std::move(f));
}

// ---- frames ----

void ScriptLexer::push(Kind kind) {
  Frame& outer = stack_.back();
  if (is_word_frame(outer.kind) && kind != Kind::kComment) word_char(outer, 0, false);
  Frame f;
  f.kind = kind;
  stack_.push_back(std::move(f));
}

void ScriptLexer::push_param() {
  const Frame& outer = stack_.back();
  bool in_double = outer.kind == Kind::kDouble || outer.kind == Kind::kHeredoc ||
                   outer.kind == Kind::kArith || (outer.kind == Kind::kParam && outer.in_double);
  push(Kind::kParam);
  stack_.back().in_double = in_double;
}

void ScriptLexer::push_arith(bool bracket) {
  push(Kind::kArith);
  stack_.back().bracket = bracket;
}

void ScriptLexer::word_char(Frame& f, char c, bool plain) {
  if (!f.in_word) {
    f.in_word = true;
    f.word.clear();
    f.word_plain = true;
  }
  if (plain) {
    f.word += c;
  } else {
    f.word_plain = false;
  }
}

void ScriptLexer::end_word(Frame& f) {
  if (!f.in_word) return;
  f.in_word = false;
  bool keyword = f.word_plain && f.cmd_pos;
  if (keyword && f.word == "case") {
    ++f.case_depth;
    f.cmd_pos = false;
  } else if (keyword && f.word == "esac" && f.case_depth > 0) {
    --f.case_depth;
    f.cmd_pos = false;
  } else if (!(keyword && keeps_command_position(f.word))) {
    f.cmd_pos = false;
  }
}

// ---- scanning ----

void ScriptLexer::feed(std::string_view s) {
  pending_escape_ = pending_dollar_ = pending_delimiter_ = false;
  size_t i = 0;
  while (i < s.size()) i = step(s, i);
}

size_t ScriptLexer::step(std::string_view s, size_t i) {
  char c = s[i];
  Frame& f = stack_.back();
  switch (f.kind) {
    case Kind::kTop:
    case Kind::kCmdSubst:
      return step_words(s, i);
    case Kind::kComment: {
      // The newline ends the comment and is then read by the frame below (it may start a
      // here-document body).
      if (c == '\n') {
        stack_.pop_back();
        return i;
      }
      return take_run(s, i, std::min(s.find('\n', i), s.size()));
    }
    case Kind::kSingle: {
      if (c == '\'') {
        take(c);
        stack_.pop_back();
        return i + 1;
      }
      // Nothing but the closing quote means anything here.
      return take_run(s, i, std::min(s.find('\'', i), s.size()));
    }
    case Kind::kAnsiC:
    case Kind::kBacktick:
      if (c == '\\') return escape(s, i);
      take(c);
      if (c == (f.kind == Kind::kAnsiC ? '\'' : '`')) stack_.pop_back();
      return i + 1;
    case Kind::kDouble:
      if (c == '"') {
        take(c);
        stack_.pop_back();
        return i + 1;
      }
      if (c == '\\') return escape(s, i);
      if (c == '$' || c == '`') return expansion(s, i, false);
      return take_run(s, i, std::min(s.find_first_of("\"\\$`", i), s.size()));
    case Kind::kHeredoc:
      if (!f.doc.quoted) {
        if (c == '\\') return escape(s, i);
        if (c == '$' || c == '`') return expansion(s, i, false);
      }
      take(c);
      return i + 1;
    case Kind::kParam:
      return step_param(s, i);
    case Kind::kArith:
      return step_arith(s, i);
  }
  return i + 1;
}

// A backslash and the character it escapes. An escaped newline joins lines, also for
// here-document terminators.
size_t ScriptLexer::escape(std::string_view s, size_t i) {
  take(s[i]);
  if (i + 1 >= s.size()) {
    pending_escape_ = true;
    return i + 1;
  }
  take(s[i + 1]);
  return i + 2;
}

size_t ScriptLexer::expansion(std::string_view s, size_t i, bool ansi_and_locale_quotes) {
  if (s[i] == '`') {
    take(s[i]);
    push(Kind::kBacktick);
    return i + 1;
  }
  if (i + 1 >= s.size()) {
    take(s[i]);
    pending_dollar_ = true;
    if (is_word_frame(stack_.back().kind)) word_char(stack_.back(), 0, false);
    return i + 1;
  }
  char n = s[i + 1];
  if (n == '(' && i + 2 < s.size() && s[i + 2] == '(') {
    take(s, i, 3);
    push_arith(false);
    return i + 3;
  }
  if (n == '(') {
    take(s, i, 2);
    push(Kind::kCmdSubst);
    return i + 2;
  }
  if (n == '{') {
    take(s, i, 2);
    push_param();
    return i + 2;
  }
  if (n == '[') {
    take(s, i, 2);
    push_arith(true);
    return i + 2;
  }
  if (ansi_and_locale_quotes && (n == '\'' || n == '"')) {
    take(s, i, 2);
    push(n == '\'' ? Kind::kAnsiC : Kind::kDouble);
    return i + 2;
  }
  take(s[i]);
  if (is_word_frame(stack_.back().kind)) word_char(stack_.back(), 0, false);
  return i + 1;
}

size_t ScriptLexer::step_words(std::string_view s, size_t i) {
  char c = s[i];
  Frame& f = stack_.back();
  auto at = [&](size_t k) { return i + k < s.size() ? s[i + k] : '\0'; };
  if (c == '\n') {
    end_word(f);
    f.cmd_pos = true;
    take(c);
    start_pending_heredoc();
    return i + 1;
  }
  if (is_blank(c)) {
    end_word(f);
    take(c);
    return i + 1;
  }
  if (c == '#' && !f.in_word) {
    take(c);
    push(Kind::kComment);
    return i + 1;
  }
  if (c == ';' || c == '&' || c == '|') {
    end_word(f);
    f.cmd_pos = true;
    take(c);
    return i + 1;
  }
  if (c == '(') {
    if (!f.in_word && at(1) == '(') {
      take(s, i, 2);
      push_arith(false);
      return i + 2;
    }
    end_word(f);
    ++f.paren_depth;
    f.cmd_pos = true;
    take(c);
    return i + 1;
  }
  if (c == ')') {
    end_word(f);
    take(c);
    if (f.paren_depth > 0) {
      --f.paren_depth;
    } else if (f.case_depth > 0) {
      f.cmd_pos = true;  // the end of a case pattern
    } else if (f.kind == Kind::kCmdSubst) {
      stack_.pop_back();
    } else {
      stray_paren_ = true;
    }
    return i + 1;
  }
  if (c == '<' && at(1) == '<') {
    end_word(f);
    if (at(2) == '<') {  // a here-string, an ordinary word follows
      take(s, i, 3);
      return i + 3;
    }
    bool strip = at(2) == '-';
    size_t n = strip ? 3 : 2;
    take(s, i, n);
    return heredoc_delimiter(s, i + n, strip);
  }
  if (c == '<' || c == '>') {
    end_word(f);
    take(c);
    return i + 1;
  }
  if (c == '\\') {
    if (at(1) == '\n') {  // a line continuation is not part of any word
      take(s, i, 2);
      return i + 2;
    }
    word_char(f, 0, false);
    return escape(s, i);
  }
  if (c == '\'' || c == '"') {
    take(c);
    push(c == '\'' ? Kind::kSingle : Kind::kDouble);
    return i + 1;
  }
  if (c == '$' || c == '`') return expansion(s, i, true);
  // A plain word character, and all those after it up to the next one that means something.
  size_t j = i + 1;
  while (j < s.size() && !is_metachar(s[j]) && s[j] != '\\' && s[j] != '\'' && s[j] != '"' &&
         s[j] != '$' && s[j] != '`') {
    ++j;
  }
  word_char(f, c, true);
  j = take_run(s, i, j);
  f.word.append(s.data() + i + 1, j - i - 1);
  return j;
}

size_t ScriptLexer::heredoc_delimiter(std::string_view s, size_t i, bool strip_tabs) {
  while (i < s.size() && is_blank(s[i])) take(s[i++]);
  Heredoc doc;
  doc.strip_tabs = strip_tabs;
  while (i < s.size() && !is_metachar(s[i])) {
    char c = s[i];
    if (c == '\'' || c == '"') {
      doc.quoted = true;
      take(s[i++]);
      while (i < s.size() && s[i] != c) {
        if (c == '"' && s[i] == '\\' && i + 1 < s.size()) take(s[i++]);
        doc.delimiter += s[i];
        take(s[i++]);
      }
      if (i >= s.size()) break;
      take(s[i++]);
    } else if (c == '\\') {
      doc.quoted = true;
      take(s[i++]);
      if (i < s.size()) {
        doc.delimiter += s[i];
        take(s[i++]);
      }
    } else {
      doc.delimiter += c;
      take(s[i++]);
    }
  }
  // The delimiter word may go on into an interpolation.
  if (i >= s.size()) pending_delimiter_ = true;
  if (!doc.delimiter.empty() || doc.quoted) pending_heredocs_.push_back(std::move(doc));
  return i;
}

size_t ScriptLexer::step_param(std::string_view s, size_t i) {
  char c = s[i];
  Frame& f = stack_.back();
  auto at = [&](size_t k) { return i + k < s.size() ? s[i + k] : '\0'; };
  switch (f.part) {
    case ParamPart::kName:
      if (c == '}') {
        take(c);
        stack_.pop_back();
        return i + 1;
      }
      if (!f.name_prefix && (c == '#' || c == '!') && at(1) != '}' && at(1) != '\0') {
        f.name_prefix = true;
        take(c);
        return i + 1;
      }
      f.part = ParamPart::kAfterName;
      if (is_name_start(c)) {
        size_t j = i;
        while (j < s.size() && is_name_char(s[j])) take(s[j++]);
        return j;
      }
      if (is_digit(c)) {
        size_t j = i;
        while (j < s.size() && is_digit(s[j])) take(s[j++]);
        return j;
      }
      if (c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!') {
        take(c);
        return i + 1;
      }
      return i;  // not a name: read it as what follows one
    case ParamPart::kAfterName:
      take(c);
      if (c == '\n') return i + 1;  // take() may have closed this frame (a heredoc ended)
      if (c == '[') {
        push_arith(true);
      } else if (c == '}') {
        stack_.pop_back();
      } else if (c == ':') {
        char n = at(1);
        if (n == '-' || n == '=' || n == '?' || n == '+') {
          take(n);
          f.part = ParamPart::kWord;
          return i + 2;
        }
        f.part = ParamPart::kArith;  // ${x:offset:length}
      } else if (c == '-' || c == '=' || c == '?' || c == '+') {
        f.part = ParamPart::kWord;
      } else if (c == '#' || c == '%' || c == '/' || c == '^' || c == ',') {
        f.part = ParamPart::kPattern;
      } else {
        f.part = ParamPart::kOther;
      }
      return i + 1;
    case ParamPart::kWord:
    case ParamPart::kPattern:
    case ParamPart::kArith:
    case ParamPart::kOther:
      break;
  }
  // bash does not count a plain '{': the first '}' outside quotes ends the expansion.
  if (c == '}') {
    take(c);
    stack_.pop_back();
    return i + 1;
  }
  if (c == '\\') return escape(s, i);
  if (c == '$' || c == '`') return expansion(s, i, true);
  if (c == '\'' || c == '"') {
    take(c);
    push(c == '\'' ? Kind::kSingle : Kind::kDouble);
    return i + 1;
  }
  take(c);
  return i + 1;
}

size_t ScriptLexer::step_arith(std::string_view s, size_t i) {
  char c = s[i];
  Frame& f = stack_.back();
  if (c == '\\') return escape(s, i);
  if (c == '$' || c == '`') return expansion(s, i, false);
  if (c == '"') {
    take(c);
    push(Kind::kDouble);
    return i + 1;
  }
  take(c);
  if (c == '\n') return i + 1;  // take() may have closed this frame (a heredoc ended)
  if (f.bracket) {
    if (c == '[') {
      ++f.depth;
    } else if (c == ']') {
      if (f.depth == 0) {
        stack_.pop_back();
      } else {
        --f.depth;
      }
    }
    return i + 1;
  }
  if (c == '(') {
    ++f.depth;
  } else if (c == ')') {
    if (f.depth > 0) {
      --f.depth;
    } else if (i + 1 < s.size() && s[i + 1] == ')') {
      take(s[i + 1]);
      stack_.pop_back();
      return i + 2;
    }
  }
  return i + 1;
}

// ---- values ----

Landing ScriptLexer::landing() const {
  Landing l;
  if (pending_delimiter_) {
    l.refusal = "interpolation in a here-document delimiter is not supported";
    return l;
  }
  for (const Frame& f : stack_) {
    if (f.kind == Kind::kBacktick) {
      l.context = QuoteContext::kBacktick;
      return l;
    }
  }
  const Frame& top = stack_.back();
  const Frame* below = stack_.size() > 1 ? &stack_[stack_.size() - 2] : nullptr;
  bool below_is_double_param = below && below->kind == Kind::kParam && below->in_double;
  switch (top.kind) {
    case Kind::kTop:
    case Kind::kCmdSubst:
      l.context = QuoteContext::kBare;
      break;
    case Kind::kComment:
      l.context = QuoteContext::kComment;
      break;
    case Kind::kSingle:
      l.context = QuoteContext::kSingleQuoted;
      if (below_is_double_param) l.refusal = kInsideSingleInParam;
      break;
    case Kind::kAnsiC:
      l.context = QuoteContext::kAnsiCQuoted;
      if (below_is_double_param) l.refusal = kInsideSingleInParam;
      break;
    case Kind::kDouble:
      l.context = QuoteContext::kDoubleQuoted;
      break;
    case Kind::kHeredoc:
      l.context = top.doc.quoted ? QuoteContext::kQuotedHeredoc : QuoteContext::kHeredoc;
      break;
    case Kind::kParam:
      if (top.part == ParamPart::kWord || top.part == ParamPart::kPattern) {
        l.context = top.in_double ? QuoteContext::kDoubleQuoted : QuoteContext::kBare;
        if (top.in_double) {
          l.spelling =
              top.part == ParamPart::kWord ? Spelling::kParamWord : Spelling::kParamPattern;
        }
      } else {
        l.context = QuoteContext::kArithmetic;  // a name, an offset, a subscript
      }
      break;
    case Kind::kArith:
      l.context = QuoteContext::kArithmetic;
      break;
    case Kind::kBacktick:
      break;
  }
  // Arithmetic evaluates whatever its expansions produce (a[$(cmd)] runs cmd), however quoted.
  for (size_t k = stack_.size(); k-- > 0;) {
    const Frame& f = stack_[k];
    if (is_word_frame(f.kind) || f.kind == Kind::kHeredoc) break;
    if (f.kind == Kind::kArith ||
        (f.kind == Kind::kParam && f.part != ParamPart::kWord && f.part != ParamPart::kPattern)) {
      l.context = QuoteContext::kArithmetic;
      l.spelling = Spelling::kContext;
      l.refusal.clear();
      break;
    }
  }
  if (pending_escape_) {
    l.refusal =
        "interpolation right after an unescaped backslash cannot be quoted safely: the backslash "
        "would escape the value's first character";
  } else if (pending_dollar_) {
    l.refusal =
        "interpolation right after '$' cannot be quoted safely: bash would read the '$' together "
        "with the value's quoting; write \\$ or move the $ into the value";
  }
  return l;
}

void ScriptLexer::insert(std::string_view rendered, size_t piece) {
  value_chars_ = true;
  value_piece_ = piece;
  for (char c : rendered) take(c);
  value_chars_ = false;
  insert_raw();
}

void ScriptLexer::insert_raw() {
  pending_escape_ = pending_dollar_ = pending_delimiter_ = false;
  Frame& f = stack_.back();
  if (is_word_frame(f.kind)) word_char(f, 0, false);
}

void ScriptLexer::finish() {
  if (stack_.back().kind == Kind::kComment) stack_.pop_back();
  for (const Frame& f : stack_) {
    if (f.kind == Kind::kHeredoc && (!f.line.empty() || f.line_has_value)) {
      // bash takes a last line without a newline as a terminator too
      for (Frame& h : stack_) h.line_ended = h.kind == Kind::kHeredoc;
      end_heredoc_lines();
      break;
    }
  }
}

std::string ScriptLexer::unclosed() const {
  if (stray_paren_) return "a ')' that closes nothing";
  for (size_t k = 1; k < stack_.size(); ++k) {
    switch (stack_[k].kind) {
      case Kind::kHeredoc:
        break;  // bash reads an unterminated here-document to the end of the script
      case Kind::kSingle:
        return "an unclosed '...'";
      case Kind::kDouble:
        return "an unclosed \"...\"";
      case Kind::kAnsiC:
        return "an unclosed $'...'";
      case Kind::kCmdSubst:
        return "an unclosed $(";
      case Kind::kParam:
        return "an unclosed ${";
      case Kind::kArith:
        return "an unclosed arithmetic expression";
      case Kind::kBacktick:
        return "an unclosed `";
      case Kind::kComment:
      case Kind::kTop:
        break;
    }
  }
  if (stack_.front().paren_depth > 0) return "an unclosed (";
  return "";
}

}  // namespace rb::shell
