#include <doctest/doctest.h>

#include "wire.h"

using namespace sluice;
using namespace sluice::api::query;
using namespace sluice::api::sqs_wire::detail;
namespace json = boost::json;

namespace {

constexpr std::string_view kHead = R"(<?xml version="1.0"?>)";

std::string xml(std::string_view action, std::string_view result_json) {
  return sqs_response_to_xml(action, json::parse(result_json).as_object(), "rid-1");
}

std::string wrapped(std::string_view action, std::string_view result_body) {
  std::string s(kHead);
  s += "<" + std::string(action) + R"(Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/">)";
  s += "<" + std::string(action) + "Result>" + std::string(result_body) + "</" + std::string(action) + "Result>";
  s += "<ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata></" + std::string(action) + "Response>";
  return s;
}

std::string no_result(std::string_view action) {
  std::string s(kHead);
  s += "<" + std::string(action) + R"(Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/">)";
  s += "<ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata></" + std::string(action) + "Response>";
  return s;
}

}  // namespace

TEST_CASE("actions without output have no Result element") {
  for (const char* action : {"DeleteQueue", "PurgeQueue", "SetQueueAttributes", "TagQueue", "UntagQueue",
                             "DeleteMessage", "ChangeMessageVisibility", "AddPermission", "RemovePermission"}) {
    CAPTURE(action);
    CHECK(xml(action, "{}") == no_result(action));
  }
}

