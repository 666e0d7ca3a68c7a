// Mappings against a real in-memory engine and the sample plugins. Queues use short visibility
// timeouts (1 s) where a test needs redelivery, so every case stays within a few seconds.
// Batching windows run on a ManualClock: a test advances it through a 300-second window.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "sluice/esm/event_source_mapping.h"
#include "sluice/esm/mapping_directory.h"
#include "sluice/sqs/queue_source.h"

using namespace sluice;
using namespace sluice::esm;
using namespace std::chrono;

namespace {

struct Queues {
  std::unique_ptr<sqs::Engine> engine;
  Queues() {
    sqs::EngineOptions options;
    options.in_memory = true;
    std::string error;
    engine = sqs::Engine::open(options, &error);
    REQUIRE(engine);
  }
  sqs::QueueAddress create(const std::string& name, sqs::AttributeMap attrs = {}) {
    sqs::QueueAddress q{"123456789012", "us-east-1", name};
    REQUIRE(engine->create_queue(q, attrs, {}).ok());
    return q;
  }
  void send(const sqs::QueueAddress& q, const std::string& body, sqs::MessageAttributes attrs = {},
            std::optional<std::string> group = std::nullopt) {
    sqs::SendMessageRequest r;
    r.body = body;
    r.message_attributes = std::move(attrs);
    r.message_group_id = group;
    auto sent = engine->send_message(q, r);
    REQUIRE(sent.ok());
  }
  int64_t count(const sqs::QueueAddress& q, const char* attribute) {
    auto attrs = engine->get_queue_attributes(q, {attribute});
    REQUIRE(attrs.ok());
    return std::stoll(attrs->at(attribute));
  }
  int64_t visible(const sqs::QueueAddress& q) { return count(q, "ApproximateNumberOfMessages"); }
  int64_t hidden(const sqs::QueueAddress& q) { return count(q, "ApproximateNumberOfMessagesNotVisible"); }
  EventSourceMapping::SourceFactory sources(const sqs::QueueAddress& q) {
    return [this, q] { return sqs::make_embedded_queue_source(*engine, q); };
  }
};

template <typename Pred>
bool eventually(Pred pred, milliseconds limit = milliseconds(5000)) {
  auto end = steady_clock::now() + limit;
  while (steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return pred();
}

std::shared_ptr<FunctionInvoker> plugin(const char* path, uint32_t timeout_ms = 1000,
                                        functions::IsolationMode mode = functions::IsolationMode::InProcess,
                                        std::optional<int64_t> reserved = std::nullopt) {
  functions::FunctionConfig config;
  config.name = "fn";
  config.timeout_ms = timeout_ms;
  functions::PluginHostOptions options;
  options.mode = mode;
  auto host = functions::PluginHost::open(path, config, options);
  REQUIRE_MESSAGE(host.ok(), (host.ok() ? "" : host.error()));
  return make_plugin_invoker(std::shared_ptr<functions::PluginHost>(std::move(host.value())), reserved);
}

// Wraps a function and records what each invocation received, how many ran at once, and what
// the function answered. An optional delay before the call makes invocations overlap.
class Recorder final : public FunctionInvoker {
 public:
  explicit Recorder(std::shared_ptr<FunctionInvoker> inner, milliseconds delay = milliseconds(0))
      : inner_(std::move(inner)), delay_(delay) {}

  functions::InvocationResult invoke(const functions::InvocationRequest& request) override {
    int now = ++running_;
    int seen = max_running_.load();
    while (now > seen && !max_running_.compare_exchange_weak(seen, now)) {
    }
    std::vector<std::string> bodies;
    for (const auto& r : request.sqs_records) bodies.emplace_back(r.body.data, r.body.size);
    {
      std::lock_guard lock(mu_);
      batches_.push_back(bodies);
      started_.push_back(steady_clock::now());
    }
    if (delay_.count()) std::this_thread::sleep_for(delay_);  // the function's own run time
    auto result = inner_->invoke(request);
    --running_;
    std::lock_guard lock(mu_);
    results_.push_back(result);
    return result;
  }
  std::optional<int64_t> reserved_concurrency() const override { return inner_->reserved_concurrency(); }
  int64_t timeout_ms() const override { return inner_->timeout_ms(); }
  std::string function_arn() const override { return inner_->function_arn(); }

  std::vector<std::vector<std::string>> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  std::vector<functions::InvocationResult> results() const {
    std::lock_guard lock(mu_);
    return results_;
  }
  std::vector<steady_clock::time_point> started() const {
    std::lock_guard lock(mu_);
    return started_;
  }
  size_t invocations() const {
    std::lock_guard lock(mu_);
    return batches_.size();
  }
  int max_running() const { return max_running_; }

 private:
  std::shared_ptr<FunctionInvoker> inner_;
  milliseconds delay_;
  std::atomic<int> running_{0}, max_running_{0};
  mutable std::mutex mu_;
  std::vector<std::vector<std::string>> batches_;
  std::vector<steady_clock::time_point> started_;
  std::vector<functions::InvocationResult> results_;
};

// A queue source that tells the test when a long poll is under way: a poller inside receive()
// with a wait time has already worked out its batch's window from the clock.
class LongPollSignal {
 public:
  void entered() {
    std::lock_guard lock(mu_);
    ++polls_;
    cv_.notify_all();
  }
  bool wait_for_poll() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, seconds(30), [&] { return polls_ > 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int polls_ = 0;
};

class SignallingSource final : public sqs::QueueSource {
 public:
  SignallingSource(std::unique_ptr<sqs::QueueSource> inner, std::shared_ptr<LongPollSignal> signal)
      : inner_(std::move(inner)), signal_(std::move(signal)) {}
  const std::string& arn() const override { return inner_->arn(); }
  const std::string& region() const override { return inner_->region(); }
  common::Outcome<std::vector<sqs::ReceivedMessage>> receive(int max_messages, int wait_time_seconds,
                                                             std::optional<int64_t> visibility_timeout) override {
    if (wait_time_seconds > 0) signal_->entered();
    return inner_->receive(max_messages, wait_time_seconds, visibility_timeout);
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
  std::shared_ptr<LongPollSignal> signal_;
};

// A function that answers every invocation with the same payload (for response parsing cases).
class Scripted final : public FunctionInvoker {
 public:
  explicit Scripted(std::string payload) : payload_(std::move(payload)) {}
  functions::InvocationResult invoke(const functions::InvocationRequest&) override {
    ++calls;
    functions::InvocationResult r;
    r.payload = payload_;
    return r;
  }
  std::optional<int64_t> reserved_concurrency() const override { return std::nullopt; }
  int64_t timeout_ms() const override { return 1000; }
  std::string function_arn() const override { return "arn:aws:lambda:us-east-1:123456789012:function:scripted"; }
  std::atomic<int> calls{0};

 private:
  std::string payload_;
};

RuntimeOptions fast() {
  RuntimeOptions o;
  o.start_at_full_scale = true;
  return o;
}

std::unique_ptr<EventSourceMapping> make(const CreateMappingRequest& request, std::shared_ptr<FunctionInvoker> fn,
                                         EventSourceMapping::SourceFactory sources, RuntimeOptions options = fast()) {
  auto m = EventSourceMapping::create(request, std::move(fn), std::move(sources), options);
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
  return std::move(m.value());
}

}  // namespace

TEST_CASE("success deletes the batch, and the function gets Lambda's SQS event") {
  Queues qs;
  auto q = qs.create("orders");
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO));
  auto m = make({}, rec, qs.sources(q));
  CHECK(m->configuration().state == "Creating");
  qs.send(q, R"({"foo":"bar"})", {{"Author", {"String", "John Grisham", ""}}, {"WeeksOn", {"Number", "6", ""}}});
  qs.send(q, "plain");
  m->start();
  CHECK(m->configuration().state == "Enabled");
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 2; }));
  CHECK(qs.visible(q) + qs.hidden(q) == 0);
  CHECK(m->configuration().last_processing_result == "OK");

  // The echo plugin answers with the event it got.
  std::map<std::string, boost::json::object> by_body;
  for (const auto& r : rec->results()) {
    REQUIRE(r.ok());
    boost::json::value event = boost::json::parse(r.payload);
    for (const auto& record : event.at("Records").as_array())
      by_body[std::string(record.at("body").as_string())] = record.as_object();
  }
  REQUIRE(by_body.size() == 2);
  const auto& with = by_body.at(R"({"foo":"bar"})");
  std::vector<std::string> keys;
  for (const auto& kv : with) keys.emplace_back(kv.key());
  CHECK(keys == std::vector<std::string>{"messageId", "receiptHandle", "body", "attributes", "messageAttributes",
                                         "md5OfMessageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                                         "awsRegion"});
  CHECK(with.at("eventSource").as_string() == "aws:sqs");
  CHECK(with.at("eventSourceARN").as_string() == "arn:aws:sqs:us-east-1:123456789012:orders");
  CHECK(with.at("awsRegion").as_string() == "us-east-1");
  CHECK(with.at("attributes").at("ApproximateReceiveCount").as_string() == "1");
  CHECK(with.at("attributes").as_object().contains("SentTimestamp"));
  CHECK(with.at("attributes").as_object().contains("ApproximateFirstReceiveTimestamp"));
  CHECK(boost::json::serialize(with.at("messageAttributes").at("WeeksOn")) ==
        R"({"stringValue":"6","stringListValues":[],"binaryListValues":[],"dataType":"Number"})");
  CHECK(with.at("md5OfMessageAttributes").is_string());
  const auto& plain = by_body.at("plain");
  CHECK(plain.at("messageAttributes").as_object().empty());
  CHECK(plain.at("md5OfMessageAttributes").is_null());
}

TEST_CASE("batch size is never exceeded and window 0 sends what one poll returns") {
  Queues qs;
  auto q = qs.create("work");
  for (int i = 0; i < 25; ++i) qs.send(q, "m" + std::to_string(i));
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO));
  CreateMappingRequest r;
  r.batch_size = 4;
  auto m = make(r, rec, qs.sources(q));
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 25; }));
  size_t total = 0;
  for (const auto& b : rec->batches()) {
    CHECK(b.size() <= 4);
    CHECK_FALSE(b.empty());
    total += b.size();
  }
  CHECK(total == 25);
}

