// The metered SQS engine (see sqs_meter.h): forwards every call and records what it did. Each
// queue's series are looked up once and kept in a small map, so a send costs one map lookup and
// two series additions.

#include "sluice/metrics/sqs_meter.h"

#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "sluice/common/mutex.h"

namespace sluice::metrics {
namespace {

constexpr std::string_view kNamespace = "AWS/SQS";

struct QueueSeries {
  std::shared_ptr<Series> sent, received, deleted, empty_receives, sent_size;
};

// What the sampler needs, shared with it so that it outlives neither the engine nor itself.
struct MeterState {
  common::Mutex mu;
  sqs::Engine* engine GUARDED_BY(mu) = nullptr;  // null once the metered engine is gone
  std::set<std::pair<std::string, std::string>> account_regions GUARDED_BY(mu);
};

// The body size of each successful entry of a batch (0 for an id the batch does not have). The
// engine answers entries in the order they came, so one walk from where the last one was found
// finds each at once; ids are unique within a batch (the engine refuses a repeated one).
std::vector<double> sent_sizes(const std::vector<sqs::SendMessageRequest>& entries,
                               const std::vector<sqs::SendMessageResult>& successful) {
  std::vector<double> sizes;
  sizes.reserve(successful.size());
  const size_t n = entries.size();
  size_t at = 0;
  for (const auto& ok : successful) {
    size_t looked = 0;
    while (looked < n && entries[at].id != ok.id) {
      at = at + 1 == n ? 0 : at + 1;
      ++looked;
    }
    const sqs::SendMessageRequest* entry = looked < n ? &entries[at] : nullptr;
    sizes.push_back(entry != nullptr && entry->body ? static_cast<double>(entry->body->size()) : 0);
  }
  return sizes;
}

class MeteredEngine final : public sqs::Engine {
 public:
  MeteredEngine(std::unique_ptr<sqs::Engine> inner, std::shared_ptr<Registry> registry,
                const std::vector<std::pair<std::string, std::string>>& account_regions)
      : inner_(std::move(inner)), registry_(std::move(registry)), state_(std::make_shared<MeterState>()) {
    {
      common::MutexLock lock(state_->mu);
      state_->engine = inner_.get();
      state_->account_regions.insert(account_regions.begin(), account_regions.end());
    }
    registry_->add_sampler([state = state_](Registry& target, int64_t now_ms) { sample(*state, target, now_ms); });
  }
  ~MeteredEngine() override {
    common::MutexLock lock(state_->mu);
    state_->engine = nullptr;
  }

  common::Status create_queue(const sqs::QueueAddress& queue, const sqs::AttributeMap& attributes,
                              const sqs::TagMap& tags) override {
    common::Status s = inner_->create_queue(queue, attributes, tags);
    if (s) remember(queue);
    return s;
  }
  common::Status get_queue(const sqs::QueueAddress& queue) override { return inner_->get_queue(queue); }
  common::Status delete_queue(const sqs::QueueAddress& queue) override { return inner_->delete_queue(queue); }
  common::Outcome<size_t> reset_queues(const std::string& account_id, const std::string& region) override {
    return inner_->reset_queues(account_id, region);
  }
  std::vector<std::string> list_queues(const std::string& account_id, const std::string& region,
                                       const std::string& prefix) override {
    return inner_->list_queues(account_id, region, prefix);
  }
  common::Outcome<sqs::AttributeMap> get_queue_attributes(const sqs::QueueAddress& queue,
                                                          const std::vector<std::string>& names) override {
    return inner_->get_queue_attributes(queue, names);
  }
  common::Outcome<std::string> queue_policy(const sqs::QueueAddress& queue) override {
    return inner_->queue_policy(queue);
  }
  std::vector<sqs::QueueDepths> queue_depths(const std::string& account_id, const std::string& region) override {
    return inner_->queue_depths(account_id, region);
  }
  common::Status set_queue_attributes(const sqs::QueueAddress& queue, const sqs::AttributeMap& attributes) override {
    return inner_->set_queue_attributes(queue, attributes);
  }
  common::Status purge_queue(const sqs::QueueAddress& queue) override { return inner_->purge_queue(queue); }
  common::Status tag_queue(const sqs::QueueAddress& queue, const sqs::TagMap& tags) override {
    return inner_->tag_queue(queue, tags);
  }
  common::Status untag_queue(const sqs::QueueAddress& queue, const std::vector<std::string>& keys) override {
    return inner_->untag_queue(queue, keys);
  }
  common::Outcome<sqs::TagMap> list_queue_tags(const sqs::QueueAddress& queue) override {
    return inner_->list_queue_tags(queue);
  }
  common::Status add_permission(const sqs::QueueAddress& queue, const std::string& label,
                                const std::vector<std::string>& account_ids,
                                const std::vector<std::string>& actions) override {
    return inner_->add_permission(queue, label, account_ids, actions);
  }
  common::Status remove_permission(const sqs::QueueAddress& queue, const std::string& label) override {
    return inner_->remove_permission(queue, label);
  }

