#pragma once
// A fresh folder per test: `out` for the files steps write, `state` for runbook's records; the
// environment points runbook at it, without colour and as user "alice". Removed afterwards.
//
// With RUNBOOK_TEST_BACKEND=postgresql (and RUNBOOK_TEST_PG_URL, a server's URL: see
// scripts/pg-test-server.sh) the records go to a fresh database instead, dropped afterwards, so
// the same tests check both state backends. Tests read records through the CLI
// (`runs()`, `journal()`), which works on both.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "cli_process.h"

namespace rb::e2e {

inline bool testing_database() {
  const char* b = std::getenv("RUNBOOK_TEST_BACKEND");
  return b != nullptr && std::string(b) == "postgresql";
}

// The server's URL with its database replaced by `db`.
inline std::string database_url(const std::string& db) {
  std::string url = std::getenv("RUNBOOK_TEST_PG_URL") ? std::getenv("RUNBOOK_TEST_PG_URL") : "";
  size_t slash = url.find('/', url.find("://") + 3);
  return (slash == std::string::npos ? url : url.substr(0, slash)) + "/" + db;
}

// Runs SQL on the test server (psql, from Debian's postgresql-client).
inline CliResult psql(const std::string& url, const std::string& sql) {
  return run_program(
      {"/usr/bin/psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", url, "-c", sql});
}

// How many lines a file's text holds (steps append a line each time they run).
inline size_t line_count(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Kills the process group whose id a step wrote to `pid_file` (an orphaned step, as an
// operator would clean up after a kill -9 of runbook).
inline void kill_group_of(const std::string& pid_file) {
  std::string text = read_file(pid_file);
  if (!text.empty()) ::kill(-std::stoi(text), SIGKILL);
}

// Sets "K=V" in the options' environment, replacing an earlier K.
inline void set_env(CliOptions& o, const std::string& kv) {
  const std::string key = kv.substr(0, kv.find('=') + 1);
  for (std::string& e : o.extra_env) {
    if (e.rfind(key, 0) == 0) {
      e = kv;
      return;
    }
  }
  o.extra_env.push_back(kv);
}

struct Sandbox {
  std::string dir = make_temp_dir();
  std::string out = dir + "/out";
  std::string state = dir + "/state";
  std::string database;  // when testing the database backend
  Sandbox() {
    std::filesystem::create_directories(out);
    if (testing_database()) {
      database = "rb_test_" + std::to_string(std::random_device{}() & 0xffffff);
      psql(database_url("postgres"), "CREATE DATABASE " + database);
      state = database_url(database);
    }
  }
  ~Sandbox() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (!database.empty()) {
      psql(database_url("postgres"), "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }
  CliOptions options() const {
    CliOptions o;
    o.extra_env = {"NO_COLOR=1", "RUNBOOK_STATE_DIR=" + state, "USER=alice",
                   "RUNBOOK_LOG_DIR=" + dir + "/logs"};
    o.timeout_seconds = 60;
    return o;
  }
  CliResult runbook(const std::vector<std::string>& args) const {
    return run_runbook(args, options());
  }
  bool has(const std::string& name) const { return std::filesystem::exists(out + "/" + name); }
  std::string file(const std::string& name) const { return read_file(out + "/" + name); }

  // The recorded run ids, oldest first (from `runbook history --format json`).
  std::vector<std::string> runs() const {
    CliResult h = runbook({"history", "--format", "json", "-n", "1000"});
    std::vector<std::string> ids;
    nlohmann::json j = nlohmann::json::parse(h.out, nullptr, false);
    if (!j.is_array()) return ids;
    for (const auto& r : j) ids.insert(ids.begin(), r["run_id"].get<std::string>());
    return ids;
  }
  // A run's journal as stored (from `runbook status ID --format jsonl`).
  std::string journal(const std::string& id) const {
    return runbook({"status", id, "--format", "jsonl"}).out;
  }
};

}  // namespace rb::e2e
