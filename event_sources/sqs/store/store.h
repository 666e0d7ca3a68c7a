#pragma once
// The durable store behind the engine. The engine keeps the queues it has loaded and their messages
// in memory and tells the store about each change as a Mutation; the store makes the changes
// durable in order.
//
// Ordering and group commit: the engine calls append() while it still holds the lock that ordered
// the change (so the log order equals the order changes happened), then, after releasing that
// lock, wait_durable(ticket) before it answers the caller. Concurrent waiters share one
// transaction: the first waiter to find no commit running commits everything appended so far
// (leader/follower), the others wait for it.
//
// Loading: at start the engine reads only the catalog (queues and id marks, load_catalog()), so a
// start costs the same with ten messages or ten million. Each queue's messages and deduplication
// entries are read when the queue is first used (load_queue()), and the approximate counts of a
// queue not yet loaded come from the stored rows (count_queue()). The engine never logs a change to
// the messages of a queue before it has loaded it, so what load_queue() reads is never overtaken by
// a change still waiting in the log.
//
// open_sqlite_store(): SQLite in WAL mode under a data directory. Message bodies and attributes of
// messages marked `encrypted` are stored AES-256-GCM encrypted: with the data key the record names
// (SSE-KMS queues: a data key KMS generated for the queue, whose blob is kept in data_keys and
// whose plaintext the engine hands over with PutDataKey, never written), else with a key file
// kept in the data directory (SSE-SQS queues; created on first use). Rows sealed with a data key
// are handed to the engine still sealed when their queue loads (load_queue), and opened by load()
// with the plaintext the DataKeyOpener gets back from KMS.
// open_memory_store(): keeps nothing.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/sqs/engine.h"

namespace sluice::sqs::detail {

struct QueueRecord {
  int64_t queue_id = 0;  // engine-assigned, unique for the store's lifetime
  QueueAddress address;
  AttributeMap attributes;  // settable attributes (queue_config.h settable_attributes)
  TagMap tags;
  std::string permissions_json;  // AddPermission statements, engine-defined JSON ("" = none)
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  int64_t last_purge_ms = 0;          // 0 = never purged
  uint64_t next_sequence_number = 0;  // FIFO sequence numbers continue from here after a restart
};

struct MessageRecord {
  int64_t queue_id = 0;
  int64_t seq = 0;  // engine-assigned, unique and increasing across the store
  std::string message_id;
  std::string body;
  MessageAttributes message_attributes;
  std::string aws_trace_header;  // "" = none
  std::string sender_id;
  std::string message_group_id;  // "" = none
  std::string message_deduplication_id;
  std::string sequence_number;         // FIFO, decimal
  std::string dead_letter_source_arn;  // set when moved to a DLQ
  int64_t sent_ms = 0;
  int64_t visible_at_ms = 0;     // hidden (delayed or in flight) until then
  int64_t first_receive_ms = 0;  // 0 = never received
  int32_t receive_count = 0;
  bool encrypted = false;   // keep body and attributes encrypted at rest
  int64_t data_key_id = 0;  // encrypted with this data key (data_keys); 0 = with the store's key file
  // From load_queue: the row was sealed with data key data_key_id and is handed over unopened:
  // `body` holds its sealed payload (sealed_payload.h), message_attributes nothing.
  bool sealed = false;
};

// A data key an SSE-KMS queue encrypts its messages with, as the store keeps it: what KMS needs to
// decrypt it again, never its plaintext. Ids are engine-assigned and never reused.
struct DataKeyRecord {
  int64_t data_key_id = 0;
  int64_t queue_id = 0;  // the queue it was generated for
  std::string account_id;
  std::string region;
  std::string key_ref;      // the queue's KmsMasterKeyId when it was generated
  std::string key_arn;      // the KMS key's ARN
  std::string context_arn;  // the encryption context's aws:sqs:arn (the queue's ARN)
  std::string ciphertext_blob;
  int64_t generated_ms = 0;  // on the KMS clock
};

// Gets a stored data key's plaintext back from KMS, or the error to answer with when KMS refuses.
using DataKeyOpener = std::function<common::Outcome<std::string>(const DataKeyRecord&)>;

// FIFO deduplication window entry: a send with this (queue, scope key, dedup id) before
// expires_ms is a duplicate that answers with the original message id and sequence number.
struct DedupRecord {
  int64_t queue_id = 0;
  std::string key;  // "<group>\n<dedup id>" or "\n<dedup id>" (queue scope)
  int64_t expires_ms = 0;
  std::string message_id;
  std::string sequence_number;
};

namespace mutation {
struct PutQueue {
  QueueRecord queue;
};  // insert or replace
struct DeleteQueue {
  int64_t queue_id;
};  // and all its messages and dedup entries
struct InsertMessage {
  MessageRecord message;
};
struct UpdateMessage {  // receive / visibility change
  int64_t seq;
  int64_t visible_at_ms;
  int64_t first_receive_ms;
  int32_t receive_count;
};
struct DeleteMessage {
  int64_t seq;
};
struct PurgeQueue {
  int64_t queue_id;
};  // delete all its messages and dedup entries
struct PutDedup {
  DedupRecord entry;
};
struct ExpireDedup {
  int64_t before_ms;
};  // drop every entry with expires_ms < before_ms
// A new data key, logged before the first message sealed with it. The plaintext seals that
// message and the later ones in the commit path; only the record is written.
struct PutDataKey {
  DataKeyRecord key;
  std::string plaintext;
};
}  // namespace mutation

using Mutation = std::variant<mutation::PutQueue, mutation::DeleteQueue, mutation::InsertMessage,
                              mutation::UpdateMessage, mutation::DeleteMessage, mutation::PurgeQueue,
                              mutation::PutDedup, mutation::ExpireDedup, mutation::PutDataKey>;

struct LoadedState {
  std::vector<QueueRecord> queues;
  std::vector<MessageRecord> messages;   // ordered by seq (empty from load_catalog())
  std::vector<DedupRecord> dedup;        // (empty from load_catalog())
  std::vector<DataKeyRecord> data_keys;  // each queue's newest data key
  // No id above these was ever used. They may exceed every loaded row: ids of deleted rows are
  // never handed out again, so the SQLite store keeps a high-water mark reserved in blocks.
  int64_t max_queue_id = 0;
  int64_t max_seq = 0;
  int64_t max_data_key_id = 0;
};

// One queue's stored contents (load_queue()).
struct QueueContents {
  std::vector<MessageRecord> messages;  // ordered by seq
  std::vector<DedupRecord> dedup;
  std::vector<DataKeyRecord> data_keys;  // the queue's data keys, when some messages are `sealed`
};

// A queue's stored messages by state at a moment, as the engine would count them once loaded:
// hidden until a later time and never received = delayed, hidden and received = in flight.
struct StoredCounts {
  int64_t visible = 0;
  int64_t delayed = 0;
  int64_t in_flight = 0;
  std::optional<int64_t> oldest_sent_ms;  // sent_ms of the queue's first row by seq; none when empty
};

// A commit that did not happen. `disk_full` when the file system refused to grow a file (no space,
// quota, file size limit): a condition that passes when space returns.
class StoreFailure : public std::runtime_error {
 public:
  StoreFailure(const std::string& reason, bool disk_full) : std::runtime_error(reason), disk_full_(disk_full) {}
  bool disk_full() const { return disk_full_; }