TEST_CASE("CreateQueue / GetQueueUrl") {
  CHECK(xml("CreateQueue", R"({"QueueUrl":"http://h/1/q"})") ==
        wrapped("CreateQueue", "<QueueUrl>http://h/1/q</QueueUrl>"));
  CHECK(xml("GetQueueUrl", R"({"QueueUrl":"u"})") == wrapped("GetQueueUrl", "<QueueUrl>u</QueueUrl>"));
}

TEST_CASE("ListQueues and ListDeadLetterSourceQueues repeat <QueueUrl>") {
  CHECK(xml("ListQueues", R"({"QueueUrls":["a","b"],"NextToken":"t"})") ==
        wrapped("ListQueues", "<QueueUrl>a</QueueUrl><QueueUrl>b</QueueUrl><NextToken>t</NextToken>"));
  CHECK(xml("ListQueues", R"({})") == wrapped("ListQueues", ""));
  CHECK(xml("ListDeadLetterSourceQueues", R"({"queueUrls":["a"]})") ==
        wrapped("ListDeadLetterSourceQueues", "<QueueUrl>a</QueueUrl>"));
}

TEST_CASE("GetQueueAttributes and ListQueueTags maps") {
  CHECK(xml("GetQueueAttributes", R"({"Attributes":{"DelaySeconds":"0","QueueArn":"arn:x"}})") ==
        wrapped("GetQueueAttributes",
                "<Attribute><Name>DelaySeconds</Name><Value>0</Value></Attribute>"
                "<Attribute><Name>QueueArn</Name><Value>arn:x</Value></Attribute>"));
  CHECK(xml("ListQueueTags", R"({"Tags":{"k":"v"}})") ==
        wrapped("ListQueueTags", "<Tag><Key>k</Key><Value>v</Value></Tag>"));
}

TEST_CASE("SendMessage result in model order") {
  CHECK(xml("SendMessage",
            R"({"MessageId":"m","MD5OfMessageBody":"b","MD5OfMessageAttributes":"a","SequenceNumber":"1"})") ==
        wrapped("SendMessage",
                "<MD5OfMessageBody>b</MD5OfMessageBody><MD5OfMessageAttributes>a</MD5OfMessageAttributes>"
                "<MessageId>m</MessageId><SequenceNumber>1</SequenceNumber>"));
}

TEST_CASE("batch results: success entries and BatchResultErrorEntry with a boolean") {
  CHECK(xml("SendMessageBatch",
            R"({"Successful":[{"Id":"1","MessageId":"m","MD5OfMessageBody":"b"}],)"
            R"("Failed":[{"Id":"2","SenderFault":true,"Code":"InvalidParameterValue","Message":"bad <x>"}]})") ==
        wrapped("SendMessageBatch",
                "<SendMessageBatchResultEntry><Id>1</Id><MessageId>m</MessageId><MD5OfMessageBody>b</MD5OfMessageBody>"
                "</SendMessageBatchResultEntry><BatchResultErrorEntry><Id>2</Id><SenderFault>true</SenderFault>"
                "<Code>InvalidParameterValue</Code><Message>bad &lt;x&gt;</Message></BatchResultErrorEntry>"));
  CHECK(xml("DeleteMessageBatch", R"({"Successful":[{"Id":"a"}],"Failed":[]})") ==
        wrapped("DeleteMessageBatch", "<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>"));
  CHECK(xml("ChangeMessageVisibilityBatch",
            R"({"Successful":[],"Failed":[{"Id":"a","SenderFault":false,"Code":"c"}]})") ==
        wrapped(
            "ChangeMessageVisibilityBatch",
            "<BatchResultErrorEntry><Id>a</Id><SenderFault>false</SenderFault><Code>c</Code></BatchResultErrorEntry>"));
  CHECK(xml("ChangeMessageVisibilityBatch", R"({"Successful":[{"Id":"z"}],"Failed":[]})") ==
        wrapped("ChangeMessageVisibilityBatch",
                "<ChangeMessageVisibilityBatchResultEntry><Id>z</Id></ChangeMessageVisibilityBatchResultEntry>"));
}

TEST_CASE("ReceiveMessage: messages with system attributes and message attributes") {
  CHECK(
      xml("ReceiveMessage",
          R"({"Messages":[{"MessageId":"m","ReceiptHandle":"r","MD5OfBody":"d","Body":"a&b\r\n",)"
          R"("Attributes":{"SenderId":"s","ApproximateReceiveCount":"1"},"MD5OfMessageAttributes":"x",)"
          R"("MessageAttributes":{"n":{"StringValue":"v","DataType":"String"},"bin":{"BinaryValue":"AAE=","DataType":"Binary"}}}]})") ==
      wrapped("ReceiveMessage",
              "<Message><MessageId>m</MessageId><ReceiptHandle>r</ReceiptHandle><MD5OfBody>d</MD5OfBody>"
              "<Body>a&amp;b&#xD;\n</Body>"
              "<Attribute><Name>SenderId</Name><Value>s</Value></Attribute>"
              "<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>"
              "<MD5OfMessageAttributes>x</MD5OfMessageAttributes>"
              "<MessageAttribute><Name>n</Name><Value><StringValue>v</StringValue><DataType>String</DataType></Value></"
              "MessageAttribute>"
              "<MessageAttribute><Name>bin</Name><Value><BinaryValue>AAE=</BinaryValue><DataType>Binary</DataType></"
              "Value></MessageAttribute>"
              "</Message>"));
  CHECK(xml("ReceiveMessage", R"({"Messages":[]})") == wrapped("ReceiveMessage", ""));
}

TEST_CASE("message move tasks: integers rendered as numbers") {
  CHECK(xml("StartMessageMoveTask", R"({"TaskHandle":"h"})") ==
        wrapped("StartMessageMoveTask", "<TaskHandle>h</TaskHandle>"));
  CHECK(xml("CancelMessageMoveTask", R"({"ApproximateNumberOfMessagesMoved":12})") ==
        wrapped("CancelMessageMoveTask", "<ApproximateNumberOfMessagesMoved>12</ApproximateNumberOfMessagesMoved>"));
  CHECK(xml("ListMessageMoveTasks",
            R"({"Results":[{"TaskHandle":"h","Status":"RUNNING","SourceArn":"s","DestinationArn":"d",)"
            R"("MaxNumberOfMessagesPerSecond":50,"ApproximateNumberOfMessagesMoved":0,)"
            R"("ApproximateNumberOfMessagesToMove":5,"StartedTimestamp":1700000000000}]})") ==
        wrapped("ListMessageMoveTasks",
                "<ListMessageMoveTasksResultEntry><TaskHandle>h</TaskHandle><Status>RUNNING</Status>"
                "<SourceArn>s</SourceArn><DestinationArn>d</DestinationArn>"
                "<MaxNumberOfMessagesPerSecond>50</MaxNumberOfMessagesPerSecond>"
                "<ApproximateNumberOfMessagesMoved>0</ApproximateNumberOfMessagesMoved>"
                "<ApproximateNumberOfMessagesToMove>5</ApproximateNumberOfMessagesToMove>"
                "<StartedTimestamp>1700000000000</StartedTimestamp></ListMessageMoveTasksResultEntry>"));
}

TEST_CASE("unknown and null members are not rendered") {
  CHECK(xml("GetQueueUrl", R"({"QueueUrl":null,"Extra":"x"})") == wrapped("GetQueueUrl", ""));
}

TEST_CASE("text escaping: markup, quotes, CR, forbidden control characters") {
  std::string body = "<a href=\"x\">&</a>\r\t\x01\x1F";
  body += "\xEF\xBF\xBE";  // U+FFFE
  body += "\xE2\x82\xAC";  // euro sign passes through
  json::object r;
  json::array messages;
  messages.push_back(json::object{{"Body", body}});
  r["Messages"] = std::move(messages);
  std::string out = sqs_response_to_xml("ReceiveMessage", r, "rid-1");
  CHECK(out == wrapped("ReceiveMessage",
                       "<Message><Body>&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;&#xD;\t"
                       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xE2\x82\xAC</Body></Message>"));
}

TEST_CASE("request id is escaped too") {
  CHECK(sqs_response_to_xml("DeleteQueue", {}, "a<b").find("<RequestId>a&lt;b</RequestId>") != std::string::npos);
}

TEST_CASE("error_xml carries type, query code, escaped message, Detail and RequestId") {
  std::string out = sqs_error_xml(
      common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist."), "rid-9");
  CHECK(out == std::string(kHead) +
                   R"(<ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type>)"
                   "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
                   "<Message>The specified queue does not exist.</Message><Detail/></Error>"
                   "<RequestId>rid-9</RequestId></ErrorResponse>");
  std::string internal = sqs_error_xml(common::aws_error(common::AwsErrorCode::InternalFailure, "x & y"), "r");
  CHECK(internal.find("<Type>Receiver</Type><Code>InternalFailure</Code><Message>x &amp; y</Message>") !=
        std::string::npos);
}
