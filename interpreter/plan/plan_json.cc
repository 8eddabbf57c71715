#include "plan/plan_json.h"

#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "base/sha256.h"
#include "expr/text_units.h"

namespace rb::plan {
namespace {

constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;

using nlohmann::ordered_json;

// Writes JSON text exactly as nlohmann's dump() does (compact, or indented by `indent`), byte for
// byte: the digest is the hash of that text, and reviews hold digests. It writes as it goes:
// building an ordered_json tree of every step first, twice (digest and output), was 40% of
// `plan`'s time on a large runbook. Given a hash, it hands it what it has written every 64 KiB
// and keeps no more (the digest's text of 20,000 steps is 3.5 MB).
class JsonWriter {
 public:
  explicit JsonWriter(int indent, Sha256* hash = nullptr)  // indent -1: compact
      : indent_(indent), hash_(hash) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k) {
    after_key_ = true;
    const bool first = levels_.back()++ == 0;
    const size_t pad = indent_ < 0 ? 0 : levels_.size() * static_cast<size_t>(indent_);
    // The usual key, a short name, goes in with what comes before and after it in one piece.
    char buf[128];
    if (pad + k.size() + 6 <= sizeof buf && plain_prefix(k) == k.size()) {
      char* p = buf;
      if (!first) *p++ = ',';
      if (indent_ >= 0) {
        *p++ = '\n';
        std::memset(p, ' ', pad);
        p += pad;
      }
      *p++ = '"';
      std::memcpy(p, k.data(), k.size());
      p += k.size();
      *p++ = '"';
      *p++ = ':';
      if (indent_ >= 0) *p++ = ' ';
      out_.append(buf, static_cast<size_t>(p - buf));
      return;
    }
    --levels_.back();
    separator();
    quoted(k);
    if (indent_ < 0) {
      out_ += ':';
    } else {
      out_.append(": ", 2);
    }
  }
  void str(std::string_view v) {
    item();
    quoted(v);
  }
  void boolean(bool v) {
    item();
    if (v) {
      out_.append("true", 4);
    } else {
      out_.append("false", 5);
    }
  }
  void integer(int64_t v) {
    item();
    out_ += std::to_string(v);
  }
  void strings(const std::vector<std::string>& v) {
    begin_array();
    for (const std::string& s : v) str(s);
    end_array();
  }
  // A value built by nlohmann, indented where it sits.
  void json(const ordered_json& j) {
    item();
    if (indent_ < 0) {
      out_ += j.dump(-1, ' ', false, kReplace);
      return;
    }
    const std::string text = j.dump(indent_, ' ', false, kReplace);
    const std::string pad(levels_.size() * static_cast<size_t>(indent_), ' ');
    for (char c : text) {
      out_ += c;
      if (c == '\n') out_ += pad;  // JSON text has newlines only between its elements
    }
  }
  void reserve(size_t n) { out_.reserve(n); }
  // With a hash: hands it the text written so far, once there is enough of it.
  void flush() {
    if (hash_ != nullptr && out_.size() >= 65536) {
      hash_->update(out_);
      out_.clear();
    }
  }
  std::string take() {
    if (hash_ != nullptr) {
      hash_->update(out_);
      out_.clear();
    }
    return std::move(out_);
  }
  void newline() { out_ += '\n'; }

