// Filter patterns in the forms the README lists, and the ones refused.

#include <doctest/doctest.h>

#include <string>

#include "sluice/logs/filter_pattern.h"

using sluice::logs::FilterPattern;

namespace {

bool match(const std::string& pattern, const std::string& message) {
  auto parsed = FilterPattern::parse(pattern);
  REQUIRE_MESSAGE(parsed.ok(), pattern);
  return (*parsed)->matches(message);
}

}  // namespace

TEST_CASE("an empty pattern matches every event") {
  CHECK(match("", "anything"));
  CHECK(match("   ", ""));
}

TEST_CASE("terms must all appear, case-sensitively") {
  CHECK(match("ERROR", "2024 ERROR disk full"));
  CHECK_FALSE(match("ERROR", "2024 error disk full"));
  CHECK(match("ERROR disk", "ERROR: disk full"));
  CHECK_FALSE(match("ERROR network", "ERROR: disk full"));
}

TEST_CASE("a quoted phrase is one term") {
  CHECK(match("\"disk full\"", "ERROR: disk full now"));
  CHECK_FALSE(match("\"disk full\"", "full disk"));
  CHECK(match("\"[INFO]\" ready", "[INFO] ready"));
}

TEST_CASE("a '-' term excludes events that contain it") {
  CHECK(match("ERROR -Exiting", "ERROR: retrying"));
  CHECK_FALSE(match("ERROR -Exiting", "ERROR: Exiting now"));
}

TEST_CASE("'?' terms match when any of them appears") {
  CHECK(match("?ERROR ?WARN", "WARN low memory"));
  CHECK(match("?ERROR ?WARN", "ERROR out of memory"));
  CHECK_FALSE(match("?ERROR ?WARN", "INFO all good"));
  CHECK_FALSE(match("memory ?ERROR ?WARN", "WARN disk"));
}

TEST_CASE("JSON selectors compare strings, wildcards and numbers") {
  const std::string event = R"({"level":"ERROR","latency":1200,"user":{"id":"u-17"},"tags":["a","b"],"ok":false})";
  CHECK(match(R"({ $.level = "ERROR" })", event));
  CHECK(match("{ $.level = ERROR }", event));
  CHECK_FALSE(match(R"({ $.level = "WARN" })", event));
  CHECK(match(R"({ $.level != "WARN" })", event));
  CHECK(match(R"({ $.user.id = "u-*" })", event));
  CHECK(match(R"({ $.tags[1] = "b" })", event));
  CHECK(match("{ $.latency > 1000 }", event));
  CHECK_FALSE(match("{ $.latency < 1000 }", event));
  CHECK(match("{ $.latency >= 1200 && $.latency <= 1200 }", event));
  CHECK(match("{ $.ok IS FALSE }", event));
  CHECK_FALSE(match("{ $.ok IS TRUE }", event));
  CHECK(match("{ $.missing NOT EXISTS }", event));
  CHECK_FALSE(match(R"({ $.missing = "x" })", event));
}

TEST_CASE("JSON conditions join with && and ||, && binding tighter, and group with parentheses") {
  const std::string event = R"({"a":1,"b":2})";
  CHECK(match("{ $.a = 1 && $.b = 3 || $.b = 2 }", event));
  CHECK_FALSE(match("{ $.a = 1 && ($.b = 3 || $.b = 4) }", event));
  CHECK(match("{ ($.a = 5 || $.a = 1) && $.b = 2 }", event));
}

TEST_CASE("a JSON pattern does not match an event that is not a JSON object") {
  CHECK_FALSE(match(R"({ $.level = "ERROR" })", "ERROR plain text"));
}

TEST_CASE("unreadable and unsupported patterns are refused") {
  CHECK_FALSE(FilterPattern::parse("\"unterminated").ok());
  CHECK_FALSE(FilterPattern::parse("{ $.a = }").ok());
  CHECK_FALSE(FilterPattern::parse("{ $.a > \"x\" }").ok());
  CHECK_FALSE(FilterPattern::parse("{ $.a = 1 ").ok());
  CHECK_FALSE(FilterPattern::parse("[ip, user, ...]").ok());
  CHECK_FALSE(FilterPattern::parse("%ERR.*%").ok());
}