  common::Outcome<sqs::SendMessageResult> send_message(const sqs::QueueAddress& queue,
                                                       const sqs::SendMessageRequest& request) override {
    auto result = inner_->send_message(queue, request);
    if (result) {
      const QueueSeries& s = series_for(queue);
      int64_t now = inner_->clock().now_ms();
      s.sent->add(1, now);
      s.sent_size->add(static_cast<double>(request.body ? request.body->size() : 0), now);
    }
    return result;
  }
  common::Outcome<sqs::BatchResult<sqs::SendMessageResult>> send_message_batch(
      const sqs::QueueAddress& queue, const std::vector<sqs::SendMessageRequest>& entries) override {
    auto result = inner_->send_message_batch(queue, entries);
    if (result && !result->successful.empty()) {
      const QueueSeries& s = series_for(queue);
      int64_t now = inner_->clock().now_ms();
      s.sent->add(static_cast<double>(result->successful.size()), now);
      for (double size : sent_sizes(entries, result->successful)) s.sent_size->add(size, now);
    }
    return result;
  }
  std::vector<common::Status> send_message_to_queues(const std::vector<const sqs::QueueAddress*>& queues,
                                                     const sqs::SendMessageRequest& request) override {
    std::vector<common::Status> result = inner_->send_message_to_queues(queues, request);
    const auto size = static_cast<double>(request.body ? request.body->size() : 0);
    int64_t now = inner_->clock().now_ms();
    for (size_t i = 0; i < queues.size() && i < result.size(); ++i) {
      if (!result[i]) continue;
      const QueueSeries& s = series_for(*queues[i]);
      s.sent->add(1, now);
      s.sent_size->add(size, now);
    }
    return result;
  }
  common::Outcome<sqs::ReceiveMessageResult> receive_message(const sqs::QueueAddress& queue,
                                                             const sqs::ReceiveMessageRequest& request,
                                                             sqs::WatchCallback watch_callback) override {
    auto result = inner_->receive_message(queue, request, std::move(watch_callback));
    if (result) count_receive(queue, *result);
    return result;
  }
  common::Status delete_message(const sqs::QueueAddress& queue, const std::string& receipt_handle) override {
    common::Status s = inner_->delete_message(queue, receipt_handle);
    if (s) series_for(queue).deleted->add(1, inner_->clock().now_ms());
    return s;
  }
  common::Outcome<sqs::BatchResult<sqs::BatchEntryOk>> delete_message_batch(
      const sqs::QueueAddress& queue, const std::vector<sqs::DeleteMessageBatchEntry>& entries) override {
    auto result = inner_->delete_message_batch(queue, entries);
    if (result) count_deletes(queue, result->successful.size());
    return result;
  }
  common::Status change_message_visibility(const sqs::QueueAddress& queue, const std::string& receipt_handle,
                                           std::optional<int64_t> visibility_timeout) override {
    return inner_->change_message_visibility(queue, receipt_handle, visibility_timeout);
  }
  common::Outcome<sqs::BatchResult<sqs::BatchEntryOk>> change_message_visibility_batch(
      const sqs::QueueAddress& queue, const std::vector<sqs::ChangeVisibilityBatchEntry>& entries) override {
    return inner_->change_message_visibility_batch(queue, entries);
  }
  common::Outcome<sqs::ReceiveMessageResult> receive_up_to(const sqs::QueueAddress& queue,
                                                           const sqs::ReceiveMessageRequest& request,
                                                           int64_t max_messages,
                                                           sqs::WatchCallback watch_callback) override {
    auto result = inner_->receive_up_to(queue, request, max_messages, std::move(watch_callback));
    if (result) count_receive(queue, *result);
    return result;
  }
  common::Outcome<sqs::BatchResult<sqs::BatchEntryOk>> delete_many(
      const sqs::QueueAddress& queue, const std::vector<sqs::DeleteMessageBatchEntry>& entries) override {
    auto result = inner_->delete_many(queue, entries);
    if (result) count_deletes(queue, result->successful.size());
    return result;
  }
  common::Outcome<sqs::BatchResult<sqs::BatchEntryOk>> change_visibility_many(
      const sqs::QueueAddress& queue, const std::vector<sqs::ChangeVisibilityBatchEntry>& entries) override {
    return inner_->change_visibility_many(queue, entries);
  }
  const common::Clock& clock() const override { return inner_->clock(); }
  common::Outcome<std::vector<sqs::PeekedMessage>> peek_messages(const sqs::QueueAddress& queue,
                                                                 size_t max_messages) override {
    return inner_->peek_messages(queue, max_messages);
  }
  common::Outcome<std::vector<std::string>> list_dead_letter_source_queues(const sqs::QueueAddress& dlq) override {
    return inner_->list_dead_letter_source_queues(dlq);
  }
  common::Outcome<std::string> start_message_move_task(const std::string& source_arn,
                                                       const std::optional<std::string>& destination_arn,
                                                       std::optional<int64_t> max_per_second) override {
    return inner_->start_message_move_task(source_arn, destination_arn, max_per_second);
  }
  common::Outcome<std::vector<sqs::MessageMoveTask>> list_message_move_tasks(
      const std::string& source_arn, std::optional<int64_t> max_results) override {
    return inner_->list_message_move_tasks(source_arn, max_results);
  }
  common::Outcome<int64_t> cancel_message_move_task(const std::string& task_handle) override {
    return inner_->cancel_message_move_task(task_handle);
  }
  common::Status load_queue(const sqs::QueueAddress& queue) override { return inner_->load_queue(queue); }
  bool queue_loaded(const sqs::QueueAddress& queue) const override { return inner_->queue_loaded(queue); }
  bool every_queue_loaded() const override { return inner_->every_queue_loaded(); }
  size_t preload_queues(const std::function<bool()>& stop) override { return inner_->preload_queues(stop); }
  void run_housekeeping() override { inner_->run_housekeeping(); }
  common::Status wait_durable(uint64_t ticket) override { return inner_->wait_durable(ticket); }
  bool store_failing() const override { return inner_->store_failing(); }
  std::optional<sqs::SyncMode> store_sync() const override { return inner_->store_sync(); }
  std::optional<sqs::StoreCommitStats> store_commit_stats() const override { return inner_->store_commit_stats(); }

