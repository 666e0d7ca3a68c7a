#include <doctest/doctest.h>

#include <stdexcept>

#include "sluice/common/pattern.h"

namespace {

TEST_CASE("a pattern matches whole texts only") {
  const sluice::common::Pattern word("[a-zA-Z0-9-_]+");
  CHECK(word.matches("prod-2_a"));
  CHECK_FALSE(word.matches("prod 2"));
  CHECK_FALSE(word.matches(""));
  CHECK_FALSE(word.matches("a.b"));
}

TEST_CASE("an expression that does not compile is refused when the pattern is made") {
  CHECK_THROWS_AS(sluice::common::Pattern("[unclosed"), std::runtime_error);  // std::regex_error is one
}

}  // namespace
