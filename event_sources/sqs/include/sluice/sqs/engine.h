#pragma once
// The SQS queue engine: every queue behaviour of Amazon SQS, as a thread-safe library with no
// network and no event loop. This is the one public header of event_sources/sqs; everything else
// in that directory is internal (namespace sluice::sqs::detail).
//
// Shape of the API
// - One method per SQS action, taking the action's parameters as plain structs and answering
//   Outcome<T>: a result, or the AwsError (code + message) AWS would answer.
// - Queues are addressed by QueueAddress {account, region, name}: accounts and regions are
//   separate namespaces. Building URLs is the caller's business (the wire layer knows its host).
// - Queue attributes travel as AWS's strings ("30", "true", JSON policies) in both directions.
// - Long polling without threads: receive() never blocks. When it finds nothing it can register a
//   one-shot wake-up callback (ReceiveWatch) atomically with the empty answer; the engine calls it,
//   from whichever thread made messages available, after releasing its locks. Time-driven
//   availability (delays, visibility expiry) is not pushed: the answer carries the earliest time
//   something may become visible, and the caller retries then.
// - Durability: a mutating call returns only after its change is committed to the store (group
//   commit), unless the thread asked to collect the commit instead (DeferDurability). With
//   EngineOptions::in_memory nothing touches disk.
//
// Lifecycle: Engine::open() reads the queues from the data directory, and each queue's messages on
// its first use (see DeferLoads) or in preload_queues(); destroying the Engine flushes and closes
// the store. All methods may be called from any thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/common/duration_histogram.h"

namespace sluice::kms {
class DataKeyCache;  // sluice/kms/data_keys.h
}  // namespace sluice::kms

namespace sluice::sqs {

struct QueueAddress {
  std::string account_id;  // 12 digits
  std::string region;      // e.g. us-east-1
  std::string name;        // queue name, FIFO names end in .fifo
  auto operator<=>(const QueueAddress&) const = default;
};

std::string queue_arn(const QueueAddress& address);                 // arn:aws:sqs:REGION:ACCOUNT:NAME
std::optional<QueueAddress> parse_queue_arn(std::string_view arn);  // nullopt when not an SQS ARN

using AttributeMap = std::map<std::string, std::string>;  // queue attributes, AWS string forms
using TagMap = std::map<std::string, std::string>;

// A queue's message counts as GetQueueAttributes answers them (ApproximateNumberOfMessages,
// ...NotVisible, ...Delayed).
struct QueueDepths {
  std::string name;
  int64_t visible = 0;
  int64_t in_flight = 0;
  int64_t delayed = 0;
  // Age of the oldest message not deleted (CloudWatch's ApproximateAgeOfOldestMessage), from its
  // SentTimestamp; 0 for an empty queue. nullopt for a queue whose messages are not loaded yet
  // (counted from the store, which keeps no such figure).
  std::optional<int64_t> oldest_age_ms;
};

// A user (or system) message attribute. String and Number (and their ".label" subtypes) use
// string_value; Binary uses binary_value, holding the decoded bytes (never base64).
struct MessageAttribute {
  std::string data_type;
  std::string string_value;
  std::string binary_value;
  bool operator==(const MessageAttribute&) const = default;
};
using MessageAttributes = std::map<std::string, MessageAttribute>;  // sorted by name, as MD5 needs

// ---- Sending ---------------------------------------------------------------------------------

// A stretch of a message body whose bytes are known only after the send: SNS sends its signed
// envelopes before their signature is computed, so that an RSA signature never holds up Publish.
// The body is sent with placeholder bytes at [offset(), offset() + size()); text() gives the
// bytes that replace them, computing them on its first call (from any thread; a concurrent
// caller waits for that one result) and answering the same bytes ever after.
//
// The engine never lets anyone see the placeholder: an in-memory engine stores the message (it is
// counted, and it is received like any other) and fills the bytes in when the message is first
// received or peeked; a durable engine, and a FIFO queue, fill them in before storing the message.
// Whoever computes the text (a worker, ahead of any receive) spares the receiver the wait.
class DeferredBodyPart {
 public:
  virtual ~DeferredBodyPart() = default;
  virtual size_t offset() const = 0;
  virtual size_t size() const = 0;
  virtual const std::string& text() = 0;  // exactly size() bytes; thread-safe; may block while computing
};

struct SendMessageRequest {
  std::string id;                   // batch entry id (SendMessageBatch only)
  std::optional<std::string> body;  // absent -> MissingParameter
  std::optional<int64_t> delay_seconds;
  MessageAttributes message_attributes;
  MessageAttributes system_attributes;  // only AWSTraceHeader is allowed
  std::optional<std::string> message_group_id;
  std::optional<std::string> message_deduplication_id;
  // The X-Ray trace header of the request that carried the message (HTTP X-Amzn-Trace-Id, or the
  // trace of the SNS publish that delivered it): the message's AWSTraceHeader unless
  // system_attributes names one. Not part of MD5OfMessageSystemAttributes.
  std::string trace_header;
  // Set when part of `body` is filled in later (DeferredBodyPart); the answer's
  // md5_of_message_body is then empty, as the body's digest is not known yet.
  std::shared_ptr<DeferredBodyPart> deferred_part;
};

struct SendMessageResult {
  std::string id;  // batch entry id echoed back
  std::string message_id;
  std::string md5_of_message_body;
  std::optional<std::string> md5_of_message_attributes;         // absent when none were sent
  std::optional<std::string> md5_of_message_system_attributes;  // absent when none were sent
  std::optional<std::string> sequence_number;                   // FIFO only
};

// One failed entry of a batch call (the call itself answered HTTP 200).
struct BatchEntryError {
  std::string id;
  common::AwsError error;
  bool sender_fault = true;
};

template <typename Entry>
struct BatchResult {
  std::vector<Entry> successful;
  std::vector<BatchEntryError> failed;
};

// ---- Receiving -------------------------------------------------------------------------------

struct ReceiveMessageRequest {
  std::optional<int64_t> max_number_of_messages;          // 1..10, default 1
  std::optional<int64_t> visibility_timeout;              // 0..43200, default: the queue's
  std::optional<int64_t> wait_time_seconds;               // 0..20, default: ReceiveMessageWaitTimeSeconds
  std::vector<std::string> system_attribute_names;        // AttributeNames ∪ MessageSystemAttributeNames
  std::vector<std::string> message_attribute_names;       // names, "All", ".*", "prefix.*"
  std::optional<std::string> receive_request_attempt_id;  // FIFO
};

struct ReceivedMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  std::string md5_of_body;
  std::vector<std::pair<std::string, std::string>> attributes;  // selected system attributes
  MessageAttributes message_attributes;                         // selected user attributes
  std::optional<std::string> md5_of_message_attributes;         // over the selected ones only
};

