#pragma once
// Internal pieces shared by the HTTP and Lambda sinks: the delivery codec (a Delivery as JSON,
// for the journal), the journal itself, the retrying worker pool and the dead-letter step.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sluice/common/sqlite.h"
#include "sluice/common/work_pool.h"
#include "sluice/sns/delivery.h"

namespace sluice::sns::detail {

// ---- Codec (codec.cpp) -------------------------------------------------------------------------

std::string delivery_to_json(const Delivery& delivery);
std::optional<Delivery> delivery_from_json(std::string_view text);

// ---- Journal (journal.cpp) ---------------------------------------------------------------------

// Pending deliveries in SQLite (WAL, synchronous=NORMAL): one row per delivery, keyed by an id,
// tagged with the sink that owns it ("http", "lambda"). Thread-safe.
//
// A write that fails (a full disk, most often) is rolled back and held, in order, ahead of the
// next one; every write first retries those held, in the same transaction. So the journal never
// drops a change while the process lives: once a write gets through it again equals what the
// runners hold in memory. Ids are handed out before the row is stored (not by SQLite), so a held
// insert already has the id later writes of the same delivery name. The HTTP and the Lambda sink
// each open a Journal on the same file, so ids come from one counter of the process, raised past
// the largest stored id by every open.
class Journal {
 public:
  struct Row {
    int64_t id;
    int attempts;
    std::string delivery;
  };
  static std::unique_ptr<Journal> open(const std::string& path, std::string* error);
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  int64_t insert(std::string_view kind, std::string_view delivery);  // the new row's id
  void set_attempts(int64_t id, int attempts);
  void erase(int64_t id);
  std::vector<Row> load(std::string_view kind);
  // True while writes are held because the last attempt failed.
  bool failing();

 private:
  struct Write {
    enum class Kind { Insert, SetAttempts, Erase } what;
    int64_t id;
    int attempts;
    std::string kind;
    std::string delivery;
  };
  Journal(common::sqlite::Connection db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
  // Adds `write` behind the held ones and tries to commit them all.
  void write(Write write);
  void commit_held();  // throws sqlite::Error, after rolling back

  std::mutex mu_;
  common::sqlite::Connection db_;
  std::string path_;
  std::vector<Write> held_;  // guarded by mu_: writes not yet committed, in order
};

// ---- Attempts (runner.cpp) ---------------------------------------------------------------------

enum class AttemptResult { Delivered, Retry, Permanent };

// Makes attempts in a lane of the shared worker pool, at most `threads` at once, ordered by due
// time. Each job is journalled (when a journal is given) from submit() until it is delivered or
// given up.
class DeliveryRunner {
 public:
  struct Hooks {
    // One attempt; `attempt` counts from 1.
    std::function<AttemptResult(const Delivery&, int attempt)> attempt;
    // The delay after `failures` failed attempts, or nullopt when the schedule is exhausted.
    std::function<std::optional<int64_t>(const Delivery&, int failures)> retry_delay_ms;
    // The final failure: dead-letter or drop. Returns true when the message went somewhere.
    std::function<bool(const Delivery&, int attempts, bool client_side)> give_up;
  };

  // Due times and waits are on `clock`; attempts run in a lane of `pool` (null: a pool of its own).
  DeliveryRunner(std::string kind, Journal* journal, size_t threads, std::shared_ptr<common::Clock> clock,
                 std::shared_ptr<common::WorkPool> pool, Hooks hooks);
  ~DeliveryRunner();  // stop()
  DeliveryRunner(const DeliveryRunner&) = delete;
  DeliveryRunner& operator=(const DeliveryRunner&) = delete;

  // Loads the journal's rows of this kind and starts the timer.
  void start();
  // Journals the delivery and queues it for an attempt now.
  void submit(const Delivery& delivery);
  // Stops after the attempts under way; queued jobs stay in the journal.
  void stop();

  size_t pending() const;
  DeliveryStats stats() const;

 private:
  struct Job {
    int64_t id = -1;
    int attempts = 0;
    Delivery delivery;
  };
  // Hands the jobs that are due to the lane (mu_ held).
  void dispatch(std::unique_lock<std::mutex>& lock);
  void attempt(std::shared_ptr<Job> job);
  // The timer thread: waits on the clock for the earliest job that is not due yet.
  void wait_for_due_jobs();
  void finish(const Job& job);

  std::string kind_;
  Journal* journal_;
  size_t threads_;
  std::shared_ptr<common::Clock> clock_;
  Hooks hooks_;

  mutable std::mutex mu_;
  std::condition_variable cv_;                          // a job was queued, or stop()
  std::multimap<int64_t, std::shared_ptr<Job>> queue_;  // by due time, clock ms
  size_t in_flight_ = 0;                                // handed to the lane
  bool stopping_ = false;
  DeliveryStats stats_;
  std::thread timer_;
  std::unique_ptr<common::WorkLane> lane_;  // last: its jobs use the members above
};

// ---- Dead letters (dead_letter.cpp) ------------------------------------------------------------

// Sends the message to the subscription's RedrivePolicy queue: the bare message for raw
// subscriptions, the JSON envelope otherwise. False when there is no DLQ or the send failed.
// With a DLQ, tells `on_dead_letter` (when set) whether the queue took the message.
bool send_to_dead_letter_queue(sqs::Engine* sqs, const Delivery& delivery,
                               const std::function<void(const Delivery&, bool moved)>& on_dead_letter);

}  // namespace sluice::sns::detail