TEST_CASE("with a backlog, batches fill up to BatchSize without waiting for the window") {
  Queues qs;
  auto q = qs.create("work");
  for (int i = 0; i < 300; ++i) qs.send(q, "m" + std::to_string(i));
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO));
  CreateMappingRequest r;
  r.batch_size = 100;
  r.maximum_batching_window_in_seconds = 300;
  RuntimeOptions options = fast();
  options.poller_threads = 1;
  options.clock = std::make_shared<common::ManualClock>();  // never advanced: no window may close
  auto m = make(r, rec, qs.sources(q), options);
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 300; }));
  // One poller: every batch gathered a full BatchSize from the backlog.
  auto batches = rec->batches();
  REQUIRE(batches.size() == 3);
  for (const auto& b : batches) CHECK(b.size() == 100);
}

TEST_CASE("a 300-second batching window gathers later messages and closes when the clock reaches its end") {
  Queues qs;
  auto q = qs.create("work");
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO));
  CreateMappingRequest r;
  r.batch_size = 100;
  r.maximum_batching_window_in_seconds = 300;
  auto clock = std::make_shared<common::ManualClock>();
  RuntimeOptions options = fast();
  options.poller_threads = 1;
  options.clock = clock;
  auto m = make(r, rec, qs.sources(q), options);
  const int64_t window_end = clock->now_ms() + 300'000;  // the window runs from the poll that brings "a"
  m->start();
  qs.send(q, "a");
  // The poller holds "a" and waits on the clock for the end of the window.
  REQUIRE(eventually([&] { return clock->has_waiter(window_end); }));
  qs.send(q, "b");
  qs.send(q, "c");
  clock->advance_s(299);
  REQUIRE(eventually([&] { return clock->has_waiter(window_end); }));  // woke, took b and c, waits again
  CHECK(rec->invocations() == 0);
  CHECK(qs.hidden(q) == 3);
  clock->advance_s(1);
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 3; }));
  REQUIRE(rec->invocations() == 1);
  CHECK(rec->batches().front() == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("a batch closes at the payload limit") {
  Queues qs;
  auto q = qs.create("work");
  for (int i = 0; i < 6; ++i) qs.send(q, std::string(1000, static_cast<char>('a' + i)));
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO));
  CreateMappingRequest r;
  r.batch_size = 10;
  RuntimeOptions options = fast();
  options.max_batch_payload_bytes = 3500;  // room for two 1,000-byte messages with their metadata
  options.poller_threads = 1;
  auto m = make(r, rec, qs.sources(q), options);
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 6; }));
  for (const auto& b : rec->batches()) CHECK(b.size() <= 2);
  CHECK(rec->batches().size() >= 3);
}

