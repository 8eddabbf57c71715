#pragma once
// Replaces every occurrence of a secret value with *** in text bound for the console, the
// journal or a report. A secret is masked in every form the project itself gives it on its way
// out: as given, quoted for each shell context the renderer uses ('...', "...", $'...', a
// comment), JSON-escaped (toJSON, the journal), and each line of a multi-line secret; and so
// are its upper(), lower() and reverse() variants.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "expr/value.h"

namespace rb::command {

class SecretMasker {
 public:
  // Every non-empty value is masked, however short: safe beats pretty. Adds its derived forms.
  void add(std::string secret);
  bool empty() const { return secrets_.empty(); }
  std::string mask(std::string_view text) const;
  // Every string in a value (keys included), masked.
  expr::Value mask_value(const expr::Value& value) const;
  expr::Map mask_map(const expr::Map& map) const;
  // Streaming: masks and returns the front of `pending` that no later bytes can change, and
  // keeps the rest (fewer bytes than the longest form) in `pending`; with `final`, all of it.
  // A secret split across reads, or spanning lines, is masked all the same.
  std::string mask_stream(std::string& pending, bool final) const;
  // The longest form, so a streaming caller can hold back enough bytes to mask across chunks.
  size_t longest() const { return longest_; }

 private:
  void add_forms(std::string secret);
  void add_form(std::string form);

  std::vector<std::string> secrets_;  // every form, longest first
  std::array<bool, 256> first_byte_{};
  size_t longest_ = 0;
};

}  // namespace rb::command
