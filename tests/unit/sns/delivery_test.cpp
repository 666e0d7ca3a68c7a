// Fan-out: the SQS envelope (fields and their order), signatures verified with the certificate,
// raw delivery, filter policies in both scopes, MessageStructure json per protocol, FIFO topic to
// FIFO queue, subscription DLQ, the outbox and the sink.

#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <set>
#include <thread>

#include "signature_check.h"
#include "sluice/common/crypto.h"
#include "sns_test_support.h"

using namespace sluice;
using namespace sluice::sns;
using namespace sluice::sns::testing;

namespace {

std::vector<std::string> keys_of(const boost::json::object& o) {
  std::vector<std::string> out;
  for (const auto& kv : o) out.emplace_back(kv.key());
  return out;
}

std::string field(const boost::json::object& o, const char* key) { return std::string(o.at(key).as_string()); }

}  // namespace

TEST_CASE("envelope into SQS: AWS's field order and a signature that verifies (versions 1 and 2)") {
  for (std::string version : {"1", "2"}) {
    Fixture f;
    auto t = f.topic("t", {{"SignatureVersion", version}});
    auto sub = f.subscribe(t, "sqs", f.queue("q"));
    PublishRequest p;
    p.topic_arn = t;
    p.message = "Test msg";
    p.subject = "subj";
    p.message_attributes["attr1"] = {"Number", std::string("100.12"), std::nullopt};
    p.message_attributes["bin"] = {"Binary", std::nullopt, std::string("\x02\x03\x04", 3)};
    auto r = f->publish(f.ctx, p);
    REQUIRE(r.ok());
    auto msgs = f.receive("q");
    REQUIRE(msgs.size() == 1);
    auto env = parse_object(msgs[0].body);
    CHECK(keys_of(env) == std::vector<std::string>{"Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp",
                                                   "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL",
                                                   "MessageAttributes"});
    CHECK(field(env, "Type") == "Notification");
    CHECK(field(env, "MessageId") == r->message_id);
    CHECK(field(env, "Message") == "Test msg");
    CHECK(field(env, "SignatureVersion") == version);
    CHECK(field(env, "Timestamp") == "2023-11-14T22:13:20.000Z");
    CHECK(field(env, "SigningCertURL") == "http://sluice.test:4566" + f->signing_certificate_path());
    CHECK(f->signing_certificate_path().rfind("/SimpleNotificationService-", 0) == 0);
    CHECK(field(env, "UnsubscribeURL") == "http://sluice.test:4566/?Action=Unsubscribe&SubscriptionArn=" + sub);
    CHECK(env.at("MessageAttributes").at("attr1").at("Type") == "Number");
    CHECK(env.at("MessageAttributes").at("attr1").at("Value") == "100.12");
    CHECK(env.at("MessageAttributes").at("bin").at("Value") == "AgME");
    CHECK(sluice::sns::testing::verify_sns_signature(env, f->signing_certificate_pem()));
    env["Message"] = "tampered";
    CHECK_FALSE(sluice::sns::testing::verify_sns_signature(env, f->signing_certificate_pem()));
  }
}

TEST_CASE("raw delivery: body verbatim, SNS attributes become SQS attributes") {
  Fixture f;
  auto t = f.topic("t");
  f.subscribe(t, "sqs", f.queue("q"), {{"RawMessageDelivery", "true"}});
  REQUIRE(f.publish(t, "Test msg",
                    {{"attr1", {"Number", std::string("99.12"), std::nullopt}},
                     {"store", {"Binary", std::nullopt, std::string("\x02\x03\x04", 3)}}})
              .ok());
  auto msgs = f.receive("q");
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].body == "Test msg");
  CHECK(msgs[0].message_attributes.at("attr1").data_type == "Number");
  CHECK(msgs[0].message_attributes.at("attr1").string_value == "99.12");
  CHECK(msgs[0].message_attributes.at("store").data_type == "Binary");
  CHECK(msgs[0].message_attributes.at("store").binary_value == std::string("\x02\x03\x04", 3));
}