 private:
  bool disk_full_;
};

class Store {
 public:
  virtual ~Store() = default;
  // Everything committed so far, every message and deduplication entry included. Called at most
  // once, before any append, instead of load_catalog(); for tools and tests that want the whole
  // store (the engine loads lazily). Throws StoreFailure when a row cannot be read back.
  virtual LoadedState load() = 0;
  // The queues and the id marks, without messages or deduplication entries. Called once, before
  // any append: the engine's start.
  virtual LoadedState load_catalog() = 0;
  // One queue's messages (seq order) and deduplication entries, read while commits go on. Rows
  // sealed with a KMS data key come back `sealed`, with the queue's data keys: KMS is not asked
  // here. False + *error (naming the file and the row) when a row cannot be read back: a damaged
  // page, a row that cannot be decrypted with the store's key file. Thread-safe; the caller loads a
  // queue once.
  virtual bool load_queue(int64_t queue_id, QueueContents* out, std::string* error) = 0;
  // Counts a queue's stored messages at `now_ms` without loading them. False + *error as load_queue.
  virtual bool count_queue(int64_t queue_id, int64_t now_ms, StoredCounts* out, std::string* error) = 0;
  // Appends to the pending log; returns the ticket to wait for. Cheap and thread-safe.
  virtual uint64_t append(Mutation mutation) = 0;
  virtual uint64_t append(std::vector<Mutation> mutations) = 0;
  // Returns once every mutation up to `ticket` is committed. Throws StoreFailure when the commit
  // attempt that covered `ticket` failed. A failed batch is not dropped: memory already holds its
  // changes, so it is kept, in log order, ahead of whatever is appended next and retried by the next
  // commit; once a commit succeeds the store again equals memory.
  virtual void wait_durable(uint64_t ticket) = 0;
  // True while the last commit attempt failed (until one succeeds): the engine then refuses
  // changes that would add data instead of piling them onto a store that cannot take them.
  virtual bool failing() const = 0;
  // How load() gets the plaintexts of the data keys rows are sealed with (the first time each is
  // needed). Set before the first load; without one such rows cannot be read by load().
  virtual void set_data_key_opener(DataKeyOpener opener) = 0;
  // The committing connection's sync mode as SQLite reports it (PRAGMA synchronous, read once at
  // open); nullopt for the memory store.
  virtual std::optional<SyncMode> sync_mode() const = 0;
  // What the commits have cost so far; nullopt for the memory store.
  virtual std::optional<StoreCommitStats> commit_stats() const = 0;
};

struct StoreOpenOptions {
  SyncMode sync = SyncMode::Normal;
  // Lost or damaged files (store_marker.h) are worked around instead of refused: a lost WAL leaves
  // what the database file holds, a lost or unreadable database file an empty store (the damaged
  // file is kept beside it). Each problem is told to `report` in one sentence saying what was lost.
  bool recover = false;
  std::function<void(const std::string&)> report;
};

// Opens or creates the store in `data_dir` (created if missing). Null + *error (naming the file and
// the reason) for a corrupt file, a foreign file, a newer schema, an unusable directory, or files
// lost since the store was last used (unless options.recover).
std::unique_ptr<Store> open_sqlite_store(const std::string& data_dir, const StoreOpenOptions& options,
                                         std::string* error);
std::unique_ptr<Store> open_sqlite_store(const std::string& data_dir, SyncMode sync, std::string* error);
std::unique_ptr<Store> open_memory_store();

}  // namespace sluice::sqs::detail
