// The SQS JSON client against a loopback fake that verifies every signature.

#include <doctest/doctest.h>

#include "fake_sqs.h"
#include "sluice/aws/sqs_client.h"

using namespace sluice;
using namespace sluice::aws;
using sluice::aws::test::FakeSqs;

namespace {

SqsClientOptions options_for(FakeSqs& fake) {
  SqsClientOptions o;
  o.region = fake.region;
  o.endpoint = fake.url();
  o.credentials = static_credentials(fake.credentials);
  o.retry.base_delay = std::chrono::milliseconds(1);
  o.retry.max_delay = std::chrono::milliseconds(5);
  return o;
}

const char* kQueue = "https://sqs.us-east-1.amazonaws.com/123456789012/q";

}  // namespace

TEST_CASE("a signed call reaches the endpoint override with QueueUrl and the target header") {
  FakeSqs fake;
  SqsClient client(options_for(fake));
  auto answer =
      client.call(kQueue, "GetQueueAttributes", boost::json::object{{"AttributeNames", {"VisibilityTimeout"}}});
  INFO((answer.ok() ? std::string() : answer.error().message));
  REQUIRE(answer.ok());
  CHECK(answer->at("Attributes").as_object().at("VisibilityTimeout").as_string() == "30");
  auto calls = fake.calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].action == "GetQueueAttributes");
  CHECK(calls[0].signature_ok);
  CHECK(calls[0].body.at("QueueUrl").as_string() == kQueue);
}

TEST_CASE("temporary credentials send a signed session token") {
  FakeSqs fake;
  auto o = options_for(fake);
  Credentials temp = fake.credentials;
  temp.session_token = "session-xyz";
  o.credentials = static_credentials(temp);
  SqsClient client(o);
  REQUIRE(
      client.call(kQueue, "GetQueueAttributes", boost::json::object{{"AttributeNames", boost::json::array{}}}).ok());
  auto calls = fake.calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].signature_ok);
  CHECK(calls[0].session_token == "session-xyz");
}

TEST_CASE("a wrong secret is refused with SignatureDoesNotMatch and not retried") {
  FakeSqs fake;
  auto o = options_for(fake);
  o.credentials = static_credentials(Credentials{"AKIDFAKE", "wrong-secret", "", std::nullopt});
  SqsClient client(o);
  auto answer =
      client.call(kQueue, "GetQueueAttributes", boost::json::object{{"AttributeNames", boost::json::array{}}});
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.error().code == common::AwsErrorCode::SignatureDoesNotMatch);
  CHECK(fake.calls().size() == 1);
  CHECK_FALSE(fake.calls()[0].signature_ok);
}

TEST_CASE("throttling and 5xx are retried; the retry budget is bounded") {
  FakeSqs fake;
  SqsClient client(options_for(fake));
  fake.throttle_next = 1;
  auto answer =
      client.call(kQueue, "GetQueueAttributes", boost::json::object{{"AttributeNames", boost::json::array{}}});
  CHECK(answer.ok());
  CHECK(fake.calls().size() == 2);

  fake.fail_next = 100;
  auto failed =
      client.call(kQueue, "GetQueueAttributes", boost::json::object{{"AttributeNames", boost::json::array{}}});
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == common::AwsErrorCode::InternalFailure);
  CHECK(fake.calls().size() == 2 + 5);  // default max_attempts
}

TEST_CASE("x-amzn-query-error maps back to the error table") {
  FakeSqs fake;
  SqsClient client(options_for(fake));
  auto answer = client.call("https://sqs.us-east-1.amazonaws.com/123456789012/missing", "GetQueueAttributes",
                            boost::json::object{{"AttributeNames", boost::json::array{}}});
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.error().code == common::AwsErrorCode::QueueDoesNotExist);
  CHECK(answer.error().message == "The specified queue does not exist.");
  CHECK(fake.calls().size() == 1);
}

TEST_CASE("error_from_response: header first, then __type, unknown codes keep their text") {
  auto e1 = error_from_response(
      400, "AWS.SimpleQueueService.NonExistentQueue;Sender",
      R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})");
  CHECK(e1.code == common::AwsErrorCode::QueueDoesNotExist);
  auto e2 =
      error_from_response(400, "", R"({"__type":"com.amazonaws.sqs#InvalidParameterValueException","message":"bad"})");
  CHECK(e2.code == common::AwsErrorCode::InvalidParameterValue);
  CHECK(e2.message == "bad");
  // SQS's KMS codes are rows of the table since SSE-KMS exists; a code sluice does not know keeps
  // its name in the text.
  auto e3 = error_from_response(400, "", R"({"__type":"com.amazonaws.sqs#KmsAccessDenied","message":"no key"})");
  CHECK(e3.code == common::AwsErrorCode::KmsAccessDenied);
  CHECK(e3.message == "no key");
  auto unknown =
      error_from_response(400, "", R"({"__type":"com.amazonaws.sqs#SomeFutureException","message":"later"})");
  CHECK(unknown.message == "SomeFutureException: later");
  auto e4 = error_from_response(
      403, "InvalidClientTokenId;Sender",
      R"({"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."})");
  // An authentication answer is a row of the table now (the front door answers it too).
  CHECK(e4.code == common::AwsErrorCode::InvalidClientTokenId);
  CHECK(e4.message == "The security token included in the request is invalid.");
  auto e5 = error_from_response(503, "", "<html>busy</html>");
  CHECK(e5.code == common::AwsErrorCode::ServiceUnavailable);
  CHECK(error_code_from_wire("ThrottlingException") == common::AwsErrorCode::RequestThrottled);
  CHECK(error_code_from_wire("QueueAlreadyExists") == common::AwsErrorCode::QueueNameExists);
  CHECK_FALSE(error_code_from_wire("NoSuchThing"));
  CHECK(retryable_error(400, "com.amazonaws.sqs#ThrottlingException"));
  CHECK(retryable_error(502, ""));
  CHECK_FALSE(retryable_error(400, "InvalidParameterValue"));
}

TEST_CASE("connection failures are retried and then reported") {
  int port = 0;
  {
    test::LoopbackServer closed;  // take a free port, then close it
    closed.start();
    port = closed.port();
  }
  SqsClientOptions o;
  o.region = "us-east-1";
  o.endpoint = "http://127.0.0.1:" + std::to_string(port);
  o.credentials = static_credentials(Credentials{"AK", "S", "", std::nullopt});
  o.retry = {3, std::chrono::milliseconds(1), std::chrono::milliseconds(2)};
  SqsClient client(o);
  auto answer = client.call(kQueue, "GetQueueAttributes", boost::json::object{});
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.error().code == common::AwsErrorCode::ServiceUnavailable);
  CHECK(answer.error().message.find("Could not connect") == 0);
}

TEST_CASE("missing credentials fail before any request") {
  FakeSqs fake;
  auto o = options_for(fake);
  o.credentials = provider_chain({});
  SqsClient client(o);
  auto answer = client.call(kQueue, "GetQueueAttributes", boost::json::object{});
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.error().message.find("Unable to locate credentials") == 0);
  CHECK(fake.calls().empty());
}