 private:
  // Before a value: in an array, the comma and the line; after a key, nothing.
  void item() {
    if (after_key_) {
      after_key_ = false;
    } else if (!levels_.empty()) {
      separator();
    }
  }
  void separator() {
    const bool first = levels_.back()++ == 0;
    if (indent_ < 0) {
      if (!first) out_ += ',';
      return;
    }
    if (first) {
      out_ += '\n';
    } else {
      out_.append(",\n", 2);
    }
    pad(levels_.size() * static_cast<size_t>(indent_));
  }
  void pad(size_t n) {
    static constexpr std::string_view kSpaces = "                                ";
    if (n <= kSpaces.size()) {
      out_.append(kSpaces.data(), n);
    } else {
      out_.append(n, ' ');
    }
  }
  void open(char c) {
    item();
    out_ += c;
    levels_.push_back(0);
  }
  void close(char c) {
    const size_t members = levels_.back();
    levels_.pop_back();
    if (members > 0 && indent_ >= 0) {
      out_ += '\n';
      pad(levels_.size() * static_cast<size_t>(indent_));
    }
    out_ += c;
  }
  // Printable ASCII but the quote and the backslash: written as it is.
  static bool is_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }
  // How many bytes at the start of `s` are plain, eight at a time where it can.
  static size_t plain_prefix(std::string_view s) {
    constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
    // Whether a byte of x is zero (exact as to whether any is: a borrow only follows a zero).
    auto has_zero = [](uint64_t x) { return ((x - kOnes) & ~x & kHigh) != 0; };
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t v;
      std::memcpy(&v, s.data() + i, 8);
      if ((v & kHigh) != 0 || ((v - 0x20 * kOnes) & ~v & kHigh) != 0 ||
          has_zero(v ^ ('"' * kOnes)) || has_zero(v ^ ('\\' * kOnes))) {
        break;
      }
    }
    while (i < s.size() && is_plain(static_cast<unsigned char>(s[i]))) ++i;
    return i;
  }
  void quoted(std::string_view s) {
    if (plain_prefix(s) == s.size()) {  // most strings: nothing to escape or check
      out_ += '"';
      out_.append(s.data(), s.size());
      out_ += '"';
      return;
    }
    escaped(s);
  }
  // nlohmann's escaping: ", \\, \b \f \n \r \t, other bytes below 0x20 as \u00xx, UTF-8 as is.
  void escaped(std::string_view s) {
    if (!valid_utf8(s)) {
      // A byte that is not UTF-8 (an input given as -i msg=$'\xff') is written as U+FFFD.
      out_ += ordered_json(std::string(s)).dump(-1, ' ', false, kReplace);
      return;
    }
    out_ += '"';
    size_t plain = 0;  // the start of the bytes not yet written, which need no escape
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s, plain, i - plain);
      plain = i + 1;
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\f':
          out_ += "\\f";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default: {
          static const char* kHex = "0123456789abcdef";
          out_ += "\\u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 15];
        }
      }
    }
    out_.append(s, plain, s.size() - plain);
    out_ += '"';
  }
  static bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        ++i;
        continue;
      }
      size_t n = 0;
      uint32_t cp = 0;
      if (c >= 0xC2 && c <= 0xDF)
        n = 1, cp = c & 0x1F;
      else if (c >= 0xE0 && c <= 0xEF)
        n = 2, cp = c & 0x0F;
      else if (c >= 0xF0 && c <= 0xF4)
        n = 3, cp = c & 0x07;
      else
        return false;
      if (i + n >= s.size()) return false;
      for (size_t k = 1; k <= n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (b & 0x3F);
      }
      // Overlong, surrogate and out-of-range forms are refused, as nlohmann does.
      if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
          (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }

  int indent_;
  Sha256* hash_;
  std::string out_;
  std::vector<size_t> levels_;  // open objects and arrays: members written so far
  bool after_key_ = false;
};

// The value as JSON (values never hold unknowns here: inputs are known or listed as not given).
// A byte that is not UTF-8 (an input given as -i msg=$'\xff') is shown as U+FFFD: JSON holds
// only UTF-8.
ordered_json value_json(const expr::Value& v) {
  const std::string text = v.to_json();
  ordered_json j = ordered_json::parse(text, nullptr, false);
  if (!j.is_discarded()) return j;
  std::string clean;
  for (std::string_view c : expr::characters(text)) {
    if (c.size() == 1 && static_cast<unsigned char>(c[0]) >= 0x80) {
      clean += "\xEF\xBF\xBD";
    } else {
      clean += c;
    }
  }
  j = ordered_json::parse(clean, nullptr, false);
  return j.is_discarded() ? ordered_json(nullptr) : j;
}

