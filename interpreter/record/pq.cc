#include "record/pq.h"

#include <libpq-fe.h>

#include <cctype>
#include <mutex>
#include <utility>

#include "base/shared_library.h"

namespace rb::record::pq {
namespace {

// The libpq functions used, resolved once.
struct Api {
#define RB_PQ_FN(name) decltype(&::name) name = nullptr;
  RB_PQ_FN(PQconnectdbParams)
  RB_PQ_FN(PQstatus)
  RB_PQ_FN(PQerrorMessage)
  RB_PQ_FN(PQfinish)
  RB_PQ_FN(PQexecParams)
  RB_PQ_FN(PQresultStatus)
  RB_PQ_FN(PQresultErrorMessage)
  RB_PQ_FN(PQresultErrorField)
  RB_PQ_FN(PQclear)
  RB_PQ_FN(PQntuples)
  RB_PQ_FN(PQgetvalue)
  RB_PQ_FN(PQgetisnull)
  RB_PQ_FN(PQsetNoticeProcessor)
  RB_PQ_FN(PQconninfoParse)
  RB_PQ_FN(PQconninfoFree)
#undef RB_PQ_FN
};

const Api* g_api = nullptr;
std::string g_load_error;

void load_once() {
  SharedLibrary lib("libpq.so.5",
                    "the PostgreSQL state backend needs libpq, which is not installed (Debian: "
                    "apt-get install libpq5)");
  static Api api;
#define RB_PQ_BIND(name) lib.bind(api.name, #name);
  RB_PQ_BIND(PQconnectdbParams)
  RB_PQ_BIND(PQstatus)
  RB_PQ_BIND(PQerrorMessage)
  RB_PQ_BIND(PQfinish)
  RB_PQ_BIND(PQexecParams)
  RB_PQ_BIND(PQresultStatus)
  RB_PQ_BIND(PQresultErrorMessage)
  RB_PQ_BIND(PQresultErrorField)
  RB_PQ_BIND(PQclear)
  RB_PQ_BIND(PQntuples)
  RB_PQ_BIND(PQgetvalue)
  RB_PQ_BIND(PQgetisnull)
  RB_PQ_BIND(PQsetNoticeProcessor)
  RB_PQ_BIND(PQconninfoParse)
  RB_PQ_BIND(PQconninfoFree)
#undef RB_PQ_BIND
  if (lib.usable("the installed libpq is too old for the PostgreSQL state backend",
                 &g_load_error)) {
    g_api = &api;
  }
}

const Api* api(std::string* error) {
  static std::once_flag once;
  std::call_once(once, load_once);
  if (g_api == nullptr && error != nullptr) *error = g_load_error;
  return g_api;
}

std::string first_line(const char* text) {
  std::string s = text == nullptr ? "" : text;
  if (size_t nl = s.find('\n'); nl != std::string::npos) s.erase(nl);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

void quiet_notices(void*, const char*) {}  // "relation already exists, skipping" and the like

}  // namespace

Result::~Result() {
  if (r_ != nullptr) g_api->PQclear(r_);
}

bool Result::ok() const {
  if (r_ == nullptr) return false;
  ExecStatusType s = g_api->PQresultStatus(r_);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

int Result::rows() const {
  return r_ == nullptr ? 0 : g_api->PQntuples(r_);
}

bool Result::is_null(int row, int col) const {
  return g_api->PQgetisnull(r_, row, col) != 0;
}

std::string Result::value(int row, int col) const {
  return g_api->PQgetvalue(r_, row, col);
}

std::string Result::error() const {
  if (r_ == nullptr) return "no answer from the server";
  std::string m = first_line(g_api->PQresultErrorMessage(r_));
  if (m.rfind("ERROR:  ", 0) == 0) m.erase(0, 8);
  return m;
}

std::string Result::sqlstate() const {
  if (r_ == nullptr) return "";
  const char* s = g_api->PQresultErrorField(r_, PG_DIAG_SQLSTATE);
  return s == nullptr ? "" : s;
}

std::unique_ptr<Connection> Connection::open(const std::string& url, std::string* error) {
  const Api* a = api(error);
  if (a == nullptr) return nullptr;
  // expand_dbname: `dbname` holds the whole URL; the other keys add to it unless it sets them.
  // Client-side keepalives notice a server that vanished; the session settings below make the
  // server notice a client that vanished, which frees the advisory locks it held.
  const char* keys[] = {"dbname",          "application_name",    "connect_timeout",  "keepalives",
                        "keepalives_idle", "keepalives_interval", "keepalives_count", nullptr};
  const char* values[] = {url.c_str(), "runbook", "10", "1", "10", "5", "3", nullptr};
  PGconn* c = a->PQconnectdbParams(keys, values, 1);
  if (c == nullptr) {
    *error = "cannot reach the state database " + redact(url) + ": out of memory";
    return nullptr;
  }
  if (a->PQstatus(c) != CONNECTION_OK) {
    std::string why = first_line(a->PQerrorMessage(c));
    a->PQfinish(c);
    *error = "cannot reach the state database " + redact(url) + ": " + why;
    return nullptr;
  }
  a->PQsetNoticeProcessor(c, quiet_notices, nullptr);
  std::unique_ptr<Connection> conn(new Connection(c));
  std::string why;
  if (!conn->run("SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; "
                 "SET tcp_keepalives_count = 3; SET client_min_messages = warning",
                 &why)) {
    *error = "cannot set up the state database session " + redact(url) + ": " + why;
    return nullptr;
  }
  return conn;
}

Connection::~Connection() {
  if (c_ != nullptr) g_api->PQfinish(c_);
}

Result Connection::exec(const std::string& sql,
                        const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return Result(g_api->PQexecParams(c_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                    values.data(), nullptr, nullptr, 0));
}

bool Connection::run(const std::string& sql, std::string* error) {
  // Several statements in one string need the simple protocol: PQexecParams with no
  // parameters allows only one, so split on ';' (the statements used here hold none inside).
  size_t at = 0;
  while (at < sql.size()) {
    size_t end = sql.find(';', at);
    if (end == std::string::npos) end = sql.size();
    std::string one = sql.substr(at, end - at);
    at = end + 1;
    if (one.find_first_not_of(" \n\t") == std::string::npos) continue;
    Result r = exec(one);
    if (!r.ok()) {
      *error = r.error().empty() ? this->error() : r.error();
      return false;
    }
  }
  return true;
}

bool Connection::alive() const {
  return g_api->PQstatus(c_) == CONNECTION_OK;
}

std::string Connection::error() const {
  return first_line(g_api->PQerrorMessage(c_));
}

namespace {

std::string percent_decoded(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Where the passwords of a URL or conninfo string are: user:PASSWORD@ and each
// password=PASSWORD (as {start, length}, in order; a length may be 0).
std::vector<std::pair<size_t, size_t>> password_spans(const std::string& url) {
  std::vector<std::pair<size_t, size_t>> spans;
  if (size_t scheme = url.find("://"); scheme != std::string::npos) {
    size_t auth_end = url.find_first_of("/?", scheme + 3);
    size_t at = url.rfind('@', auth_end == std::string::npos ? url.size() : auth_end);
    if (at != std::string::npos && at > scheme) {
      size_t colon = url.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) spans.emplace_back(colon + 1, at - colon - 1);
    }
  }
  for (size_t p = url.find("password="); p != std::string::npos; p = url.find("password=", p + 1)) {
    size_t end = url.find_first_of("& ", p);
    spans.emplace_back(p + 9, (end == std::string::npos ? url.size() : end) - p - 9);
  }
  return spans;
}

}  // namespace

std::vector<std::string> passwords_in(const std::string& url) {
  std::vector<std::string> out;
  for (const auto& [start, length] : password_spans(url)) {
    if (length == 0) continue;
    std::string p = url.substr(start, length);
    out.push_back(p);
    if (std::string d = percent_decoded(p); d != p) out.push_back(d);
  }
  return out;
}

std::string redact(const std::string& url) {
  // postgresql://user:secret@host/db -> postgresql://user:****@host/db; password=... in a
  // conninfo string -> password=****; query parameters too.
  std::string out = url;
  auto spans = password_spans(url);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it)
    out.replace(it->first, it->second, "****");
  return out;
}

}  // namespace rb::record::pq
