#pragma once
// Fixtures for the SNS tests: an in-memory SQS engine and SNS service on one manual clock, a
// recording DeliverySink, and helpers to read what landed in a queue.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "sluice/common/work_pool.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

namespace sluice::sns::testing {

struct RecordingSink final : DeliverySink {
  std::vector<Delivery> deliveries;
  bool accepts = true;
  void deliver(const Delivery& d) override { deliveries.push_back(d); }
  bool accepting() override { return accepts; }
};

struct TempDir {
  std::string path;
  TempDir() {
    path = (std::filesystem::temp_directory_path() /
            ("sns-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++)))
               .string();
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

struct Fixture {
  CallContext ctx{"111111111111", "us-east-1"};
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>();
  std::unique_ptr<sqs::Engine> sqs;
  RecordingSink sink;
  std::unique_ptr<Service> sns;
  std::shared_ptr<common::WorkPool> work_pool;  // set before reopen() to sign queue deliveries off the publishing path

  explicit Fixture(const std::string& data_dir = "") {
    sqs::EngineOptions eo;
    eo.in_memory = true;
    eo.clock = clock;
    eo.background_housekeeping = false;
    std::string error;
    sqs = sqs::Engine::open(eo, &error);
    reopen(data_dir);
  }
  void reopen(const std::string& data_dir) {
    sns.reset();
    ServiceOptions so;
    so.in_memory = data_dir.empty();
    so.data_dir = data_dir;
    so.sqs = sqs.get();
    so.sink = &sink;
    so.clock = clock;
    so.base_url = "http://sluice.test:4566";
    so.work_pool = work_pool;
    std::string error;
    sns = Service::open(so, &error);
  }
  Service* operator->() { return sns.get(); }

  std::string topic(const std::string& name, AttributeMap attrs = {}) {
    auto r = sns->create_topic(ctx, name, attrs, {});
    return r ? r.value() : std::string();
  }
  std::string queue(const std::string& name, sqs::AttributeMap attrs = {}) {
    sqs::QueueAddress q{ctx.account_id, ctx.region, name};
    (void)sqs->create_queue(q, attrs, {});
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
    r.system_attribute_names = {"All"};
    auto out = sqs->receive_message(sqs::QueueAddress{ctx.account_id, ctx.region, queue_name}, r);
    return out ? std::move(out.value().messages) : std::vector<sqs::ReceivedMessage>{};
  }
  common::Outcome<PublishResult> publish(const std::string& topic_arn, const std::string& message,
                                         PublishAttributes attrs = {}) {
    PublishRequest p;
    p.topic_arn = topic_arn;
    p.message = message;
    p.message_attributes = std::move(attrs);
    return sns->publish(ctx, p);
  }
};

inline boost::json::object parse_object(const std::string& text) { return boost::json::parse(text).as_object(); }

}  // namespace sluice::sns::testing
