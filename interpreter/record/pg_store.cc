// The PostgreSQL backend: a team's runs in one database. Tables (schema version 1):
//   runbook_schema    (version)                         which schema this database holds
//   runbook_runs      (run_id, host, usr, created_at)   one row per run
//   runbook_events    (run_id, seq, event, record)      the journal: one row per record,
//                                                        append-only, `record` the JSON line
//   runbook_approvals (run_id, seq, step, usr, how, reason, at)   each approval, for audits
//   runbook_locks     (key, run_id, host, usr, pid, since)        who holds a lock, for messages
// Locks are session-level advisory locks: the server frees them when the holder's connection
// ends, also when its machine vanishes (keepalives, see pq.cc).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "base/identity.h"
#include "base/sha256.h"
#include "record/pq.h"
#include "record/state_store.h"

namespace rb::record {
namespace {

constexpr int kSchemaVersion = 1;

const char* const kCreateV1 = R"sql(
CREATE TABLE runbook_runs (
  run_id text PRIMARY KEY,
  host text NOT NULL DEFAULT '',
  usr text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE runbook_events (
  run_id text NOT NULL REFERENCES runbook_runs ON DELETE CASCADE,
  seq bigint NOT NULL,
  event text NOT NULL,
  record json NOT NULL,
  PRIMARY KEY (run_id, seq));
CREATE TABLE runbook_approvals (
  run_id text NOT NULL,
  seq bigint NOT NULL,
  step text NOT NULL,
  usr text NOT NULL,
  how text NOT NULL,
  reason text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq),
  FOREIGN KEY (run_id, seq) REFERENCES runbook_events ON DELETE CASCADE);
CREATE TABLE runbook_locks (
  key text PRIMARY KEY,
  run_id text NOT NULL,
  host text NOT NULL DEFAULT '',
  usr text NOT NULL DEFAULT '',
  pid integer NOT NULL DEFAULT 0,
  since timestamptz NOT NULL DEFAULT now());
INSERT INTO runbook_schema (version) VALUES (1)
)sql";

// One record: the event row, and for an approval its row too, in one statement (one commit).
// ON CONFLICT: a record resent after a lost connection is not stored twice.
const char* const kAppend = R"sql(
WITH e AS (
  INSERT INTO runbook_events (run_id, seq, event, record)
  VALUES ($1, $2::bigint, ($3::json)->>'event', $3::json)
  ON CONFLICT DO NOTHING
  RETURNING run_id, seq, record),
a AS (
  INSERT INTO runbook_approvals (run_id, seq, step, usr, how, reason)
  SELECT run_id, seq, coalesce(record->>'step', ''), coalesce(record->>'user', ''),
         coalesce(record->>'how', ''), coalesce(record->>'reason', '')
  FROM e WHERE record->>'event' = 'approved')
SELECT count(*) FROM e
)sql";

// The advisory lock id of a key: 63 bits of its sha256 (a collision would only make two
// different keys exclude each other).
std::string lock_id(const std::string& key) {
  const std::string hex = sha256_hex("runbook-lock:" + key).substr(0, 15);
  return std::to_string(std::stoll(hex, nullptr, 16));
}

int retry_seconds() {
  const char* v = std::getenv("RUNBOOK_STATE_RETRY");
  if (v == nullptr || *v == '\0') return 30;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  return (end != nullptr && *end == '\0' && n >= 0 && n <= 3600) ? static_cast<int>(n) : 30;
}

class PgStore;

class PgLock : public StoreLock {
 public:
  PgLock(PgStore* store, std::string key) : store_(store), key_(std::move(key)) {}
  ~PgLock() override;

 private:
  PgStore* store_;
  std::string key_;
};

class PgStore : public StateStore {
 public:
  PgStore(std::string url, std::unique_ptr<pq::Connection> conn)
      : url_(std::move(url)), conn_(std::move(conn)), host_(host_name()), user_(current_user()) {}

  // Creates the tables on first use, or checks their version; under a transaction-level
  // advisory lock, so two first runs at once do not both create them.
  bool prepare(std::string* error) {
    std::string why;
    if (!conn_->run("BEGIN; SELECT pg_advisory_xact_lock(8675309001); "
                    "CREATE TABLE IF NOT EXISTS runbook_schema (version integer NOT NULL)",
                    &why)) {
      *error = "cannot set up the state database " + where() + ": " + why;
      return false;
    }
    pq::Result v = conn_->exec("SELECT coalesce(max(version), 0) FROM runbook_schema");
    if (!v.ok()) {
      *error = "cannot read the state database's schema " + where() + ": " + v.error();
      conn_->run("ROLLBACK", &why);
      return false;
    }
    const int version = std::stoi(v.value(0, 0));
    if (version > kSchemaVersion) {
      conn_->run("ROLLBACK", &why);
      *error = "the state database " + where() + " holds schema version " +
               std::to_string(version) + ", newer than this runbook knows (" +
               std::to_string(kSchemaVersion) + "); upgrade runbook to use it";
      return false;
    }
    if (version == 0 && !conn_->run(kCreateV1, &why)) {
      conn_->run("ROLLBACK", &why);
      *error = "cannot create the state tables in " + where() + ": " + why;
      return false;
    }
    if (!conn_->run("COMMIT", &why)) {
      *error = "cannot create the state tables in " + where() + ": " + why;
      return false;
    }
    return true;
  }

