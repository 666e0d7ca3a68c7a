// The running SQLite store. Every statement is prepared once when the store starts; a commit is
// BEGIN, one reset-bind-step per mutation, COMMIT, executed by the group-commit leader in its
// own thread. Only the leader touches the connection after startup (the GroupCommit runs one
// commit at a time), so the connection is opened without SQLite's own mutexes.
//
// High-water marks: seq and queue_id must never be reused, even after the rows holding the
// largest ones are deleted (a receipt handle from before a restart must not name a new message).
// The largest ids ever inserted are kept in sluice_meta. Writing that row in every commit would
// add a page to each transaction, so ids are reserved in blocks: the stored mark runs ahead of the
// ids in use and is rewritten only when an insert passes it. load() reports the stored mark, so
// after a restart the engine continues past every id it may have used.
//
// Messages are clustered by queue: the table's key is (queue_id, seq), without a rowid, so a
// queue's rows are one range of the B-tree. Loading a queue (load_queue), counting it, purging it
// and deleting it each walk that range only, and no second index has to be maintained (one on
// queue_id cost about a third of the CPU of the send/receive/delete cycle). UpdateMessage and
// DeleteMessage name only the seq: queue_of_seq_, an in-memory map of every message loaded or
// inserted since the start (a few dozen bytes each, next to the engine's own copy), gives the
// queue to complete the key. A seq it does not know (a row of a queue never loaded, which the
// engine does not change) is still found, by a scan.
//
// Runs: a bulk receive changes the visibility of many messages alike, and a batch delete removes
// many, and under a backlog their seqs are consecutive (a queue hands out its messages in send
// order). run_transaction gives such a run of one queue one statement over its seq range
// (apply_run) instead of one statement per message: the range covers exactly the run's seqs, so
// the rows changed are the same.
//
// Counts without loading: each commit adds what it changed in a queue's number of stored messages
// to message_counts (one row per queue touched, in the same transaction, so it is exact after a
// crash); count_queue reads that and, through the partial index messages_hidden, only the
// messages hidden now (every hidden message was sent with a delay or received, so its
// visible_at_ms is past its sent_ms): O(hidden), not O(stored).
//
// Threads: the group-commit leader runs commits; load_queue and count_queue run on the threads of
// the engine's callers; the checkpointer (checkpointer.h) copies the WAL into the database on its
// own thread and connection, and holds connection_mu_ only for its rare step that lets the log
// restart. All of them take connection_mu_ around their use of the connection, and a
// queue is read in slices of kLoadSlice rows, so a large queue's load lets commits in between: a
// thread about to wait for the connection says so in connection_waiters_, and the loader steps
// aside after its slice until nobody waits (a mutex alone would let it take the lock straight back).
//
// Encrypted messages: body and encoded attributes are joined and sealed as one value in `body`
// (attributes column empty), with associated data binding it to (seq, queue_id)
// (sealed_payload.h): with the data key the row names in `data_key` (SSE-KMS, data_key_ciphers.h),
// else with the key file. load_queue hands rows sealed with a data key over still sealed: opening
// them needs KMS, which the calls that only delete or hide them must not (the engine opens them
// when it first reads them).
//
// A failed commit (a full disk, most often) is rolled back and retried later by the group commit
// with the same mutations. The leader's own bookkeeping must roll back with it, or the retry would
// go wrong: a purge would find no rows of the queue left in queue_of_seq_, and a high-water mark
// raised inside the lost transaction would never be written. So commit() notes the marks before it
// starts and journals every change to queue_of_seq_, and undoes them when the transaction fails.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>

#include "store/checkpointer.h"
#include "store/data_key_ciphers.h"
#include "store/group_commit.h"
#include "store/record_codec.h"
#include "store/sealed_payload.h"
#include "store/sqlite_store.h"
#include "store/store_marker.h"

namespace sluice::sqs::detail {
namespace {

constexpr int64_t kIdReserveBlock = 1 << 16;
constexpr int64_t kLoadSlice = 8192;  // rows read per hold of the connection while a queue loads
// Data keys no message names are swept this often (on the engine's clock, by the housekeeping's
// ExpireDedup), once a newer data key of their queue has been current this long.
constexpr int64_t kDataKeySweepIntervalMs = 60'000;
constexpr int64_t kDataKeySupersededMs = 60'000;

constexpr const char* kMessageColumns =
    "seq, queue_id, message_id, body, attributes, aws_trace_header, sender_id, message_group_id, "
    "message_deduplication_id, sequence_number, dead_letter_source_arn, sent_ms, visible_at_ms, "
    "first_receive_ms, receive_count, encrypted, data_key";

// Marks the session closed in the store marker once the database is closed (SQLite then has
// checkpointed the WAL into the database and deleted it), if the close was clean.
class CloseMarker {
 public:
  CloseMarker(std::string path, int64_t session) : path_(std::move(path)), session_(session) {}
  ~CloseMarker() {
    std::string error;
    if (clean_ && !write_store_marker(path_, StoreMarker{session_, false}, &error))
      std::fprintf(stderr, "sluice: %s\n", error.c_str());
  }
  CloseMarker(const CloseMarker&) = delete;
  CloseMarker& operator=(const CloseMarker&) = delete;
  void set_clean() { clean_ = true; }

