// The SNS Query API on an in-memory service: parameter flattening, XML result shapes, error
// documents and statuses.

#include <doctest/doctest.h>

#include "sluice/sqs/engine.h"
#include "sns_api.h"

using namespace sluice;
using namespace sluice::sns;
using sluice::api::sns_wire::FormParams;
using sluice::api::sns_wire::SnsApi;

namespace {

struct ApiFixture {
  std::unique_ptr<sqs::Engine> sqs;
  std::unique_ptr<Service> service;
  std::unique_ptr<SnsApi> api;
  CallContext ctx{"111111111111", "us-east-1"};
  ApiFixture() {
    sqs::EngineOptions eo;
    eo.in_memory = true;
    eo.background_housekeeping = false;
    std::string error;
    sqs = sqs::Engine::open(eo, &error);
    ServiceOptions so;
    so.in_memory = true;
    so.sqs = sqs.get();
    service = Service::open(so, &error);
    api = std::make_unique<SnsApi>(*service);
  }
  sluice::api::sns_wire::ApiResponse call(FormParams params) {
    params.emplace_back("Version", "2010-03-31");
    return api->handle(params, ctx, "req-1");
  }
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  size_t a = text.find(open);
  if (a == std::string::npos) return {};
  a += open.size();
  return text.substr(a, text.find(close, a) - a);
}

}  // namespace

TEST_CASE("CreateTopic with Attributes.entry and Tags.member, then GetTopicAttributes") {
  ApiFixture f;
  auto r = f.call({{"Action", "CreateTopic"},
                   {"Name", "t"},
                   {"Attributes.entry.1.key", "DisplayName"},
                   {"Attributes.entry.1.value", "Shown <here>"},
                   {"Tags.member.1.Key", "k"},
                   {"Tags.member.1.Value", "v"}});
  CHECK(r.status == 200);
  CHECK(r.body ==
        "<?xml version=\"1.0\"?>\n<CreateTopicResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
        "<CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:111111111111:t</TopicArn></CreateTopicResult>"
        "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateTopicResponse>");
  auto attrs = f.call({{"Action", "GetTopicAttributes"}, {"TopicArn", "arn:aws:sns:us-east-1:111111111111:t"}});
  CHECK(contains(attrs.body, "<entry><key>DisplayName</key><value>Shown &lt;here&gt;</value></entry>"));
  CHECK(contains(attrs.body, "<GetTopicAttributesResult><Attributes>"));
  auto tags = f.call({{"Action", "ListTagsForResource"}, {"ResourceArn", "arn:aws:sns:us-east-1:111111111111:t"}});
  CHECK(contains(tags.body, "<Tags><member><Key>k</Key><Value>v</Value></member></Tags>"));
}

TEST_CASE("errors: status from the table, SNS error document") {
  ApiFixture f;
  auto r = f.call({{"Action", "GetTopicAttributes"}, {"TopicArn", "arn:aws:sns:us-east-1:111111111111:none"}});
  CHECK(r.status == 404);
  CHECK(r.body ==
        "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error>"
        "<Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error>"
        "<RequestId>req-1</RequestId></ErrorResponse>");
  auto bad = f.call({{"Action", "CreateTopic"}, {"Name", "bad name"}});
  CHECK(bad.status == 400);
  CHECK(contains(bad.body, "<Code>InvalidParameter</Code><Message>Invalid parameter: Topic Name</Message>"));
  auto unknown = f.call({{"Action", "Frobnicate"}});
  CHECK(unknown.status == 400);
  CHECK(contains(unknown.body, "<Code>InvalidAction</Code>"));
  CHECK(f.api->handle({}, f.ctx).status == 400);
  CHECK(SnsApi::is_sns_action("Publish"));
  CHECK_FALSE(SnsApi::is_sns_action("SendMessage"));
}

