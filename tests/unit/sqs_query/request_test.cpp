#include <doctest/doctest.h>

#include "wire.h"

using namespace sluice;
using namespace sluice::api::query;
using namespace sluice::api::sqs_wire::detail;
namespace json = boost::json;

namespace {

// Parses a form body and converts it; the expected JSON is given as text for readability.
json::object convert(std::string_view action, std::string_view body) {
  auto form = parse_form(body);
  REQUIRE(form.ok());
  auto request = sqs_request_to_json(action, form->params());
  if (!request.ok()) FAIL(request.error().message);
  return *request;
}

void check(std::string_view action, std::string_view body, std::string_view expected_json) {
  CAPTURE(action);
  CAPTURE(body);
  json::object got = convert(action, body);
  json::value expected = json::parse(expected_json);
  CHECK_MESSAGE(got == expected.as_object(), json::serialize(got));
}

common::AwsError convert_error(std::string_view action, std::string_view body) {
  auto form = parse_form(body);
  REQUIRE(form.ok());
  auto request = sqs_request_to_json(action, form->params());
  REQUIRE_FALSE(request.ok());
  return request.error();
}

}  // namespace

TEST_CASE("CreateQueue: attributes and tags maps; Action and Version dropped") {
  check("CreateQueue",
        "Action=CreateQueue&Version=2012-11-05&QueueName=q1"
        "&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40"
        "&Attribute.2.Name=FifoQueue&Attribute.2.Value=true"
        "&Tag.1.Key=team&Tag.1.Value=blue&Tag.2.Key=empty&Tag.2.Value=",
        R"({"QueueName":"q1","Attributes":{"VisibilityTimeout":"40","FifoQueue":"true"},)"
        R"("tags":{"team":"blue","empty":""}})");
}

TEST_CASE("GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue, ListQueueTags") {
  check("GetQueueUrl", "QueueName=q&QueueOwnerAWSAccountId=000000000000",
        R"({"QueueName":"q","QueueOwnerAWSAccountId":"000000000000"})");
  check("ListQueues", "QueueNamePrefix=pre&MaxResults=5&NextToken=abc",
        R"({"QueueNamePrefix":"pre","NextToken":"abc","MaxResults":5})");
  check("ListQueues", "Action=ListQueues", R"({})");
  check("DeleteQueue", "QueueUrl=u", R"({"QueueUrl":"u"})");
  check("PurgeQueue", "QueueUrl=u", R"({"QueueUrl":"u"})");
  check("ListQueueTags", "QueueUrl=u", R"({"QueueUrl":"u"})");
}

TEST_CASE("GetQueueAttributes/SetQueueAttributes") {
  check("GetQueueAttributes", "QueueUrl=u&AttributeName.2=QueueArn&AttributeName.1=All",
        R"({"QueueUrl":"u","AttributeNames":["All","QueueArn"]})");
  check("SetQueueAttributes",
        "QueueUrl=u&Attribute.1.Name=Policy&Attribute.1.Value=&Attribute.2.Value=5&Attribute.2.Name=DelaySeconds",
        R"({"QueueUrl":"u","Attributes":{"Policy":"","DelaySeconds":"5"}})");
}

TEST_CASE("TagQueue / UntagQueue") {
  check("TagQueue", "QueueUrl=u&Tag.1.Key=a&Tag.1.Value=1&Tag.2.Key=b&Tag.2.Value=2",
        R"({"QueueUrl":"u","Tags":{"a":"1","b":"2"}})");
  check("UntagQueue", "QueueUrl=u&TagKey.1=a&TagKey.2=b", R"({"QueueUrl":"u","TagKeys":["a","b"]})");
}

