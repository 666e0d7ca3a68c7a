// The embedded QueueSource: direct engine calls. A long poll parks on a condition variable that
// the engine's watch callback (or the earliest visibility time, or interrupt()) wakes.
//
// Receives, deletes and visibility changes go through the engine's calls for embedded consumers
// (receive_up_to, delete_many, change_visibility_many): one queue lock for any number of messages
// (up to kMaxReceive per receive), as Lambda's own pollers are not held to the API's 10. Only the
// public Engine interface is used, so a wrapped or decorated engine keeps the bulk path.
//
// Time: the engine answers when the next hidden message may become visible on its own clock,
// which need not be the system's (a ManualClock in tests), so the gap to wait is measured on that
// same clock; the wait itself is real time.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "sluice/sqs/queue_source.h"

namespace sluice::sqs {
namespace {

constexpr int kMaxReceive = 10'000;  // Lambda's largest BatchSize for a standard queue

class EmbeddedQueueSource final : public QueueSource {
 public:
  EmbeddedQueueSource(Engine& engine, QueueAddress queue)
      : engine_(engine), queue_(std::move(queue)), arn_(queue_arn(queue_)) {}

  const std::string& arn() const override { return arn_; }
  const std::string& region() const override { return queue_.region; }

  common::Outcome<std::vector<ReceivedMessage>> receive(int max_messages, int wait_time_seconds,
                                                        std::optional<int64_t> visibility_timeout) override {
    const int max = std::clamp(max_messages, 1, kMaxReceive);
    ReceiveMessageRequest request;
    request.max_number_of_messages = max;
    request.visibility_timeout = visibility_timeout;
    request.system_attribute_names = {"All"};
    request.message_attribute_names = {"All"};
    request.wait_time_seconds = wait_time_seconds;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_time_seconds);
    auto wake = std::make_shared<Wake>();
    for (;;) {
      {
        std::lock_guard lock(mu_);
        if (interrupted_) return std::vector<ReceivedMessage>{};
      }
      bool can_wait = std::chrono::steady_clock::now() < deadline;
      request.wait_time_seconds = can_wait ? wait_time_seconds : 0;
      WatchCallback callback = can_wait ? WatchCallback([wake] { wake->notify(); }) : nullptr;
      auto result = engine_.receive_up_to(queue_, request, max, std::move(callback));
      if (!result) return result.take_error();
      if (!result->messages.empty() || !can_wait) return std::move(result->messages);
      auto until = deadline;
      if (result->next_visible_ms) {
        // next_visible_ms is on the engine's clock: wait for the gap it names, at least 1 ms.
        auto gap = std::chrono::milliseconds(std::max<int64_t>(1, *result->next_visible_ms - engine_.clock().now_ms()));
        until = std::min(until, std::chrono::steady_clock::now() + gap);
      }
      wake->wait_until(until, *this);  // result->watch stays registered until this iteration ends
    }
  }

  common::Outcome<BatchResult<BatchEntryOk>> delete_messages(
      const std::vector<DeleteMessageBatchEntry>& entries) override {
    return engine_.delete_many(queue_, entries);
  }

  common::Outcome<BatchResult<BatchEntryOk>> change_visibility(
      const std::vector<ChangeVisibilityBatchEntry>& entries) override {
    return engine_.change_visibility_many(queue_, entries);
  }

  common::Outcome<AttributeMap> attributes(const std::vector<std::string>& names) override {
    return engine_.get_queue_attributes(queue_, names);
  }

  void interrupt() override {
    {
      std::lock_guard lock(mu_);
      interrupted_ = true;
    }
    std::lock_guard lock(waits_mu_);
    for (Wake* wake : waits_) wake->notify();
  }

 private:
  struct Wake {
    std::mutex mu;
    std::condition_variable cv;
    bool woken = false;
    void notify() {
      {
        std::lock_guard lock(mu);
        woken = true;
      }
      cv.notify_all();
    }
    void wait_until(std::chrono::steady_clock::time_point until, EmbeddedQueueSource& source) {
      {
        std::lock_guard lock(source.waits_mu_);
        source.waits_.push_back(this);
      }
      {
        std::lock_guard lock(source.mu_);
        if (source.interrupted_) notify();
      }
      {
        std::unique_lock lock(mu);
        cv.wait_until(lock, until, [this] { return woken; });
        woken = false;
      }
      std::lock_guard lock(source.waits_mu_);
      std::erase(source.waits_, this);
    }
  };

  Engine& engine_;
  const QueueAddress queue_;
  const std::string arn_;
  std::mutex mu_;
  bool interrupted_ = false;
  std::mutex waits_mu_;
  std::vector<Wake*> waits_;
};

}  // namespace

std::unique_ptr<QueueSource> make_embedded_queue_source(Engine& engine, QueueAddress queue) {
  return std::make_unique<EmbeddedQueueSource>(engine, std::move(queue));
}

}  // namespace sluice::sqs
