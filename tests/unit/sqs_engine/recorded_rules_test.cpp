// Queue and message rules where AWS was recorded answering differently from what one might guess:
// FIFO delays and batch entries, the deduplication window across purges and scope changes, a
// FIFO queue told it is FIFO, older receipt handles, tag limits and the policy AddPermission
// writes.

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

namespace {

void make_fifo(TestEngine& t, const std::string& name, AttributeMap extra = {}) {
  extra["FifoQueue"] = "true";
  REQUIRE(t->create_queue(address(name), extra, {}).ok());
}

SendMessageRequest entry(std::string id, SendMessageRequest request) {
  request.id = std::move(id);
  return request;
}

// Receives what is there and deletes it (so a FIFO group is not left locked): how many came.
size_t received(TestEngine& t, const std::string& name) {
  auto got = t->receive_message(address(name), receive(10));
  REQUIRE(got.ok());
  for (const auto& m : got->messages) REQUIRE(t->delete_message(address(name), m.receipt_handle).ok());
  return got->messages.size();
}

}  // namespace

TEST_CASE("FIFO: DelaySeconds 0 is accepted, per message and per batch entry") {
  TestEngine t;
  make_fifo(t, "q.fifo");
  auto single = fifo_message("a", "g", "a");
  single.delay_seconds = 0;
  CHECK(t->send_message(address("q.fifo"), single).ok());
  auto in_batch = fifo_message("b", "g", "b");
  in_batch.delay_seconds = 0;
  auto batch = t->send_message_batch(address("q.fifo"), {entry("1", in_batch)});
  REQUIRE(batch.ok());
  CHECK(batch->failed.empty());
  CHECK(received(t, "q.fifo") == 2);
}

TEST_CASE("FIFO batch: an entry without MessageGroupId or deduplication id fails the whole request") {
  TestEngine t;
  make_fifo(t, "q.fifo");
  auto no_group =
      t->send_message_batch(address("q.fifo"), {entry("ok", fifo_message("a", "g", "a")), entry("bad", message("b"))});
  REQUIRE_FALSE(no_group.ok());
  CHECK(no_group.error().code == common::AwsErrorCode::InvalidParameterValue);
  CHECK(no_group.error().message == "The request must contain the parameter MessageGroupId.");
  auto no_dedup = t->send_message_batch(
      address("q.fifo"), {entry("ok", fifo_message("a", "g", "a")), entry("bad", fifo_message("b", "g"))});
  REQUIRE_FALSE(no_dedup.ok());
  CHECK(no_dedup.error().code == common::AwsErrorCode::InvalidParameterValue);
  CHECK(no_dedup.error().message ==
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
        "explicitly");
  CHECK(received(t, "q.fifo") == 0);  // nothing of either request was sent
}

TEST_CASE("FIFO: PurgeQueue clears the deduplication window") {
  TestEngine t;
  make_fifo(t, "q.fifo");
  auto first = t->send_message(address("q.fifo"), fifo_message("a", "g", "d"));
  REQUIRE(first.ok());
  REQUIRE(t->purge_queue(address("q.fifo")).ok());
  auto again = t->send_message(address("q.fifo"), fifo_message("a", "g", "d"));
  REQUIRE(again.ok());
  CHECK(again->message_id != first->message_id);
  CHECK(received(t, "q.fifo") == 1);
}

TEST_CASE("FIFO: PurgeQueue clears the deduplication window of a durable queue across a restart") {
  TempDir dir;
  {
    TestEngine t(dir.path);
    make_fifo(t, "q.fifo");
    REQUIRE(t->send_message(address("q.fifo"), fifo_message("a", "g", "d")).ok());
    REQUIRE(t->purge_queue(address("q.fifo")).ok());
  }
  TestEngine reopened(dir.path);
  REQUIRE(reopened->send_message(address("q.fifo"), fifo_message("a", "g", "d")).ok());
  CHECK(received(reopened, "q.fifo") == 1);
}

TEST_CASE("FIFO: switching to high throughput keeps ids already sent deduplicated across groups") {
  TestEngine t;
  make_fifo(t, "q.fifo");
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test1", "g1", "d1")).ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test2", "g2", "d1")).ok());
  CHECK(received(t, "q.fifo") == 1);
  REQUIRE(t->set_queue_attributes(address("q.fifo"), {{"DeduplicationScope", "messageGroup"},
                                                      {"FifoThroughputLimit", "perMessageGroupId"}})
              .ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test3", "g3", "d1")).ok());
  CHECK(received(t, "q.fifo") == 0);  // d1 was recorded under queue scope
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test4", "g1", "d2")).ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test5", "g1", "d2")).ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test6", "g2", "d2")).ok());
  CHECK(received(t, "q.fifo") == 2);  // d2 deduplicates within g1 only
}

