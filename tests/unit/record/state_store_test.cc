// The state store seam: which backend a spec names, the folder backend's journal and locks, and
// how a database URL is shown in messages.
#include <catch2/catch.hpp>

#include <filesystem>

#include "record/journal_reader.h"
#include "record/journal_writer.h"
#include "record/pq.h"
#include "record/state_store.h"

using namespace rb;

TEST_CASE("a postgresql:// or postgres:// URL names the database backend; anything else a folder") {
  CHECK(record::is_database_url("postgresql://db.example.com/runbook"));
  CHECK(record::is_database_url("postgres://u@h/d"));
  CHECK_FALSE(record::is_database_url(".runbook"));
  CHECK_FALSE(record::is_database_url("/var/lib/postgresql/state"));
}

TEST_CASE("a database URL is shown without its password") {
  CHECK(record::pq::redact("postgresql://runbook:hunter2@db:5432/rb") ==
        "postgresql://runbook:****@db:5432/rb");
  CHECK(record::pq::redact("postgresql://runbook@db/rb") == "postgresql://runbook@db/rb");
  CHECK(record::pq::redact("postgresql://db/rb?user=x&password=hunter2&sslmode=require") ==
        "postgresql://db/rb?user=x&password=****&sslmode=require");
  CHECK(record::pq::redact("host=db password=hunter2 dbname=rb") ==
        "host=db password=**** dbname=rb");
}

TEST_CASE(
    "the folder backend: a run's place is made with its lock; journals read back; a key "
    "is held once") {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("rb-store-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  auto store = record::open_folder_store(dir);
  CHECK(store->run_ids().empty());
  record::LockResult key = store->lock_key("deploy web", "r1");
  REQUIRE(key.lock);
  record::LockResult again = store->lock_key("deploy web", "r2");
  CHECK_FALSE(again.lock);
  CHECK(again.holder.find("run r1") == 0);
  record::LockResult own = store->lock_run("r1");
  REQUIRE(own.lock);
  CHECK(std::filesystem::is_directory(store->log_dir("r1")));
  {
    record::JournalWriter w(store->open_journal("r1", true));
    record::RunHeader h;
    h.run_id = "r1";
    h.file = "/x.yaml";
    h.host = "laptop";
    w.run_started(h);
  }
  CHECK(store->run_ids() == std::vector<std::string>{"r1"});
  std::string error;
  auto text = store->journal_text("r1", &error);
  REQUIRE(text);
  auto run = record::parse_journal(*text, store->journal_name("r1"), &error);
  REQUIRE(run);
  CHECK(run->host == "laptop");
  CHECK_FALSE(store->journal_text("nope", &error));
  CHECK(error.find("nope") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the passwords in a database URL, as written and decoded, are what a run masks") {
  CHECK(record::pq::passwords_in("postgresql://u:p%21w@h/d") ==
        std::vector<std::string>{"p%21w", "p!w"});
  CHECK(record::pq::passwords_in("postgresql://u@h/d?password=zz&x=1") ==
        std::vector<std::string>{"zz"});
  CHECK(record::pq::passwords_in("postgresql://u@h/d").empty());
}