TEST_CASE("Subscribe, Publish with MessageAttributes.entry, delivery into SQS, actions without results") {
  ApiFixture f;
  const std::string topic = "arn:aws:sns:us-east-1:111111111111:t";
  f.call({{"Action", "CreateTopic"}, {"Name", "t"}});
  sqs::QueueAddress q{"111111111111", "us-east-1", "q"};
  REQUIRE(f.sqs->create_queue(q, {}, {}).ok());
  auto sub = f.call({{"Action", "Subscribe"},
                     {"TopicArn", topic},
                     {"Protocol", "sqs"},
                     {"Endpoint", sqs::queue_arn(q)},
                     {"Attributes.entry.1.key", "RawMessageDelivery"},
                     {"Attributes.entry.1.value", "true"}});
  REQUIRE(sub.status == 200);
  std::string sub_arn = between(sub.body, "<SubscriptionArn>", "</SubscriptionArn>");
  CHECK(sub_arn.rfind(topic + ":", 0) == 0);
  auto pub = f.call({{"Action", "Publish"},
                     {"TopicArn", topic},
                     {"Message", "hello"},
                     {"MessageAttributes.entry.1.Name", "n"},
                     {"MessageAttributes.entry.1.Value.DataType", "Number"},
                     {"MessageAttributes.entry.1.Value.StringValue", "42"},
                     {"MessageAttributes.entry.2.Name", "b"},
                     {"MessageAttributes.entry.2.Value.DataType", "Binary"},
                     {"MessageAttributes.entry.2.Value.BinaryValue", "AgME"}});
  REQUIRE(pub.status == 200);
  CHECK(between(pub.body, "<MessageId>", "</MessageId>").size() == 36);
  sqs::ReceiveMessageRequest rr;
  rr.message_attribute_names = {"All"};
  auto got = f.sqs->receive_message(q, rr);
  REQUIRE(got.ok());
  REQUIRE(got.value().messages.size() == 1);
  CHECK(got.value().messages[0].body == "hello");
  CHECK(got.value().messages[0].message_attributes.at("n").string_value == "42");
  CHECK(got.value().messages[0].message_attributes.at("b").binary_value == std::string("\x02\x03\x04", 3));

  auto set = f.call({{"Action", "SetSubscriptionAttributes"},
                     {"SubscriptionArn", sub_arn},
                     {"AttributeName", "RawMessageDelivery"},
                     {"AttributeValue", "false"}});
  CHECK(set.status == 200);
  CHECK_FALSE(contains(set.body, "Result>"));
  auto list = f.call({{"Action", "ListSubscriptionsByTopic"}, {"TopicArn", topic}});
  CHECK(contains(list.body, "<member><SubscriptionArn>" + sub_arn +
                                "</SubscriptionArn><Owner>111111111111</Owner>"
                                "<Protocol>sqs</Protocol>"));
  auto unsub = f.call({{"Action", "Unsubscribe"}, {"SubscriptionArn", sub_arn}});
  CHECK(unsub.status == 200);
}

TEST_CASE("PublishBatch entries and the batch result shape") {
  ApiFixture f;
  const std::string topic = "arn:aws:sns:us-east-1:111111111111:t.fifo";
  f.call({{"Action", "CreateTopic"},
          {"Name", "t.fifo"},
          {"Attributes.entry.1.key", "FifoTopic"},
          {"Attributes.entry.1.value", "true"},
          {"Attributes.entry.2.key", "ContentBasedDeduplication"},
          {"Attributes.entry.2.value", "true"}});
  auto r = f.call({{"Action", "PublishBatch"},
                   {"TopicArn", topic},
                   {"PublishBatchRequestEntries.member.1.Id", "a"},
                   {"PublishBatchRequestEntries.member.1.Message", "one"},
                   {"PublishBatchRequestEntries.member.1.MessageGroupId", "g"},
                   {"PublishBatchRequestEntries.member.2.Id", "b"},
                   {"PublishBatchRequestEntries.member.2.Message", "two"},
                   {"PublishBatchRequestEntries.member.2.MessageGroupId", "g"},
                   {"PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Name", "x"},
                   {"PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.DataType", "String"},
                   {"PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.StringValue", "y"}});
  REQUIRE(r.status == 200);
  CHECK(contains(r.body, "<PublishBatchResult><Successful><member><Id>a</Id><MessageId>"));
  CHECK(contains(r.body, "<SequenceNumber>"));
  CHECK(contains(r.body, "</Successful><Failed></Failed></PublishBatchResult>"));
  auto missing_group = f.call({{"Action", "PublishBatch"},
                               {"TopicArn", topic},
                               {"PublishBatchRequestEntries.member.1.Id", "a"},
                               {"PublishBatchRequestEntries.member.1.Message", "one"}});
  CHECK(missing_group.status == 400);
  CHECK(contains(missing_group.body, "The MessageGroupId parameter is required for FIFO topics"));
}

TEST_CASE("AddPermission lists and paginated ListTopics") {
  ApiFixture f;
  for (int i = 0; i < 101; ++i) f.call({{"Action", "CreateTopic"}, {"Name", "t" + std::to_string(100 + i)}});
  const std::string topic = "arn:aws:sns:us-east-1:111111111111:t100";
  auto add = f.call({{"Action", "AddPermission"},
                     {"TopicArn", topic},
                     {"Label", "lbl"},
                     {"AWSAccountId.member.1", "222222222222"},
                     {"ActionName.member.1", "Publish"},
                     {"ActionName.member.2", "Subscribe"}});
  CHECK(add.status == 200);
  auto attrs = f.call({{"Action", "GetTopicAttributes"}, {"TopicArn", topic}});
  CHECK(contains(attrs.body, "&quot;Action&quot;:[&quot;SNS:Publish&quot;,&quot;SNS:Subscribe&quot;]"));
  auto page = f.call({{"Action", "ListTopics"}});
  std::string token = between(page.body, "<NextToken>", "</NextToken>");
  REQUIRE_FALSE(token.empty());
  auto next = f.call({{"Action", "ListTopics"}, {"NextToken", token}});
  CHECK(contains(next.body,
                 "<Topics><member><TopicArn>arn:aws:sns:us-east-1:111111111111:t200</TopicArn></member></Topics>"));
  CHECK_FALSE(contains(next.body, "NextToken"));
}
