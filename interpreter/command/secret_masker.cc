#include "command/secret_masker.h"

#include <algorithm>

#include "shell/script_quoting.h"

namespace rb::command {

void SecretMasker::add_form(std::string form) {
  if (form.empty()) return;
  if (std::find(secrets_.begin(), secrets_.end(), form) != secrets_.end()) return;
  longest_ = std::max(longest_, form.size());
  first_byte_[static_cast<unsigned char>(form[0])] = true;
  secrets_.push_back(std::move(form));
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void SecretMasker::add(std::string secret) {
  if (secret.empty()) return;
  // What the expression functions upper(), lower() and reverse() make of it, in every form too.
  std::string upper = secret, lower = secret, reversed;
  for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (size_t end = secret.size(); end > 0;) {  // by UTF-8 character, as reverse() does
    size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(secret[start]) & 0xC0) == 0x80) --start;
    reversed.append(secret, start, end - start);
    end = start;
  }
  for (std::string* variant : {&upper, &lower, &reversed, &secret}) add_forms(std::move(*variant));
}

void SecretMasker::add_forms(std::string secret) {
  // Shell-quoted, as the renderer writes it into a command for each context.
  using shell::QuoteContext;
  for (QuoteContext c :
       {QuoteContext::kBare, QuoteContext::kSingleQuoted, QuoteContext::kDoubleQuoted,
        QuoteContext::kAnsiCQuoted, QuoteContext::kComment, QuoteContext::kHeredoc}) {
    if (auto q = shell::quote_for(c, secret)) add_form(std::move(*q));
  }
  // JSON-escaped, without its quotes (toJSON, the journal, status --json).
  std::string json = expr::Value(secret).to_json();
  if (json.size() >= 2) add_form(json.substr(1, json.size() - 2));
  // Each line of a multi-line secret: a console indents the lines of output it shows.
  if (secret.find('\n') != std::string::npos) {
    size_t at = 0;
    while (at <= secret.size()) {
      size_t end = secret.find('\n', at);
      if (end == std::string::npos) end = secret.size();
      std::string line = secret.substr(at, end - at);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      add_form(std::move(line));
      at = end + 1;
    }
  }
  add_form(std::move(secret));
}

std::string SecretMasker::mask(std::string_view text) const {
  if (secrets_.empty()) return std::string(text);
  std::string pending(text);
  return mask_stream(pending, true);
}

std::string SecretMasker::mask_stream(std::string& pending, bool final) const {
  const size_t n = pending.size();
  if (secrets_.empty()) {
    std::string out = std::move(pending);
    pending.clear();
    return out;
  }
  // At a position below `limit`, every form is wholly visible, so whether one starts there is
  // known now; later positions wait for more bytes (unless this is the end).
  const size_t limit = final ? n : (n >= longest_ ? n - longest_ + 1 : 0);
  std::string out;
  out.reserve(n);
  size_t i = 0;
  while (i < limit) {
    if (first_byte_[static_cast<unsigned char>(pending[i])]) {
      const std::string* hit = nullptr;
      for (const std::string& s : secrets_) {  // longest first: the longest match wins
        if (pending.compare(i, s.size(), s) == 0) {
          hit = &s;
          break;
        }
      }
      if (hit != nullptr) {
        out += "***";
        i += hit->size();
        continue;
      }
    }
    out += pending[i++];
  }
  pending.erase(0, std::min(i, n));
  return out;
}

expr::Value SecretMasker::mask_value(const expr::Value& value) const {
  if (secrets_.empty()) return value;
  if (value.is_string()) return expr::Value(mask(value.as_string()));
  if (value.is_list()) {
    expr::List out;
    for (const expr::Value& item : value.as_list()) out.push_back(mask_value(item));
    return expr::Value(std::move(out));
  }
  if (value.is_map()) return expr::Value(mask_map(value.as_map()));
  return value;
}

expr::Map SecretMasker::mask_map(const expr::Map& map) const {
  if (secrets_.empty()) return map;
  expr::Map out;
  for (const auto& [key, item] : map) out[mask(key)] = mask_value(item);
  return out;
}

}  // namespace rb::command