TEST_CASE("SendMessage with message and system attributes") {
  check(
      "SendMessage",
      "QueueUrl=u&MessageBody=hi&DelaySeconds=3"
      "&MessageAttribute.1.Name=s&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v"
      "&MessageAttribute.2.Name=b&MessageAttribute.2.Value.DataType=Binary&MessageAttribute.2.Value.BinaryValue=AAH%2F"
      "&MessageSystemAttribute.1.Name=AWSTraceHeader&MessageSystemAttribute.1.Value.DataType=String"
      "&MessageSystemAttribute.1.Value.StringValue=Root%3D1"
      "&MessageDeduplicationId=d&MessageGroupId=g",
      R"({"QueueUrl":"u","MessageBody":"hi","DelaySeconds":3,)"
      R"("MessageAttributes":{"s":{"StringValue":"v","DataType":"String"},"b":{"BinaryValue":"AAH/","DataType":"Binary"}},)"
      R"("MessageSystemAttributes":{"AWSTraceHeader":{"StringValue":"Root=1","DataType":"String"}},)"
      R"("MessageDeduplicationId":"d","MessageGroupId":"g"})");
}

TEST_CASE("SendMessage: a named message attribute without a value is passed on empty") {
  check("SendMessage", "QueueUrl=u&MessageBody=x&MessageAttribute.1.Name=a",
        R"({"QueueUrl":"u","MessageBody":"x","MessageAttributes":{"a":{}}})");
}

TEST_CASE("SendMessageBatch entries with nested attributes, ordered by index with gaps") {
  check(
      "SendMessageBatch",
      "QueueUrl=u"
      "&SendMessageBatchRequestEntry.10.Id=ten&SendMessageBatchRequestEntry.10.MessageBody=b10"
      "&SendMessageBatchRequestEntry.2.Id=two&SendMessageBatchRequestEntry.2.MessageBody=b2"
      "&SendMessageBatchRequestEntry.2.DelaySeconds=7"
      "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=k"
      "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=Number"
      "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue=1"
      "&SendMessageBatchRequestEntry.2.MessageGroupId=g&SendMessageBatchRequestEntry.2.MessageDeduplicationId=d",
      R"({"QueueUrl":"u","Entries":[)"
      R"({"Id":"two","MessageBody":"b2","DelaySeconds":7,"MessageAttributes":{"k":{"StringValue":"1","DataType":"Number"}},)"
      R"("MessageDeduplicationId":"d","MessageGroupId":"g"},)"
      R"({"Id":"ten","MessageBody":"b10"}]})");
}

TEST_CASE("ReceiveMessage lists and integers") {
  check(
      "ReceiveMessage",
      "QueueUrl=u&AttributeName.1=All&MessageSystemAttributeName.1=SenderId&MessageSystemAttributeName.2=SentTimestamp"
      "&MessageAttributeName.1=foo.*&MaxNumberOfMessages=10&VisibilityTimeout=0&WaitTimeSeconds=20"
      "&ReceiveRequestAttemptId=r",
      R"({"QueueUrl":"u","AttributeNames":["All"],"MessageSystemAttributeNames":["SenderId","SentTimestamp"],)"
      R"("MessageAttributeNames":["foo.*"],"MaxNumberOfMessages":10,"VisibilityTimeout":0,"WaitTimeSeconds":20,)"
      R"("ReceiveRequestAttemptId":"r"})");
  // Negative numbers stay numbers: range checks belong to the action layer.
  check("ReceiveMessage", "QueueUrl=u&WaitTimeSeconds=-1", R"({"QueueUrl":"u","WaitTimeSeconds":-1})");
}

TEST_CASE("DeleteMessage, DeleteMessageBatch") {
  check("DeleteMessage", "QueueUrl=u&ReceiptHandle=r%2B1", R"({"QueueUrl":"u","ReceiptHandle":"r+1"})");
  check("DeleteMessageBatch",
        "QueueUrl=u&DeleteMessageBatchRequestEntry.1.Id=a&DeleteMessageBatchRequestEntry.1.ReceiptHandle=ra"
        "&DeleteMessageBatchRequestEntry.2.Id=b&DeleteMessageBatchRequestEntry.2.ReceiptHandle=rb",
        R"({"QueueUrl":"u","Entries":[{"Id":"a","ReceiptHandle":"ra"},{"Id":"b","ReceiptHandle":"rb"}]})");
}

