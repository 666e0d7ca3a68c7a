#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <string>

#include "sluice/api/rest_json/rest_json.h"

using namespace sluice;
using namespace sluice::api;

TEST_CASE("a path template yields its decoded parameters") {
  rest_json::PathTemplate invocations("/2015-03-31/functions/{FunctionName}/invocations");
  rest_json::Params params;
  CHECK(invocations.match("/2015-03-31/functions/orders/invocations", &params));
  CHECK(params.at("FunctionName") == "orders");
  CHECK(
      invocations.match("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Ao/"
                        "invocations",
                        &params));
  CHECK(params.at("FunctionName") == "arn:aws:lambda:us-east-1:123456789012:function:o");
  CHECK_FALSE(invocations.match("/2015-03-31/functions/orders", &params));
  CHECK_FALSE(invocations.match("/2015-03-31/functions//invocations", &params));
  CHECK_FALSE(invocations.match("/2015-03-31/functions/a/b/invocations", &params));
}

TEST_CASE("a trailing slash on the request is the same route") {
  rest_json::PathTemplate functions("/2015-03-31/functions");
  CHECK(functions.match("/2015-03-31/functions/", nullptr));
  CHECK(functions.match("/2015-03-31/functions", nullptr));
  CHECK_FALSE(functions.match("/2015-03-31/functionsx", nullptr));
}

TEST_CASE("query strings decode '+' and percent escapes; the first of a repeated name wins") {
  auto query = rest_json::parse_query("Marker=a%2Fb&MaxItems=2&Name=x+y&MaxItems=3&Empty");
  CHECK(query.at("Marker") == "a/b");
  CHECK(query.at("MaxItems") == "2");
  CHECK(query.at("Name") == "x y");
  CHECK(query.at("Empty").empty());
  CHECK(rest_json::percent_decode("100%") == "100%");
  CHECK(rest_json::percent_decode("%zz") == "%zz");
}

TEST_CASE("errors carry x-amzn-ErrorType and Lambda's body with its member casing") {
  auto invalid = rest_json::error_answer(
      common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue, "bad \"zip\""), "rid");
  CHECK(invalid.status == 400);
  CHECK(invalid.body == R"({"Type":"User","message":"bad \"zip\""})");
  bool typed = false;
  for (const auto& [name, value] : invalid.headers)
    typed |= name == "x-amzn-ErrorType" && value == "InvalidParameterValueException";
  CHECK(typed);

  auto missing = rest_json::error_answer(
      common::aws_error(common::AwsErrorCode::ResourceNotFound, "Function not found: x"), "rid");
  CHECK(missing.status == 404);
  CHECK(missing.body == R"({"Type":"User","Message":"Function not found: x"})");

  auto service = rest_json::error_answer(common::aws_error(common::AwsErrorCode::LambdaService, "store"), "rid");
  CHECK(service.status == 500);
  CHECK(service.body == R"({"Type":"Service","message":"store"})");
}

TEST_CASE("an empty answer has no content type") {
  auto answer = rest_json::json_answer(204, "", "rid");
  CHECK(answer.status == 204);
  CHECK(answer.body.empty());
  for (const auto& [name, value] : answer.headers) CHECK(name != "Content-Type");
}

TEST_CASE("repeated query parameters and an error's Reason") {
  CHECK(rest_json::query_values("tagKeys=a&x=1&tagKeys=b%20c", "tagKeys") == std::vector<std::string>{"a", "b c"});
  auto throttled =
      rest_json::error_answer(common::aws_error(common::AwsErrorCode::LambdaTooManyRequests, "Rate Exceeded."), "rid",
                              "ReservedFunctionConcurrentInvocationLimitExceeded");
  CHECK(throttled.status == 429);
  CHECK(throttled.body ==
        R"({"Type":"User","message":"Rate Exceeded.","Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"})");
}

TEST_CASE("an error text with bytes that are not UTF-8 is still a JSON document (found by the Lambda REST fuzzer)") {
  // "No Lambda operation at GET <path>" with raw bytes of the request's path in it.
  const std::string text = std::string("No Lambda operation at GET /2015-03-31/function") + "\xbb\xbb" +
                           "s/x \xe2\x82" + " \xed\xa0\x80 \xc0\xaf \xe2\x82\xac";
  http::Response answer =
      rest_json::error_answer(common::aws_error(common::AwsErrorCode::UnknownOperation, text), "req-1");
  boost::json::error_code ec;
  boost::json::value body = boost::json::parse(answer.body, ec);
  REQUIRE_FALSE(ec);
  const std::string message(body.at("message").as_string());
  // Each ill-formed byte became U+FFFD; well-formed characters (the euro sign) stay as they were.
  CHECK(message ==
        "No Lambda operation at GET /2015-03-31/function\xEF\xBF\xBD\xEF\xBF\xBDs/x \xEF\xBF\xBD\xEF\xBF\xBD "
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD \xE2\x82\xAC");
}