 private:
  std::string path_;
  int64_t session_;
  bool clean_ = false;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(StoreConnections connections, StoreFiles files, std::unique_ptr<AtRestCipher> cipher,
              bool key_check_stored, int64_t session)
      : close_marker_(files.marker, session),
        claim_(std::move(connections.claim)),
        wal_end_(std::move(connections.wal_end)),
        db_(std::move(connections.writer)),
        files_(std::move(files)),
        cipher_(std::move(cipher)),
        key_check_stored_(key_check_stored),
        data_keys_(db_.get()),
        group_([this](std::vector<Mutation>& batch) { commit(batch); }) {
    sqlite3* h = db_.get();
    begin_ = common::sqlite::Statement(h, "BEGIN");
    commit_ = common::sqlite::Statement(h, "COMMIT");
    rollback_ = common::sqlite::Statement(h, "ROLLBACK");
    put_meta_ = common::sqlite::Statement(h, "INSERT OR REPLACE INTO sluice_meta(key, value) VALUES(?, ?)");
    put_queue_ = common::sqlite::Statement(
        h,
        "INSERT OR REPLACE INTO queues(queue_id, account_id, region, name, attributes, tags, permissions, "
        "created_ms, modified_ms, last_purge_ms, next_sequence_number) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    delete_queue_ = common::sqlite::Statement(h, "DELETE FROM queues WHERE queue_id = ?");
    delete_queue_dedup_ = common::sqlite::Statement(h, "DELETE FROM dedup WHERE queue_id = ?");
    insert_message_ = common::sqlite::Statement(
        h,
        "INSERT INTO messages(seq, queue_id, message_id, body, attributes, aws_trace_header, sender_id, "
        "message_group_id, message_deduplication_id, sequence_number, dead_letter_source_arn, sent_ms, "
        "visible_at_ms, first_receive_ms, receive_count, encrypted, data_key) "
        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    update_message_ =
        common::sqlite::Statement(h,
                                  "UPDATE messages SET visible_at_ms = ?, first_receive_ms = ?, receive_count = ? "
                                  "WHERE queue_id = ? AND seq = ?");
    update_unknown_message_ = common::sqlite::Statement(
        h, "UPDATE messages SET visible_at_ms = ?, first_receive_ms = ?, receive_count = ? WHERE seq = ?");
    delete_message_ = common::sqlite::Statement(h, "DELETE FROM messages WHERE queue_id = ? AND seq = ?");
    update_message_run_ =
        common::sqlite::Statement(h,
                                  "UPDATE messages SET visible_at_ms = ?, first_receive_ms = ?, receive_count = ? "
                                  "WHERE queue_id = ? AND seq BETWEEN ? AND ?");
    delete_message_run_ =
        common::sqlite::Statement(h, "DELETE FROM messages WHERE queue_id = ? AND seq BETWEEN ? AND ?");
    delete_queue_messages_ = common::sqlite::Statement(h, "DELETE FROM messages WHERE queue_id = ?");
    read_slice_ =
        common::sqlite::Statement(h, std::string("SELECT ") + kMessageColumns +
                                         " FROM messages WHERE queue_id = ? AND seq > ? ORDER BY seq LIMIT ?");
    read_queue_dedup_ = common::sqlite::Statement(
        h, "SELECT queue_id, key, expires_ms, message_id, sequence_number FROM dedup WHERE queue_id = ? ORDER BY key");
    count_stored_ = common::sqlite::Statement(h, "SELECT stored FROM message_counts WHERE queue_id = ?");
    oldest_sent_ = common::sqlite::Statement(h, "SELECT sent_ms FROM messages WHERE queue_id = ? ORDER BY seq LIMIT 1");
    count_hidden_ =
        common::sqlite::Statement(h,
                                  "SELECT coalesce(sum(receive_count = 0), 0), coalesce(sum(receive_count > 0), 0) "
                                  "FROM messages WHERE queue_id = ?1 AND visible_at_ms > ?2 AND "
                                  "visible_at_ms > sent_ms");
    add_count_ = common::sqlite::Statement(h,
                                           "INSERT INTO message_counts(queue_id, stored) VALUES(?1, ?2) "
                                           "ON CONFLICT(queue_id) DO UPDATE SET stored = stored + excluded.stored");
    drop_count_ = common::sqlite::Statement(h, "DELETE FROM message_counts WHERE queue_id = ?");
    queue_of_unknown_ = common::sqlite::Statement(h, "SELECT queue_id FROM messages WHERE seq = ?");
    put_dedup_ = common::sqlite::Statement(
        h, "INSERT OR REPLACE INTO dedup(queue_id, key, expires_ms, message_id, sequence_number) VALUES(?,?,?,?,?)");
    expire_dedup_ = common::sqlite::Statement(h, "DELETE FROM dedup WHERE expires_ms < ?");
    checkpointer_ = std::make_unique<Checkpointer>(std::move(connections.checkpointer), kCheckpointFrames,
                                                   kRestartFrames, [this](const std::function<void()>& copy) {
                                                     ++connection_waiters_;
                                                     common::MutexLock lock(connection_mu_);
                                                     --connection_waiters_;
                                                     copy();
                                                   });
    wal_end_->hand_checkpoints_to(checkpointer_.get());
    // What commits on this connection survive, in SQLite's own words: 1 NORMAL, 2 FULL, 3 EXTRA.
    common::sqlite::Statement synchronous(h, "PRAGMA synchronous");
    sync_mode_ = synchronous.step() && synchronous.int64(0) >= 2 ? SyncMode::PowerLoss : SyncMode::Normal;
  }

  ~SqliteStore() override {
    // Whatever was appended but never waited for is still committed before the file closes.
    try {
      group_.flush();
      close_marker_.set_clean();
    } catch (const std::exception&) {
      // Already reported to the waiters of the failed commit; nothing more can be done here. The
      // marker stays "open", as after a crash: the WAL is kept and read at the next start.
    }
    // No commit follows; the checkpointer stops (and closes its connection) before db_ closes.
    wal_end_->hand_checkpoints_to(nullptr);
  }

  bool read_catalog(std::string* error);

  LoadedState load() override;
  LoadedState load_catalog() override { return std::exchange(loaded_, LoadedState{}); }
  bool load_queue(int64_t queue_id, QueueContents* out, std::string* error) override;
  bool count_queue(int64_t queue_id, int64_t now_ms, StoredCounts* out, std::string* error) override;
  uint64_t append(Mutation mutation) override { return group_.append(std::move(mutation)); }
  uint64_t append(std::vector<Mutation> mutations) override { return group_.append(std::move(mutations)); }
  void wait_durable(uint64_t ticket) override { group_.wait_durable(ticket); }
  bool failing() const override { return group_.failing(); }
  void set_data_key_opener(DataKeyOpener opener) override {
    common::MutexLock lock(connection_mu_);
    data_keys_.set_opener(std::move(opener));
  }
  std::optional<SyncMode> sync_mode() const override { return sync_mode_; }
  std::optional<StoreCommitStats> commit_stats() const override {
    return StoreCommitStats{commit_duration_.snapshot(), committed_mutations_.load(std::memory_order_relaxed),
                            failed_commits_.load(std::memory_order_relaxed)};
  }

 private:
  void commit(std::vector<Mutation>& batch);
  void run_transaction(std::vector<Mutation>& batch);  // throws StoreFailure for SQLite's failures
  void roll_back();
  void undo_bookkeeping(int64_t reserved_seq, int64_t reserved_queue_id, bool key_check_stored);
  void forget_seq(int64_t seq);  // erases from queue_of_seq_, journaled for undo
  size_t apply_run(const std::vector<Mutation>& batch, size_t at);
  void apply(const mutation::PutQueue& m);
  void apply(const mutation::DeleteQueue& m);
  void apply(const mutation::InsertMessage& m);
  void apply(const mutation::UpdateMessage& m);
  void apply(const mutation::DeleteMessage& m);
  void apply(const mutation::PurgeQueue& m);
  void apply(const mutation::PutDedup& m);
  void apply(const mutation::ExpireDedup& m);
  void apply(const mutation::PutDataKey& m);
  const AtRestCipher& cipher_for_writing();
  void put_meta(const char* key, int64_t value);
  void delete_messages_of(int64_t queue_id);
  bool read_meta(const char* key, int64_t* value);
  bool read_queues(std::string* error);
  // Reads the current row of a statement selecting kMessageColumns, decrypting it if need be. A row
  // sealed with a KMS data key is opened through the DataKeyOpener with `open_data_key_rows`, else
  // left sealed (MessageRecord::sealed).
  bool read_message(common::sqlite::Statement& s, MessageRecord* r, std::string* error, bool open_data_key_rows);
  bool read_all_messages(std::vector<MessageRecord>* out, std::string* error);
  static DedupRecord read_dedup_row(common::sqlite::Statement& s);

  CloseMarker close_marker_;                // declared before db_: written after the database is closed
  std::unique_ptr<FileClaim> claim_;        // declared before db_: let go of once the file is closed
  common::Mutex connection_mu_;             // held by whoever uses db_ after the start (see the top)
  std::atomic<int> connection_waiters_{0};  // commits and counts waiting for connection_mu_
  std::unique_ptr<WalEndMark> wal_end_;     // db_'s WAL hook: declared before db_, so it outlives it
  common::sqlite::Connection db_;           // declared before the statements: they are finalized before it closes
  StoreFiles files_;
  std::optional<SyncMode> sync_mode_;  // db_'s, read back from SQLite at the start; immutable after
  // Leader-only state (touched only inside commit(), which GroupCommit serializes).
  std::unique_ptr<AtRestCipher> cipher_;
  bool key_check_stored_;
  int64_t reserved_seq_ = 0;                           // largest seq the stored mark covers
  int64_t reserved_queue_id_ = 0;                      // largest queue_id the stored mark covers
  std::unordered_map<int64_t, int64_t> queue_of_seq_;  // every stored message: seq -> queue_id
  // Entries of queue_of_seq_ as they were before the running transaction changed them
  // (nullopt: absent), in the order of the changes.
  std::vector<std::pair<int64_t, std::optional<int64_t>>> seq_undo_;
  bool failing_ = false;  // the last commit failed (for the log lines on failure and recovery)
  // Written by the commit leader, read by scrapes from any thread.
  common::DurationHistogram commit_duration_;
  std::atomic<uint64_t> committed_mutations_{0};
  std::atomic<uint64_t> failed_commits_{0};
  common::sqlite::Statement begin_, commit_, rollback_, put_meta_;
  common::sqlite::Statement put_queue_, delete_queue_, delete_queue_dedup_;
  common::sqlite::Statement insert_message_, update_message_, update_unknown_message_, delete_message_;
  common::sqlite::Statement update_message_run_, delete_message_run_;
  common::sqlite::Statement delete_queue_messages_;
  common::sqlite::Statement read_slice_, read_queue_dedup_, count_stored_, count_hidden_, oldest_sent_;
  common::sqlite::Statement add_count_, drop_count_, queue_of_unknown_;
  std::map<int64_t, int64_t> count_deltas_;  // the running transaction's changes to message_counts
  common::sqlite::Statement put_dedup_, expire_dedup_;
  DataKeyCiphers data_keys_;            // under connection_mu_
  int64_t last_data_key_sweep_ms_ = 0;  // by the leader: ExpireDedup's time of the last prune_unused
  int64_t reserved_data_key_id_ = 0;    // the stored mark of data key ids (leader-only)
  LoadedState loaded_;
  // Declared after db_ and the statements: stops, and closes its connection, before db_ closes,
  // so that db_ is the last connection and checkpoints and deletes the WAL as it closes.
  std::unique_ptr<Checkpointer> checkpointer_;
  GroupCommit group_;  // declared last: destroyed first, after the destructor's flush
};

void SqliteStore::commit(std::vector<Mutation>& batch) {
  if (batch.empty()) return;
  ++connection_waiters_;
  common::MutexLock lock(connection_mu_);
  --connection_waiters_;
  const int64_t reserved_seq = reserved_seq_;
  const int64_t reserved_queue_id = reserved_queue_id_;
  const bool key_check_stored = key_check_stored_;
  const int64_t reserved_data_key_id = reserved_data_key_id_;
  seq_undo_.clear();
  const auto started = std::chrono::steady_clock::now();
  try {
    run_transaction(batch);
  } catch (const StoreFailure& e) {
    failed_commits_.fetch_add(1, std::memory_order_relaxed);
    undo_bookkeeping(reserved_seq, reserved_queue_id, key_check_stored);
    reserved_data_key_id_ = reserved_data_key_id;
    if (!failing_) {
      std::fprintf(stderr, "sluice: %s; changes are refused until a commit succeeds again\n", e.what());
      failing_ = true;
    }
    throw;
  } catch (...) {
    failed_commits_.fetch_add(1, std::memory_order_relaxed);
    undo_bookkeeping(reserved_seq, reserved_queue_id, key_check_stored);
    reserved_data_key_id_ = reserved_data_key_id;
    throw;
  }
  commit_duration_.record_ns(static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count()));
  committed_mutations_.fetch_add(batch.size(), std::memory_order_relaxed);
  if (failing_) {
    std::fprintf(stderr, "sluice: %s commits again; every change held since the failure is stored\n",
                 files_.database.c_str());
    failing_ = false;
  }
}

void SqliteStore::run_transaction(std::vector<Mutation>& batch) {
  begin_.run();
  count_deltas_.clear();
  try {
    for (size_t i = 0; i < batch.size();) {
      if (const size_t run = apply_run(batch, i)) {
        i += run;
        continue;
      }
      std::visit([this](const auto& op) { apply(op); }, batch[i]);
      ++i;
    }
    for (const auto& [queue_id, delta] : count_deltas_)
      if (delta != 0) add_count_.bind(1, queue_id).bind(2, delta).run();
    commit_.run();
  } catch (const common::sqlite::Error& e) {
    // Classified before the rollback, which may overwrite the errno SQLite kept.
    const bool disk_full = common::sqlite::is_disk_full(db_.get(), e);
    roll_back();
    throw StoreFailure(disk_full ? files_.database + " cannot grow: the disk is full (" + e.what() + ")"
                                 : describe_sqlite_failure(files_.database, e),
                       disk_full);
  } catch (...) {
    roll_back();
    throw;
  }
}

void SqliteStore::roll_back() {
  // COMMIT itself may fail and leave the transaction open (e.g. SQLITE_BUSY, SQLITE_FULL); roll
  // back so the connection is not stuck inside it and the retry starts from the committed state.
  if (sqlite3_get_autocommit(db_.get()) == 0) {
    try {
      rollback_.run();
    } catch (const common::sqlite::Error&) {
    }
  }
}

void SqliteStore::undo_bookkeeping(int64_t reserved_seq, int64_t reserved_queue_id, bool key_check_stored) {
  reserved_seq_ = reserved_seq;
  reserved_queue_id_ = reserved_queue_id;
  key_check_stored_ = key_check_stored;
  for (auto it = seq_undo_.rbegin(); it != seq_undo_.rend(); ++it) {
    if (it->second) {
      queue_of_seq_[it->first] = *it->second;
    } else {
      queue_of_seq_.erase(it->first);
    }
  }
  seq_undo_.clear();
}

void SqliteStore::forget_seq(int64_t seq) {
  auto it = queue_of_seq_.find(seq);
  if (it == queue_of_seq_.end()) return;
  seq_undo_.emplace_back(seq, it->second);
  queue_of_seq_.erase(it);
}

// The run of mutations starting at `at` that one range statement can apply: deletes, or updates
// to the same values, of consecutive seqs of one known queue. Returns how many mutations it
// applied; 0 (nothing done) when the run is shorter than two.
size_t SqliteStore::apply_run(const std::vector<Mutation>& batch, size_t at) {
  const auto* first_delete = std::get_if<mutation::DeleteMessage>(&batch[at]);
  const auto* first_update = std::get_if<mutation::UpdateMessage>(&batch[at]);
  if (!first_delete && !first_update) return 0;
  const int64_t first_seq = first_delete ? first_delete->seq : first_update->seq;
  auto queue = queue_of_seq_.find(first_seq);
  if (queue == queue_of_seq_.end()) return 0;
  const int64_t queue_id = queue->second;
  size_t end = at + 1;
  for (; end < batch.size(); ++end) {
    const int64_t seq = first_seq + static_cast<int64_t>(end - at);
    if (first_delete) {
      const auto* d = std::get_if<mutation::DeleteMessage>(&batch[end]);
      if (!d || d->seq != seq) break;
    } else {
      const auto* u = std::get_if<mutation::UpdateMessage>(&batch[end]);
      if (!u || u->seq != seq || u->visible_at_ms != first_update->visible_at_ms ||
          u->first_receive_ms != first_update->first_receive_ms || u->receive_count != first_update->receive_count)
        break;
    }
    auto it = queue_of_seq_.find(seq);
    if (it == queue_of_seq_.end() || it->second != queue_id) break;
  }
  const size_t count = end - at;
  if (count < 2) return 0;
  const int64_t last_seq = first_seq + static_cast<int64_t>(count) - 1;
  if (first_update) {
    update_message_run_.bind(1, first_update->visible_at_ms)
        .bind(2, first_update->first_receive_ms)
        .bind(3, int64_t{first_update->receive_count})
        .bind(4, queue_id)
        .bind(5, first_seq)
        .bind(6, last_seq)
        .run();
    return count;
  }
  delete_message_run_.bind(1, queue_id).bind(2, first_seq).bind(3, last_seq).run();
  count_deltas_[queue_id] -= sqlite3_changes(db_.get());
  for (int64_t seq = first_seq; seq <= last_seq; ++seq) forget_seq(seq);
  return count;
}

void SqliteStore::put_meta(const char* key, int64_t value) { put_meta_.bind_text(1, key).bind(2, value).run(); }

void SqliteStore::apply(const mutation::PutQueue& m) {
  const QueueRecord& q = m.queue;
  if (q.queue_id > reserved_queue_id_) {
    reserved_queue_id_ = q.queue_id + kIdReserveBlock;
    put_meta("max_queue_id", reserved_queue_id_);
  }
  std::string attributes = encode_string_map(q.attributes);
  std::string tags = encode_string_map(q.tags);
  put_queue_.bind(1, q.queue_id)
      .bind_text(2, q.address.account_id)
      .bind_text(3, q.address.region)
      .bind_text(4, q.address.name)
      .bind(5, attributes)
      .bind(6, tags)
      .bind_text(7, q.permissions_json)
      .bind(8, q.created_ms)
      .bind(9, q.modified_ms)
      .bind(10, q.last_purge_ms)
      .bind(11, static_cast<int64_t>(q.next_sequence_number))  // keeps all 64 bits
      .run();
}

void SqliteStore::delete_messages_of(int64_t queue_id) {
  delete_queue_messages_.bind(1, queue_id).run();  // the queue's range, loaded or not
  drop_count_.bind(1, queue_id).run();
  count_deltas_.erase(queue_id);  // what this transaction added is gone with the rows
  std::vector<int64_t> seqs;
  for (const auto& [seq, queue] : queue_of_seq_) {
    if (queue == queue_id) seqs.push_back(seq);
  }
  for (int64_t seq : seqs) forget_seq(seq);
}

void SqliteStore::apply(const mutation::DeleteQueue& m) {
  delete_messages_of(m.queue_id);
  delete_queue_dedup_.bind(1, m.queue_id).run();
  data_keys_.drop_queue(m.queue_id);
  delete_queue_.bind(1, m.queue_id).run();
}

const AtRestCipher& SqliteStore::cipher_for_writing() {
  if (!cipher_) {
    std::string error;
    cipher_ = AtRestCipher::create_key_file(files_.key, &error);
    if (!cipher_) throw std::runtime_error(error);
  }
  if (!key_check_stored_) {
    // Stored in the same transaction as the first encrypted row, after the key file is synced.
    std::string check = cipher_->key_check();
    put_meta_.bind_text(1, "key_check").bind(2, check).run();
    key_check_stored_ = true;
  }
  return *cipher_;
}

void SqliteStore::apply(const mutation::InsertMessage& m) {
  const MessageRecord& r = m.message;
  if (r.seq > reserved_seq_) {
    reserved_seq_ = r.seq + kIdReserveBlock;
    put_meta("max_seq", reserved_seq_);
  }
  std::string attributes = encode_attributes(r.message_attributes);
  std::string sealed;
  std::string_view body = r.body;
  std::string_view stored_attributes = attributes;
  if (r.encrypted) {
    const AtRestCipher& cipher = r.data_key_id != 0 ? data_keys_.for_sealing(r.data_key_id) : cipher_for_writing();
    sealed = seal_payload(cipher, r.body, attributes, r.seq, r.queue_id);
    body = sealed;
    stored_attributes = {};
  }
  insert_message_.bind(1, r.seq)
      .bind(2, r.queue_id)
      .bind_text(3, r.message_id)
      .bind(4, body)
      .bind(5, stored_attributes)
      .bind_text(6, r.aws_trace_header)
      .bind_text(7, r.sender_id)
      .bind_text(8, r.message_group_id)
      .bind_text(9, r.message_deduplication_id)
      .bind_text(10, r.sequence_number)
      .bind_text(11, r.dead_letter_source_arn)
      .bind(12, r.sent_ms)
      .bind(13, r.visible_at_ms)
      .bind(14, r.first_receive_ms)
      .bind(15, int64_t{r.receive_count})
      .bind(16, int64_t{r.encrypted ? 1 : 0})
      .bind(17, r.encrypted ? r.data_key_id : int64_t{0})
      .run();
  ++count_deltas_[r.queue_id];
  seq_undo_.emplace_back(r.seq, std::nullopt);  // a seq is inserted once: it was absent
  queue_of_seq_[r.seq] = r.queue_id;
}

void SqliteStore::apply(const mutation::UpdateMessage& m) {
  auto queue = queue_of_seq_.find(m.seq);
  if (queue == queue_of_seq_.end()) {
    update_unknown_message_.bind(1, m.visible_at_ms)
        .bind(2, m.first_receive_ms)
        .bind(3, int64_t{m.receive_count})
        .bind(4, m.seq)
        .run();
    return;
  }
  update_message_.bind(1, m.visible_at_ms)
      .bind(2, m.first_receive_ms)
      .bind(3, int64_t{m.receive_count})
      .bind(4, queue->second)
      .bind(5, m.seq)
      .run();
}

void SqliteStore::apply(const mutation::DeleteMessage& m) {
  auto queue = queue_of_seq_.find(m.seq);
  if (queue == queue_of_seq_.end()) {
    queue_of_unknown_.bind(1, m.seq);
    if (!queue_of_unknown_.step()) return;  // not stored (deleted before)
    const int64_t queue_id = queue_of_unknown_.int64(0);
    queue_of_unknown_.reset();
    delete_message_.bind(1, queue_id).bind(2, m.seq).run();
    --count_deltas_[queue_id];
    return;
  }
  delete_message_.bind(1, queue->second).bind(2, m.seq).run();
  if (sqlite3_changes(db_.get()) > 0) --count_deltas_[queue->second];
  forget_seq(m.seq);
}

void SqliteStore::apply(const mutation::PurgeQueue& m) {
  delete_messages_of(m.queue_id);
  delete_queue_dedup_.bind(1, m.queue_id).run();
  data_keys_.prune_queue(m.queue_id);
}

void SqliteStore::apply(const mutation::PutDataKey& m) {
  if (m.key.data_key_id > reserved_data_key_id_) {
    reserved_data_key_id_ = m.key.data_key_id;  // data keys are few: the mark is the id itself
    put_meta("max_data_key_id", reserved_data_key_id_);
  }
  data_keys_.put(m.key, m.plaintext);
}

void SqliteStore::apply(const mutation::PutDedup& m) {
  const DedupRecord& d = m.entry;
  put_dedup_.bind(1, d.queue_id)
      .bind(2, d.key)
      .bind(3, d.expires_ms)
      .bind_text(4, d.message_id)
      .bind_text(5, d.sequence_number)
      .run();
}

void SqliteStore::apply(const mutation::ExpireDedup& m) {
  expire_dedup_.bind(1, m.before_ms).run();
  // The housekeeping that expires dedup entries also sweeps the data keys no message needs any
  // more, at most once per interval (each sweep is an index lookup per data key row).
  if (m.before_ms - last_data_key_sweep_ms_ >= kDataKeySweepIntervalMs) {
    data_keys_.prune_unused(m.before_ms - kDataKeySupersededMs);
    last_data_key_sweep_ms_ = m.before_ms;
  }
}

// ---- Reading: the catalog at the start, a queue on its first use -------------------------------

bool SqliteStore::read_meta(const char* key, int64_t* value) {
  common::sqlite::Statement s(db_.get(), "SELECT value FROM sluice_meta WHERE key = ?");
  s.bind_text(1, key);
  if (!s.step()) return false;
  *value = s.int64(0);
  s.reset();
  return true;
}

bool SqliteStore::read_queues(std::string* error) {
  common::sqlite::Statement s(
      db_.get(),
      "SELECT queue_id, account_id, region, name, attributes, tags, permissions, created_ms, modified_ms, "
      "last_purge_ms, next_sequence_number FROM queues ORDER BY queue_id");
  while (s.step()) {
    QueueRecord q;
    q.queue_id = s.int64(0);
    q.address = QueueAddress{s.string(1), s.string(2), s.string(3)};
    auto attributes = decode_string_map(s.string(4));
    auto tags = decode_string_map(s.string(5));
    if (!attributes || !tags) {
      s.reset();
      *error = files_.database + " is corrupt (queue " + std::to_string(q.queue_id) + " cannot be decoded)";
      return false;
    }
    q.attributes = std::move(*attributes);
    q.tags = std::move(*tags);
    q.permissions_json = s.string(6);
    q.created_ms = s.int64(7);
    q.modified_ms = s.int64(8);
    q.last_purge_ms = s.int64(9);
    q.next_sequence_number = static_cast<uint64_t>(s.int64(10));
    loaded_.max_queue_id = std::max(loaded_.max_queue_id, q.queue_id);
    loaded_.queues.push_back(std::move(q));
  }
  return true;
}

bool SqliteStore::read_message(common::sqlite::Statement& s, MessageRecord* out, std::string* error,
                               bool open_data_key_rows) {
  MessageRecord& r = *out;
  r.seq = s.int64(0);
  r.queue_id = s.int64(1);
  r.message_id = s.string(2);
  r.encrypted = s.int64(15) != 0;
  std::string where = files_.database + ": message " + std::to_string(r.seq);
  r.data_key_id = s.int64(16);
  if (r.encrypted && r.data_key_id != 0 && !open_data_key_rows) {
    r.sealed = true;
    r.body = s.string(3);
  } else if (r.encrypted) {
    const AtRestCipher* cipher = cipher_.get();
    if (r.data_key_id != 0) {
      std::string why;
      std::optional<common::AwsError> refusal;
      cipher = data_keys_.for_opening(r.data_key_id, &why, &refusal);
      if (cipher == nullptr) {
        *error = where + " cannot be decrypted: " + why;
        return false;
      }
    } else if (cipher == nullptr) {
      *error = where + " is encrypted but " + files_.key + " is missing";
      return false;
    }
    auto opened = open_payload(*cipher, s.string(3), r.seq, r.queue_id);
    if (!opened) {
      *error = where + " cannot be decrypted with " +
               (r.data_key_id != 0 ? "its data key " + std::to_string(r.data_key_id) + " (damaged row)"
                                   : files_.key + " (damaged row or wrong key)");
      return false;
    }
    r.body = std::move(opened->body);
    r.message_attributes = std::move(opened->attributes);
  } else {
    r.body = s.string(3);
    auto attributes = decode_attributes(s.string(4));
    if (!attributes) {
      *error = where + " is corrupt (its attributes cannot be decoded)";
      return false;
    }
    r.message_attributes = std::move(*attributes);
  }
  r.aws_trace_header = s.string(5);
  r.sender_id = s.string(6);
  r.message_group_id = s.string(7);
  r.message_deduplication_id = s.string(8);
  r.sequence_number = s.string(9);
  r.dead_letter_source_arn = s.string(10);
  r.sent_ms = s.int64(11);
  r.visible_at_ms = s.int64(12);
  r.first_receive_ms = s.int64(13);
  r.receive_count = static_cast<int32_t>(s.int64(14));
  return true;
}

DedupRecord SqliteStore::read_dedup_row(common::sqlite::Statement& s) {
  DedupRecord d;
  d.queue_id = s.int64(0);
  d.key = s.string(1);
  d.expires_ms = s.int64(2);
  d.message_id = s.string(3);
  d.sequence_number = s.string(4);
  return d;
}

bool SqliteStore::read_all_messages(std::vector<MessageRecord>* out, std::string* error) {
  common::sqlite::Statement s(db_.get(), std::string("SELECT ") + kMessageColumns + " FROM messages ORDER BY seq");
  while (s.step()) {
    MessageRecord r;
    if (!read_message(s, &r, error, true)) {
      s.reset();
      return false;
    }
    queue_of_seq_[r.seq] = r.queue_id;
    out->push_back(std::move(r));
  }
  return true;
}

LoadedState SqliteStore::load() {
  common::MutexLock lock(connection_mu_);
  LoadedState state = std::exchange(loaded_, LoadedState{});
  std::string error;
  try {
    if (!read_all_messages(&state.messages, &error)) throw StoreFailure(error, false);
    common::sqlite::Statement s(
        db_.get(), "SELECT queue_id, key, expires_ms, message_id, sequence_number FROM dedup ORDER BY queue_id, key");
    while (s.step()) state.dedup.push_back(read_dedup_row(s));
  } catch (const common::sqlite::Error& e) {
    throw StoreFailure(describe_sqlite_failure(files_.database, e), false);
  }
  for (const MessageRecord& r : state.messages) state.max_seq = std::max(state.max_seq, r.seq);
  return state;
}

bool SqliteStore::load_queue(int64_t queue_id, QueueContents* out, std::string* error) {
  int64_t after = 0;
  bool any_sealed = false;
  try {
    for (;;) {
      while (connection_waiters_.load() > 0) std::this_thread::yield();
      common::MutexLock lock(connection_mu_);
      read_slice_.bind(1, queue_id).bind(2, after).bind(3, kLoadSlice);
      int64_t rows = 0;
      while (read_slice_.step()) {
        MessageRecord r;
        if (!read_message(read_slice_, &r, error, false)) {
          read_slice_.reset();
          return false;
        }
        any_sealed = any_sealed || r.sealed;
        after = r.seq;
        queue_of_seq_[r.seq] = r.queue_id;
        out->messages.push_back(std::move(r));
        ++rows;
      }
      if (rows < kLoadSlice) break;
    }
    common::MutexLock lock(connection_mu_);
    read_queue_dedup_.bind(1, queue_id);
    while (read_queue_dedup_.step()) out->dedup.push_back(read_dedup_row(read_queue_dedup_));
    if (any_sealed) out->data_keys = data_keys_.of_queue(queue_id);
  } catch (const common::sqlite::Error& e) {
    *error = describe_sqlite_failure(files_.database, e);
    return false;
  }
  return true;
}

bool SqliteStore::count_queue(int64_t queue_id, int64_t now_ms, StoredCounts* out, std::string* error) {
  try {
    ++connection_waiters_;
    common::MutexLock lock(connection_mu_);
    --connection_waiters_;
    int64_t stored = 0;
    count_stored_.bind(1, queue_id);
    if (count_stored_.step()) {
      stored = count_stored_.int64(0);
      count_stored_.reset();
    }
    count_hidden_.bind(1, queue_id).bind(2, now_ms);
    if (count_hidden_.step()) {
      out->delayed = count_hidden_.int64(0);
      out->in_flight = count_hidden_.int64(1);
      count_hidden_.reset();
    }
    out->visible = std::max<int64_t>(0, stored - out->delayed - out->in_flight);
    oldest_sent_.bind(1, queue_id);
    if (oldest_sent_.step()) {
      out->oldest_sent_ms = oldest_sent_.int64(0);
      oldest_sent_.reset();
    }
  } catch (const common::sqlite::Error& e) {
    *error = describe_sqlite_failure(files_.database, e);
    return false;
  }
  return true;
}

bool SqliteStore::read_catalog(std::string* error) {
  try {
    read_meta("max_seq", &reserved_seq_);
    read_meta("max_queue_id", &reserved_queue_id_);
    read_meta("max_data_key_id", &reserved_data_key_id_);
    if (!read_queues(error)) return false;
    loaded_.data_keys = data_keys_.newest_per_queue();
  } catch (const common::sqlite::Error& e) {
    *error = describe_sqlite_failure(files_.database, e);
    return false;
  }
  // Every seq ever inserted is covered by the stored mark (schema step 2 set it for files written
  // before the mark existed), so the messages need not be read to know where seqs continue.
  loaded_.max_seq = reserved_seq_;
  loaded_.max_queue_id = std::max(loaded_.max_queue_id, reserved_queue_id_);
  loaded_.max_data_key_id = reserved_data_key_id_;
  return true;
}

}  // namespace

std::unique_ptr<Store> start_sqlite_store(StoreConnections connections, StoreFiles files,
                                          std::unique_ptr<AtRestCipher> cipher, bool key_check_stored, int64_t session,
                                          std::string* error) {
  std::unique_ptr<SqliteStore> store;
  try {
    store = std::make_unique<SqliteStore>(std::move(connections), files, std::move(cipher), key_check_stored, session);
  } catch (const common::sqlite::Error& e) {
    *error = describe_sqlite_failure(files.database, e);
    std::string ignored;  // the connection closed cleanly while the error unwound
    write_store_marker(files.marker, StoreMarker{session, false}, &ignored);
    return nullptr;
  }
  if (!store->read_catalog(error)) return nullptr;
  return store;
}

}  // namespace sluice::sqs::detail
