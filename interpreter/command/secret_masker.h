#pragma once
// Replaces every occurrence of a secret value with *** in text bound for the console, the
// journal or a report.
#include <string>
#include <string_view>
#include <vector>

namespace rb::command {

class SecretMasker {
 public:
  // Every non-empty value is masked, however short: safe beats pretty.
  void add(std::string secret);
  bool empty() const { return secrets_.empty(); }
  std::string mask(std::string_view text) const;
  // The longest secret, so a streaming caller can hold back enough bytes to mask across chunks.
  size_t longest() const { return longest_; }

 private:
  std::vector<std::string> secrets_;  // longest first
  size_t longest_ = 0;
};

}  // namespace rb::command
