#pragma once
// The Engine implementation. Queues live in a registry (shared mutex, held only to look a queue
// up or change the set of queues); each queue has its own mutex for everything else. A call
// changes memory and appends its store mutations under the queue lock, then waits for the store
// to commit them after releasing it, so one slow commit never holds a queue. Calls that touch
// two queues (a dead-letter move) never hold both locks: the source removes the message and logs
// its move under its own lock; the target takes it in under its lock afterwards.
//
// The action methods are spread over engine_*.cpp by family.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <thread>

#include "engine/message.h"
#include "engine/move_tasks.h"
#include "engine/queue.h"
#include "sluice/common/mutex.h"
#include "sluice/sqs/engine.h"
#include "store/store.h"

namespace sluice::sqs::detail {

class EngineImpl final : public Engine {
 public:
  EngineImpl(const EngineOptions& options, std::unique_ptr<Store> store);
  ~EngineImpl() override;
  // Fills the registry from the store's catalog; each queue's messages load on its first use
  // (engine_load.cpp). Runs inside Engine::open, before the engine is shared with any other
  // thread, so it takes no locks (and is not checked for them).
  void load() NO_THREAD_SAFETY_ANALYSIS;
  // Loads the queue's messages from the store unless they are in memory already; concurrent
  // callers wait for the one load. The error (InternalFailure) when its rows cannot be read.
  // Under DeferLoads it does not read: it names the queue there and returns an error that is not
  // the answer.
  [[nodiscard]] std::optional<common::AwsError> ensure_loaded(Queue& queue) const;
  // ensure_loaded's read, whatever the thread holds.
  [[nodiscard]] std::optional<common::AwsError> read_queue(Queue& queue) const;
  // The queue its redrive policy names, or null.
  std::shared_ptr<Queue> dead_letter_queue_of(Queue& queue) const;
  // The counts of a queue not yet loaded, from its stored rows.
  [[nodiscard]] std::optional<common::AwsError> stored_counts(const Queue& queue, StoredCounts* counts) const;
  // True when the oldest of those stored rows is past the queue's retention period (the counts
  // then include messages housekeeping will expire once the queue is loaded).
  bool stored_past_retention(Queue& queue, const StoredCounts& counts) const;
  void start_background();

  // Queues (engine_queues.cpp)
  common::Status create_queue(const QueueAddress& queue, const AttributeMap& attributes, const TagMap& tags) override;
  common::Status get_queue(const QueueAddress& queue) override;
  common::Status delete_queue(const QueueAddress& queue) override;
  common::Outcome<size_t> reset_queues(const std::string& account_id, const std::string& region) override;
  std::vector<std::string> list_queues(const std::string& account_id, const std::string& region,
                                       const std::string& prefix) override;
  common::Outcome<AttributeMap> get_queue_attributes(const QueueAddress& queue,
                                                     const std::vector<std::string>& names) override;
  common::Outcome<std::string> queue_policy(const QueueAddress& queue) override;
  std::vector<QueueDepths> queue_depths(const std::string& account_id, const std::string& region) override;
  common::Status set_queue_attributes(const QueueAddress& queue, const AttributeMap& attributes) override;
  common::Status purge_queue(const QueueAddress& queue) override;
  common::Status tag_queue(const QueueAddress& queue, const TagMap& tags) override;
  common::Status untag_queue(const QueueAddress& queue, const std::vector<std::string>& keys) override;
  common::Outcome<TagMap> list_queue_tags(const QueueAddress& queue) override;
  common::Status add_permission(const QueueAddress& queue, const std::string& label,
                                const std::vector<std::string>& account_ids,
                                const std::vector<std::string>& actions) override;
  common::Status remove_permission(const QueueAddress& queue, const std::string& label) override;

  // Sending (engine_send.cpp)
  common::Outcome<SendMessageResult> send_message(const QueueAddress& queue,
                                                  const SendMessageRequest& request) override;
  common::Outcome<BatchResult<SendMessageResult>> send_message_batch(
      const QueueAddress& queue, const std::vector<SendMessageRequest>& entries) override;
  std::vector<common::Status> send_message_to_queues(const std::vector<const QueueAddress*>& queues,
                                                     const SendMessageRequest& request) override;