TEST_CASE("ChangeMessageVisibility, ChangeMessageVisibilityBatch") {
  check("ChangeMessageVisibility", "QueueUrl=u&ReceiptHandle=r&VisibilityTimeout=30",
        R"({"QueueUrl":"u","ReceiptHandle":"r","VisibilityTimeout":30})");
  check("ChangeMessageVisibilityBatch",
        "QueueUrl=u&ChangeMessageVisibilityBatchRequestEntry.1.Id=a"
        "&ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=ra"
        "&ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=5",
        R"({"QueueUrl":"u","Entries":[{"Id":"a","ReceiptHandle":"ra","VisibilityTimeout":5}]})");
}

TEST_CASE("ListDeadLetterSourceQueues and message move tasks") {
  check("ListDeadLetterSourceQueues", "QueueUrl=u&MaxResults=2&NextToken=t",
        R"({"QueueUrl":"u","NextToken":"t","MaxResults":2})");
  check("StartMessageMoveTask", "SourceArn=arn%3Asrc&DestinationArn=arn%3Adst&MaxNumberOfMessagesPerSecond=50",
        R"({"SourceArn":"arn:src","DestinationArn":"arn:dst","MaxNumberOfMessagesPerSecond":50})");
  check("ListMessageMoveTasks", "SourceArn=arn%3Asrc&MaxResults=10", R"({"SourceArn":"arn:src","MaxResults":10})");
  check("CancelMessageMoveTask", "TaskHandle=h", R"({"TaskHandle":"h"})");
}

TEST_CASE("AddPermission / RemovePermission") {
  check("AddPermission",
        "QueueUrl=u&Label=l&AWSAccountId.1=111111111111&AWSAccountId.2=222222222222"
        "&ActionName.1=SendMessage&ActionName.2=ReceiveMessage",
        R"({"QueueUrl":"u","Label":"l","AWSAccountIds":["111111111111","222222222222"],)"
        R"("Actions":["SendMessage","ReceiveMessage"]})");
  check("RemovePermission", "QueueUrl=u&Label=l", R"({"QueueUrl":"u","Label":"l"})");
}

TEST_CASE("unknown parameters and malformed list names are ignored") {
  check("ListQueueTags", "QueueUrl=u&Bogus=1&AWSAccessKeyId=x&QueueUrlX=y", R"({"QueueUrl":"u"})");
  check("GetQueueAttributes", "QueueUrl=u&AttributeName.x=All&AttributeName.=B&AttributeName.3=C",
        R"({"QueueUrl":"u","AttributeNames":["C"]})");
  check("CreateQueue", "QueueName=q&Attribute.1.Value=orphan", R"({"QueueName":"q","Attributes":{}})");
}

TEST_CASE("a non-integer value for an integer parameter is InvalidParameterValue") {
  for (const char* bad : {"abc", "", "1.5", "10x", " 3", "99999999999999999999999"}) {
    CAPTURE(bad);
    std::string body = std::string("QueueUrl=u&MaxNumberOfMessages=") + bad;
    common::AwsError e = convert_error("ReceiveMessage", body);
    CHECK(e.code == common::AwsErrorCode::InvalidParameterValue);
    CHECK(e.message ==
          std::string("Value ") + bad + " for parameter MaxNumberOfMessages is invalid. Reason: must be an integer.");
  }
  common::AwsError nested = convert_error("ChangeMessageVisibilityBatch",
                                          "QueueUrl=u&ChangeMessageVisibilityBatchRequestEntry.1.Id=a&"
                                          "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=x");
  CHECK(nested.message ==
        "Value x for parameter ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout is invalid. Reason: must "
        "be an integer.");
}

TEST_CASE("unknown action is InvalidAction") {
  common::AwsError e = convert_error("DropQueue", "QueueUrl=u");
  CHECK(e.code == common::AwsErrorCode::InvalidAction);
  CHECK(e.info().query_code == "InvalidAction");
}
