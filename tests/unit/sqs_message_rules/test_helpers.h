#pragma once
// Small helpers shared by the message-rules tests.

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "message_rules/message_rules.h"

namespace common = sluice::common;

namespace rules_test {

using sluice::sqs::MessageAttribute;
using sluice::sqs::MessageAttributes;

inline MessageAttribute str(std::string value, std::string type = "String") {
  return MessageAttribute{std::move(type), std::move(value), {}};
}
inline MessageAttribute num(std::string value, std::string type = "Number") {
  return MessageAttribute{std::move(type), std::move(value), {}};
}
inline MessageAttribute bin(std::string bytes, std::string type = "Binary") {
  return MessageAttribute{std::move(type), {}, std::move(bytes)};
}

// Asserts that an error is present with this code and exact message.
inline void expect_error(const std::optional<common::AwsError>& error, common::AwsErrorCode code,
                         const std::string& message) {
  REQUIRE(error.has_value());
  CHECK(error->code == code);
  CHECK(error->message == message);
}

}  // namespace rules_test