  std::string where() const override { return pq::redact(url_); }

  std::vector<std::string> run_ids() override {
    pq::Result r = exec_or_reconnect(
        "SELECT run_id FROM runbook_runs r WHERE EXISTS "
        "(SELECT 1 FROM runbook_events e WHERE e.run_id = r.run_id) ORDER BY run_id",
        {});
    if (!r.ok()) throw StoreError("cannot list the runs in " + where() + ": " + why(r), true);
    std::vector<std::string> ids;
    for (int i = 0; i < r.rows(); ++i) ids.push_back(r.value(i, 0));
    return ids;
  }

  std::optional<std::string> journal_text(const std::string& run_id, std::string* error) override {
    pq::Result r = exec_or_reconnect(
        "SELECT record FROM runbook_events WHERE run_id = $1 ORDER BY seq", {run_id});
    if (!r.ok()) {
      if (error) *error = "cannot read the journal " + journal_name(run_id) + ": " + why(r);
      return std::nullopt;
    }
    if (r.rows() == 0) {
      if (error) *error = "no run '" + run_id + "' in " + where();
      return std::nullopt;
    }
    std::string text;
    for (int i = 0; i < r.rows(); ++i) {
      text += r.value(i, 0);
      text += '\n';
    }
    return text;
  }

  std::string journal_name(const std::string& run_id) const override {
    return where() + " run " + run_id;
  }

  LockResult lock_key(const std::string& key, const std::string& run_id) override {
    return take("key:" + key, run_id);
  }
  LockResult lock_run(const std::string& run_id) override { return take("run:" + run_id, run_id); }

  std::unique_ptr<JournalStorage> open_journal(const std::string& run_id, bool create) override;

  std::string log_dir(const std::string& run_id) const override {
    // Whole step logs stay on the machine that ran the step; the shared journal keeps each
    // step's output tail. $RUNBOOK_LOG_DIR, else ~/.local/state/runbook.
    std::string base;
    if (const char* d = std::getenv("RUNBOOK_LOG_DIR"); d != nullptr && *d != '\0') {
      base = d;
    } else if (const char* x = std::getenv("XDG_STATE_HOME"); x != nullptr && *x != '\0') {
      base = std::string(x) + "/runbook";
    } else if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
      base = std::string(h) + "/.local/state/runbook";
    } else {
      base = ".runbook";
    }
    return base + "/runs/" + run_id + "/logs";
  }

  std::vector<std::string> credentials() const override {
    std::vector<std::string> out = pq::passwords_in(url_);
    if (const char* p = std::getenv("PGPASSWORD"); p != nullptr && *p != '\0') out.push_back(p);
    return out;
  }

  // --- used by the journal and the locks ---

  pq::Result exec(const std::string& sql, const std::vector<std::optional<std::string>>& p) {
    return conn_->exec(sql, p);
  }

  // Runs `sql`; when the connection was lost, reconnects for up to RUNBOOK_STATE_RETRY seconds
  // (default 30: a database restart is ridden through), takes back every lock this process
  // held, and runs it once more. The statement must be safe to repeat.
  pq::Result exec_or_reconnect(const std::string& sql,
                               const std::vector<std::optional<std::string>>& p) {
    pq::Result r = conn_->exec(sql, p);
    if (r.ok() || conn_->alive()) return r;
    if (!reconnect()) return r;
    return conn_->exec(sql, p);
  }

  std::string why(const pq::Result& r) const {
    if (!last_reconnect_error_.empty()) return last_reconnect_error_;
    std::string m = r.error();
    if (m.empty() || m == "no answer from the server") m = conn_->error();
    return m.empty() ? "the connection was lost" : m;
  }

  void release(const std::string& key) {
    held_.erase(key);
    if (!conn_->alive()) return;  // the server freed it with the connection
    conn_->exec("DELETE FROM runbook_locks WHERE key = $1 AND run_id = $2 AND pid = $3",
                {key, lock_owner_[key], std::to_string(::getpid())});
    conn_->exec("SELECT pg_advisory_unlock($1::bigint)", {lock_id(key)});
    lock_owner_.erase(key);
  }

 private:
  LockResult take(const std::string& key, const std::string& run_id) {
    LockResult out;
    pq::Result r = exec_or_reconnect("SELECT pg_try_advisory_lock($1::bigint)", {lock_id(key)});
    if (!r.ok()) {
      out.error = "cannot take the lock in " + where() + ": " + why(r);
      return out;
    }
    if (r.value(0, 0) != "t") {
      pq::Result h =
          conn_->exec("SELECT run_id, usr, host, pid FROM runbook_locks WHERE key = $1", {key});
      if (h.ok() && h.rows() == 1) {
        out.holder = "run " + h.value(0, 0) + " (" + h.value(0, 1) + "@" + h.value(0, 2) +
                     ", pid " + h.value(0, 3) + ")";
      } else {
        out.holder = "another run";
      }
      return out;
    }
    pq::Result w = conn_->exec(
        "INSERT INTO runbook_locks (key, run_id, host, usr, pid) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (key) DO UPDATE SET run_id = $2, host = $3, usr = $4, pid = $5, "
        "since = now()",
        {key, run_id, host_, user_, std::to_string(::getpid())});
    (void)w;  // the lock is held all the same; only the holder's name would be missing
    held_.insert(key);
    lock_owner_[key] = run_id;
    out.lock = std::make_unique<PgLock>(this, key);
    return out;
  }

  bool reconnect() {
    last_reconnect_error_.clear();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(retry_seconds());
    std::string error;
    do {
      auto c = pq::Connection::open(url_, &error);
      if (c) {
        conn_ = std::move(c);
        for (const std::string& key : held_) {
          pq::Result r = conn_->exec("SELECT pg_try_advisory_lock($1::bigint)", {lock_id(key)});
          if (!r.ok() || r.value(0, 0) != "t") {
            last_reconnect_error_ =
                "the connection to the state database was lost, and while it was, another "
                "run took the lock '" +
                key + "'";
            return false;
          }
        }
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    } while (std::chrono::steady_clock::now() < until);
    last_reconnect_error_ =
        "the connection to the state database was lost and could not be "
        "made again within " +
        std::to_string(retry_seconds()) + " s (" + error + ")";
    return false;
  }

  std::string url_;
  std::unique_ptr<pq::Connection> conn_;
  std::string host_, user_;
  std::set<std::string> held_;
  std::map<std::string, std::string> lock_owner_;
  std::string last_reconnect_error_;
};