// What a reviewer approves: every field but warnings and probe results. The object is left open
// for plan_json's extra fields.
void canonical_step(JsonWriter& w, const PlanStep& s) {
  w.begin_object();
  w.key("step");
  w.str(s.path);
  w.key("verdict");
  w.str(verdict_name(s.verdict));
  w.key("reason");
  w.str(s.reason);
  w.key("command");
  w.str(s.command);
  auto put = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    w.key(key);
    w.str(value);
  };
  auto flag = [&](const char* key, bool value) {
    if (!value) return;
    w.key(key);
    w.boolean(true);
  };
  put("id", s.id);
  put("title", s.title);
  w.key("action");
  w.str(s.action);
  if (s.depth) {
    w.key("depth");
    w.integer(s.depth);
  }
  put("when", s.when);
  if (!s.depends.empty()) {
    w.key("depends");
    w.strings(s.depends);
  }
  put("guard", s.guard);
  flag("changes", s.changes);
  flag("readonly", s.readonly);
  put("batch", s.batch);
  put("loop", s.loop);
  put("retry", s.retry);
  put("wait", s.wait);
  put("timeout", s.timeout);
  flag("continue_on_error", s.continue_on_error);
  put("gate", s.gate);
  put("gate_approval", s.gate_approval);
  put("detail", s.detail);
  put("include", s.include);
  if (!s.with.empty()) {
    w.key("with");
    w.strings(s.with);
  }
}

void inputs_json(JsonWriter& w, const Plan& plan) {
  w.begin_object();
  for (const auto& [name, value] : plan.inputs) {
    w.key(name);
    w.json(value.is_unknown() ? ordered_json(nullptr) : value_json(value));
  }
  w.end_object();
}

}  // namespace

PlanCounts count_steps(const Plan& plan) {
  PlanCounts c;
  for (const PlanStep& s : plan.steps) {
    ++c.steps;
    c.warnings += static_cast<int>(s.warnings.size());
    if (s.verdict == Verdict::kSkipped) {
      ++c.skipped;
      continue;
    }
    if (s.verdict == Verdict::kRuntime) ++c.runtime;
    if (s.changes) ++c.changes;
    if (s.readonly) ++c.readonly;
    if (s.action == "confirm") ++c.gates;
  }
  return c;
}

std::string plan_digest(const Plan& plan) {
  Sha256 hash;
  JsonWriter w(-1, &hash);
  w.begin_object();
  w.key("format");
  w.str("runbook-plan-1");
  w.key("runbook");
  w.str(plan.runbook);
  w.key("inputs");
  inputs_json(w, plan);
  w.key("inputs_not_given");
  w.strings(plan.inputs_not_given);
  w.key("steps");
  w.begin_array();
  for (const PlanStep& s : plan.steps) {
    canonical_step(w, s);
    w.end_object();
    w.flush();
  }
  w.end_array();
  w.end_object();
  w.take();
  return "sha256:" + hash.hex();
}

std::string plan_json(const Plan& plan) {
  JsonWriter w(2);
  w.reserve(4096 + 300 * plan.steps.size());  // about what a step takes; grows if need be
  w.begin_object();
  w.key("runbook");
  w.str(plan.runbook);
  w.key("file");
  w.str(plan.file);
  w.key("digest");
  w.str(plan.digest);
  w.key("inputs");
  inputs_json(w, plan);
  if (!plan.inputs_not_given.empty()) {
    w.key("inputs_not_given");
    w.strings(plan.inputs_not_given);
  }
  w.key("probed");
  w.boolean(plan.probed);
  PlanCounts c = count_steps(plan);
  w.key("counts");
  w.begin_object();
  for (const auto& [name, n] : {std::pair<const char*, int>{"steps", c.steps},
                                {"changes", c.changes},
                                {"readonly", c.readonly},
                                {"gates", c.gates},
                                {"skipped", c.skipped},
                                {"runtime", c.runtime},
                                {"warnings", c.warnings}}) {
    w.key(name);
    w.integer(n);
  }
  w.end_object();
  w.key("steps");
  w.begin_array();
  for (const PlanStep& s : plan.steps) {
    canonical_step(w, s);
    if (s.probed) {
      w.key("probed");
      w.boolean(true);
    }
    if (!s.probe_result.empty()) {
      w.key("probe_result");
      w.str(s.probe_result);
    }
    if (!s.warnings.empty()) {
      w.key("warnings");
      w.strings(s.warnings);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.newline();
  return w.take();
}

}  // namespace rb::plan
