// FIFO message groups after visibility changes, as AWS was recorded answering them: a group is
// served from its first message, in order, up to the first message still in flight. A message
// made visible again is the next one delivered for its group; extending visibility extends the
// lock the message holds on its group.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

namespace {

const QueueAddress kQueue = address("group.fifo");

// A FIFO queue holding foo, bar, baz in one group, all three received with a 10 s visibility.
std::vector<ReceivedMessage> three_in_flight(TestEngine& t) {
  REQUIRE(t->create_queue(kQueue, {{"FifoQueue", "true"}, {"VisibilityTimeout", "10"}}, {}).ok());
  for (const char* body : {"foo", "bar", "baz"}) REQUIRE(t->send_message(kQueue, fifo_message(body, "g", body)).ok());
  auto all = t->receive_message(kQueue, receive(10));
  REQUIRE(all.ok());
  REQUIRE(all->messages.size() == 3);
  return all->messages;
}

std::vector<std::string> bodies(const common::Outcome<ReceiveMessageResult>& received) {
  REQUIRE(received.ok());
  std::vector<std::string> out;
  for (const auto& m : received->messages) out.push_back(m.body);
  return out;
}

}  // namespace

TEST_CASE("FIFO group: messages made visible again are delivered first, up to the first one in flight") {
  TestEngine t;
  auto held = three_in_flight(t);
  SUBCASE("none made visible: the group stays locked") {
    CHECK(bodies(t->receive_message(kQueue, receive(10))).empty());
  }
  SUBCASE("the first made visible: only it") {
    REQUIRE(t->change_message_visibility(kQueue, held[0].receipt_handle, 0).ok());
    CHECK(bodies(t->receive_message(kQueue, receive(10))) == std::vector<std::string>{"foo"});
  }
  SUBCASE("the first two made visible (batch): both, in order") {
    auto changed = t->change_message_visibility_batch(
        kQueue, {{"a", held[0].receipt_handle, 0}, {"b", held[1].receipt_handle, 0}});
    REQUIRE(changed.ok());
    REQUIRE(changed->failed.empty());
    CHECK(bodies(t->receive_message(kQueue, receive(10))) == std::vector<std::string>{"foo", "bar"});
  }
  SUBCASE("only a later one made visible: the first still locks the group") {
    REQUIRE(t->change_message_visibility(kQueue, held[2].receipt_handle, 0).ok());
    CHECK(bodies(t->receive_message(kQueue, receive(10))).empty());
  }
}

TEST_CASE("FIFO group: extending visibility extends the group's lock") {
  TestEngine t;
  auto held = three_in_flight(t);
  SUBCASE("all extended: nothing once the original visibility is over") {
    for (const auto& m : held) REQUIRE(t->change_message_visibility(kQueue, m.receipt_handle, 60).ok());
    t.clock->advance_s(11);
    CHECK(bodies(t->receive_message(kQueue, receive(10))).empty());
  }
  SUBCASE("the second extended: the first comes back alone") {
    REQUIRE(t->change_message_visibility(kQueue, held[1].receipt_handle, 60).ok());
    t.clock->advance_s(11);
    CHECK(bodies(t->receive_message(kQueue, receive(10))) == std::vector<std::string>{"foo"});
  }
  SUBCASE("none extended: all come back in order") {
    t.clock->advance_s(11);
    CHECK(bodies(t->receive_message(kQueue, receive(10))) == std::vector<std::string>{"foo", "bar", "baz"});
  }
}

TEST_CASE("FIFO group: a receive with VisibilityTimeout 0 leaves the message first in its group") {
  TestEngine t;
  REQUIRE(t->create_queue(kQueue, {{"FifoQueue", "true"}}, {}).ok());
  for (const char* body : {"foo", "bar"}) REQUIRE(t->send_message(kQueue, fifo_message(body, "g", body)).ok());
  CHECK(bodies(t->receive_message(kQueue, receive(1, 0))) == std::vector<std::string>{"foo"});
  CHECK(bodies(t->receive_message(kQueue, receive(10))) == std::vector<std::string>{"foo", "bar"});
}
