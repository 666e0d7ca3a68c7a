// The JSON form of Query documents (answers to "Accept: application/json"): envelopes, lists that
// stay lists with one entry, wrapped lists and maps, errors, entities, and what is left alone.

#include <doctest/doctest.h>

#include "sqs_shapes.h"
#include "wire.h"

using namespace sluice;
using namespace sluice::api::query;
using namespace sluice::api::sqs_wire::detail;
namespace json = boost::json;

namespace {

json::value json_form(std::string_view xml_document) {
  auto converted = document_to_json(xml_document, flattened_result_names());
  REQUIRE(converted);
  return json::parse(*converted);
}

json::value sqs_json(std::string_view action, std::string_view result_json) {
  return json_form(sqs_response_to_xml(action, json::parse(result_json).as_object(), "rid-1"));
}

}  // namespace

TEST_CASE("an SQS answer becomes {ActionResponse: {ActionResult, ResponseMetadata}}") {
  CHECK(sqs_json("CreateQueue", R"({"QueueUrl":"http://h/1/q"})") ==
        json::parse(R"({"CreateQueueResponse":{"CreateQueueResult":{"QueueUrl":"http://h/1/q"},
                        "ResponseMetadata":{"RequestId":"rid-1"}}})"));
  CHECK(sqs_json("PurgeQueue", "{}") ==
        json::parse(R"({"PurgeQueueResponse":{"ResponseMetadata":{"RequestId":"rid-1"}}})"));
}

TEST_CASE("flattened lists and maps stay arrays with one entry, where the model says so") {
  CHECK(sqs_json("ListQueues", R"({"QueueUrls":["http://h/1/q"]})") ==
        json::parse(R"({"ListQueuesResponse":{"ListQueuesResult":{"QueueUrl":["http://h/1/q"]},
                        "ResponseMetadata":{"RequestId":"rid-1"}}})"));
  json::value received = sqs_json("ReceiveMessage",
                                  R"({"Messages":[{"MessageId":"m","ReceiptHandle":"r","MD5OfBody":"d","Body":"b",
                      "Attributes":{"SenderId":"s"},
                      "MessageAttributes":{"a":{"DataType":"String","StringValue":"v"}}}]})");
  const json::value& message = received.at_pointer("/ReceiveMessageResponse/ReceiveMessageResult/Message/0");
  CHECK(message.at("Body") == "b");
  CHECK(message.at("Attribute") == json::parse(R"([{"Name":"SenderId","Value":"s"}])"));
  CHECK(message.at("MessageAttribute") ==
        json::parse(R"([{"Name":"a","Value":{"StringValue":"v","DataType":"String"}}])"));
  // The same element name as a scalar elsewhere stays a scalar.
  CHECK(sqs_json("GetQueueUrl", R"({"QueueUrl":"u"})").at_pointer("/GetQueueUrlResponse/GetQueueUrlResult/QueueUrl") ==
        "u");
  // An empty receive is an empty result element: null.
  CHECK(sqs_json("ReceiveMessage", "{}").at_pointer("/ReceiveMessageResponse/ReceiveMessageResult").is_null());
}

TEST_CASE("errors are {Error: {Type, Code, Message, Detail}, RequestId}") {
  json::value doc =
      json_form(sqs_error_xml(common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "gone & <away>"), "rid-2"));
  CHECK(doc == json::parse(R"({"Error":{"Type":"Sender","Code":"AWS.SimpleQueueService.NonExistentQueue",
                                         "Message":"gone & <away>","Detail":null},"RequestId":"rid-2"})"));
}

TEST_CASE("wrapped lists are arrays of their members, wrapped maps objects of their entries") {
  const char* xml =
      R"(<?xml version="1.0"?><ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">)"
      R"(<ListTopicsResult><Topics><member><TopicArn>arn:1</TopicArn></member></Topics>)"
      R"(<Attributes><entry><key>K</key><value>V &amp; W&#xD;</value></entry></Attributes></ListTopicsResult>)"
      R"(<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>)";
  CHECK(json_form(xml) == json::parse(R"({"ListTopicsResponse":{"ListTopicsResult":{
          "Topics":[{"TopicArn":"arn:1"}],"Attributes":{"K":"V & W\r"}},
          "ResponseMetadata":{"RequestId":"r"}}})"));
}

TEST_CASE("what is not a document of ours is left alone") {
  CHECK_FALSE(document_to_json("not xml", {}));
  CHECK_FALSE(document_to_json("<a><b></a>", {}));
  CHECK_FALSE(document_to_json("<a>&bogus;</a>", {}));
  sluice::api::http::Response plain;
  plain.headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
  plain.body = "{}";
  answer_in_json(plain, {});
  CHECK(plain.body == "{}");
  CHECK(plain.headers[0].second == "application/x-amz-json-1.0");
}

TEST_CASE("answer_in_json rewrites body and content type of an XML answer") {
  sluice::api::http::Response r = sluice::api::query::xml_response(
      "rid-3", sqs_response_to_xml("GetQueueUrl", json::parse(R"({"QueueUrl":"u"})").as_object(), "rid-3"));
  answer_in_json(r, flattened_result_names());
  CHECK(r.header_lines.find("Content-Type: application/json\r\n") != std::string::npos);
  CHECK(r.header_lines.find("text/xml") == std::string::npos);
  CHECK(json::parse(r.body).at_pointer("/GetQueueUrlResponse/GetQueueUrlResult/QueueUrl") == "u");
}