TEST_CASE("FIFO: switching back to queue scope keeps group-scoped ids per group") {
  TestEngine t;
  make_fifo(t, "q.fifo", {{"DeduplicationScope", "messageGroup"}, {"FifoThroughputLimit", "perMessageGroupId"}});
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test1", "g1", "d1")).ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test2", "g2", "d1")).ok());
  CHECK(received(t, "q.fifo") == 2);
  REQUIRE(
      t->set_queue_attributes(address("q.fifo"), {{"DeduplicationScope", "queue"}, {"FifoThroughputLimit", "perQueue"}})
          .ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test3", "g3", "d1")).ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("Test4", "g1", "d1")).ok());
  CHECK(received(t, "q.fifo") == 1);  // Test3 only
}

TEST_CASE("SetQueueAttributes FifoQueue=true on a FIFO queue changes nothing; false is refused") {
  TestEngine t;
  make_fifo(t, "q.fifo");
  CHECK(t->set_queue_attributes(address("q.fifo"), {{"FifoQueue", "true"}}).ok());
  CHECK(t->get_queue_attributes(address("q.fifo"), {"FifoQueue"})->at("FifoQueue") == "true");
  auto refused = t->set_queue_attributes(address("q.fifo"), {{"FifoQueue", "false"}});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message ==
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.");
}

TEST_CASE("standard queue: ChangeMessageVisibility with an older handle of a message received again") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {{"VisibilityTimeout", "1"}}, {}).ok());
  REQUIRE(t->send_message(address("q"), message("a")).ok());
  auto first = t->receive_message(address("q"), receive());
  REQUIRE(first->messages.size() == 1);
  t.clock->advance_s(2);
  auto second = t->receive_message(address("q"), receive());
  REQUIRE(second->messages.size() == 1);
  CHECK(t->change_message_visibility(address("q"), first->messages[0].receipt_handle, 0).ok());
  auto again = t->receive_message(address("q"), receive());
  REQUIRE(again->messages.size() == 1);  // the change applied to the message
  REQUIRE(t->delete_message(address("q"), again->messages[0].receipt_handle).ok());
  auto gone = t->change_message_visibility(address("q"), first->messages[0].receipt_handle, 10);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().message == "Value " + first->messages[0].receipt_handle +
                                    " for parameter ReceiptHandle is invalid. Reason: Message does not exist or is "
                                    "not available for visibility timeout change.");
}

TEST_CASE("tags: empty, more than 50, and an empty key list are refused") {
  TestEngine t;
  REQUIRE(t->create_queue(address("tagged"), {}, {{"kept", "1"}}).ok());
  auto empty = t->tag_queue(address("tagged"), {});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == common::AwsErrorCode::MissingParameter);
  CHECK(empty.error().message == "The request must contain the parameter Tags.");
  TagMap fifty;
  for (int i = 0; i < 50; ++i) fifty["k" + std::to_string(i)] = "v";
  auto too_many = t->tag_queue(address("tagged"), fifty);  // 51 with the one already there
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.error().code == common::AwsErrorCode::InvalidParameterValue);
  CHECK(too_many.error().message == "Too many tags added for queue tagged.");
  CHECK(t->list_queue_tags(address("tagged"))->size() == 1);  // unchanged
  auto no_keys = t->untag_queue(address("tagged"), {});
  REQUIRE_FALSE(no_keys.ok());
  CHECK(no_keys.error().code == common::AwsErrorCode::InvalidParameterValue);
  CHECK(no_keys.error().message == "Tag keys must be between 1 and 128 characters in length.");
}

TEST_CASE("AddPermission writes AWS's policy: 2008-10-17, one value as a string, several as a list") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  REQUIRE(t->add_permission(address("q"), "one", {"111111111111"}, {"ReceiveMessage"}).ok());
  REQUIRE(
      t->add_permission(address("q"), "two", {"111111111111", "222222222222"}, {"SendMessage", "DeleteMessage"}).ok());
  auto policy = boost::json::parse(t->get_queue_attributes(address("q"), {"Policy"})->at("Policy")).as_object();
  CHECK(policy.at("Version").as_string() == "2008-10-17");
  CHECK(policy.at("Id").as_string() == queue_arn(address("q")) + "/SQSDefaultPolicy");
  const auto& statements = policy.at("Statement").as_array();
  REQUIRE(statements.size() == 2);
  const auto& one = statements[0].as_object();
  CHECK(one.at("Principal").at("AWS").as_string() == "arn:aws:iam::111111111111:root");
  CHECK(one.at("Action").as_string() == "SQS:ReceiveMessage");
  const auto& two = statements[1].as_object();
  CHECK(two.at("Principal").at("AWS").as_array().size() == 2);
  CHECK(two.at("Action").as_array() == boost::json::array{"SQS:SendMessage", "SQS:DeleteMessage"});
  CHECK(t->remove_permission(address("q"), "one").ok());
  CHECK(t->remove_permission(address("q"), "one").error().message ==
        "Value one for parameter Label is invalid. Reason: can't find label.");
}
