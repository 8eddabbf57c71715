#pragma once
// The journal's JSON: one object per line, each with "event" and "time". This header is the
// single place that knows field names, for the writer and the reader alike.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "exec/step_result.h"
#include "expr/value.h"

namespace rb::record {

inline constexpr const char* kRunStarted = "run_started";
inline constexpr const char* kRunResumed = "run_resumed";
inline constexpr const char* kStepStarted = "step_started";
inline constexpr const char* kStepFinished = "step_finished";
inline constexpr const char* kApproved = "approved";
inline constexpr const char* kLog = "log";
inline constexpr const char* kRunFinished = "run_finished";

// Bytes of stdout/stderr kept in a step_finished event (steps.ID.stdout after a resume).
// The journal format written in run_started's "format"; a journal without one is format 1. A
// reader refuses a newer format than it knows rather than misread it.
inline constexpr int kJournalFormat = 1;
inline constexpr size_t kJournalTailBytes = 64 * 1024;

nlohmann::json value_to_json(const expr::Value& v);
expr::Value value_from_json(const nlohmann::json& j);

// step_finished fields from a result, and back.
void put_step_result(nlohmann::json& event, const exec::StepResult& r);
exec::StepResult step_result_from(const nlohmann::json& event);

// The journal lines of the records every step writes, without their newline, written directly:
// byte for byte what dumping the same record built with nlohmann (put_step_result, keys in
// order) gives, at a fraction of the cost (building and dumping the JSON tree was 80,000
// instructions a step, the most of a quick step's own work).
std::string step_started_line(const std::string& path, int attempt, const std::string& command,
                              const std::string& time);
std::string step_finished_line(const std::string& path, const exec::StepResult& r,
                               const std::string& time);

// "2026-11-23T21:25:01.123Z"
std::string utc_now_iso8601();
// Milliseconds since the epoch of a time utc_now_iso8601() wrote ("2026-12-02T00:29:15.123Z"),
// or nullopt for anything else.
std::optional<int64_t> iso8601_to_unix_ms(std::string_view text);

}  // namespace rb::record
