// Every function the evaluator knows is documented in docs/expressions.md, read from the
// evaluator's own table (expr::functions()): a heading "### `SIGNATURE`" with an example of a
// call below it. A new function without documentation fails here, and so does a documented
// function that does not exist or a signature that changed.
#include <catch2/catch.hpp>
#include <set>

#include "../doc_sections.h"
#include "expr/functions.h"

using namespace rb;
using namespace rb::doc_testing;

TEST_CASE("docs/expressions.md documents every function, with its signature and an example") {
  const std::vector<Section> sections = sections_of(read_doc("expressions.md"));
  REQUIRE(sections.size() > 1);
  std::vector<std::string> missing, without_example;
  std::set<std::string> known;
  for (const expr::FunctionSpec& f : expr::functions()) {
    known.insert(std::string(f.name));
    const std::string heading = "`" + std::string(f.signature) + "`";
    const Section* section = nullptr;
    for (const Section& s : sections) {
      if (s.heading == heading) section = &s;
    }
    if (section == nullptr) {
      missing.push_back(heading);
      continue;
    }
    bool example = false;
    for (const std::string& line : section->lines) {
      example = example || line.find(std::string(f.name) + "(") != std::string::npos;
    }
    if (!example) without_example.push_back(std::string(f.name));
  }
  std::vector<std::string> unknown;
  for (const Section& s : sections) {
    // "`name(...)`" headings of functions
    if (s.heading.size() < 3 || s.heading[0] != '`' || s.heading.find('(') == std::string::npos) {
      continue;
    }
    std::string name = s.heading.substr(1, s.heading.find('(') - 1);
    if (!known.count(name)) unknown.push_back(name);
  }
  INFO("functions with no '### `SIGNATURE`' heading (as functions.cc spells it): "
       << listed(missing));
  CHECK(missing.empty());
  INFO("functions documented without an example call: " << listed(without_example));
  CHECK(without_example.empty());
  INFO("functions documented that the evaluator does not know: " << listed(unknown));
  CHECK(unknown.empty());
}
