#pragma once
// One queue's state: its configuration and every message, with the indexes that make receive,
// delete and visibility changes O(log n) or better.
//
// How it works
// - Every message is a record in pool_ (MessagePool: the header and body in one block, carved from
//   the queue's slabs), found by seq through messages_ (MessageIndex: 8 bytes a message). A message
//   is Visible, Delayed or InFlight.
// - Hidden messages (Delayed, InFlight) sit in hidden_, a min-heap on (visible_at, seq). Entries
//   are never removed in place: each carries the message's version, and an entry whose version no
//   longer matches is stale and skipped. promote(now) pops every due entry and makes the message
//   Visible. The heap is rebuilt when stale entries outnumber live ones.
// - Standard queues keep Visible messages in ready_, a deque of seqs in the order they became
//   visible. A message has at most one entry (Message::in_ready): one hidden and made visible again
//   before its entry was reached keeps that entry and is served from it (a standard queue promises
//   no order). An entry is stale when its message is gone or not Visible.
// - FIFO queues keep each message group's messages in sequence order (groups_). A group is served
//   from its first message: receive takes the visible messages at the front of the group, in
//   order, and stops at the first one that is in flight. So a message in flight at the front locks
//   its group (and extending its visibility extends the lock), while a message made visible again
//   (ChangeMessageVisibility to 0, a receive with VisibilityTimeout 0, an expired visibility) is
//   the next one delivered for its group even when later messages are still in flight, as AWS
//   was recorded doing. ready_groups_ lists groups whose first message is visible; receive takes
//   as many messages as it can from one group before moving to the next.
// - Every change is reported to a MutationLog (when the engine is durable) while the queue lock is
//   held, so the store sees changes in the order they happened.
//
// Thread safety: every member but the constant identity (id, address, arn) is GUARDED_BY(mu), and
// every method REQUIRES it: callers lock mu (a MutexLock) around whatever they do with the queue.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/message.h"
#include "engine/message_index.h"
#include "engine/message_pool.h"
#include "engine/watchers.h"
#include "queue_config/queue_config.h"
#include "sluice/common/mutex.h"
#include "sluice/sqs/engine.h"
#include "store/at_rest_cipher.h"
#include "store/store.h"

