#include "record/journal_event.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "expr/json.h"

namespace rb::record {
namespace {

// The last `n` bytes of `s`, not starting inside a UTF-8 sequence: nlohmann refuses invalid
// UTF-8 when dumping.
std::string_view tail_view(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t from = s.size() - n;
  while (from < s.size() && (static_cast<unsigned char>(s[from]) & 0xC0) == 0x80) ++from;
  return std::string_view(s).substr(from);
}

std::string last_bytes(const std::string& s, size_t n) {
  return std::string(tail_view(s, n));
}

// A value as value_to_json(v).dump() writes it.
void put_map(std::string& out, const expr::Map& m);

void put_value(std::string& out, const expr::Value& v) {
  switch (v.type()) {
    case expr::ValueType::kNull:
      out += "null";
      return;
    case expr::ValueType::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case expr::ValueType::kInt:
      out += std::to_string(v.as_int());
      return;
    case expr::ValueType::kString:
      expr::append_json_string(out, v.as_string());
      return;
    case expr::ValueType::kList: {
      out += '[';
      bool first = true;
      for (const expr::Value& e : v.as_list()) {
        if (!first) out += ',';
        first = false;
        put_value(out, e);
      }
      out += ']';
      return;
    }
    case expr::ValueType::kMap:
      // expr::Map is ordered as nlohmann's object (std::map of std::string, operator<).
      put_map(out, v.as_map());
      return;
    case expr::ValueType::kNumber:
    case expr::ValueType::kUnknown:
      out += value_to_json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
  }
}

void put_map(std::string& out, const expr::Map& m) {
  out += '{';
  bool first = true;
  for (const auto& [key, e] : m) {
    if (!first) out += ',';
    first = false;
    expr::append_json_string(out, key);
    out += ':';
    put_value(out, e);
  }
  out += '}';
}

// A record's line written as it goes, members in the order given, which must be nlohmann's
// order (std::string's): the unit test holds the lines to nlohmann's dump of the same record.
// Nothing is built first and copied, so a step's megabyte of escaped output is held once.
class Line {
 public:
  std::string& key(std::string_view k) {
    out_ += first_ ? '{' : ',';
    first_ = false;
    out_ += '"';
    out_ += k;  // our own names: nothing to escape
    out_ += "\":";
    return out_;
  }
  void text(std::string_view k, std::string_view v) { expr::append_json_string(key(k), v); }
  void integer(std::string_view k, int64_t v) { key(k) += std::to_string(v); }
  std::string take() {
    out_ += '}';
    return std::move(out_);
  }

 private:
  std::string out_;
  bool first_ = true;
};

}  // namespace

std::string step_started_line(const std::string& path, int attempt, const std::string& command,
                              const std::string& time) {
  Line l;
  l.integer("attempt", attempt);
  l.text("command", command);
  l.text("event", kStepStarted);
  l.text("step", path);
  l.text("time", time);
  return l.take();
}

std::string step_finished_line(const std::string& path, const exec::StepResult& r,
                               const std::string& time) {
  // The fields of put_step_result (which the reader's step_result_from reads back), in order.
  Line l;
  l.key("acted") += r.acted ? "true" : "false";
  l.integer("attempts", r.attempts);
  l.integer("duration_ms", r.duration_ms);
  l.text("error", r.error);
  l.text("event", kStepFinished);
  if (r.exit_code >= 0) {
    l.integer("exit_code", r.exit_code);
  } else {
    l.key("exit_code") += "null";
  }
  if (!r.hint.empty()) l.text("hint", r.hint);
  put_value(l.key("output"), r.output);
  put_map(l.key("outputs"), r.outputs);
  if (!r.reason.empty()) l.text("reason", r.reason);
  l.text("status", exec::step_status_name(r.status));
  l.text("stderr", tail_view(r.stderr_tail, kJournalTailBytes));
  l.text("stdout", tail_view(r.stdout_tail, kJournalTailBytes));
  l.text("step", path);
  l.text("time", time);
  if (!r.vars_set.empty()) put_map(l.key("vars_set"), r.vars_set);
  return l.take();
}

// Built directly, not through a JSON text parsed back: a megabyte of output is not escaped and
// parsed again, and a string that is not UTF-8 (command output) is kept, to be replaced where
// the line is dumped, rather than making the parse fail and the record "<discarded>" (a line
// that is not JSON, and a journal that cannot be read).
nlohmann::json value_to_json(const expr::Value& v) {
  switch (v.type()) {
    case expr::ValueType::kNull:
      return nullptr;
    case expr::ValueType::kBool:
      return v.as_bool();
    case expr::ValueType::kInt:
      return v.as_int();
    case expr::ValueType::kNumber:  // as the expression language writes it (2.0 stays a number)
    case expr::ValueType::kUnknown:
      return nlohmann::json::parse(v.to_json(), nullptr, false);
    case expr::ValueType::kString:
      return v.as_string();
    case expr::ValueType::kList: {
      nlohmann::json out = nlohmann::json::array();
      for (const expr::Value& e : v.as_list()) out.push_back(value_to_json(e));
      return out;
    }
    case expr::ValueType::kMap: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, e] : v.as_map()) out[key] = value_to_json(e);
      return out;
    }
  }
  return nullptr;
}

