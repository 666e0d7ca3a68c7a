#include <doctest/doctest.h>

#include <stdexcept>

#include "sluice/common/pattern.h"

namespace {

TEST_CASE("a pattern matches whole texts only") {
  const sluice::Pattern word("[a-zA-Z0-9-_]+");
  CHECK(word.matches("prod-2_a"));
  CHECK_FALSE(word.matches("prod 2"));
  CHECK_FALSE(word.matches(""));
  CHECK_FALSE(word.matches("a.b"));
}

TEST_CASE("match groups: the whole match first, an unmatched group empty") {
  const sluice::Pattern arn("(arn:aws:lambda:)?([a-z0-9-]+)(:(\\$LATEST|[0-9]+))?");
  auto groups = arn.match_groups("my-function:7");
  REQUIRE(groups.has_value());
  REQUIRE(groups->size() == 5);
  CHECK((*groups)[0] == "my-function:7");
  CHECK((*groups)[1].empty());
  CHECK((*groups)[2] == "my-function");
  CHECK((*groups)[4] == "7");
  CHECK_FALSE(arn.match_groups("my function").has_value());
}

TEST_CASE("an expression that does not compile is refused when the pattern is made") {
  CHECK_THROWS_AS(sluice::Pattern("[unclosed"), std::runtime_error);  // std::regex_error is one
}

}  // namespace