TEST_CASE("filter policies decide which subscriptions get a message") {
  Fixture f;
  auto t = f.topic("t");
  f.subscribe(t, "sqs", f.queue("attrs"),
              {{"FilterPolicy", R"({"color":["red"],"size":[{"numeric":[">",10]}]})"}, {"RawMessageDelivery", "true"}});
  f.subscribe(t, "sqs", f.queue("body"),
              {{"FilterPolicyScope", "MessageBody"},
               {"FilterPolicy", R"({"order":{"kind":["big"]}})"},
               {"RawMessageDelivery", "true"}});
  f.subscribe(t, "sqs", f.queue("all"), {{"RawMessageDelivery", "true"}});
  PublishAttribute red{"String", std::string("red"), std::nullopt};
  PublishAttribute blue{"String", std::string("blue"), std::nullopt};
  PublishAttribute twenty{"Number", std::string("20"), std::nullopt};
  REQUIRE(f.publish(t, "m1", {{"color", red}, {"size", twenty}}).ok());
  REQUIRE(f.publish(t, "m2", {{"color", blue}, {"size", twenty}}).ok());
  REQUIRE(f.publish(t, "m3", {{"color", red}}).ok());  // missing key fails
  REQUIRE(f.publish(t, R"({"order":{"kind":"big"}})").ok());
  REQUIRE(f.publish(t, R"({"order":{"kind":"small"}})").ok());
  auto attrs = f.receive("attrs");
  REQUIRE(attrs.size() == 1);
  CHECK(attrs[0].body == "m1");
  auto body = f.receive("body");
  REQUIRE(body.size() == 1);
  CHECK(body[0].body == R"({"order":{"kind":"big"}})");
  CHECK(f.receive("all").size() == 5);
}

TEST_CASE("MessageStructure json: per-protocol text, default otherwise, attributes not delivered") {
  Fixture f;
  auto t = f.topic("t");
  f.subscribe(t, "sqs", f.queue("q"));
  f.subscribe(t, "email", "a@b.test");
  f.subscribe(t, "lambda", "arn:aws:lambda:us-east-1:111111111111:function:fn");
  PublishRequest p;
  p.topic_arn = t;
  p.message_structure = "json";
  p.message = R"({"default":"default field","sqs":"{\"field\": \"value\"}"})";
  p.message_attributes["a"] = {"String", std::string("v"), std::nullopt};
  REQUIRE(f->publish(f.ctx, p).ok());
  auto msgs = f.receive("q");
  REQUIRE(msgs.size() == 1);
  auto env = parse_object(msgs[0].body);
  CHECK(field(env, "Message") == R"({"field": "value"})");
  CHECK_FALSE(env.contains("MessageAttributes"));
  REQUIRE(f.sink.deliveries.size() == 1);  // lambda (confirmed at once); the email one is pending
  CHECK(f.sink.deliveries[0].message == "default field");
  auto event = parse_object(f.sink.deliveries[0].lambda_event_json());
  const auto& record = event.at("Records").as_array().at(0).as_object();
  CHECK(record.at("EventSource") == "aws:sns");
  CHECK(record.at("Sns").at("Subject").is_null());
  CHECK(record.at("Sns").as_object().contains("SigningCertUrl"));
  CHECK(record.at("Sns").as_object().contains("UnsubscribeUrl"));
}

TEST_CASE("FIFO topic to FIFO queue: no signature, group id and content-based dedup id") {
  Fixture f;
  auto t = f.topic("t.fifo", {{"FifoTopic", "true"}, {"ContentBasedDeduplication", "true"}});
  auto q = f.queue("q.fifo", {{"FifoQueue", "true"}});
  f.subscribe(t, "sqs", q);
  PublishRequest p;
  p.topic_arn = t;
  p.message = "Test";
  p.message_group_id = "message-group-id-1";
  auto r = f->publish(f.ctx, p);
  REQUIRE(r.ok());
  auto msgs = f.receive("q.fifo");
  REQUIRE(msgs.size() == 1);
  auto env = parse_object(msgs[0].body);
  CHECK(keys_of(env) == std::vector<std::string>{"Type", "MessageId", "SequenceNumber", "TopicArn", "Message",
                                                 "Timestamp", "UnsubscribeURL"});
  CHECK(field(env, "SequenceNumber") == *r->sequence_number);
  std::map<std::string, std::string> attrs(msgs[0].attributes.begin(), msgs[0].attributes.end());
  CHECK(attrs.at("MessageGroupId") == "message-group-id-1");
  CHECK(attrs.at("MessageDeduplicationId") == "532eaabd9574880dbf76b9b8cc00832c20a6ec113d682299550d7a6e0f345e25");
}

