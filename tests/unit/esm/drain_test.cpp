// Draining a mapping (sluice worker's graceful shutdown), the visibility heartbeat and the
// receive-state notices, against a real in-memory engine. Batching windows run on a ManualClock;
// the heartbeat case waits about three real seconds (a queue VisibilityTimeout of 2 s outlived).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "sluice/esm/event_source_mapping.h"
#include "sluice/sqs/queue_source.h"

using namespace sluice;
using namespace sluice::esm;
using namespace std::chrono;

namespace {

struct Queue {
  std::unique_ptr<sqs::Engine> engine;
  sqs::QueueAddress address{"123456789012", "us-east-1", "work"};

  explicit Queue(sqs::AttributeMap attributes = {}) {
    sqs::EngineOptions options;
    options.in_memory = true;
    std::string error;
    engine = sqs::Engine::open(options, &error);
    REQUIRE(engine);
    REQUIRE(engine->create_queue(address, attributes, {}).ok());
  }
  void send(const std::string& body) {
    sqs::SendMessageRequest request;
    request.body = body;
    REQUIRE(engine->send_message(address, request).ok());
  }
  int64_t count(const char* attribute) {
    auto attributes = engine->get_queue_attributes(address, {attribute});
    REQUIRE(attributes.ok());
    return std::stoll(attributes->at(attribute));
  }
  int64_t visible() { return count("ApproximateNumberOfMessages"); }
  int64_t hidden() { return count("ApproximateNumberOfMessagesNotVisible"); }
};

template <typename Pred>
bool eventually(Pred pred, milliseconds limit = milliseconds(5000)) {
  const auto end = steady_clock::now() + limit;
  while (steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return pred();
}

// A function that holds each invocation until released, and counts them.
class Gate final : public FunctionInvoker {
 public:
  functions::InvocationResult invoke(const functions::InvocationRequest& request) override {
    std::unique_lock lock(mu_);
    ++invocations_;
    messages_ += request.sqs_records.size();
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
    return {};
  }
  std::optional<int64_t> reserved_concurrency() const override { return std::nullopt; }
  int64_t timeout_ms() const override { return 1000; }
  std::string function_arn() const override { return "arn:aws:lambda:us-east-1:123456789012:function:gate"; }

  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int invocations() const {
    std::lock_guard lock(mu_);
    return invocations_;
  }
  size_t messages() const {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int invocations_ = 0;
  size_t messages_ = 0;
};

// The embedded queue, whose receives fail while `failing` is set.
class Flaky final : public sqs::QueueSource {
 public:
  Flaky(std::unique_ptr<sqs::QueueSource> inner, std::shared_ptr<std::atomic<bool>> failing)
      : inner_(std::move(inner)), failing_(std::move(failing)) {}
  const std::string& arn() const override { return inner_->arn(); }
  const std::string& region() const override { return inner_->region(); }
  common::Outcome<std::vector<sqs::ReceivedMessage>> receive(int max, int wait,
                                                             std::optional<int64_t> visibility) override {
    if (*failing_) return common::aws_error(common::AwsErrorCode::ServiceUnavailable, "the endpoint is down");
    return inner_->receive(max, std::min(wait, 1), visibility);
  }
  common::Outcome<sqs::BatchResult<sqs::BatchEntryOk>> delete_messages(
      const std::vector<sqs::DeleteMessageBatchEntry>& entries) override {
    return inner_->delete_messages(entries);
  }
  common::Outcome<sqs::BatchResult<sqs::BatchEntryOk>> change_visibility(
      const std::vector<sqs::ChangeVisibilityBatchEntry>& entries) override {
    return inner_->change_visibility(entries);
  }
  common::Outcome<sqs::AttributeMap> attributes(const std::vector<std::string>& names) override {
    return inner_->attributes(names);
  }
  void interrupt() override { inner_->interrupt(); }

 private:
  std::unique_ptr<sqs::QueueSource> inner_;
  std::shared_ptr<std::atomic<bool>> failing_;
};

std::unique_ptr<EventSourceMapping> make(const CreateMappingRequest& request, std::shared_ptr<FunctionInvoker> fn,
                                         EventSourceMapping::SourceFactory sources, RuntimeOptions options) {
  options.start_at_full_scale = true;
  auto mapping = EventSourceMapping::create(request, std::move(fn), std::move(sources), std::move(options));
  REQUIRE_MESSAGE(mapping.ok(), (mapping.ok() ? "" : mapping.error().message));
  return std::move(mapping.value());
}

}  // namespace

TEST_CASE("drain hands back at once what was received but never reached the function") {
  Queue queue(sqs::AttributeMap{{"VisibilityTimeout", "300"}});
  auto gate = std::make_shared<Gate>();
  gate->open();
  CreateMappingRequest request;
  request.batch_size = 10;
  request.maximum_batching_window_in_seconds = 300;
  auto clock = std::make_shared<common::ManualClock>();
  RuntimeOptions options;
  options.poller_threads = 1;
  options.clock = clock;  // never advanced: the window never closes
  auto mapping = make(
      request, gate, [&] { return sqs::make_embedded_queue_source(*queue.engine, queue.address); }, options);
  // Sent first, so that the poll that opens the batch finds all three.
  for (const char* body : {"a", "b", "c"}) queue.send(body);
  mapping->start();
  REQUIRE(eventually([&] { return queue.hidden() == 3; }));  // the poller holds them in its open batch
  mapping->drain();
  // Visible again at once (the hand-back runs on the pool as the batch's turn comes), not after
  // the queue's 300-second visibility timeout.
  CHECK(eventually([&] { return queue.visible() == 3; }, milliseconds(2000)));
  CHECK(queue.hidden() == 0);
  CHECK(gate->invocations() == 0);
  queue.send("late");  // nothing polls any more
  std::this_thread::sleep_for(milliseconds(200));
  CHECK(queue.visible() == 4);
  mapping->stop();
  CHECK(mapping->stats().messages_handed_back == 3);
  CHECK(mapping->stats().messages_invoked == 0);
}

TEST_CASE("drain lets the batch in the function finish and be settled") {
  Queue queue(sqs::AttributeMap{{"VisibilityTimeout", "300"}});
  auto gate = std::make_shared<Gate>();
  CreateMappingRequest request;
  request.batch_size = 1;
  RuntimeOptions options;
  options.poller_threads = 1;
  auto mapping = make(
      request, gate, [&] { return sqs::make_embedded_queue_source(*queue.engine, queue.address); }, options);
  mapping->start();
  queue.send("running");
  REQUIRE(eventually([&] { return gate->invocations() == 1; }));
  mapping->drain();  // returns while the batch is still in the function
  CHECK(queue.hidden() == 1);
  std::thread release([&] {
    std::this_thread::sleep_for(milliseconds(100));
    gate->open();
  });
  mapping->stop();  // waits for the batch
  release.join();
  CHECK(queue.visible() == 0);
  CHECK(queue.hidden() == 0);  // deleted after success
  CHECK(mapping->stats().messages_deleted == 1);
  CHECK(mapping->stats().messages_handed_back == 0);
}

TEST_CASE("the visibility heartbeat keeps a long batch's messages hidden past the queue's timeout") {
  Queue queue(sqs::AttributeMap{{"VisibilityTimeout", "2"}});
  auto gate = std::make_shared<Gate>();
  CreateMappingRequest request;
  request.batch_size = 1;
  RuntimeOptions options;
  options.poller_threads = 2;  // a second poller would take the message if it became visible
  options.visibility_heartbeat_ms = 500;
  auto mapping = make(
      request, gate, [&] { return sqs::make_embedded_queue_source(*queue.engine, queue.address); }, options);
  mapping->start();
  queue.send("long");
  REQUIRE(eventually([&] { return gate->invocations() == 1; }));
  std::this_thread::sleep_for(milliseconds(3000));  // past the 2-second visibility timeout
  CHECK(gate->invocations() == 1);
  CHECK(queue.hidden() == 1);
  CHECK(mapping->stats().visibility_extensions >= 2);
  gate->open();
  mapping->stop();
  CHECK(queue.hidden() == 0);
  CHECK(queue.visible() == 0);
}

TEST_CASE("without the heartbeat the same batch's message comes back after the visibility timeout") {
  Queue queue(sqs::AttributeMap{{"VisibilityTimeout", "1"}});
  auto gate = std::make_shared<Gate>();
  CreateMappingRequest request;
  request.batch_size = 1;
  RuntimeOptions options;
  options.poller_threads = 2;
  auto mapping = make(
      request, gate, [&] { return sqs::make_embedded_queue_source(*queue.engine, queue.address); }, options);
  mapping->start();
  queue.send("long");
  CHECK(eventually([&] { return gate->invocations() == 2; }, milliseconds(5000)));
  CHECK(mapping->stats().visibility_extensions == 0);
  gate->open();
  mapping->stop();
}

TEST_CASE("receive failures are told once per change, with the error code and the retry delay") {
  Queue queue;
  auto failing = std::make_shared<std::atomic<bool>>(true);
  std::mutex mu;
  std::vector<ReceiveStateChange> changes;
  CreateMappingRequest request;
  RuntimeOptions options;
  options.poller_threads = 1;
  options.on_receive_state = [&](const ReceiveStateChange& change) {
    std::lock_guard lock(mu);
    changes.push_back(change);
  };
  auto gate = std::make_shared<Gate>();
  gate->open();
  auto mapping = make(
      request, gate,
      [&]() -> std::unique_ptr<sqs::QueueSource> {
        return std::make_unique<Flaky>(sqs::make_embedded_queue_source(*queue.engine, queue.address), failing);
      },
      options);
  mapping->start();
  auto count = [&] {
    std::lock_guard lock(mu);
    return changes.size();
  };
  REQUIRE(eventually([&] { return count() == 1; }));
  std::this_thread::sleep_for(milliseconds(2200));  // two more failed receives, one second apart
  CHECK(count() == 1);
  *failing = false;
  REQUIRE(eventually([&] { return count() == 2; }));
  mapping->stop();
  std::lock_guard lock(mu);
  CHECK(changes[0].failing);
  CHECK(changes[0].error_code == "ServiceUnavailable");
  CHECK(changes[0].error_message == "the endpoint is down");
  CHECK(changes[0].retry_in_ms == 1000);
  CHECK_FALSE(changes[1].failing);
  CHECK(changes[1].error_code.empty());
}
