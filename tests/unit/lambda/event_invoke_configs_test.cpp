#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "async_invocations.h"
#include "event_invoke_configs.h"

using namespace sluice;
using namespace sluice::lambda;

TEST_CASE("Event invoke configs are checked with AWS's texts") {
  EventInvokeConfigInput ok;
  ok.maximum_retry_attempts = 0;
  ok.maximum_event_age_s = 60;
  CHECK_FALSE(detail::validate_event_invoke_config(ok));

  EventInvokeConfigInput both;
  both.maximum_retry_attempts = 3;
  both.maximum_event_age_s = 21601;
  auto error = detail::validate_event_invoke_config(both);
  REQUIRE(error);
  CHECK(error->code == common::AwsErrorCode::Validation);
  CHECK(error->message ==
        "2 validation errors detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member "
        "must have value less than or equal to 2; Value '21601' at 'maximumEventAgeInSeconds' failed to satisfy "
        "constraint: Member must have value less than or equal to 21600");

  EventInvokeConfigInput elsewhere;
  elsewhere.has_destination_config = true;
  elsewhere.on_failure = "arn:aws:events:us-east-1:123456789012:event-bus/default";
  auto refused = detail::validate_event_invoke_config(elsewhere);
  REQUIRE(refused);
  CHECK(refused->code == common::AwsErrorCode::LambdaInvalidParameterValue);
}

TEST_CASE("The invocation record has Lambda's shape") {
  detail::AsyncEvent event;
  event.request_id = "r-1";
  event.invoked_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders:live";
  event.payload = R"({"order": 7})";
  event.attempts = 3;
  InvokeOutput failed;
  failed.payload = R"({"errorType":"Error","errorMessage":"boom"})";
  failed.function_error = "Unhandled";
  const common::Outcome<InvokeOutput> failed_outcome = failed;
  const auto record = boost::json::parse(detail::invocation_record(event, "RetriesExhausted", 0, &failed_outcome, "4"));
  CHECK(record.at("version") == "1.0");
  CHECK(record.at("timestamp") == "1970-01-01T00:00:00.000Z");
  CHECK(record.at("requestContext") == boost::json::parse(R"({"requestId":"r-1","functionArn":
        "arn:aws:lambda:us-east-1:123456789012:function:orders:live","condition":"RetriesExhausted",
        "approximateInvokeCount":3})"));
  CHECK(record.at("requestPayload") == boost::json::parse(R"({"order": 7})"));
  CHECK(record.at("responseContext") ==
        boost::json::parse(R"({"statusCode":200,"executedVersion":"4","functionError":"Unhandled"})"));
  CHECK(record.at("responsePayload").at("errorMessage") == "boom");

  InvokeOutput answered;
  answered.payload = "not json";
  const common::Outcome<InvokeOutput> answered_outcome = answered;
  const auto success = boost::json::parse(detail::invocation_record(event, "Success", 0, &answered_outcome, "$LATEST"));
  CHECK_FALSE(success.at("responseContext").as_object().contains("functionError"));
  CHECK(success.at("responsePayload") == "not json");

  // An event that grew too old before it ran again has no response to report.
  const auto expired = boost::json::parse(detail::invocation_record(event, "EventAgeExceeded", 0, nullptr, "4"));
  CHECK(expired.at("requestContext").at("condition") == "EventAgeExceeded");
  CHECK_FALSE(expired.as_object().contains("responseContext"));
  CHECK_FALSE(expired.as_object().contains("responsePayload"));
}

TEST_CASE("A dead-letter message's ErrorMessage is the function's errorMessage") {
  CHECK(detail::dead_letter_error_message(R"({"errorType":"Error","errorMessage":"boom"})") == "boom");
  CHECK(detail::dead_letter_error_message("not json") == "not json");
  CHECK(detail::dead_letter_error_message(R"({"errorType":"Error"})") == R"({"errorType":"Error"})");
}
