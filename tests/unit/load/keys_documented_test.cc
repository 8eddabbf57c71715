// Every key the loader accepts is documented in docs/format.md, read from the loader's own
// tables (load/keys.h): adding a key without documenting it fails here, and so does documenting
// a key the loader does not accept.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "../doc_sections.h"
#include "load/keys.h"

using namespace rb;
using namespace rb::doc_testing;

namespace {

// The keys of a section's table: rows that start with "| `KEY` |".
std::set<std::string> documented_keys(const Section& s) {
  std::set<std::string> keys;
  for (const std::string& line : s.lines) {
    if (line.rfind("| `", 0) != 0) continue;
    size_t end = line.find('`', 3);
    if (end != std::string::npos && line.compare(end, 3, "` |") == 0) {
      keys.insert(line.substr(3, end - 3));
    }
  }
  return keys;
}

}  // namespace

TEST_CASE("docs/format.md documents every key the loader accepts, in the section for its place") {
  const std::vector<Section> sections = sections_of(read_doc("format.md"));
  REQUIRE(sections.size() > 1);
  std::vector<std::string> missing_sections, missing_keys, unknown_keys;
  for (const load::KeyTable& table : load::key_tables()) {
    // Each table's section is marked in its heading: "## Retries <!-- keys: retry -->".
    const std::string marker = "<!-- keys: " + std::string(table.where) + " -->";
    const Section* section = nullptr;
    for (const Section& s : sections) {
      if (s.heading.find(marker) != std::string::npos) section = &s;
    }
    if (section == nullptr) {
      missing_sections.push_back(std::string(table.where));
      continue;
    }
    std::set<std::string> documented = documented_keys(*section);
    for (const std::string& key : table.keys) {
      if (documented.erase(key) == 0) missing_keys.push_back(std::string(table.where) + "." + key);
    }
    for (const std::string& key : documented) {
      unknown_keys.push_back(std::string(table.where) + "." + key);
    }
  }
  INFO("a heading marked <!-- keys: WHERE --> is missing for: " << listed(missing_sections));
  CHECK(missing_sections.empty());
  INFO(
      "keys the loader accepts with no '| `KEY` |' row in their section: " << listed(missing_keys));
  CHECK(missing_keys.empty());
  INFO("keys documented that the loader does not accept there: " << listed(unknown_keys));
  CHECK(unknown_keys.empty());
}

TEST_CASE("the key tables are the loader's: an undocumented key in a runbook is refused") {
  // Guards the other test: if the loader stopped checking keys against these tables, the
  // coverage above would prove nothing.
  bool has_retry = false;
  for (const load::KeyTable& t : load::key_tables()) {
    if (t.where == "retry") {
      has_retry = true;
      CHECK(std::find(t.keys.begin(), t.keys.end(), "attempts") != t.keys.end());
      CHECK(std::find(t.keys.begin(), t.keys.end(), "retyr") == t.keys.end());
    }
  }
  CHECK(has_retry);
}
