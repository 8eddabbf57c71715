#pragma once
// Injection-proof interpolation into shell scripts. A `run:` script is literal text with
// interpolated values between the pieces; each value is quoted for the shell context it lands in
// (bare word, '...', "...", $'...', comment, here-document), so whatever it holds (quotes, $( ),
// backticks, ;, \, newlines, $VAR) reaches the command as that literal text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rb::shell {

// Where an interpolation sits in the script, found by scanning the literal text before it.
enum class QuoteContext {
  kBare,           // a plain word:            echo ${{ v }}
  kSingleQuoted,   // inside '...':            echo '${{ v }}'
  kDoubleQuoted,   // inside "...":            echo "${{ v }}"
  kAnsiCQuoted,    // inside $'...':           echo $'${{ v }}'
  kComment,        // after # to end of line:  # ${{ v }}
  kHeredoc,        // body of <<EOF (expands $ ` \)
  kQuotedHeredoc,  // body of <<'EOF' (literal)
  kBacktick,       // inside `...`: refused, use $( ) instead
  kArithmetic,     // $(( )), (( )), $[ ], a subscript, ${x:offset}, a ${ } name: integers only,
                   // since bash evaluates what lands there as code (a[$(cmd)] runs cmd)
};

const char* quote_context_name(QuoteContext c);

// A script as literal text and interpolated values, in order.
struct ScriptPiece {
  bool interpolated = false;  // false: literal script text, copied as is
  bool raw = false;           // interpolated through raw(): copied as is, unquoted (opt-out)
  std::string text;           // the literal text, or the interpolated value
};

struct RenderedScript {
  bool ok = true;
  std::string script;
  std::string error;        // why rendering was refused (e.g. value holds a heredoc terminator)
  size_t failed_piece = 0;  // index into the pieces, when !ok
};

// The context of each interpolated piece (literal text decides it; values never change it).
std::vector<QuoteContext> interpolation_contexts(const std::vector<ScriptPiece>& pieces);

// Renders the script. Refuses (ok=false) an interpolation inside backticks, and a value that
// would end the here-document it sits in.
RenderedScript render_script(const std::vector<ScriptPiece>& pieces);

// Quotes `value` so that bash reads it back as exactly `value` in context `c`.
// Returns nullopt when that is impossible in this context (backticks), with *why set.
std::optional<std::string> quote_for(QuoteContext c, std::string_view value,
                                     std::string* why = nullptr);

}  // namespace rb::shell