namespace sluice::sqs::detail {

// Collects the store mutations of one engine call. Null when the engine is in memory.
using MutationLog = std::vector<Mutation>;

struct DedupEntry {
  int64_t expires_ms = 0;
  std::string message_id;
  std::string sequence_number;
};

// How a message of the queue is sealed in the store: encrypted (SSE-SQS or SSE-KMS) and, for
// SSE-KMS, with which data key (0 = the store's own key).
struct Sealing {
  bool encrypted = false;
  int64_t data_key_id = 0;
};

// The data key an SSE-KMS queue's sends seal with (engine_kms.cpp): its id in the store, its blob
// (to tell a data key the KMS cache has just replaced), when it was generated, and whether the
// store already holds its cipher in this process (a PutDataKey was logged).
struct QueueDataKey {
  int64_t id = 0;
  std::string ciphertext_blob;
  int64_t generated_ms = 0;  // on the KMS clock; kept when the data key is handed over again
  bool with_store = false;
};

// A data key some of the queue's messages were loaded sealed with, and its cipher once KMS has
// decrypted it (EngineImpl::open_sealed).
struct SealedDataKey {
  DataKeyRecord record;
  std::unique_ptr<AtRestCipher> cipher;
};

struct ReceiveAttempt {
  int64_t expires_ms = 0;
  std::vector<std::pair<int64_t, int32_t>> messages;  // seq, receive count
};

class Queue {
 public:
  Queue(int64_t id, QueueAddress address, QueueConfig config);
  ~Queue() NO_THREAD_SAFETY_ANALYSIS;  // no other thread holds the queue any more
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  common::Mutex mu;
  const int64_t id;
  const QueueAddress address;
  const std::string arn;
  QueueConfig config GUARDED_BY(mu);
  TagMap tags GUARDED_BY(mu);
  std::string permissions_json GUARDED_BY(mu);
  int64_t created_ms GUARDED_BY(mu) = 0;
  int64_t modified_ms GUARDED_BY(mu) = 0;
  int64_t last_purge_ms GUARDED_BY(mu) = 0;
  uint64_t next_sequence_number GUARDED_BY(mu) = 0;
  uint64_t sequence_reserved GUARDED_BY(mu) = 0;  // persisted: sequence numbers below it may have been handed out
  bool deleted GUARDED_BY(mu) = false;
  // False for a queue read from the store's catalog until its messages are loaded (engine_load.cpp);
  // set once, under mu, by the loader holding load_mu. Every other queue is loaded from birth.
  std::atomic<bool> loaded{true};
  common::Mutex load_mu;  // taken before mu, never while holding it
  Watchers watchers GUARDED_BY(mu);
  std::unordered_map<std::string, DedupEntry> dedup GUARDED_BY(mu);
  std::deque<std::pair<int64_t, std::string>> dedup_expiry GUARDED_BY(mu);  // (expires_ms, key), oldest first
  std::unordered_map<std::string, ReceiveAttempt> receive_attempts GUARDED_BY(mu);
  QueueDataKey data_key GUARDED_BY(mu);
  // Set when the queue was loaded with messages still sealed with KMS data keys (by id), until
  // they are opened; cleared by a purge.
  bool holds_sealed GUARDED_BY(mu) = false;
  std::map<int64_t, SealedDataKey> sealed_keys GUARDED_BY(mu);

  bool fifo() const REQUIRES(mu) { return config.fifo; }
  QueueRecord record() const REQUIRES(mu);
  // Its messages' sealing now: the data key is the one the store holds for it, if any.
  Sealing sealing() const REQUIRES(mu) {
    return Sealing{config.encrypted(), config.kms_master_key_id && data_key.with_store ? data_key.id : int64_t{0}};
  }

  // A new message with `content` as its body in the queue's pool, not yet in the queue: the caller sets its fields
  // and passes it to insert (it must: only the queue frees it).
  Message* create(std::string_view content) REQUIRES(mu);
  // Adds a message made by create. Its state follows from visible_at_ms and receive_count.
  void insert(Message* message, int64_t now_ms) REQUIRES(mu);
  // Adds a message from the heap (loaded from the store, or moved from another queue): copied into
  // the pool.
  void insert(MessagePtr message, int64_t now_ms) REQUIRES(mu);
  Message* find(int64_t seq) REQUIRES(mu) { return messages_.find(seq); }
  // Gives a queued message `body` instead of its own (a sealed message opened): the record is
  // remade in the pool and the old one freed. Returns the new record.
  Message* replace_body(Message& message, std::string_view body) REQUIRES(mu);
  // Makes every hidden message whose time has come Visible. Returns true if any became visible.
  bool promote(int64_t now_ms) REQUIRES(mu);
  // Next message to serve, honouring FIFO group order and locks; null when none. For FIFO the
  // caller must call mark_in_flight (or remove) on it before asking for the next one.
  Message* next_visible() REQUIRES(mu);
  // Ends a receive: the FIFO group being served is let go.
  void end_receive() REQUIRES(mu) { serving_group_ = nullptr; }
  void mark_in_flight(Message& message, int64_t now_ms, int64_t visibility_ms) REQUIRES(mu);
  // Changes a message's visibility: 0 makes it visible now. Returns true if it became visible.
  bool set_visibility(Message& message, int64_t now_ms, int64_t visibility_ms) REQUIRES(mu);
  // Takes a message out of the queue and frees it (delete, expiry). False when it was not there.
  bool remove(int64_t seq) REQUIRES(mu);
  // Takes a message out of the queue onto the heap (a dead-letter or move-task move); null when it
  // was not there.
  MessagePtr take(int64_t seq) REQUIRES(mu);
  size_t purge() REQUIRES(mu);
  // Removes messages past the retention period, oldest first (seq order is send order; messages
  // moved in from another queue are checked when they reach the front or are received).
  std::vector<int64_t> expire(int64_t now_ms) REQUIRES(mu);
  bool expired(const Message& message, int64_t now_ms) const REQUIRES(mu);
  // SentTimestamp of the message that arrived first of those still here (a message moved in from
  // another queue keeps its own); nullopt when the queue is empty.
  std::optional<int64_t> oldest_sent_ms() REQUIRES(mu);
  // Earliest time a hidden message may become visible.
  std::optional<int64_t> next_visible_ms() REQUIRES(mu);
  void expire_dedup(int64_t now_ms) REQUIRES(mu);
  std::string next_sequence() REQUIRES(mu);