TEST_CASE("a failed SQS delivery goes to the subscription's dead-letter queue") {
  Fixture f;
  auto t = f.topic("t");
  auto dlq = f.queue("dlq");
  auto gone = f.queue("gone");
  f.subscribe(t, "sqs", gone,
              {{"RawMessageDelivery", "true"}, {"RedrivePolicy", R"({"deadLetterTargetArn":")" + dlq + "\"}"}});
  REQUIRE(f.sqs->delete_queue(sluice::sqs::QueueAddress{f.ctx.account_id, f.ctx.region, "gone"}).ok());
  REQUIRE(f.publish(t, "lost?").ok());
  auto msgs = f.receive("dlq");
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].body == "lost?");
}

TEST_CASE("email, email-json and sms go to the outbox once confirmed") {
  Fixture f;
  auto t = f.topic("t");
  f.subscribe(t, "email", "a@b.test");
  f.subscribe(t, "email-json", "c@d.test");
  f.subscribe(t, "sms", "+15551234567");
  auto confirmations = f->outbox_lines();
  REQUIRE(confirmations.size() == 2);
  for (const auto& line : confirmations) {
    auto o = parse_object(line);
    std::string url = field(o, "SubscribeURL");
    auto token = url.substr(url.find("&Token=") + 7);
    REQUIRE(f->confirm_subscription(f.ctx, t, token).ok());
  }
  PublishRequest p;
  p.topic_arn = t;
  p.message = "hello";
  p.subject = "greeting";
  REQUIRE(f->publish(f.ctx, p).ok());
  auto lines = f->outbox_lines();
  REQUIRE(lines.size() == 5);
  std::map<std::string, boost::json::object> by_protocol;
  for (size_t i = 2; i < lines.size(); ++i) {
    auto o = parse_object(lines[i]);
    by_protocol[field(o, "Protocol")] = o;
  }
  CHECK(field(by_protocol.at("email"), "Body") == "hello");
  CHECK(field(by_protocol.at("email"), "Subject") == "greeting");
  CHECK(field(by_protocol.at("sms"), "Body") == "hello");
  auto env = parse_object(field(by_protocol.at("email-json"), "Body"));
  CHECK(field(env, "Message") == "hello");
  CHECK(field(env, "Type") == "Notification");
}

TEST_CASE("http subscriptions reach the sink only once confirmed") {
  Fixture f;
  auto t = f.topic("t");
  f.subscribe(t, "https", "https://example.test/hook");
  REQUIRE(f.sink.deliveries.size() == 1);
  REQUIRE(f.publish(t, "before").ok());
  CHECK(f.sink.deliveries.size() == 1);
  REQUIRE(f->confirm_subscription(f.ctx, t, f.sink.deliveries[0].token).ok());
  REQUIRE(f.publish(t, "after").ok());
  REQUIRE(f.sink.deliveries.size() == 2);
  CHECK(f.sink.deliveries[1].message == "after");
  CHECK(f.sink.deliveries[1].type == "Notification");
  CHECK(sluice::sns::testing::verify_sns_signature(parse_object(f.sink.deliveries[1].envelope_json()),
                                                   f->signing_certificate_pem()));
}

TEST_CASE("concurrent publishers: every message reaches every subscribed queue once") {
  Fixture f;
  auto t = f.topic("t");
  for (const char* q : {"a", "b", "c"}) f.subscribe(t, "sqs", f.queue(q), {{"RawMessageDelivery", "true"}});
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) (void)f.publish(t, std::to_string(w * 100 + i));
    });
  }
  for (auto& th : threads) th.join();
  for (const char* q : {"a", "b", "c"}) {
    std::set<std::string> bodies;
    size_t total = 0;
    for (auto batch = f.receive(q); !batch.empty(); batch = f.receive(q)) {
      for (const auto& m : batch) bodies.insert(m.body);
      total += batch.size();
    }
    CHECK(total == 200);
    CHECK(bodies.size() == 200);
  }
}