TEST_CASE("order 1002 fails until the redrive policy moves it to the DLQ; 1001 and 1003 are processed") {
  Queues qs;
  auto dlq = qs.create("orders-dlq");
  auto q = qs.create(
      "orders", {{"VisibilityTimeout", "1"},
                 {"RedrivePolicy",
                  R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq","maxReceiveCount":"3"})"}});
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_FAIL_ORDER));
  CreateMappingRequest r;
  r.function_response_types = {"ReportBatchItemFailures"};
  auto m = make(r, rec, qs.sources(q));
  for (int id : {1001, 1002, 1003}) qs.send(q, R"({"order_id":)" + std::to_string(id) + "}");
  m->start();
  REQUIRE(eventually([&] { return qs.visible(dlq) == 1; }, milliseconds(8000)));
  CHECK(qs.visible(q) + qs.hidden(q) == 0);
  auto got = qs.engine->receive_message(dlq, sqs::ReceiveMessageRequest{});
  REQUIRE(got.ok());
  REQUIRE(got->messages.size() == 1);
  CHECK(got->messages[0].body == R"({"order_id":1002})");
  auto s = m->stats();
  CHECK(s.messages_deleted == 2);
  CHECK(s.messages_returned == 3);  // 1002, three receives
  size_t seen_1002 = 0;
  for (const auto& b : rec->batches())
    for (const auto& body : b) seen_1002 += body == R"({"order_id":1002})";
  CHECK(seen_1002 == 3);
}

