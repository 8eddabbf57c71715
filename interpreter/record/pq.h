#pragma once
// A small C++ face on libpq for the PostgreSQL state backend. libpq is loaded with dlopen the
// first time a postgresql:// state is used, not linked: it pulls in some twenty libraries
// (Kerberos, LDAP, OpenSSL) whose loading would double the start-up of every `runbook` command,
// most of which never touch PostgreSQL. The types come from Debian's libpq-dev header.
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace rb::record::pq {

class Result {
 public:
  explicit Result(pg_result* r) : r_(r) {}
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result();
  // The command succeeded (with or without rows).
  bool ok() const;
  int rows() const;
  bool is_null(int row, int col) const;
  std::string value(int row, int col) const;
  // The server's message, first line only ("" when ok).
  std::string error() const;
  // SQLSTATE ("" when none: the connection was lost before the server answered).
  std::string sqlstate() const;

 private:
  pg_result* r_;
};

class Connection {
 public:
  // Connects to `url` (a postgresql:// URL or a conninfo string) with TCP keepalives on both
  // sides, so a vanished peer is noticed within about 25 s. nullopt with *error (never holding
  // the password) when libpq is missing or the server cannot be reached.
  static std::unique_ptr<Connection> open(const std::string& url, std::string* error);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result exec(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  // Runs SQL with no parameters and no result wanted; false with *error on failure.
  bool run(const std::string& sql, std::string* error);
  bool alive() const;
  std::string error() const;  // the connection's last message, first line

 private:
  explicit Connection(pg_conn* c) : c_(c) {}
  pg_conn* c_;
};

// The URL with any password replaced by "****", for messages.
std::string redact(const std::string& url);
// The password in a URL (user:PASSWORD@ or password=PASSWORD), as written and percent-decoded;
// empty when there is none.
std::vector<std::string> passwords_in(const std::string& url);

}  // namespace rb::record::pq