PgLock::~PgLock() {
  store_->release(key_);
}

class PgJournal : public JournalStorage {
 public:
  PgJournal(PgStore* store, std::string run_id, int64_t next_seq)
      : store_(store), run_id_(std::move(run_id)), next_(next_seq) {}

  // Every record is committed before this returns (durable or not: a round trip either way).
  void append(const std::string& line, bool) override {
    const std::string seq = std::to_string(next_);
    pq::Result r = store_->exec_or_reconnect(kAppend, {run_id_, seq, line});
    if (!r.ok()) {
      throw StoreError(
          "cannot record in the state database " + store_->where() + ": " + store_->why(r), true);
    }
    if (r.value(0, 0) == "0") {
      // Already there: sent before the connection was lost, and committed. It must be ours.
      pq::Result same = store_->exec(
          "SELECT record::text = $3 FROM runbook_events WHERE run_id = $1 AND seq = $2::bigint",
          {run_id_, seq, line});
      if (!same.ok() || same.rows() != 1 || same.value(0, 0) != "t") {
        throw StoreError("another client wrote record " + seq + " of run " + run_id_ + " in " +
                             store_->where() + "; stopping so as not to mix two runs",
                         true);
      }
    }
    ++next_;
  }

  // A last try after a failure: the connection made again, if it can be.
  void repair() override {
    pq::Result r = store_->exec_or_reconnect("SELECT 1", {});
    if (!r.ok()) throw StoreError(store_->why(r), true);
  }

 private:
  PgStore* store_;
  std::string run_id_;
  int64_t next_;
};

std::unique_ptr<JournalStorage> PgStore::open_journal(const std::string& run_id, bool create) {
  if (create) {
    pq::Result r = exec_or_reconnect(
        "INSERT INTO runbook_runs (run_id, host, usr) VALUES ($1, $2, $3)", {run_id, host_, user_});
    if (!r.ok()) {
      throw StoreError("cannot record the new run in " + where() + ": " + why(r), true);
    }
    return std::make_unique<PgJournal>(this, run_id, 1);
  }
  pq::Result r = exec_or_reconnect(
      "SELECT coalesce(max(seq), 0) FROM runbook_events WHERE run_id = $1", {run_id});
  if (!r.ok()) throw StoreError("cannot open the journal in " + where() + ": " + why(r), true);
  return std::make_unique<PgJournal>(this, run_id, std::stoll(r.value(0, 0)) + 1);
}

}  // namespace

std::unique_ptr<StateStore> open_database_store(const std::string& url, std::string* error) {
  auto conn = pq::Connection::open(url, error);
  if (!conn) return nullptr;
  auto store = std::make_unique<PgStore>(url, std::move(conn));
  if (!store->prepare(error)) return nullptr;
  return store;
}

}  // namespace rb::record