  size_t visible_count() const REQUIRES(mu) { return visible_; }
  size_t delayed_count() const REQUIRES(mu) { return delayed_; }
  size_t in_flight_count() const REQUIRES(mu) { return in_flight_; }
  size_t size() const REQUIRES(mu) { return messages_.size(); }
  template <typename Fn>
  void for_each_message(Fn&& fn) const REQUIRES(mu) {
    messages_.for_each([&fn](const Message& message) { fn(message); });
  }

 private:
  struct HiddenEntry {
    int64_t visible_at_ms;
    int64_t seq;
    uint32_t version;
    bool operator>(const HiddenEntry& other) const {
      return visible_at_ms != other.visible_at_ms ? visible_at_ms > other.visible_at_ms : seq > other.seq;
    }
  };
  struct Group {
    std::deque<int64_t> seqs;  // sequence order
    bool listed = false;       // present in ready_groups_
  };

  void count(MessageState state, int delta) REQUIRES(mu);
  void hide(Message& message, int64_t visible_at_ms, MessageState state) REQUIRES(mu);
  void make_visible(Message& message) REQUIRES(mu);
  void push_hidden(const Message& message) REQUIRES(mu);
  void push_ready(Message& message) REQUIRES(mu);
  void compact_indexes() REQUIRES(mu);
  bool group_available(const Group& group) const REQUIRES(mu);
  void list_group_if_available(const std::string& name, Group& group) REQUIRES(mu);
  // Takes a message out of every index; the caller frees or detaches it.
  Message* unlink(int64_t seq) REQUIRES(mu);
  void free_record(Message* message) REQUIRES(mu);

  MessagePool pool_ GUARDED_BY(mu);
  MessageIndex messages_ GUARDED_BY(mu);
  std::vector<HiddenEntry> hidden_ GUARDED_BY(mu);  // min-heap via std::push_heap with greater<>
  std::deque<int64_t> ready_ GUARDED_BY(mu);
  std::unordered_map<std::string, Group> groups_ GUARDED_BY(mu);
  std::deque<std::string> ready_groups_ GUARDED_BY(mu);
  // Seqs in arrival order, for retention: seq order is send order, so expiry walks from the front.
  // Removed messages are skipped lazily; the deque is compacted when they dominate.
  std::deque<int64_t> arrivals_ GUARDED_BY(mu);
  // FIFO: the group next_visible is currently serving, the position in it of the message handed
  // out last, and that message's seq (to tell whether the caller took it or removed it).
  Group* serving_group_ GUARDED_BY(mu) = nullptr;
  size_t serving_pos_ GUARDED_BY(mu) = 0;
  int64_t serving_last_seq_ GUARDED_BY(mu) = -1;
  size_t visible_ GUARDED_BY(mu) = 0;
  size_t delayed_ GUARDED_BY(mu) = 0;
  size_t in_flight_ GUARDED_BY(mu) = 0;
};

}  // namespace sluice::sqs::detail