TEST_CASE("without ReportBatchItemFailures a partial response is ignored and the batch is deleted") {
  Queues qs;
  auto q = qs.create("orders");
  auto m = make({}, plugin(SLUICE_PLUGIN_FAIL_ORDER), qs.sources(q));
  qs.send(q, R"({"order_id":1002})");
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 1; }));
  CHECK(qs.visible(q) + qs.hidden(q) == 0);
}

TEST_CASE("partial batch: only the failed items stay on the queue") {
  Queues qs;
  auto q = qs.create("work");  // visibility 30 s: the failed one stays hidden for the test
  CreateMappingRequest r;
  r.function_response_types = {"ReportBatchItemFailures"};
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_PARTIAL_BATCH));
  RuntimeOptions options = fast();
  options.poller_threads = 1;
  for (int i = 0; i < 5; ++i)
    qs.send(q, "m" + std::to_string(i),
            i == 2 ? sqs::MessageAttributes{{"fail", {"String", "true", ""}}} : sqs::MessageAttributes{});
  auto m = make(r, rec, qs.sources(q), options);
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 4; }));
  CHECK(m->stats().messages_returned == 1);
  CHECK(qs.hidden(q) == 1);
  CHECK(qs.visible(q) == 0);
}

TEST_CASE("invalid partial responses fail the whole batch; empty ones succeed") {
  struct Case {
    const char* payload;
    bool whole_batch_fails;
  };
  for (Case c : {Case{"{oops", true}, Case{R"({"batchItemFailures":[{"itemIdentifier":""}]})", true},
                 Case{R"({"batchItemFailures":[{"itemIdentifier":null}]})", true},
                 Case{R"({"batchItemFailures":[{"foo":"notvalid"}]})", true},
                 Case{R"({"batchItemFailures":[{"itemIdentifier":"not-in-batch"}]})", true}, Case{"null", false},
                 Case{"{}", false}, Case{R"({"batchItemFailures":[]})", false}}) {
    CAPTURE(c.payload);
    Queues qs;
    auto q = qs.create("work");
    qs.send(q, "a");
    qs.send(q, "b");
    CreateMappingRequest r;
    r.function_response_types = {"ReportBatchItemFailures"};
    auto fn = std::make_shared<Scripted>(c.payload);
    auto m = make(r, fn, qs.sources(q));
    m->start();
    REQUIRE(eventually([&] { return m->stats().messages_deleted + m->stats().messages_returned == 2; }));
    m->stop();
    if (c.whole_batch_fails) {
      CHECK(m->stats().messages_deleted == 0);
      CHECK(qs.hidden(q) == 2);
      CHECK(m->configuration().last_processing_result == "PROBLEM: Function call failed");
    } else {
      CHECK(m->stats().messages_deleted == 2);
      CHECK(qs.hidden(q) + qs.visible(q) == 0);
    }
  }
}

