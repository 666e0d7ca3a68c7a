// Topics, subscriptions (with compiled filter policies), tags, FIFO sequence numbers and the
// signing key survive closing and reopening the service on the same data directory.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "sns_test_support.h"

namespace common = sluice::common;

using namespace sluice::sns;
using namespace sluice::sns::testing;

TEST_CASE("state survives a reopen") {
  TempDir dir;
  Fixture f(dir.path);
  REQUIRE(f.sns);
  auto t = f.topic("t", {{"DisplayName", "durable"}});
  REQUIRE(f->tag_resource(f.ctx, t, {{"k", "v"}}).ok());
  auto sub = f.subscribe(t, "sqs", f.queue("q"), {{"RawMessageDelivery", "true"}, {"FilterPolicy", R"({"a":["x"]})"}});
  auto fifo = f.topic("f.fifo", {{"FifoTopic", "true"}, {"ContentBasedDeduplication", "true"}});
  PublishRequest p;
  p.topic_arn = fifo;
  p.message = "one";
  p.message_group_id = "g";
  auto first = f->publish(f.ctx, p);
  auto cert = f->signing_certificate_pem();

  f.reopen(dir.path);
  REQUIRE(f.sns);
  CHECK(std::filesystem::exists(std::filesystem::path(dir.path) / "sns.db"));
  CHECK(f->get_topic_attributes(f.ctx, t).value().at("DisplayName") == "durable");
  CHECK(f->list_tags_for_resource(f.ctx, t).value() == TagList{{"k", "v"}});
  auto attrs = f->get_subscription_attributes(f.ctx, sub);
  REQUIRE(attrs.ok());
  CHECK(attrs->at("FilterPolicy") == R"({"a":["x"]})");
  CHECK(f->signing_certificate_pem() == cert);

  // The filter policy was recompiled: only matching messages are delivered.
  REQUIRE(f.publish(t, "no").ok());
  REQUIRE(f.publish(t, "yes", {{"a", {"String", std::string("x"), std::nullopt}}}).ok());
  auto msgs = f.receive("q");
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].body == "yes");

  p.message = "two";
  auto second = f->publish(f.ctx, p);
  CHECK(*second->sequence_number > *first->sequence_number);

  REQUIRE(f->delete_topic(f.ctx, t).ok());
  f.reopen(dir.path);
  CHECK(f->get_topic_attributes(f.ctx, t).error().code == common::AwsErrorCode::NotFound);
  CHECK(f->get_subscription_attributes(f.ctx, sub).error().code == common::AwsErrorCode::NotFound);
}

TEST_CASE("the outbox is a JSON-lines file in the data directory") {
  TempDir dir;
  Fixture f(dir.path);
  auto t = f.topic("t");
  f.subscribe(t, "sms", "+15550001111");
  REQUIRE(f.publish(t, "text me").ok());
  auto path = std::filesystem::path(dir.path) / "outbox.jsonl";
  REQUIRE(std::filesystem::exists(path));
  auto lines = f->outbox_lines();
  REQUIRE(lines.size() == 1);
  CHECK(parse_object(lines[0]).at("Body") == "text me");
}

TEST_CASE("a data directory whose store is not a database is refused with a sentence") {
  TempDir dir;
  const std::string db = (std::filesystem::path(dir.path) / "sns.db").string();
  std::ofstream(db) << std::string(4096, 'x');
  ServiceOptions options;
  options.data_dir = dir.path;
  std::string error;
  CHECK_FALSE(Service::open(options, &error));
  CHECK(error == db + " is not a usable SNS store: file is not a database");
}