using WatchCallback = std::function<void()>;

// A registered wake-up. Destroying or cancel()ing it unregisters the callback; after cancel()
// returns the callback is not running and will not run.
class ReceiveWatch {
 public:
  virtual ~ReceiveWatch() = default;
  virtual void cancel() = 0;
};

struct ReceiveMessageResult {
  std::vector<ReceivedMessage> messages;
  int64_t wait_time_seconds = 0;           // the effective long-poll time for this call
  std::optional<int64_t> next_visible_ms;  // earliest time a hidden message may become visible
  std::unique_ptr<ReceiveWatch> watch;     // set when a callback was registered (empty answer)
};

// ---- Visibility and deletion -----------------------------------------------------------------

struct DeleteMessageBatchEntry {
  std::string id;
  std::string receipt_handle;
};

struct ChangeVisibilityBatchEntry {
  std::string id;
  std::string receipt_handle;
  std::optional<int64_t> visibility_timeout;
};

struct BatchEntryOk {
  std::string id;
};

// ---- Dead-letter queues and move tasks ---------------------------------------------------------

struct MessageMoveTask {
  std::string task_handle;  // only while RUNNING
  std::string status;       // RUNNING | COMPLETED | CANCELLING | CANCELLED | FAILED
  std::string source_arn;
  std::optional<std::string> destination_arn;
  std::optional<int64_t> max_number_of_messages_per_second;
  int64_t approximate_number_of_messages_moved = 0;
  int64_t approximate_number_of_messages_to_move = 0;
  std::optional<std::string> failure_reason;
  int64_t started_timestamp_ms = 0;
};

// ---- Peeking -----------------------------------------------------------------------------------

// A message as it stands in its queue, read without receiving it (the web console's peek).
struct PeekedMessage {
  std::string message_id;
  std::string body;
  std::string state;  // "visible" | "delayed" | "inFlight"
  int64_t receive_count = 0;
  int64_t sent_ms = 0;
  int64_t visible_at_ms = 0;           // delayed or in flight: when it becomes visible again
  std::string message_group_id;        // FIFO
  std::string dead_letter_source_arn;  // moved here by a redrive policy: the queue it came from
  MessageAttributes message_attributes;
};

// ---- The engine --------------------------------------------------------------------------------

enum class SyncMode {
  Normal,    // commit = WAL write; survives a killed process (kill -9)
  PowerLoss  // also fsync on every commit; survives power loss
};