TEST_CASE("filter criteria: non-matching messages are deleted without invoking") {
  Queues qs;
  auto q = qs.create("work");
  CreateMappingRequest r;
  r.filter_criteria = FilterCriteria{{Filter{R"({"body":{"kind":["keep"]}})"}}};
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO));
  auto m = make(r, rec, qs.sources(q));
  qs.send(q, R"({"kind":"keep","n":1})");
  qs.send(q, R"({"kind":"drop"})");
  qs.send(q, "kind=keep");  // plain text against a JSON pattern: dropped
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 1 && m->stats().messages_filtered_out == 2; }));
  CHECK(eventually([&] { return qs.visible(q) + qs.hidden(q) == 0; }));
  auto batches = rec->batches();
  REQUIRE(batches.size() == 1);
  CHECK(batches[0] == std::vector<std::string>{R"({"kind":"keep","n":1})"});
}

TEST_CASE("filter criteria: a message matching no filter is deleted even when no matching one ever comes") {
  Queues qs;
  auto q = qs.create("work");
  CreateMappingRequest r;
  r.batch_size = 100;
  r.maximum_batching_window_in_seconds = 300;  // a long window that no batch will ever open
  r.filter_criteria = FilterCriteria{{Filter{R"({"body":{"kind":["keep"]}})"}}};
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO));
  RuntimeOptions options = fast();
  options.clock = std::make_shared<common::ManualClock>();  // never advanced
  auto m = make(r, rec, qs.sources(q), options);
  m->start();
  qs.send(q, R"({"kind":"drop"})");
  REQUIRE(eventually([&] { return m->stats().messages_filtered_out == 1; }));
  CHECK(eventually([&] { return qs.visible(q) + qs.hidden(q) == 0; }));
  CHECK(rec->invocations() == 0);
}

TEST_CASE("the batching window is counted from the batch's first record, not from the poll that waited") {
  Queues qs;
  auto q = qs.create("work");
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO));
  CreateMappingRequest r;
  r.batch_size = 100;
  r.maximum_batching_window_in_seconds = 300;
  auto clock = std::make_shared<common::ManualClock>();
  RuntimeOptions options = fast();
  options.poller_threads = 1;
  options.clock = clock;
  auto long_poll = std::make_shared<LongPollSignal>();
  auto sources = [&qs, q, long_poll] { return std::make_unique<SignallingSource>(qs.sources(q)(), long_poll); };
  auto m = make(r, rec, sources, options);
  m->start();
  REQUIRE(long_poll->wait_for_poll());  // the poller is in its (real) long poll
  clock->advance_s(200);                // the queue stays idle for 200 s
  const int64_t window_end = clock->now_ms() + 300'000;
  qs.send(q, "a");
  // The window starts with "a": it ends 300 s from now, not 100 s from now.
  REQUIRE(eventually([&] { return clock->has_waiter(window_end); }));
  clock->advance_s(299);
  REQUIRE(eventually([&] { return clock->has_waiter(window_end); }));
  CHECK(rec->invocations() == 0);
  clock->advance_s(1);
  REQUIRE(eventually([&] { return rec->invocations() == 1; }));
  CHECK(rec->batches().front() == std::vector<std::string>{"a"});
}

TEST_CASE("observed concurrency stays within MaximumConcurrency and reaches it under backlog") {
  Queues qs;
  auto q = qs.create("work");
  for (int i = 0; i < 40; ++i) qs.send(q, "m" + std::to_string(i));
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO), milliseconds(60));
  CreateMappingRequest r;
  r.batch_size = 1;
  r.scaling_config = ScalingConfig{3};
  RuntimeOptions options;  // starts at min(5, 3)
  auto m = make(r, rec, qs.sources(q), options);
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 40; }));
  CHECK(rec->max_running() == 3);
  CHECK(m->stats().max_in_flight == 3);
}

