// The embedded QueueSource: direct engine calls. A long poll parks on a condition variable that
// the engine's watch callback (or the earliest visibility time, or interrupt()) wakes.
//
// With the built-in engine, receives, deletes and visibility changes go through its bulk forms:
// one queue lock for any number of messages (up to kMaxReceive per receive), as Lambda's own
// pollers are not held to the API's 10. Any other Engine gets the API calls, 10 at a time.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "engine/engine_impl.h"
#include "sluice/sqs/queue_source.h"

namespace sluice::sqs {
namespace {

constexpr size_t kMaxBatch = 10;
constexpr int kMaxReceive = 10'000;  // Lambda's largest BatchSize for a standard queue

class EmbeddedQueueSource final : public QueueSource {
 public:
  EmbeddedQueueSource(Engine& engine, QueueAddress queue)
      : engine_(engine),
        bulk_(dynamic_cast<detail::EngineImpl*>(&engine)),
        queue_(std::move(queue)),
        arn_(queue_arn(queue_)) {}

  const std::string& arn() const override { return arn_; }
  const std::string& region() const override { return queue_.region; }

  Outcome<std::vector<ReceivedMessage>> receive(int max_messages, int wait_time_seconds,
                                                std::optional<int64_t> visibility_timeout) override {
    const int max = std::clamp(max_messages, 1, bulk_ ? kMaxReceive : static_cast<int>(kMaxBatch));
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
      auto result = bulk_ ? bulk_->receive_up_to(queue_, request, max, std::move(callback))
                          : engine_.receive_message(queue_, request, std::move(callback));
      if (!result) return result.take_error();
      if (!result->messages.empty() || !can_wait) return std::move(result->messages);
      auto until = deadline;
      if (result->next_visible_ms) {
        // The engine's clock may not be the steady clock: wait for the gap it names, at least 1 ms.
        auto gap = std::chrono::milliseconds(std::max<int64_t>(1, *result->next_visible_ms - now_ms()));
        until = std::min(until, std::chrono::steady_clock::now() + gap);
      }
      wake->wait_until(until, *this);  // result->watch stays registered until this iteration ends
    }
  }

  Outcome<BatchResult<BatchEntryOk>> delete_messages(const std::vector<DeleteMessageBatchEntry>& entries) override {
    if (bulk_) return bulk_->delete_messages_bulk(queue_, entries);
    return in_batches(entries, [this](const std::vector<DeleteMessageBatchEntry>& chunk) {
      return engine_.delete_message_batch(queue_, chunk);
    });
  }

  Outcome<BatchResult<BatchEntryOk>> change_visibility(
      const std::vector<ChangeVisibilityBatchEntry>& entries) override {
    if (bulk_) return bulk_->change_visibility_bulk(queue_, entries);
    return in_batches(entries, [this](const std::vector<ChangeVisibilityBatchEntry>& chunk) {
      return engine_.change_message_visibility_batch(queue_, chunk);
    });
  }

  Outcome<AttributeMap> attributes(const std::vector<std::string>& names) override {
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

  static int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }

  // The engine's batch calls take at most 10 entries; larger sets are split.
  template <typename Entry, typename Call>
  Outcome<BatchResult<BatchEntryOk>> in_batches(const std::vector<Entry>& entries, Call call) {
    BatchResult<BatchEntryOk> all;
    for (size_t start = 0; start < entries.size(); start += kMaxBatch) {
      std::vector<Entry> chunk(
          entries.begin() + static_cast<std::ptrdiff_t>(start),
          entries.begin() + static_cast<std::ptrdiff_t>(std::min(entries.size(), start + kMaxBatch)));
      auto result = call(chunk);
      if (!result) return result.take_error();
      for (auto& ok : result->successful) all.successful.push_back(std::move(ok));
      for (auto& failed : result->failed) all.failed.push_back(std::move(failed));
    }
    return all;
  }

  Engine& engine_;
  detail::EngineImpl* const bulk_;  // null when the engine is not the built-in one
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
