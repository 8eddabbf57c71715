#include "command/secret_masker.h"

#include <algorithm>

namespace rb::command {

void SecretMasker::add(std::string secret) {
  if (secret.empty()) return;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  longest_ = std::max(longest_, secret.size());
  secrets_.push_back(std::move(secret));
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string SecretMasker::mask(std::string_view text) const {
  std::string out(text);
  for (const std::string& s : secrets_) {
    size_t at = 0;
    while ((at = out.find(s, at)) != std::string::npos) {
      out.replace(at, s.size(), "***");
      at += 3;
    }
  }
  return out;
}

}  // namespace rb::command
