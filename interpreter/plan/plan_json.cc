#include "plan/plan_json.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <future>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "base/sha256.h"
#include "expr/json.h"
#include "expr/text_units.h"

namespace rb::plan {
namespace {

constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;

using nlohmann::ordered_json;

// The text being written: a string kept at its capacity, with the length written so far beside
// it, so that a write is a copy and a length check, not a call into std::string's append.
class TextBuffer {
 public:
  void reserve(size_t n) {
    if (n > text_.size()) text_.resize(n);
  }
  // Room for n more bytes at the end: write them there, then commit how many were written.
  char* room(size_t n) {
    if (text_.size() - length_ < n) grow(n);
    return text_.data() + length_;
  }
  void commit(size_t n) { length_ += n; }
  void commit_to(const char* end) { length_ = static_cast<size_t>(end - text_.data()); }
  void append(const char* p, size_t n) {
    std::memcpy(room(n), p, n);
    length_ += n;
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  void append(std::string_view s, size_t pos, size_t n) { append(s.substr(pos, n)); }
  void append(size_t n, char c) {
    std::memset(room(n), c, n);
    length_ += n;
  }
  TextBuffer& operator+=(char c) {
    *room(1) = c;
    ++length_;
    return *this;
  }
  TextBuffer& operator+=(std::string_view s) {
    append(s);
    return *this;
  }
  size_t size() const { return length_; }
  std::string_view view() const { return std::string_view(text_.data(), length_); }
  void clear() { length_ = 0; }
  std::string take() {
    text_.resize(length_);
    length_ = 0;
    return std::move(text_);
  }

 private:
  void grow(size_t n) { text_.resize(std::max(2 * text_.size(), length_ + n + 256)); }

  std::string text_;
  size_t length_ = 0;
};

// The keys of a step's object, in the order they are written.
enum StepKey {
  kStep,
  kVerdict,
  kReason,
  kCommand,
  kId,
  kTitle,
  kAction,
  kDepth,
  kWhen,
  kDepends,
  kGuard,
  kChanges,
  kReadonly,
  kBatch,
  kLoop,
  kRetry,
  kWait,
  kTimeout,
  kContinueOnError,
  kGate,
  kGateApproval,
  kDetail,
  kInclude,
  kWith,
  kProbed,
  kProbeResult,
  kWarnings,
  kStepKeys
};
constexpr std::string_view kStepKeyNames[kStepKeys] = {"step",
                                                       "verdict",
                                                       "reason",
                                                       "command",
                                                       "id",
                                                       "title",
                                                       "action",
                                                       "depth",
                                                       "when",
                                                       "depends",
                                                       "guard",
                                                       "changes",
                                                       "readonly",
                                                       "batch",
                                                       "loop",
                                                       "retry",
                                                       "wait",
                                                       "timeout",
                                                       "continue_on_error",
                                                       "gate",
                                                       "gate_approval",
                                                       "detail",
                                                       "include",
                                                       "with",
                                                       "probed",
                                                       "probe_result",
                                                       "warnings"};

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
    // The usual key, a name, goes in with what comes before and after it in one piece.
    if (plain_prefix(k) == k.size()) {
      char* p = out_.room(pad + k.size() + 6);
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
      out_.commit_to(p);
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
  // A key of a step's object: its text (line, indent, quotes, colon) made once for the depth
  // the steps are at, since 20,000 steps write the same 10 keys each.
  void step_key(StepKey k) {
    if (key_depth_ != levels_.size()) {
      key_depth_ = levels_.size();
      const std::string pad(indent_ < 0 ? 0 : key_depth_ * static_cast<size_t>(indent_), ' ');
      for (int i = 0; i < kStepKeys; ++i) {
        key_text_[i] = (indent_ < 0 ? "" : "\n" + pad) + "\"" + std::string(kStepKeyNames[i]) +
                       (indent_ < 0 ? "\":" : "\": ");
      }
    }
    if (levels_.back()++ > 0) out_ += ',';
    out_.append(key_text_[k]);
    after_key_ = true;
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
  size_t size() const { return out_.size(); }
  // With a hash: hands it the text written so far, once there is enough of it.
  void flush() {
    if (hash_ != nullptr && out_.size() >= 65536) {
      hash_->update(out_.view());
      out_.clear();
    }
  }
  std::string take() {
    if (hash_ != nullptr) {
      hash_->update(out_.view());
      out_.clear();
    }
    return out_.take();
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
      char* p = out_.room(s.size() + 2);
      *p = '"';
      std::memcpy(p + 1, s.data(), s.size());
      p[s.size() + 1] = '"';
      out_.commit(s.size() + 2);
      return;
    }
    escaped(s);
  }
  // The rare string with something to escape, or that is not UTF-8: as nlohmann writes it.
  void escaped(std::string_view s) {
    scratch_.clear();
    expr::append_json_string(scratch_, s);
    out_ += scratch_;
  }

  int indent_;
  Sha256* hash_;
  TextBuffer out_;
  std::string scratch_;   // an escaped string on its way to out_
  size_t key_depth_ = 0;  // the depth key_text_ was made for (0: not yet)
  std::string key_text_[kStepKeys];
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
  w.step_key(kStep);
  w.str(s.path);
  w.step_key(kVerdict);
  w.str(verdict_name(s.verdict));
  w.step_key(kReason);
  w.str(s.reason);
  w.step_key(kCommand);
  w.str(s.command);
  auto put = [&](StepKey key, const std::string& value) {
    if (value.empty()) return;
    w.step_key(key);
    w.str(value);
  };
  auto flag = [&](StepKey key, bool value) {
    if (!value) return;
    w.step_key(key);
    w.boolean(true);
  };
  put(kId, s.id);
  put(kTitle, s.title);
  w.step_key(kAction);
  w.str(s.action);
  if (s.depth) {
    w.step_key(kDepth);
    w.integer(s.depth);
  }
  put(kWhen, s.when);
  if (!s.depends.empty()) {
    w.step_key(kDepends);
    w.strings(s.depends);
  }
  put(kGuard, s.guard);
  flag(kChanges, s.changes);
  flag(kReadonly, s.readonly);
  put(kBatch, s.batch);
  put(kLoop, s.loop);
  put(kRetry, s.retry);
  put(kWait, s.wait);
  put(kTimeout, s.timeout);
  flag(kContinueOnError, s.continue_on_error);
  put(kGate, s.gate);
  put(kGateApproval, s.gate_approval);
  put(kDetail, s.detail);
  put(kInclude, s.include);
  if (!s.with.empty()) {
    w.step_key(kWith);
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

// A little more than plan_json's text takes when nothing in it needs escaping, so that its
// buffer is made once: a field is its value and about 24 bytes of key, quotes and indent.
size_t json_size_estimate(const Plan& plan) {
  size_t n = 4096;
  for (const auto& [name, value] : plan.inputs) n += 24 + name.size() + value.to_text().size();
  for (const std::string& name : plan.inputs_not_given) n += 16 + name.size();
  for (const PlanStep& s : plan.steps) {
    n += 4 * 24 + 48;  // the four fields always written, the braces and the depth
    for (const std::string* v :
         {&s.path, &s.reason, &s.command, &s.id, &s.title, &s.action, &s.when, &s.guard, &s.batch,
          &s.loop, &s.retry, &s.wait, &s.timeout, &s.gate, &s.gate_approval, &s.detail, &s.include,
          &s.probe_result}) {
      n += v->size() + (v->empty() ? 0 : 24);
    }
    for (const std::vector<std::string>* list : {&s.depends, &s.with, &s.warnings}) {
      if (!list->empty()) n += 32;
      for (const std::string& v : *list) n += v.size() + 16;
    }
    for (bool flag : {s.changes, s.readonly, s.continue_on_error, s.probed}) n += flag ? 32 : 0;
  }
  return n;
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

namespace {

// plan_json's text, with `digest` for the plan's. *digest_at: where its text starts.
std::string write_plan_json(const Plan& plan, std::string_view digest, size_t* digest_at) {
  JsonWriter w(2);
  w.reserve(json_size_estimate(plan));
  w.begin_object();
  w.key("runbook");
  w.str(plan.runbook);
  w.key("file");
  w.str(plan.file);
  w.key("digest");
  *digest_at = w.size() + 1;  // after the opening quote
  w.str(digest);
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
      w.step_key(kProbed);
      w.boolean(true);
    }
    if (!s.probe_result.empty()) {
      w.step_key(kProbeResult);
      w.str(s.probe_result);
    }
    if (!s.warnings.empty()) {
      w.step_key(kWarnings);
      w.strings(s.warnings);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.newline();
  return w.take();
}

}  // namespace

std::string plan_json(const Plan& plan) {
  size_t digest_at = 0;
  return write_plan_json(plan, plan.digest, &digest_at);
}

std::string plan_json_digested(Plan& plan) {
  if (!plan.digest.empty()) return plan_json(plan);
  // Both threads only read the plan. A digest is "sha256:" and 64 hex digits, which JSON writes
  // as they are: the placeholder holds its place exactly.
  std::future<std::string> digest;
  try {
    digest = std::async(std::launch::async, [&plan] { return plan_digest(plan); });
  } catch (const std::system_error&) {  // no thread to be had: one after the other
    plan.digest = plan_digest(plan);
    return plan_json(plan);
  }
  const std::string placeholder = "sha256:" + std::string(64, '0');
  size_t digest_at = 0;
  std::string text;
  try {
    text = write_plan_json(plan, placeholder, &digest_at);
  } catch (...) {
    digest.wait();  // the thread reads the plan: it ends before the plan can go
    throw;
  }
  plan.digest = digest.get();
  if (plan.digest.size() != placeholder.size() ||
      text.compare(digest_at, placeholder.size(), placeholder) != 0) {
    return plan_json(plan);  // not as expected: written again, whole
  }
  text.replace(digest_at, placeholder.size(), plan.digest);
  return text;
}

}  // namespace rb::plan