// What the durable store's commits have cost since it opened (for GET /metrics): how long each
// successful commit took (BEGIN to COMMIT, its sync included), the changes they carried and the
// attempts that failed (each is retried).
struct StoreCommitStats {
  common::DurationHistogram::Snapshot duration;
  uint64_t mutations = 0;
  uint64_t failures = 0;
};

// One message moved to a dead-letter queue by the source queue's redrive policy.
struct DeadLetterMove {
  std::string source_queue_arn;
  std::string dead_letter_queue_arn;
  std::string message_id;
  int64_t receive_count = 0;  // receives the message had when it moved (maxReceiveCount)
};

struct EngineOptions {
  bool in_memory = false;
  std::string data_dir;  // required unless in_memory
  SyncMode sync = SyncMode::Normal;
  std::shared_ptr<common::Clock> clock;  // default: the system clock
  // Start a background thread that expires retained messages and advances message move tasks.
  // Tests with a ManualClock leave it off and call run_housekeeping() themselves.
  bool background_housekeeping = true;
  // Files lost or damaged since the data directory was last used (a deleted or truncated database
  // file, a WAL deleted after a crash, a database SQLite cannot read) make open() fail with a
  // sentence saying so. With `recover` the engine opens anyway with what is still readable and
  // tells `on_recovery` what was lost, one sentence per problem.
  bool recover = false;
  std::function<void(const std::string&)> on_recovery;
  // Told of each message a queue's redrive policy moves to its dead-letter queue, on the thread
  // whose receive moved it, after the move and outside every lock (a server logs it).
  std::function<void(const DeadLetterMove&)> on_dead_letter;
  // SSE-KMS, for queues with a KmsMasterKeyId: a send needs the queue's data key and a receive
  // its decryption, both from this cache, which consults KMS only when the queue's
  // KmsDataKeyReusePeriodSeconds has passed since it last did. A refusal of KMS fails the call
  // with SQS's KMS error (KMS.DisabledException / KmsDisabled, ...). Null: a KmsMasterKeyId is
  // kept and shown but never used (an engine without KMS, in tests). Queues without a key never
  // touch it.
  std::shared_ptr<kms::DataKeyCache> kms;
};

// Deferred durability, for a caller on an event loop that must not block on the store. While a
// DeferDurability object lives on a thread, mutating calls made on that thread return as soon as
// their change is applied in memory and appended to the store's log, without waiting for the
// commit; ticket() is then the highest commit they need. The caller must have Engine::wait_durable
// (ticket) return, on some other thread, before it tells anyone the change happened. Commits
// follow log order, so what survives a crash is always a prefix of what was logged. One object per
// thread at a time; in-memory engines never produce a ticket.
class DeferDurability {
 public:
  DeferDurability();
  ~DeferDurability();
  DeferDurability(const DeferDurability&) = delete;
  DeferDurability& operator=(const DeferDurability&) = delete;

  uint64_t ticket() const { return ticket_; }  // 0: nothing to wait for
  // The object active on this thread, or null.
  static DeferDurability* current();
  // Called by the engine instead of waiting.
  void need(uint64_t ticket) { ticket_ = ticket > ticket_ ? ticket : ticket_; }

 private:
  uint64_t ticket_ = 0;
};

// Deferred loads, for a caller on an event loop that must not wait while a queue's stored messages
// are read. A durable engine starts with every queue's messages still on disk and reads a queue's
// on its first use (Engine::load_queue), which takes seconds for a large queue. While a DeferLoads
// object lives on a thread, a call made on that thread that would first have to read a queue stops
// before it changes anything: it returns an error that is not the answer, and pending() names the
// queue. The caller loads that queue on another thread (Engine::load_queue) and then makes the call
// again. One object per thread at a time.
class DeferLoads {
 public:
  DeferLoads();
  ~DeferLoads();
  DeferLoads(const DeferLoads&) = delete;
  DeferLoads& operator=(const DeferLoads&) = delete;

  // The queue the last call stopped at; nullopt when it ran (its answer is the answer).
  const std::optional<QueueAddress>& pending() const { return pending_; }
  // The object active on this thread, or null.
  static DeferLoads* current();
  // Called by the engine instead of reading the queue.
  void defer(const QueueAddress& queue) {
    if (!pending_) pending_ = queue;
  }

 private:
  std::optional<QueueAddress> pending_;
};

class Engine {
 public:
  // Opens (or creates) the store and reads its queues (their messages load later). On failure returns null and
  // sets *error to a sentence naming the file and the reason (corrupt, foreign, unreadable).
  static std::unique_ptr<Engine> open(const EngineOptions& options, std::string* error);
  virtual ~Engine() = default;

