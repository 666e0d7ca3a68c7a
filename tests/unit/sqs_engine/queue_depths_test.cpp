// Engine::queue_depths: every queue of an account and region with its three counts in one call,
// agreeing with GetQueueAttributes, for queues in memory and for stored queues not yet loaded.

#include <doctest/doctest.h>

#include <vector>

#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

namespace {

SendMessageRequest delayed(const std::string& body, int64_t seconds) {
  SendMessageRequest r = message(body);
  r.delay_seconds = seconds;
  return r;
}

// Three messages visible, one in flight, one delayed in "busy"; nothing in "idle".
void fill(TestEngine& t) {
  REQUIRE(t->create_queue(address("busy"), {}, {}).ok());
  REQUIRE(t->create_queue(address("idle"), {}, {}).ok());
  REQUIRE(t->create_queue({"123456789012", "eu-west-1", "elsewhere"}, {}, {}).ok());
  REQUIRE(t->create_queue({"210987654321", "us-east-1", "foreign"}, {}, {}).ok());
  for (int i = 0; i < 4; ++i) REQUIRE(t->send_message(address("busy"), message("m" + std::to_string(i))).ok());
  REQUIRE(t->send_message(address("busy"), delayed("later", 600)).ok());
  REQUIRE(t->receive_message(address("busy"), receive(1, 300))->messages.size() == 1);
}

void check_depths(const std::vector<QueueDepths>& depths) {
  REQUIRE(depths.size() == 2);  // the account's queues in its region, and no other's
  CHECK(depths[0].name == "busy");
  CHECK(depths[0].visible == 3);
  CHECK(depths[0].in_flight == 1);
  CHECK(depths[0].delayed == 1);
  CHECK(depths[1].name == "idle");
  CHECK(depths[1].visible == 0);
  CHECK(depths[1].in_flight == 0);
  CHECK(depths[1].delayed == 0);
}

}  // namespace

TEST_CASE("queue_depths answers every queue of the account and region, sorted, with its counts") {
  TestEngine t;
  fill(t);
  check_depths(t->queue_depths("123456789012", "us-east-1"));
  CHECK(t->queue_depths("123456789012", "ap-south-1").empty());

  SUBCASE("time moves messages between the counts as GetQueueAttributes sees them") {
    t.clock->advance_s(601);  // the delay and the visibility timeout are over
    auto depths = t->queue_depths("123456789012", "us-east-1");
    REQUIRE(depths.size() == 2);
    CHECK(depths[0].visible == 5);
    CHECK(depths[0].in_flight == 0);
    CHECK(depths[0].delayed == 0);
    auto attributes = t->get_queue_attributes(address("busy"), {"ApproximateNumberOfMessages"});
    REQUIRE(attributes.ok());
    CHECK(attributes->at("ApproximateNumberOfMessages") == "5");
  }
  SUBCASE("a deleted queue is left out") {
    REQUIRE(t->delete_queue(address("idle")).ok());
    auto depths = t->queue_depths("123456789012", "us-east-1");
    REQUIRE(depths.size() == 1);
    CHECK(depths[0].name == "busy");
  }
}

TEST_CASE("queue_depths counts stored queues that are not loaded yet from their rows") {
  TempDir dir;
  {
    TestEngine t(dir.path);
    fill(t);
  }
  TestEngine t(dir.path);
  check_depths(t->queue_depths("123456789012", "us-east-1"));
}
