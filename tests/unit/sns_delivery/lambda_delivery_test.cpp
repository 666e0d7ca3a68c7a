// Lambda deliveries through a scripted invoker: the SNS event, retries on function errors after
// AWS's 1 and 2 minutes (passed by advancing the world's clock), the on-failure step, the
// subscription DLQ, unknown functions.

#include <doctest/doctest.h>

#include "support.h"

using namespace sluice;
using namespace sluice::sns;
using namespace sluice::sns::testing;

namespace {

struct ScriptedInvoker final : AsyncFunctionInvoker {
  std::mutex mu;
  std::deque<std::string> failures;                        // error types to answer, in order; then success
  std::vector<std::pair<std::string, std::string>> calls;  // function, event
  std::shared_ptr<const common::ManualClock> clock;        // the world's: each call's time is recorded on it
  std::vector<int64_t> times;
  bool take_failures = false;
  int on_failure_calls = 0;
  int on_failure_attempts = 0;
  std::string on_failure_error;

  bool invoke(std::string_view function_arn, std::string event_json, std::string* error_type,
              std::string* error_message) override {
    std::lock_guard lock(mu);
    calls.emplace_back(std::string(function_arn), std::move(event_json));
    times.push_back(clock ? clock->now_ms() : 0);
    if (failures.empty()) return true;
    *error_type = failures.front();
    *error_message = "scripted " + failures.front();
    failures.pop_front();
    return false;
  }
  bool on_failure(std::string_view, const std::string&, int attempts, const std::string& error_type,
                  const std::string&) override {
    std::lock_guard lock(mu);
    on_failure_calls++;
    on_failure_attempts = attempts;
    on_failure_error = error_type;
    return take_failures;
  }
  size_t count() {
    std::lock_guard lock(mu);
    return calls.size();
  }
};

const char* kFunction = "arn:aws:lambda:us-east-1:111111111111:function:worker";

}  // namespace