TEST_CASE("scaling starts low and grows while the backlog lasts, never past the reserved concurrency") {
  Queues qs;
  auto q = qs.create("work");
  for (int i = 0; i < 60; ++i) qs.send(q, "m" + std::to_string(i));
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO, 1000, functions::IsolationMode::InProcess, 4),
                                        milliseconds(50));
  CreateMappingRequest r;
  r.batch_size = 1;
  RuntimeOptions options;
  options.initial_concurrency = 1;
  options.scale_up_interval_ms = 50;
  auto m = make(r, rec, qs.sources(q), options);
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 60; }));
  CHECK(rec->max_running() == 4);
  // The first invocations ran one at a time: the second started after the first one's delay.
  auto started = rec->started();
  REQUIRE(started.size() >= 2);
  CHECK(started[1] - started[0] >= milliseconds(40));
}

TEST_CASE("FIFO: per-group order holds under concurrency; a failure keeps the rest of its group") {
  Queues qs;
  auto q = qs.create("work.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}});
  for (int i = 0; i < 12; ++i)
    for (const char* g : {"g1", "g2", "g3"}) qs.send(q, std::string(g) + "-" + std::to_string(100 + i), {}, g);
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_ECHO), milliseconds(20));
  CreateMappingRequest r;
  r.batch_size = 2;
  r.scaling_config = ScalingConfig{5};
  auto m = make(r, rec, qs.sources(q));
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 36; }));
  std::map<std::string, std::vector<std::string>> order;
  for (const auto& b : rec->batches())
    for (const auto& body : b) order[body.substr(0, 2)].push_back(body);
  for (const auto& group_bodies : order) {
    // Named members, not a structured binding: clang 14 refuses CAPTURE's lambda capture of one.
    const std::string& group = group_bodies.first;
    const std::vector<std::string>& bodies = group_bodies.second;
    CAPTURE(group);
    CHECK(bodies.size() == 12);
    CHECK(std::is_sorted(bodies.begin(), bodies.end()));
  }
  CHECK(rec->max_running() >= 2);

  // Failure: the partial_batch plugin fails "x-2"; "x-3" of the same group must stay too.
  Queues qs2;
  auto f = qs2.create("fail.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}});
  qs2.send(f, "x-1", {}, "x");
  qs2.send(f, "x-2", {{"fail", {"String", "true", ""}}}, "x");
  qs2.send(f, "x-3", {}, "x");
  CreateMappingRequest pr;
  pr.function_response_types = {"ReportBatchItemFailures"};
  RuntimeOptions one = fast();
  one.poller_threads = 1;
  auto m2 = make(pr, plugin(SLUICE_PLUGIN_PARTIAL_BATCH), qs2.sources(f), one);
  m2->start();
  REQUIRE(eventually([&] { return m2->stats().messages_deleted + m2->stats().messages_returned == 3; }));
  CHECK(m2->stats().messages_deleted == 1);
  CHECK(m2->stats().messages_returned == 2);
  CHECK(qs2.hidden(f) == 2);
}

TEST_CASE("disabling stops polling at once; enabling resumes") {
  Queues qs;
  auto q = qs.create("work");
  auto m = make({}, plugin(SLUICE_PLUGIN_ECHO), qs.sources(q));
  m->start();
  qs.send(q, "one");
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 1; }));
  UpdateMappingRequest off;
  off.enabled = false;
  auto t0 = steady_clock::now();
  CHECK_FALSE(m->update(off));
  CHECK(steady_clock::now() - t0 < milliseconds(1000));  // the 20 s long polls were interrupted
  CHECK(m->configuration().state == "Disabled");
  qs.send(q, "two");
  // Nothing may take it. Not waiting for time to pass on a clock: a poller that outlived the
  // disable would be parked in a long poll and take the message within this real interval.
  CHECK_FALSE(eventually([&] { return qs.visible(q) != 1; }, milliseconds(300)));
  CHECK(qs.visible(q) == 1);
  CHECK(m->stats().messages_deleted == 1);
  UpdateMappingRequest on;
  on.enabled = true;
  CHECK_FALSE(m->update(on));
  CHECK(m->configuration().state == "Enabled");
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 2; }));
  UpdateMappingRequest bad;
  bad.batch_size = 50;
  auto e = m->update(bad);
  REQUIRE(e);
  CHECK(e->message ==
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
  m->stop();
  CHECK(m->configuration().state == "Disabled");
}

