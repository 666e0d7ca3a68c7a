#pragma once
// Live Tail sessions without a wire format: which of the events the store takes in (observed
// through LogStore::observe_ingest) each open session is shown, held until its next update.
//
// A session names up to 10 log groups, optionally the streams (by name, or by name prefix) of a
// single group, and a filter pattern. Each update (once a second, logs_wire's timer) takes what
// matched since the last one: at most 500 events; when more matched, an even sample of 500 in
// their order, with `sampled` set, as CloudWatch Logs samples a busy session.
//
// Threading: every method is thread-safe (one mutex); ingest() is called on the storing thread and
// only matches and copies.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/common/mutex.h"
#include "sluice/logs/filter_pattern.h"
#include "sluice/logs/logs.h"

namespace sluice::logs {

struct LiveTailFilter {
  // Each group by its name, and the identifier (name or ARN) the request used for it, which is how
  // its events are labelled.
  struct Group {
    std::string name;
    std::string identifier;
  };
  std::vector<Group> groups;
  std::vector<std::string> stream_names;         // empty: every stream (or those with a prefix below)
  std::vector<std::string> stream_prefixes;      // empty: every stream (or those named above)
  std::shared_ptr<const FilterPattern> pattern;  // null: every event
};

struct TailedEvent {
  std::string group_identifier;
  std::string stream;
  std::string message;
  int64_t timestamp_ms = 0;
  int64_t ingestion_time_ms = 0;
};

struct TailUpdate {
  std::vector<TailedEvent> events;
  bool sampled = false;
};

class LiveTails {
 public:
  static constexpr size_t kMaxEventsPerUpdate = 500;

  LiveTails();
  ~LiveTails();
  LiveTails(const LiveTails&) = delete;
  LiveTails& operator=(const LiveTails&) = delete;

  // A new session; its id for take() and close().
  uint64_t open(LiveTailFilter filter);
  void close(uint64_t session);
  // What matched since the last take (nothing for a closed session).
  TailUpdate take(uint64_t session);
  // The store's observer: offers the events to every open session.
  void ingest(const IngestedEvents& ingested);
  size_t open_sessions() const;

 private:
  struct Session;
  mutable common::Mutex mu_;
  std::vector<std::unique_ptr<Session>> sessions_ GUARDED_BY(mu_);
  uint64_t next_id_ GUARDED_BY(mu_) = 1;
};

}  // namespace sluice::logs
