#include <catch2/catch.hpp>

#include "base/duration.h"

using rb::Duration;
using rb::format_duration;
using rb::parse_duration;

TEST_CASE("durations parse in every unit and combination") {
  CHECK(parse_duration("250ms") == Duration(250));
  CHECK(parse_duration("10s") == Duration(10000));
  CHECK(parse_duration("5m") == Duration(300000));
  CHECK(parse_duration("1h30m") == Duration(5400000));
  CHECK(parse_duration("2d") == Duration(172800000));
  CHECK(parse_duration("1h2m3s4ms") == Duration(3723004));
  CHECK(parse_duration("0s") == Duration(0));
}

TEST_CASE("bad durations are refused with a reason") {
  std::string why;
  CHECK_FALSE(parse_duration("", &why));
  CHECK_FALSE(parse_duration("30", &why));
  CHECK(why == "a number needs a unit: ms, s, m, h or d (like 30s)");
  CHECK_FALSE(parse_duration("10 minutes", &why));
  CHECK_FALSE(parse_duration("5x", &why));
  CHECK(why == "unknown unit; use ms, s, m, h or d (like 30s or 1h30m)");
  CHECK_FALSE(parse_duration("30s1m", &why));
  CHECK(why == "units must go from largest to smallest, each once");
  CHECK_FALSE(parse_duration("1s1s", &why));
  CHECK_FALSE(parse_duration("-1s", &why));
  CHECK_FALSE(parse_duration("1.5s", &why));
  CHECK_FALSE(parse_duration("99999999999999999999d", &why));
  CHECK(why == "the duration is too long");
}

TEST_CASE("durations format back to their shortest spelling") {
  CHECK(format_duration(Duration(0)) == "0s");
  CHECK(format_duration(Duration(250)) == "250ms");
  CHECK(format_duration(Duration(90000)) == "1m30s");
  CHECK(format_duration(Duration(5400000)) == "1h30m");
  CHECK(rb::format_elapsed(Duration(1234)) == "1.2s");
  CHECK(rb::format_elapsed(Duration(350)) == "350ms");
  CHECK(rb::format_elapsed(Duration(125000)) == "2m05s");
}