  // Queues
  virtual common::Status create_queue(const QueueAddress& queue, const AttributeMap& attributes,
                                      const TagMap& tags) = 0;
  virtual common::Status get_queue(const QueueAddress& queue) = 0;  // QueueDoesNotExist when absent
  virtual common::Status delete_queue(const QueueAddress& queue) = 0;
  // Deletes every queue of the account in the region, messages and all, and forgets them: unlike
  // after DeleteQueue, their names can be created again at once. The clean slate between tests
  // (`POST /_sluice/reset`); AWS has no such call. Returns how many queues went.
  virtual common::Outcome<size_t> reset_queues(const std::string& account_id, const std::string& region) = 0;
  // Names of the account's queues in a region, sorted, optionally filtered by prefix.
  virtual std::vector<std::string> list_queues(const std::string& account_id, const std::string& region,
                                               const std::string& prefix) = 0;
  virtual common::Outcome<AttributeMap> get_queue_attributes(const QueueAddress& queue,
                                                             const std::vector<std::string>& names) = 0;
  // The queue's access policy as GetQueueAttributes shows it (Policy: the document SetQueueAttributes
  // or CreateQueue stored, else the one AddPermission wrote), empty when it has none. Authorization
  // reads it on every call: it builds no attribute map, promotes nothing and counts nothing, and is
  // read under the queue's lock, so a change of the policy is seen by the next call.
  virtual common::Outcome<std::string> queue_policy(const QueueAddress& queue) = 0;
  // Every queue of the account in the region with its depths, sorted by name: one pass that takes
  // each queue's lock once and builds no attribute map, for exposition (GET /metrics, CloudWatch's
  // sampled gauges) over thousands of queues. A queue whose messages are not loaded yet is counted
  // from its stored rows; one whose rows cannot be read is left out.
  virtual std::vector<QueueDepths> queue_depths(const std::string& account_id, const std::string& region) = 0;
  virtual common::Status set_queue_attributes(const QueueAddress& queue, const AttributeMap& attributes) = 0;
  virtual common::Status purge_queue(const QueueAddress& queue) = 0;
  virtual common::Status tag_queue(const QueueAddress& queue, const TagMap& tags) = 0;
  virtual common::Status untag_queue(const QueueAddress& queue, const std::vector<std::string>& keys) = 0;
  virtual common::Outcome<TagMap> list_queue_tags(const QueueAddress& queue) = 0;
  virtual common::Status add_permission(const QueueAddress& queue, const std::string& label,
                                        const std::vector<std::string>& account_ids,
                                        const std::vector<std::string>& actions) = 0;
  virtual common::Status remove_permission(const QueueAddress& queue, const std::string& label) = 0;

  // Messages
  virtual common::Outcome<SendMessageResult> send_message(const QueueAddress& queue,
                                                          const SendMessageRequest& request) = 0;
  virtual common::Outcome<BatchResult<SendMessageResult>> send_message_batch(
      const QueueAddress& queue, const std::vector<SendMessageRequest>& entries) = 0;
  // One message into many queues (SNS's fan-out of a raw message): what does not depend on the
  // queue (the body's and attributes' checks and digests) is done once. Answers one Status per
  // queue, in order: what send_message would have answered there. With a durable engine it returns
  // once every accepted send is committed.
  virtual std::vector<common::Status> send_message_to_queues(const std::vector<const QueueAddress*>& queues,
                                                             const SendMessageRequest& request) = 0;
  // Never blocks. With watch_callback set and nothing to return while the effective wait time is
  // above zero, registers the callback and returns the watch in the result.
  virtual common::Outcome<ReceiveMessageResult> receive_message(const QueueAddress& queue,
                                                                const ReceiveMessageRequest& request,
                                                                WatchCallback watch_callback = nullptr) = 0;
  virtual common::Status delete_message(const QueueAddress& queue, const std::string& receipt_handle) = 0;
  virtual common::Outcome<BatchResult<BatchEntryOk>> delete_message_batch(
      const QueueAddress& queue, const std::vector<DeleteMessageBatchEntry>& entries) = 0;
  virtual common::Status change_message_visibility(const QueueAddress& queue, const std::string& receipt_handle,
                                                   std::optional<int64_t> visibility_timeout) = 0;
  virtual common::Outcome<BatchResult<BatchEntryOk>> change_message_visibility_batch(
      const QueueAddress& queue, const std::vector<ChangeVisibilityBatchEntry>& entries) = 0;