expr::Value value_from_json(const nlohmann::json& j) {
  std::string ignored;
  auto v = expr::parse_json(j.dump(), &ignored);
  return v ? *v : expr::Value();
}

void put_step_result(nlohmann::json& e, const exec::StepResult& r) {
  e["status"] = exec::step_status_name(r.status);
  e["exit_code"] = r.exit_code >= 0 ? nlohmann::json(r.exit_code) : nlohmann::json(nullptr);
  e["attempts"] = r.attempts;
  e["duration_ms"] = r.duration_ms;
  e["outputs"] = value_to_json(expr::Value(r.outputs));
  e["output"] = value_to_json(r.output);
  if (!r.vars_set.empty()) e["vars_set"] = value_to_json(expr::Value(r.vars_set));
  e["acted"] = r.acted;
  e["error"] = r.error;
  if (!r.hint.empty()) e["hint"] = r.hint;
  if (!r.reason.empty()) e["reason"] = r.reason;
  e["stdout"] = last_bytes(r.stdout_tail, kJournalTailBytes);
  e["stderr"] = last_bytes(r.stderr_tail, kJournalTailBytes);
}

exec::StepResult step_result_from(const nlohmann::json& e) {
  exec::StepResult r;
  r.status =
      exec::parse_step_status(e.value("status", "failed")).value_or(exec::StepStatus::kFailed);
  if (e.contains("exit_code") && e["exit_code"].is_number_integer()) {
    r.exit_code = e["exit_code"].get<int>();
  }
  r.attempts = e.value("attempts", 0);
  r.duration_ms = e.value("duration_ms", int64_t{0});
  if (e.contains("outputs")) {
    expr::Value o = value_from_json(e["outputs"]);
    if (o.is_map()) r.outputs = o.as_map();
  }
  if (e.contains("output")) r.output = value_from_json(e["output"]);
  // Journals written before `acted` was recorded: every finished step counts as having acted,
  // so a resume restores it as it always did (nothing runs twice).
  r.acted = !e.contains("acted") || !e["acted"].is_boolean() || e["acted"].get<bool>();
  if (e.contains("vars_set")) {
    expr::Value v = value_from_json(e["vars_set"]);
    if (v.is_map()) r.vars_set = v.as_map();
  }
  r.error = e.value("error", "");
  r.hint = e.value("hint", "");
  r.reason = e.value("reason", "");
  r.stdout_tail = e.value("stdout", "");
  r.stderr_tail = e.value("stderr", "");
  return r;
}

std::string utc_now_iso8601() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

std::optional<int64_t> iso8601_to_unix_ms(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS.mmmZ, exactly
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
    return std::nullopt;
  }
  auto number = [&](size_t at, size_t len) -> int {
    int n = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      n = n * 10 + (text[i] - '0');
    }
    return n;
  };
  std::tm tm{};
  tm.tm_year = number(0, 4) - 1900;
  tm.tm_mon = number(5, 2) - 1;
  tm.tm_mday = number(8, 2);
  tm.tm_hour = number(11, 2);
  tm.tm_min = number(14, 2);
  tm.tm_sec = number(17, 2);
  const int ms = number(20, 3);
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mday < 0 || tm.tm_hour < 0 || tm.tm_min < 0 ||
      tm.tm_sec < 0 || ms < 0) {
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

}  // namespace rb::record