TEST_CASE("the function gets the SNS event; two function errors are retried after 1 and 2 minutes") {
  ScriptedInvoker inv;
  inv.failures = {"Unhandled", "Unhandled"};
  World w("", &inv);
  inv.clock = w.clock;
  auto t = w.topic("t");
  auto sub = w.subscribe(t, "lambda", kFunction);
  REQUIRE(sub.rfind(t + ":", 0) == 0);
  auto r = w.publish(t, "payload", std::string("subj"));
  REQUIRE(r.ok());
  REQUIRE(wait_for([&] { return inv.count() == 1; }));
  REQUIRE(w.advance_to_retry(60'000));
  REQUIRE(wait_for([&] { return inv.count() == 2; }));
  REQUIRE(w.advance_to_retry(120'000));
  REQUIRE(wait_for([&] { return w.lambda->stats().delivered == 1; }));
  REQUIRE(inv.count() == 3);
  CHECK(inv.times[1] - inv.times[0] == 60'000);
  CHECK(inv.times[2] - inv.times[1] == 120'000);
  CHECK(inv.calls[0].first == kFunction);
  CHECK(inv.calls[0].second == inv.calls[2].second);
  auto event = parse_object(inv.calls[0].second);
  auto record = event.at("Records").as_array().at(0).as_object();
  CHECK(field(record, "EventSource") == "aws:sns");
  CHECK(field(record, "EventSubscriptionArn") == sub);
  auto sns = record.at("Sns").as_object();
  CHECK(field(sns, "MessageId") == r->message_id);
  CHECK(field(sns, "Message") == "payload");
  CHECK(sns.contains("SigningCertUrl"));
  CHECK(inv.on_failure_calls == 0);
  CHECK(w.http->stats().accepted == 0);  // routed by protocol: nothing went to the HTTP sink
  // One notification delivered, however many attempts it took (AWS/SNS counts it once).
  CHECK(w.outcomes() == std::vector<std::pair<std::string, bool>>{{sub, true}});
}

TEST_CASE("after three failed attempts: the on-failure step, else the subscription DLQ") {
  ScriptedInvoker inv;
  World w("", &inv);
  auto t = w.topic("t");
  auto dlq = w.queue("dlq");
  const std::string sub =
      w.subscribe(t, "lambda", kFunction, {{"RedrivePolicy", R"({"deadLetterTargetArn":")" + dlq + "\"}"}});
  const std::vector<std::pair<std::string, bool>> failed_once{{sub, false}};

  SUBCASE("the invoker does not take it: DLQ") {
    inv.failures = {"Unhandled", "Unhandled", "Unhandled", "Unhandled"};
    auto r = w.publish(t, "doomed");
    REQUIRE(r.ok());
    REQUIRE(w.advance_to_retry(60'000));
    REQUIRE(w.advance_to_retry(120'000));
    REQUIRE(wait_for([&] { return w.lambda->stats().dead_lettered == 1; }));
    CHECK(inv.count() == 3);
    CHECK(inv.on_failure_calls == 1);
    CHECK(inv.on_failure_attempts == 3);
    CHECK(inv.on_failure_error == "Unhandled");
    CHECK(w.outcomes() == failed_once);
    auto msgs = w.receive("dlq");
    REQUIRE(msgs.size() == 1);
    CHECK(field(parse_object(msgs[0].body), "MessageId") == r->message_id);
  }
  SUBCASE("the function's on-failure destination takes it: nothing in the DLQ") {
    inv.failures = {"Unhandled", "Unhandled", "Unhandled"};
    inv.take_failures = true;
    REQUIRE(w.publish(t, "doomed").ok());
    REQUIRE(w.advance_to_retry(60'000));
    REQUIRE(w.advance_to_retry(120'000));
    REQUIRE(wait_for([&] { return w.lambda->stats().dead_lettered == 1; }));
    CHECK(inv.count() == 3);
    CHECK(w.receive("dlq").empty());
  }
  SUBCASE("an unknown function is a client-side error: no retries, dead-lettered") {
    inv.failures = {"ResourceNotFoundException", "ResourceNotFoundException"};
    REQUIRE(w.publish(t, "nobody home").ok());
    REQUIRE(wait_for([&] { return w.lambda->stats().dead_lettered == 1; }));
    CHECK(inv.count() == 1);
    CHECK(inv.on_failure_calls == 0);
    CHECK(w.receive("dlq").size() == 1);
    CHECK(w.outcomes() == failed_once);
  }
}

TEST_CASE("without a DLQ a finally failed event is dropped") {
  ScriptedInvoker inv;
  inv.failures = {"Unhandled", "Unhandled", "Unhandled"};
  World w("", &inv);
  auto t = w.topic("t");
  w.subscribe(t, "lambda", kFunction);
  REQUIRE(w.publish(t, "x").ok());
  REQUIRE(w.advance_to_retry(60'000));
  REQUIRE(w.advance_to_retry(120'000));
  REQUIRE(wait_for([&] { return w.lambda->stats().dropped == 1; }));
  CHECK(w.lambda->pending() == 0);
}

TEST_CASE("lambda deliveries are journalled and resumed after a restart") {
  TempDir dir;
  ScriptedInvoker inv;
  std::string t;
  {
    // The clock never moves: the event is still waiting for its retry when the service stops.
    inv.failures = {"Unhandled"};
    World w(dir.path, &inv);
    t = w.topic("t");
    w.subscribe(t, "lambda", kFunction);
    REQUIRE(w.publish(t, "resume me").ok());
    REQUIRE(wait_for([&] { return inv.count() == 1; }));
    CHECK(w.lambda->pending() == 1);
  }
  World w(dir.path, &inv);
  REQUIRE(wait_for([&] { return w.lambda->stats().delivered == 1; }));
  REQUIRE(inv.count() == 2);
  CHECK(inv.calls[1].second == inv.calls[0].second);
}