  // Receiving, deleting, visibility (engine_receive.cpp)
  common::Outcome<ReceiveMessageResult> receive_message(const QueueAddress& queue, const ReceiveMessageRequest& request,
                                                        WatchCallback watch_callback) override;
  common::Status delete_message(const QueueAddress& queue, const std::string& receipt_handle) override;
  common::Outcome<BatchResult<BatchEntryOk>> delete_message_batch(
      const QueueAddress& queue, const std::vector<DeleteMessageBatchEntry>& entries) override;
  common::Status change_message_visibility(const QueueAddress& queue, const std::string& receipt_handle,
                                           std::optional<int64_t> visibility_timeout) override;
  common::Outcome<BatchResult<BatchEntryOk>> change_message_visibility_batch(
      const QueueAddress& queue, const std::vector<ChangeVisibilityBatchEntry>& entries) override;

  // Embedded consumers (engine_receive.cpp): the API forms without the wire protocol's cap of 10.
  common::Outcome<ReceiveMessageResult> receive_up_to(const QueueAddress& queue, const ReceiveMessageRequest& request,
                                                      int64_t max_messages, WatchCallback watch_callback) override;
  common::Outcome<BatchResult<BatchEntryOk>> delete_many(const QueueAddress& queue,
                                                         const std::vector<DeleteMessageBatchEntry>& entries) override;
  common::Outcome<BatchResult<BatchEntryOk>> change_visibility_many(
      const QueueAddress& queue, const std::vector<ChangeVisibilityBatchEntry>& entries) override;
  const common::Clock& clock() const override { return *clock_; }

  // Peeking (engine_peek.cpp)
  common::Outcome<std::vector<PeekedMessage>> peek_messages(const QueueAddress& queue, size_t max_messages) override;

  // Dead-letter queues (engine_dlq.cpp)
  common::Outcome<std::vector<std::string>> list_dead_letter_source_queues(
      const QueueAddress& dead_letter_queue) override;
  common::Outcome<std::string> start_message_move_task(const std::string& source_arn,
                                                       const std::optional<std::string>& destination_arn,
                                                       std::optional<int64_t> max_per_second) override;
  common::Outcome<std::vector<MessageMoveTask>> list_message_move_tasks(const std::string& source_arn,
                                                                        std::optional<int64_t> max_results) override;
  common::Outcome<int64_t> cancel_message_move_task(const std::string& task_handle) override;

  common::Status load_queue(const QueueAddress& queue) override;
  bool queue_loaded(const QueueAddress& queue) const override;
  bool every_queue_loaded() const override;
  size_t preload_queues(const std::function<bool()>& stop) override;
  void run_housekeeping() override;
  // Housekeeping of one loaded queue: promotions, retention and dedup expiry, the deletions logged.
  // Returns the ticket to await (0 = none).
  uint64_t expire_messages(Queue& queue, int64_t now_ms);

  // SSE-KMS (engine_kms.cpp): for a queue with a KmsMasterKeyId, the data key a send needs
  // (Writing: made the queue's data key, handed to the store with a PutDataKey when new) or its
  // decryption a receive needs (Reading), through EngineOptions::kms; the SQS error when KMS
  // refuses. Nothing for a queue without a key, or without KMS.
  enum class KmsUse { Writing, Reading };
  [[nodiscard]] std::optional<common::AwsError> check_kms(Queue& queue, KmsUse use) REQUIRES(queue.mu);
  // The sealing of messages moved into `target` (dead-letter moves, move tasks): its data key
  // brought up to date as for a send when KMS allows, else the newest one the store holds, else the
  // store's key: a move is never refused for KMS.
  Sealing sealing_for_move(Queue& target) REQUIRES(target.mu);
  // Opens the queue's messages loaded still sealed with KMS data keys, before anything reads them
  // (receive, peek, moves): KMS decrypts each data key, as SQS's receive asks it to. The SQS error
  // when KMS refuses (nothing opened is lost: the next read asks again); InternalFailure for a
  // row that does not open (damaged). Nothing when the queue holds no sealed message.
  [[nodiscard]] std::optional<common::AwsError> open_sealed(Queue& queue) REQUIRES(queue.mu);
  // The plaintext of a stored data key, through KMS (the store's DataKeyOpener, and open_sealed).
  common::Outcome<std::string> open_data_key(const DataKeyRecord& key) const;
  // Seeds the queues' data keys and the KMS data-key cache from the store's catalog (load()).
  void restore_data_keys(const std::vector<DataKeyRecord>& keys) NO_THREAD_SAFETY_ANALYSIS;