 private:
  void remember(const sqs::QueueAddress& queue) {
    common::MutexLock lock(state_->mu);
    state_->account_regions.emplace(queue.account_id, queue.region);
  }

  const QueueSeries& series_for(const sqs::QueueAddress& queue) {
    {
      common::ReaderLock lock(mu_);
      auto it = queues_.find(queue);
      if (it != queues_.end()) return it->second;
    }
    remember(queue);
    auto make = [&](std::string_view name, std::string_view unit) {
      return registry_->series(
          MetricKey{
              queue.account_id, queue.region, std::string(kNamespace), std::string(name), {{"QueueName", queue.name}}},
          unit);
    };
    QueueSeries made{make("NumberOfMessagesSent", "Count"), make("NumberOfMessagesReceived", "Count"),
                     make("NumberOfMessagesDeleted", "Count"), make("NumberOfEmptyReceives", "Count"),
                     make("SentMessageSize", "Bytes")};
    common::WriterLock lock(mu_);
    // std::map never moves its elements: the reference stays valid while the entry lives, and
    // entries are never erased.
    return queues_.emplace(queue, std::move(made)).first->second;
  }

  void count_receive(const sqs::QueueAddress& queue, const sqs::ReceiveMessageResult& result) {
    if (result.watch) return;  // parked: its end is not a receive of this call
    const QueueSeries& s = series_for(queue);
    int64_t now = inner_->clock().now_ms();
    if (result.messages.empty()) {
      s.empty_receives->add(1, now);
    } else {
      s.received->add(static_cast<double>(result.messages.size()), now);
    }
  }

  void count_deletes(const sqs::QueueAddress& queue, size_t n) {
    if (n > 0) series_for(queue).deleted->add(static_cast<double>(n), inner_->clock().now_ms());
  }

  static void sample(MeterState& state, Registry& registry, int64_t now_ms) {
    common::MutexLock lock(state.mu);
    if (state.engine == nullptr) return;
    static constexpr std::pair<std::string_view, int64_t sqs::QueueDepths::*> kMetrics[] = {
        {"ApproximateNumberOfMessagesVisible", &sqs::QueueDepths::visible},
        {"ApproximateNumberOfMessagesNotVisible", &sqs::QueueDepths::in_flight},
        {"ApproximateNumberOfMessagesDelayed", &sqs::QueueDepths::delayed}};
    for (const auto& [account, region] : state.account_regions) {
      for (const sqs::QueueDepths& queue : state.engine->queue_depths(account, region)) {
        for (const auto& [metric, count] : kMetrics) {
          registry.put(
              MetricKey{account, region, std::string(kNamespace), std::string(metric), {{"QueueName", queue.name}}},
              static_cast<double>(queue.*count), "Count", now_ms);
        }
        if (queue.oldest_age_ms) {
          const double age_s = std::floor(static_cast<double>(*queue.oldest_age_ms) / 1000);  // whole seconds
          registry.put(MetricKey{account,
                                 region,
                                 std::string(kNamespace),
                                 "ApproximateAgeOfOldestMessage",
                                 {{"QueueName", queue.name}}},
                       age_s, "Seconds", now_ms);
        }
      }
    }
  }

  std::unique_ptr<sqs::Engine> inner_;
  std::shared_ptr<Registry> registry_;
  std::shared_ptr<MeterState> state_;
  common::SharedMutex mu_;
  std::map<sqs::QueueAddress, QueueSeries> queues_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<sqs::Engine> meter_sqs(std::unique_ptr<sqs::Engine> engine, std::shared_ptr<Registry> registry,
                                       const std::vector<std::pair<std::string, std::string>>& account_regions) {
  return std::make_unique<MeteredEngine>(std::move(engine), std::move(registry), account_regions);
}

}  // namespace sluice::metrics