TEST_CASE("create refuses with AWS's texts") {
  Queues qs;
  auto q = qs.create("short", {{"VisibilityTimeout", "30"}});
  auto e = EventSourceMapping::create({}, plugin(SLUICE_PLUGIN_ECHO, 60'000), qs.sources(q));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().info().json_type == "InvalidParameterValueException");
  CHECK(e.error().message == "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds");

  sqs::QueueAddress missing{"123456789012", "us-east-1", "nope"};
  auto n = EventSourceMapping::create({}, plugin(SLUICE_PLUGIN_ECHO), qs.sources(missing));
  REQUIRE_FALSE(n.ok());
  CHECK(n.error().message ==
        "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error "
        "Message: "
        "The specified queue does not exist.");

  CreateMappingRequest f;
  f.filter_criteria = FilterCriteria{{Filter{"simple string"}}};
  auto fe = EventSourceMapping::create(f, plugin(SLUICE_PLUGIN_ECHO), qs.sources(q));
  REQUIRE_FALSE(fe.ok());
  CHECK(fe.error().message == "Invalid filter pattern definition.");
}

TEST_CASE("a handler past its timeout fails the batch and the message is retried") {
  Queues qs;
  auto q = qs.create("work", {{"VisibilityTimeout", "1"}});
  auto rec = std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_HANG, 1000, functions::IsolationMode::Isolated));
  auto m = make({}, rec, qs.sources(q));
  qs.send(q, "please hang");
  m->start();
  REQUIRE(eventually([&] { return rec->results().size() >= 2; }, milliseconds(8000)));
  for (const auto& r : rec->results()) {
    CHECK(r.status == functions::InvocationResult::Status::Timeout);
    CHECK(r.error_type == "Sandbox.Timedout");
  }
  m->stop();
  CHECK(m->stats().messages_deleted == 0);
  CHECK(qs.visible(q) + qs.hidden(q) == 1);
}

namespace {

// Fails its first invocation, then succeeds.
class FailsOnce final : public FunctionInvoker {
 public:
  functions::InvocationResult invoke(const functions::InvocationRequest&) override {
    functions::InvocationResult r;
    if (calls++ == 0) {
      r.status = functions::InvocationResult::Status::FunctionError;
      r.error_type = "Error";
      r.error_message = "first call";
    }
    return r;
  }
  std::optional<int64_t> reserved_concurrency() const override { return std::nullopt; }
  int64_t timeout_ms() const override { return 1000; }
  std::string function_arn() const override { return "arn:aws:lambda:us-east-1:123456789012:function:flaky"; }
  std::atomic<int> calls{0};
};

}  // namespace

TEST_CASE("on_processing_result hears each change of LastProcessingResult, not each batch") {
  Queues qs;
  auto q = qs.create("changes", {{"VisibilityTimeout", "1"}});
  std::mutex mu;
  std::vector<ProcessingResultChange> heard;
  RuntimeOptions options = fast();
  options.on_processing_result = [&](const ProcessingResultChange& change) {
    std::lock_guard lock(mu);
    heard.push_back(change);
  };
  auto fn = std::make_shared<FailsOnce>();
  CreateMappingRequest request;
  request.batch_size = 1;
  auto m = make(request, fn, qs.sources(q), options);
  qs.send(q, "first");
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 1; }, milliseconds(8000)));
  qs.send(q, "second");
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 2; }, milliseconds(8000)));
  m->stop();
  std::lock_guard lock(mu);
  REQUIRE(heard.size() == 2);  // failed, then OK once for two successful batches
  CHECK(heard[0].last_processing_result == "PROBLEM: Function call failed");
  CHECK(heard[1].last_processing_result == "OK");
  CHECK(heard[1].uuid == m->configuration().uuid);
  CHECK(heard[1].event_source_arn == "arn:aws:sqs:us-east-1:123456789012:changes");
  CHECK(heard[1].function_arn == "arn:aws:lambda:us-east-1:123456789012:function:flaky");
  CHECK(fn->calls == 3);
}