  // Shared helpers
  int64_t now() const { return clock_->now_ms(); }
  bool durable() const { return durable_; }
  std::shared_ptr<Queue> find_queue(const QueueAddress& address) const;
  // The queue with its messages loaded (ensure_loaded), or QueueDoesNotExist.
  common::Outcome<std::shared_ptr<Queue>> require_queue(const QueueAddress& address) const;
  // The queue as the catalog has it (configuration, tags, permissions), loaded or not: for calls
  // that never touch its messages.
  common::Outcome<std::shared_ptr<Queue>> require_queue_catalog(const QueueAddress& address) const;
  std::shared_ptr<Queue> find_queue_by_arn(const std::string& arn) const;
  std::vector<std::shared_ptr<Queue>> all_queues() const;
  // Appends the log to the store (under the queue lock); returns the ticket to await (0 = none).
  uint64_t log(MutationLog& changes);
  // Waits for the commit of `ticket` or, under DeferDurability, hands the ticket to the caller.
  // The error is the answer for a change that could not be made durable (store_failure_error).
  [[nodiscard]] std::optional<common::AwsError> await(uint64_t ticket);
  // ServiceUnavailable while the store cannot commit: a change that would add data is refused
  // before it touches memory, so a full disk neither grows memory nor duplicates retried sends.
  [[nodiscard]] std::optional<common::AwsError> refuse_while_store_failing() const;
  bool store_failing() const override;
  std::optional<SyncMode> store_sync() const override;
  std::optional<StoreCommitStats> store_commit_stats() const override;
  common::Status wait_durable(uint64_t ticket) override;
  int64_t next_seq() { return ++last_seq_; }
  // Adds messages to a queue (dead-letter moves, move tasks) under its lock and wakes its waiters.
  // The store already has them (logged by the caller).
  // Wakes `wanted` parked receives of the queue: runs the callbacks `taken` under the queue lock
  // and, for any cancelled meanwhile, takes more, so a wake-up is never lost to a timed-out poll.
  void wake(Queue& queue, std::vector<std::shared_ptr<WatchState>> taken, size_t wanted);
  void accept_moved(const std::shared_ptr<Queue>& target, std::vector<MessagePtr> messages);
  static MessageRecord to_record(const Queue& queue, const Message& message) REQUIRES(queue.mu);
  static MessageRecord to_record(int64_t queue_id, Sealing sealing, const std::string& sender_id,
                                 const Message& message);

 private:
  void housekeeping_loop();

  EngineOptions options_;
  std::shared_ptr<common::Clock> clock_;
  std::unique_ptr<Store> store_;
  bool durable_;
  mutable common::SharedMutex registry_mu_;
  std::map<QueueAddress, std::shared_ptr<Queue>> queues_ GUARDED_BY(registry_mu_);
  std::map<QueueAddress, int64_t> recently_deleted_ GUARDED_BY(registry_mu_);
  mutable std::atomic<bool> every_queue_loaded_{false};  // a cache of every_queue_loaded(), once true
  std::atomic<int64_t> last_queue_id_{0};
  std::atomic<int64_t> last_seq_{0};
  std::atomic<int64_t> last_data_key_id_{0};
  MoveTasks move_tasks_;

  std::mutex background_mu_;
  std::condition_variable background_cv_;
  bool stopping_ = false;
  std::thread background_;
};

}  // namespace sluice::sqs::detail
