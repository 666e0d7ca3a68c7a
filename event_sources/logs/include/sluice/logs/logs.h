#pragma once
// CloudWatch Logs without a wire format: log groups, their streams and events, retention, and
// FilterLogEvents' search with filter patterns (filter_pattern.h). logs_wire speaks the JSON 1.1
// protocol over it; the runtime appends each function's invocation lines through LogIngest
// (ingest.h), off the invoke path.
//
// Storage: one SQLite file in the data directory (logs.db, WAL, synchronous commits), or an
// in-memory SQLite database. Every call commits before it returns, so an answered PutLogEvents
// survives a crash.
//
// Bounds (documented in the README):
//   - a group's retention (PutRetentionPolicy, one of AWS's values in days) hides and sweeps
//     events older than it; a group without a policy keeps its events "forever" as on AWS, but
//   - every group keeps at most max_events_per_group events (default 100,000): appending more
//     drops the oldest. CloudWatch Logs has no such limit; a local store needs one.
//
// Names are one namespace per store (the account and region of a request only shape its ARNs).
//
// Threading: every method is thread-safe (one mutex around the connection) and blocks on SQLite.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"

namespace sluice::logs {

// AWS's retention values, in days (PutRetentionPolicy refuses any other).
bool is_retention_value(int64_t days);
// "1, 3, 5, ..." for the error that lists them.
std::string retention_values_text();

struct InputEvent {
  int64_t timestamp_ms = 0;
  std::string message;
};

struct LogGroup {
  std::string name;
  int64_t creation_time_ms = 0;
  std::optional<int64_t> retention_days;
  int64_t stored_bytes = 0;
};

struct LogStream {
  std::string name;
  int64_t creation_time_ms = 0;
  std::optional<int64_t> first_event_ms;
  std::optional<int64_t> last_event_ms;
  std::optional<int64_t> last_ingestion_ms;
  int64_t stored_bytes = 0;
};

struct LogEvent {
  std::string stream;
  int64_t timestamp_ms = 0;
  int64_t ingestion_time_ms = 0;
  std::string message;
  std::string event_id;  // unique in the store, as FilterLogEvents' eventId
};

struct GroupQuery {
  std::string prefix;
  std::string next_token;
  int64_t limit = 50;
};
struct GroupPage {
  std::vector<LogGroup> groups;
  std::string next_token;  // "" on the last page
};

struct StreamQuery {
  std::string group;
  std::string prefix;
  bool order_by_last_event_time = false;  // else by name
  bool descending = false;
  std::string next_token;
  int64_t limit = 50;
};
struct StreamPage {
  std::vector<LogStream> streams;
  std::string next_token;
};

// GetLogEvents: one stream's events in [start_ms, end_ms), oldest first in each page.
struct EventQuery {
  std::string group;
  std::string stream;
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
  bool start_from_head = false;  // without a token: the first events (else the last ones)
  std::string token;             // a nextForwardToken or nextBackwardToken of an earlier page
  int64_t limit = 10000;
};
struct EventPage {
  std::vector<LogEvent> events;
  std::string next_forward_token;   // the same token again once nothing newer exists
  std::string next_backward_token;  // likewise for older events
};

// FilterLogEvents: the group's events in [start_ms, end_ms] from every stream (or the named ones,
// or those with a prefix) that match a filter pattern, interleaved by time.
struct FilterQuery {
  std::string group;
  std::vector<std::string> stream_names;
  std::string stream_prefix;
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
  std::string pattern;
  std::string next_token;
  int64_t limit = 10000;
};
struct FilterPage {
  std::vector<LogEvent> events;
  std::string next_token;  // "" once the search is complete
};

// PutLogEvents' rejectedLogEventsInfo: indexes of events that were not kept.
struct PutResult {
  std::optional<int64_t> too_new_start_index;
  std::optional<int64_t> too_old_end_index;
  std::optional<int64_t> expired_end_index;
};

// Events just stored, as observers (live tails) see them: after their commit, outside the store's
// lock, on the thread that stored them.
struct IngestedEvents {
  const std::string& group;
  const std::string& stream;
  const std::vector<InputEvent>& events;
  int64_t ingestion_time_ms = 0;
};
using IngestObserver = std::function<void(const IngestedEvents&)>;

struct LogStoreOptions {
  std::string path;  // the SQLite file; "" keeps everything in memory
  std::shared_ptr<common::Clock> clock;
  int64_t max_events_per_group = 100000;
};

class LogStore {
 public:
  static common::Outcome<std::unique_ptr<LogStore>, std::string> open(LogStoreOptions options);
  virtual ~LogStore() = default;

  virtual common::Status create_group(const std::string& group) = 0;
  virtual common::Status delete_group(const std::string& group) = 0;
  virtual common::Status create_stream(const std::string& group, const std::string& stream) = 0;
  virtual common::Status delete_stream(const std::string& group, const std::string& stream) = 0;
  virtual common::Status put_retention(const std::string& group, int64_t days) = 0;
  virtual common::Status delete_retention(const std::string& group) = 0;

  // PutLogEvents: the group and stream must exist; events in time order, as AWS checks them.
  virtual common::Outcome<PutResult> put_events(const std::string& group, const std::string& stream,
                                                const std::vector<InputEvent>& events) = 0;
  // The runtime's own writes: creates the group and stream when missing, in one transaction.
  virtual common::Status append(const std::string& group, const std::string& stream,
                                const std::vector<InputEvent>& events) = 0;

  // Adds an observer of every event stored from now on (PutLogEvents' kept events, append's).
  // Observers live as long as the store; they must be quick and must not call the store.
  virtual void observe_ingest(IngestObserver observer) = 0;
  virtual common::Outcome<bool> group_exists(const std::string& group) = 0;

  virtual common::Outcome<GroupPage> describe_groups(const GroupQuery& query) = 0;
  virtual common::Outcome<StreamPage> describe_streams(const StreamQuery& query) = 0;
  virtual common::Outcome<EventPage> get_events(const EventQuery& query) = 0;
  virtual common::Outcome<FilterPage> filter_events(const FilterQuery& query) = 0;
};

}  // namespace sluice::logs
