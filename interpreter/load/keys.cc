#include "load/keys.h"

namespace rb::load {

const std::vector<std::string> kRunbookKeys = {
    "runbook",     "name",         "description", "inputs",     "vars",    "env",
    "concurrency", "max_parallel", "steps",       "on_failure", "finally", "outputs"};
const std::vector<std::string> kInputKeys = {"type",        "default", "required",
                                             "enum",        "pattern", "secret",
                                             "description", "env",     "required_if"};
const std::vector<std::string> kStepActions = {"run", "exec", "wait",  "confirm", "assert", "set",
                                               "log", "fail", "sleep", "include", "steps"};
const std::vector<std::string> kStepModifiers = {
    "id",       "name",        "description", "if",      "needs",
    "for_each", "as",          "retry",       "timeout", "continue_on_error",
    "env",      "cwd",         "capture",     "outputs", "on_failure",
    "readonly", "shell",       "message",     "with",    "explicit",
    "parallel", "max_failures"};
const std::vector<std::string> kWaitKeys = {"run",      "exec",    "until", "fail_if",
                                            "interval", "timeout", "shell"};
const std::vector<std::string> kRetryKeys = {"attempts", "delay", "backoff", "until"};

const std::vector<std::string> kTestFileKeys = {"runbook", "description", "mocks", "scenarios"};
const std::vector<std::string> kScenarioKeys = {"name",    "description", "inputs", "env",
                                                "approve", "mocks",       "expect", "resume"};
const std::vector<std::string> kResumeKeys = {"approve", "mocks", "expect"};
const std::vector<std::string> kMockKeys = {"match",     "regex", "stdout",  "stderr",
                                            "exit_code", "delay", "results", "times"};
const std::vector<std::string> kMockResultKeys = {"stdout", "stderr", "exit_code", "delay"};
const std::vector<std::string> kExpectKeys = {"status",   "ran",          "skipped", "failed",
                                              "commands", "not_commands", "outputs", "vars"};

std::span<const KeyTable> key_tables() {
  static const KeyTable kTables[] = {
      {"runbook", kRunbookKeys},
      {"input", kInputKeys},
      {"step action", kStepActions},
      {"step", kStepModifiers},
      {"wait", kWaitKeys},
      {"retry", kRetryKeys},
      {"test file", kTestFileKeys},
      {"scenario", kScenarioKeys},
      {"resume", kResumeKeys},
      {"mock", kMockKeys},
      {"mock result", kMockResultKeys},
      {"expect", kExpectKeys},
  };
  return kTables;
}

}  // namespace rb::load
