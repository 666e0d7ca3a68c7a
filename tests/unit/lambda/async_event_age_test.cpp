// MaximumEventAgeInSeconds where Lambda enforces it: an Event invocation that waited longer than
// that for concurrency (its function's reserved concurrency, or the control plane's dispatchers)
// is sent on with condition EventAgeExceeded without running; a throttled event is not an attempt
// and runs once concurrency frees. Time is a ManualClock's.

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "lambda_test_support.h"
#include "sluice/lambda/control_plane.h"

using namespace sluice;
using namespace sluice::lambda;

namespace {

constexpr const char* kOnFailure = "arn:aws:sqs:eu-west-1:123456789012:failures";
constexpr const char* kDeadLetters = "arn:aws:sqs:eu-west-1:123456789012:dlq";

struct Sent {
  std::string target;
  std::string body;
  std::string error;
};

struct AgeFixture {
  explicit AgeFixture(int dispatchers) {
    ControlPlaneOptions options;
    options.account_id = "123456789012";
    options.region = "eu-west-1";
    options.clock = clock;
    options.executor = &executor;
    options.async_dispatchers = dispatchers;
    options.dead_letters = [this](const std::string& target, const std::string& event, const std::string&,
                                  const std::string& error) {
      std::lock_guard lock(mu);
      sent.push_back({target, event, error});
      return true;
    };
    options.destinations = [this](const std::string& target, const std::string& record) {
      std::lock_guard lock(mu);
      sent.push_back({target, record, ""});
      return true;
    };
    plane = std::move(ControlPlane::open(options).value());
  }
  ~AgeFixture() { executor.release(); }

  void create(const std::string& name) {
    CreateFunctionInput input;
    input.function_name = name;
    input.runtime = "provided.al2023";
    input.handler = "handler";
    input.role = "arn:aws:iam::123456789012:role/r";
    input.dead_letter_target_arn = kDeadLetters;
    input.code.zip_file = lambda_test::make_zip({{"handler.so", "code"}});
    REQUIRE(plane->create_function(input));
    plane->wait_idle();
  }
  std::vector<Sent> sent_copy() {
    std::lock_guard lock(mu);
    return sent;
  }

  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>(1'700'000'000'000);
  lambda_test::ScriptedExecutor executor;
  std::mutex mu;
  std::vector<Sent> sent;
  std::unique_ptr<ControlPlane> plane;
};

// Generous: the machine running the suite may be loaded.
template <typename Done>
bool eventually(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

EventInvokeConfigInput maximum_age(int64_t seconds, const std::string& on_failure = "") {
  EventInvokeConfigInput input;
  input.maximum_event_age_s = seconds;
  if (!on_failure.empty()) {
    input.has_destination_config = true;
    input.on_failure = on_failure;
  }
  return input;
}

}  // namespace

TEST_CASE("an event that waits for its function's reserved concurrency past its maximum age is not run") {
  AgeFixture f(4);
  f.create("orders");
  REQUIRE(f.plane->put_function_concurrency("orders", 1));
  REQUIRE(f.plane->put_event_invoke_config("orders", "", maximum_age(60, kOnFailure)));

  REQUIRE(f.plane->invoke_async("orders", "", R"({"hold":1})"));  // takes the one concurrent execution
  REQUIRE(eventually([&] { return f.executor.invocation_count() == 1; }));
  REQUIRE(f.plane->invoke_async("orders", "", R"({"late":1})"));
  // Throttled: back in the queue 1 s later, then 2 s, 4 s, ... (not attempts): due at +1, +3,
  // +7, +15, +31 s, each time still younger than 60 s.
  const int64_t start = f.clock->now_ms();
  int64_t due = start + 1'000;
  for (int64_t delay = 2'000; delay <= 32'000; delay *= 2) {
    REQUIRE(eventually([&] { return f.clock->has_waiter(due); }));
    f.clock->advance_ms(due - f.clock->now_ms());
    due += delay;
  }
  CHECK(f.executor.invocation_count() == 1);
  CHECK(f.sent_copy().empty());
  // Due 63 s after it was queued: older than 60 s, its turn sends it on unrun.
  REQUIRE(due == start + 63'000);
  REQUIRE(eventually([&] { return f.clock->has_waiter(due); }));
  f.clock->advance_ms(due - f.clock->now_ms());
  REQUIRE(eventually([&] { return f.sent_copy().size() == 1; }));
  const Sent failure = f.sent_copy()[0];
  CHECK(failure.target == kOnFailure);
  const auto record = boost::json::parse(failure.body);
  CHECK(record.at("requestContext").at("condition") == "EventAgeExceeded");
  CHECK(record.at("requestContext").at("approximateInvokeCount") == 0);
  CHECK(record.at("requestPayload") == boost::json::parse(R"({"late":1})"));
  CHECK_FALSE(record.as_object().contains("responseContext"));
  CHECK(f.executor.invocation_count() == 1);
  f.executor.release();
  CHECK(eventually([&] { return f.plane->pending_async_invocations() == 0; }));
}

TEST_CASE("a throttled event runs once concurrency frees, without spending an attempt") {
  AgeFixture f(4);
  f.create("orders");
  REQUIRE(f.plane->put_function_concurrency("orders", 1));
  REQUIRE(f.plane->put_event_invoke_config("orders", "", maximum_age(60)));
  REQUIRE(f.plane->invoke_async("orders", "", R"({"hold":1})"));
  REQUIRE(eventually([&] { return f.executor.invocation_count() == 1; }));
  REQUIRE(f.plane->invoke_async("orders", "", R"({"next":1})"));
  const int64_t start = f.clock->now_ms();
  REQUIRE(eventually([&] { return f.clock->has_waiter(start + 1'000); }));
  f.executor.release();
  REQUIRE(eventually([&] { return f.plane->pending_async_invocations() == 1; }));
  f.clock->advance_s(1);
  REQUIRE(eventually([&] { return f.plane->pending_async_invocations() == 0; }));
  CHECK(f.executor.invocations_now() == std::vector<std::string>{R"({"hold":1})", R"({"next":1})"});
  CHECK(f.sent.empty());
}

TEST_CASE("an event that waits for a dispatcher past its maximum age goes to the dead-letter queue unrun") {
  AgeFixture f(1);  // one Event invocation of a function at a time
  f.create("orders");
  REQUIRE(f.plane->put_event_invoke_config("orders", "", maximum_age(60)));
  REQUIRE(f.plane->invoke_async("orders", "", R"({"hold":1})"));
  REQUIRE(eventually([&] { return f.executor.invocation_count() == 1; }));
  REQUIRE(f.plane->invoke_async("orders", "", R"({"waiting":1})"));
  f.clock->advance_s(61);
  f.executor.release();
  REQUIRE(eventually([&] { return f.sent_copy().size() == 1; }));
  const Sent dead = f.sent_copy()[0];
  CHECK(dead.target == kDeadLetters);
  CHECK(dead.body == R"({"waiting":1})");
  CHECK(f.executor.invocation_count() == 1);
  CHECK(eventually([&] { return f.plane->pending_async_invocations() == 0; }));
}
