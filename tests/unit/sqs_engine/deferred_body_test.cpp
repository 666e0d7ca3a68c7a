// A body part filled in after the send (SendMessageRequest::deferred_part, as SNS sends envelopes
// whose signature is still being computed): stored and counted at once, never seen unfilled.

#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "engine_test_support.h"
#include "sluice/common/crypto.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

namespace {

// Fills "####" at `offset` with "SIGN", counting how often its text was asked for.
struct CountingPart final : DeferredBodyPart {
  explicit CountingPart(size_t at) : at_(at) {}
  size_t offset() const override { return at_; }
  size_t size() const override { return 4; }
  const std::string& text() override {
    ++calls;
    return text_;
  }
  std::atomic<int> calls{0};

 private:
  size_t at_;
  std::string text_ = "SIGN";
};

SendMessageRequest deferred(const std::string& body, const std::shared_ptr<CountingPart>& part) {
  SendMessageRequest request = message(body);
  request.deferred_part = part;
  return request;
}

}  // namespace

TEST_CASE("an in-memory engine stores a deferred body at once and fills it in on the first receive") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  auto part = std::make_shared<CountingPart>(3);
  auto sent = t->send_message(address("q"), deferred("ab:####:yz", part));
  REQUIRE(sent.ok());
  CHECK(sent->md5_of_message_body.empty());  // not known until the part is filled in
  CHECK(part->calls == 0);                   // the send did not wait for the part
  auto depth = t->get_queue_attributes(address("q"), {"ApproximateNumberOfMessages"});
  CHECK(depth->at("ApproximateNumberOfMessages") == "1");

  auto peeked = t->peek_messages(address("q"), 10);
  REQUIRE(peeked->size() == 1);
  CHECK((*peeked)[0].body == "ab:SIGN:yz");

  auto got = t->receive_message(address("q"), receive(10, 0));
  REQUIRE(got->messages.size() == 1);
  CHECK(got->messages[0].body == "ab:SIGN:yz");
  CHECK(got->messages[0].md5_of_body == common::md5_hex("ab:SIGN:yz"));
  const int calls_after_first = part->calls;

  // Filled in for good: a second receive neither asks again nor differs.
  auto again = t->receive_message(address("q"), receive(10, 0));
  REQUIRE(again->messages.size() == 1);
  CHECK(again->messages[0].body == "ab:SIGN:yz");
  CHECK(again->messages[0].md5_of_body == common::md5_hex("ab:SIGN:yz"));
  CHECK(part->calls == calls_after_first);
}

TEST_CASE("one deferred part serves every message that carries it") {
  TestEngine t;
  REQUIRE(t->create_queue(address("a"), {}, {}).ok());
  REQUIRE(t->create_queue(address("b"), {}, {}).ok());
  auto part = std::make_shared<CountingPart>(0);
  REQUIRE(t->send_message(address("a"), deferred("####-for-a", part)).ok());
  REQUIRE(t->send_message(address("b"), deferred("####-for-b", part)).ok());
  CHECK(t->receive_message(address("a"), receive())->messages.at(0).body == "SIGN-for-a");
  CHECK(t->receive_message(address("b"), receive())->messages.at(0).body == "SIGN-for-b");
}

TEST_CASE("a FIFO queue fills a deferred body in before it deduplicates on the content") {
  TestEngine t;
  REQUIRE(t->create_queue(address("f.fifo"), {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}}, {}).ok());
  auto part = std::make_shared<CountingPart>(0);
  SendMessageRequest request = fifo_message("####", "g");
  request.deferred_part = part;
  auto sent = t->send_message(address("f.fifo"), request);
  REQUIRE(sent.ok());
  CHECK(part->calls == 1);
  CHECK(sent->md5_of_message_body == common::md5_hex("SIGN"));
  // The same final text sent plainly is a duplicate of it.
  auto duplicate = t->send_message(address("f.fifo"), fifo_message("SIGN", "g"));
  CHECK(duplicate->message_id == sent->message_id);
}

TEST_CASE("a durable engine stores the filled-in body: a reopened engine delivers it") {
  TempDir dir;
  auto part = std::make_shared<CountingPart>(2);
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("q"), {}, {}).ok());
    auto sent = t->send_message(address("q"), deferred("x #### y", part));
    REQUIRE(sent.ok());
    CHECK(part->calls == 1);  // filled in before the send was stored
    CHECK(sent->md5_of_message_body == common::md5_hex("x SIGN y"));
    std::vector<SendMessageRequest> batch{deferred("b ####", part)};
    batch[0].id = "e1";
    REQUIRE(t->send_message_batch(address("q"), batch)->successful.size() == 1);
  }
  TestEngine t(dir.path);
  auto got = t->receive_message(address("q"), receive(10));
  REQUIRE(got->messages.size() == 2);
  CHECK(got->messages[0].body == "x SIGN y");
  CHECK(got->messages[1].body == "b SIGN");
}
