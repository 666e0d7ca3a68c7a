#pragma once
// Fixtures for the delivery tests: a loopback HTTP subscriber that records what it receives and
// answers with scripted statuses, an in-memory SQS engine with the SNS service wired to the
// delivery sinks, all on one ManualClock that the tests advance through retry delays, and a wait
// helper.

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "sluice/sns/delivery.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

namespace sluice::sns::testing {

inline bool wait_for(const std::function<bool()>& done, int timeout_ms = 5000) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

struct Received {
  httplib::Headers headers;
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool has(const std::string& name) const { return headers.count(name) != 0; }
};

// A subscriber on 127.0.0.1. Answers the scripted statuses in order, then 200. While held, it
// answers nothing until released (a slow endpoint).
class Endpoint {
 public:
  explicit Endpoint(int port = 0) {
    server_.Post("/sns", [this](const httplib::Request& req, httplib::Response& res) {
      int status = 200;
      {
        std::unique_lock lock(mu_);
        received_.push_back(Received{req.headers, req.body});
        if (!statuses_.empty()) {
          status = statuses_.front();
          statuses_.pop_front();
        }
        released_.wait_for(lock, std::chrono::seconds(10), [this] { return !held_; });
      }
      res.status = status;
      res.set_content("", "text/plain");
    });
    if (port == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
    } else {
      port_ = server_.bind_to_port("127.0.0.1", port) ? port : -1;
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Endpoint() {
    release();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sns"; }
  int port() const { return port_; }
  void script(std::vector<int> statuses) {
    std::lock_guard lock(mu_);
    statuses_.assign(statuses.begin(), statuses.end());
  }
  void hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    released_.notify_all();
  }
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  size_t count(const std::string& type) {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& r : received_) n += r.header("x-amz-sns-message-type") == type ? 1 : 0;
    return n;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = -1;
  std::mutex mu_;
  std::condition_variable released_;
  std::vector<Received> received_;
  std::deque<int> statuses_;
  bool held_ = false;
};

struct TempDir {
  std::string path;
  TempDir() {
    static int n = 0;
    path = (std::filesystem::temp_directory_path() /
            ("sns-delivery-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++)))
               .string();
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// SQS engine + SNS service whose sink is a CompositeSink over an HttpDelivery (and optionally a
// LambdaDelivery). reopen() tears the service and sinks down and builds them again.
struct World {
  CallContext ctx{"111111111111", "us-east-1"};
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>();
  std::shared_ptr<common::WorkPool> pool = common::WorkPool::create();  // the sinks' lanes, as in the server
  std::unique_ptr<sqs::Engine> sqs;
  std::unique_ptr<HttpDelivery> http;
  std::unique_ptr<LambdaDelivery> lambda;
  std::unique_ptr<CompositeSink> sink;
  std::unique_ptr<Service> sns;
  std::string data_dir;
  AsyncFunctionInvoker* invoker = nullptr;
  DeliveryAllowList allow_list;  // taken by the next reopen()
  std::mutex log_mu;
  std::vector<std::string> log_lines;  // what the HTTP sink reported

  std::vector<std::string> logged() {
    std::lock_guard lock(log_mu);
    return log_lines;
  }
  int64_t request_timeout_ms = 3000;  // read by reopen()
  // What the sinks counted (on_outcome): the subscription and whether it was a delivery.
  std::mutex outcome_mu;
  std::vector<std::pair<std::string, bool>> outcome_list;
  std::vector<std::pair<std::string, bool>> outcomes() {
    std::lock_guard lock(outcome_mu);
    return outcome_list;
  }
  void record_outcome(const Delivery& d, bool delivered) {
    std::lock_guard lock(outcome_mu);
    outcome_list.emplace_back(d.subscription_arn, delivered);
  }

  explicit World(std::string dir = "", AsyncFunctionInvoker* inv = nullptr) : data_dir(std::move(dir)), invoker(inv) {
    sqs::EngineOptions eo;
    eo.in_memory = true;
    eo.background_housekeeping = false;
    eo.clock = clock;
    std::string error;
    sqs = sqs::Engine::open(eo, &error);
    reopen();
  }
  ~World() { close(); }
  void close() {
    sns.reset();
    sink.reset();
    http.reset();
    lambda.reset();
  }
  void reopen() {
    close();
    std::string error;
    HttpDeliveryOptions ho;
    ho.data_dir = data_dir;
    ho.sqs = sqs.get();
    ho.clock = clock;
    ho.work_pool = pool;
    ho.request_timeout_ms = request_timeout_ms;
    ho.allow_list = allow_list;
    ho.on_outcome = [this](const Delivery& d, bool delivered) { record_outcome(d, delivered); };
    ho.log = [this](const std::string& line) {
      std::lock_guard lock(log_mu);
      log_lines.push_back(line);
    };
    http = HttpDelivery::open(ho, &error);
    if (invoker != nullptr) {
      LambdaDeliveryOptions lo;
      lo.data_dir = data_dir;
      lo.sqs = sqs.get();
      lo.invoker = invoker;
      lo.clock = clock;  // retries after AWS's 1 and 2 minutes
      lo.work_pool = pool;
      lo.on_outcome = [this](const Delivery& d, bool delivered) { record_outcome(d, delivered); };
      lambda = LambdaDelivery::open(lo, &error);
    }
    sink = std::make_unique<CompositeSink>(http.get(), lambda.get());
    ServiceOptions so;
    so.in_memory = data_dir.empty();
    so.data_dir = data_dir;
    so.sqs = sqs.get();
    so.sink = sink.get();
    so.clock = clock;
    so.base_url = "http://127.0.0.1:4566";
    sns = Service::open(so, &error);
  }
  // Waits until a delivery worker waits for a retry `delay_ms` from now, then moves the clock
  // there. False when no worker got there in time.
  bool advance_to_retry(int64_t delay_ms) {
    const int64_t due = clock->now_ms() + delay_ms;
    if (!wait_for([&] { return clock->has_waiter(due); })) return false;
    clock->advance_ms(delay_ms);
    return true;
  }
  std::string topic(const std::string& name, AttributeMap attrs = {}) {
    auto r = sns->create_topic(ctx, name, attrs, {});
    return r ? r.value() : std::string();
  }
  std::string queue(const std::string& name) {
    sqs::QueueAddress q{ctx.account_id, ctx.region, name};
    (void)sqs->create_queue(q, {}, {});
    return sqs::queue_arn(q);
  }
  std::string subscribe(const std::string& topic_arn, const std::string& protocol, const std::string& endpoint,
                        AttributeMap attrs = {}) {
    SubscribeRequest r{topic_arn, protocol, endpoint, std::move(attrs), true};
    auto out = sns->subscribe(ctx, r);
    return out ? out.value() : std::string("error: " + out.error().message);
  }
  std::vector<sqs::ReceivedMessage> receive(const std::string& queue_name) {
    sqs::ReceiveMessageRequest r;
    r.max_number_of_messages = 10;
    r.message_attribute_names = {"All"};
    auto out = sqs->receive_message(sqs::QueueAddress{ctx.account_id, ctx.region, queue_name}, r);
    return out ? std::move(out.value().messages) : std::vector<sqs::ReceivedMessage>{};
  }
  common::Outcome<PublishResult> publish(const std::string& topic_arn, const std::string& message,
                                         std::optional<std::string> subject = std::nullopt) {
    PublishRequest p;
    p.topic_arn = topic_arn;
    p.message = message;
    p.subject = std::move(subject);
    return sns->publish(ctx, p);
  }
};

inline boost::json::object parse_object(const std::string& text) { return boost::json::parse(text).as_object(); }
inline std::string field(const boost::json::object& o, const char* key) {
  return o.contains(key) ? std::string(o.at(key).as_string()) : std::string();
}

}  // namespace sluice::sns::testing