  // Embedded consumers: for callers in this process that consume a queue the way Lambda's own
  // pollers do (the embedded QueueSource), not for the wire API. AWS caps a receive and a batch at
  // 10 entries, a limit of the wire protocol that those pollers do not have: these take any number
  // under one queue lock. Same rules as the API forms otherwise, except that receive_up_to ignores
  // request.max_number_of_messages in favour of max_messages (at least 1) and the batch forms do
  // not check their entry ids (they are the caller's own, echoed back in the result).
  virtual common::Outcome<ReceiveMessageResult> receive_up_to(const QueueAddress& queue,
                                                              const ReceiveMessageRequest& request,
                                                              int64_t max_messages,
                                                              WatchCallback watch_callback = nullptr) = 0;
  virtual common::Outcome<BatchResult<BatchEntryOk>> delete_many(
      const QueueAddress& queue, const std::vector<DeleteMessageBatchEntry>& entries) = 0;
  virtual common::Outcome<BatchResult<BatchEntryOk>> change_visibility_many(
      const QueueAddress& queue, const std::vector<ChangeVisibilityBatchEntry>& entries) = 0;

  // Up to max_messages of the queue's messages, oldest (first sent) first, whatever their state,
  // read without changing anything: no visibility change, no receive count, no dead-letter move,
  // nothing logged. Messages past the retention period are left out. Not an SQS action (SQS has
  // no peek): the web console's view of a queue. Costs a pass over the queue's messages under its
  // lock.
  virtual common::Outcome<std::vector<PeekedMessage>> peek_messages(const QueueAddress& queue, size_t max_messages) = 0;

  // The clock the engine reads (EngineOptions::clock, or the system clock). Times the engine
  // answers, such as ReceiveMessageResult::next_visible_ms, are on this clock.
  virtual const common::Clock& clock() const = 0;

  // Dead-letter queues
  virtual common::Outcome<std::vector<std::string>> list_dead_letter_source_queues(
      const QueueAddress& dead_letter_queue) = 0;
  virtual common::Outcome<std::string> start_message_move_task(const std::string& source_arn,
                                                               const std::optional<std::string>& destination_arn,
                                                               std::optional<int64_t> max_per_second) = 0;
  virtual common::Outcome<std::vector<MessageMoveTask>> list_message_move_tasks(const std::string& source_arn,
                                                                                std::optional<int64_t> max_results) = 0;
  virtual common::Outcome<int64_t> cancel_message_move_task(const std::string& task_handle) = 0;

  // Reads the queue's stored messages into memory unless they are there already, and those of its
  // dead-letter queue (a receive may move messages there), blocking for the reads (never under
  // DeferLoads). Concurrent callers wait for one read. QueueDoesNotExist, or InternalFailure when
  // its rows cannot be read.
  virtual common::Status load_queue(const QueueAddress& queue) = 0;
  // True when load_queue(queue) has nothing to read: the queue and its dead-letter queue are in
  // memory, or the queue does not exist.
  virtual bool queue_loaded(const QueueAddress& queue) const = 0;
  // True once no queue waits to be read (always, in memory): DeferLoads can no longer stop a call.
  virtual bool every_queue_loaded() const = 0;
  // Reads every queue not yet loaded, one after another, until all are or `stop` answers true
  // (asked between queues). Returns how many it read. For a background thread after the start, so
  // that queues are loaded before their first caller needs them.
  virtual size_t preload_queues(const std::function<bool()>& stop) = 0;

  // Expires messages past retention and advances move tasks. Called by the background thread, or
  // by tests that drive a ManualClock.
  virtual void run_housekeeping() = 0;

  // Returns once every change up to `ticket` (from DeferDurability) is committed; commits what is
  // pending if no commit is running. When that commit fails the answer is the error the change's
  // caller gets instead of its result: ServiceUnavailable (503) when the disk is full,
  // InternalFailure otherwise. The change is not lost from memory: it is retried with the next
  // commit, and while commits fail, calls that add data (sends, new queues) are refused with
  // ServiceUnavailable before they change anything.
  virtual common::Status wait_durable(uint64_t ticket) = 0;
  // True while the store's commits fail (a full disk, a damaged file): changes are refused with
  // ServiceUnavailable until a commit succeeds again. Always false in memory. For GET /health.
  virtual bool store_failing() const = 0;
  // What the store's commits survive, as SQLite itself reports it for the committing connection
  // (PRAGMA synchronous, read back when the store opened: FULL or stricter is PowerLoss, NORMAL is
  // Normal). nullopt in memory. For GET /health.
  virtual std::optional<SyncMode> store_sync() const = 0;
  // The store's commits so far; nullopt in memory. For GET /metrics.
  virtual std::optional<StoreCommitStats> store_commit_stats() const = 0;
};

}  // namespace sluice::sqs