TEST_CASE("the mapping directory lists live mappings with state and LastProcessingResult, and forgets gone ones") {
  Queues qs;
  auto q = qs.create("listed", {{"VisibilityTimeout", "1"}});
  auto other = qs.create("other");
  auto fn = std::make_shared<FailsOnce>();
  CreateMappingRequest request;
  request.batch_size = 1;
  std::shared_ptr<EventSourceMapping> failing = make(request, fn, qs.sources(q), fast());
  std::shared_ptr<EventSourceMapping> idle = make(request, fn, qs.sources(other), fast());
  MappingDirectory directory;
  directory.add(failing);
  directory.add(idle);
  failing->start();

  auto listed = directory.snapshot();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].uuid == failing->configuration().uuid);
  CHECK(listed[0].state == "Enabled");
  CHECK(listed[1].state == "Creating");  // never started
  CHECK(listed[1].last_processing_result == "No records processed");

  qs.send(q, "first");  // fails once, then succeeds on the retry
  REQUIRE(eventually([&] { return failing->stats().messages_deleted == 1; }, milliseconds(8000)));
  failing->stop();

  auto json = boost::json::parse(health_json(directory.snapshot())).as_array();
  REQUIRE(json.size() == 2);
  const auto& first = json[0].as_object();
  CHECK(first.at("UUID").as_string() == failing->configuration().uuid);
  CHECK(first.at("FunctionArn").as_string() == "arn:aws:lambda:us-east-1:123456789012:function:flaky");
  CHECK(first.at("EventSourceArn").as_string() == "arn:aws:sqs:us-east-1:123456789012:listed");
  CHECK(first.at("State").as_string() == "Disabled");
  CHECK(first.at("LastProcessingResult").as_string() == "OK");
  CHECK(first.size() == 5);

  failing.reset();  // destroyed: off the list
  auto remaining = directory.snapshot();
  REQUIRE(remaining.size() == 1);
  CHECK(remaining[0].event_source_arn == "arn:aws:sqs:us-east-1:123456789012:other");
}

TEST_CASE("with MetricsConfig EventCount the mapping tells its polled, filtered, invoked, failed and deleted events") {
  Queues qs;
  auto q = qs.create("counted");  // visibility 30 s: the failed message stays hidden for the test
  std::mutex mu;
  EventCounts total;
  int64_t polls = 0;
  std::set<std::string> uuids;
  RuntimeOptions options = fast();
  options.poller_threads = 1;
  options.on_event_counts = [&](const std::string& uuid, const EventCounts& counts) {
    std::lock_guard lock(mu);
    uuids.insert(uuid);
    if (counts.polled) {
      ++polls;
      total.polled = total.polled.value_or(0) + *counts.polled;
    }
    total.filtered_out += counts.filtered_out;
    total.invoked += counts.invoked;
    total.failed_invoke += counts.failed_invoke;
    total.deleted += counts.deleted;
  };
  CreateMappingRequest r;
  r.uuid = "11111111-2222-3333-4444-555555555555";
  r.function_response_types = {"ReportBatchItemFailures"};
  r.filter_criteria = FilterCriteria{{Filter{R"({"body":{"kind":["keep"]}})"}}};
  r.metrics_config = MetricsConfig{{"EventCount"}};
  for (int i = 0; i < 4; ++i)
    qs.send(q, R"({"kind":"keep","n":)" + std::to_string(i) + "}",
            i == 2 ? sqs::MessageAttributes{{"fail", {"String", "true", ""}}} : sqs::MessageAttributes{});
  qs.send(q, R"({"kind":"drop"})");
  auto m = make(r, std::make_shared<Recorder>(plugin(SLUICE_PLUGIN_PARTIAL_BATCH)), qs.sources(q), options);
  CHECK(m->configuration().counts_events());
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 3 && m->stats().messages_filtered_out == 1; }));
  m->stop();
  std::lock_guard lock(mu);
  CHECK(uuids == std::set<std::string>{"11111111-2222-3333-4444-555555555555"});
  CHECK(total.polled == 5);
  CHECK(polls >= 1);
  CHECK(total.filtered_out == 1);
  CHECK(total.invoked == 4);
  CHECK(total.failed_invoke == 1);
  CHECK(total.deleted == 3);
}

TEST_CASE("without MetricsConfig EventCount the mapping tells no event counts") {
  Queues qs;
  auto q = qs.create("uncounted");
  std::atomic<int> told{0};
  RuntimeOptions options = fast();
  options.on_event_counts = [&](const std::string&, const EventCounts&) { ++told; };
  auto m = make({}, plugin(SLUICE_PLUGIN_ECHO), qs.sources(q), options);
  qs.send(q, "one");
  m->start();
  REQUIRE(eventually([&] { return m->stats().messages_deleted == 1; }));
  m->stop();
  CHECK(told == 0);
}
