#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "expr/value.h"

using namespace rb::expr;

TEST_CASE("truthiness: false, null, 0, 0.0, '', [] and {} are the only falsy values") {
  CHECK_FALSE(Value(false).truthy());
  CHECK_FALSE(Value().truthy());
  CHECK_FALSE(Value(0).truthy());
  CHECK_FALSE(Value(0.0).truthy());
  CHECK_FALSE(Value("").truthy());
  CHECK_FALSE(Value(List{}).truthy());
  CHECK_FALSE(Value(Map{}).truthy());

  CHECK(Value(true).truthy());
  CHECK(Value(1).truthy());
  CHECK(Value(-1).truthy());
  CHECK(Value(0.5).truthy());
  CHECK(Value("0").truthy());
  CHECK(Value("false").truthy());
  CHECK(Value(" ").truthy());
  CHECK(Value(List{Value()}).truthy());
  CHECK(Value(Map{{"a", Value()}}).truthy());
}

TEST_CASE("to_text: strings as they are, numbers in their shortest form, null as nothing") {
  CHECK(Value("a 'b'").to_text() == "a 'b'");
  CHECK(Value(42).to_text() == "42");
  CHECK(Value(int64_t{-9223372036854775807 - 1}).to_text() == "-9223372036854775808");
  CHECK(Value(1.5).to_text() == "1.5");
  CHECK(Value(0.1).to_text() == "0.1");
  CHECK(Value(3.0).to_text() == "3");
  CHECK(Value(-2.0).to_text() == "-2");
  CHECK(Value(123456789012345.0).to_text() == "123456789012345");
  CHECK(Value(1e15).to_text() == "1e+15");
  CHECK(Value(1e20).to_text() == "1e+20");
  CHECK(Value(2.5e-7).to_text() == "2.5e-07");
  CHECK(Value(true).to_text() == "true");
  CHECK(Value(false).to_text() == "false");
  CHECK(Value().to_text() == "");
  CHECK(Value(List{1, "a", Value(), 2.5}).to_text() == R"([1,"a",null,2.5])");
  CHECK(Value(Map{{"b", List{true}}, {"a", 1}}).to_text() == R"({"a":1,"b":[true]})");
}

TEST_CASE("to_json: compact, escaped, keys sorted") {
  CHECK(Value("a\"b\\c\n\t\x01").to_json() == R"("a\"b\\c\n\t\u0001")");
  CHECK(Value("é").to_json() == "\"é\"");
  CHECK(Value().to_json() == "null");
  CHECK(Value(7).to_json() == "7");
  CHECK(Value(Map{{"z", Map{}}, {"a", List{}}}).to_json() == R"({"a":[],"z":{}})");
  CHECK(Value(std::numeric_limits<double>::quiet_NaN()).to_json() == "null");
  CHECK(Value(std::numeric_limits<double>::infinity()).to_json() == "null");
}

TEST_CASE("equality is structural; integers equal numbers of the same value") {
  CHECK(Value(1) == Value(1.0));
  CHECK(Value(2.5) == Value(2.5));
  CHECK(Value(1) != Value(2));
  CHECK(Value("1") != Value(1));
  CHECK(Value() == Value());
  CHECK(Value() != Value(0));
  CHECK(Value() != Value(""));
  CHECK(Value(true) != Value(1));
  CHECK(Value(List{1, "a"}) == Value(List{1.0, "a"}));
  CHECK(Value(List{1, "a"}) != Value(List{"a", 1}));
  CHECK(Value(Map{{"a", 1}}) == Value(Map{{"a", 1}}));
  CHECK(Value(Map{{"a", 1}}) != Value(Map{{"a", 2}}));
  CHECK(Value(Map{{"a", 1}}) != Value(Map{{"b", 1}}));
}

TEST_CASE("type names and accessors") {
  CHECK(std::string(Value().type_name()) == "null");
  CHECK(std::string(Value(true).type_name()) == "boolean");
  CHECK(std::string(Value(1).type_name()) == "integer");
  CHECK(std::string(Value(1.0).type_name()) == "number");
  CHECK(std::string(Value("s").type_name()) == "string");
  CHECK(std::string(Value(List{}).type_name()) == "list");
  CHECK(std::string(Value(Map{}).type_name()) == "map");
  CHECK(Value(3).as_double() == 3.0);
  CHECK(Value(3).is_number());
  CHECK_FALSE(Value("3").is_number());
}

TEST_CASE("mutable_map changes in place, but never a map another value shares") {
  using rb::expr::Map;
  using rb::expr::Value;
  Value v(Map{{"a", Value(int64_t{1})}});
  const Map* before = &v.as_map();
  v.mutable_map()["b"] = Value(int64_t{2});
  CHECK(&v.as_map() == before);  // sole owner: no copy
  Value shared = v;
  v.mutable_map()["c"] = Value(int64_t{3});
  CHECK(v.as_map().size() == 3);
  CHECK(shared.as_map().size() == 2);  // the copy kept its value
  CHECK(&shared.as_map() == before);
}
