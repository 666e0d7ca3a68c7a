// The log store on SQLite: three tables (groups, streams, events) and one mutex around the
// connection. Pages of groups and streams are offsets into the sorted listing ("o/<n>");
// events are read in (timestamp, id) order and their tokens name the position of an event:
// "f/<timestamp>/<id>" (after it), "b/<timestamp>/<id>" (before it), and for FilterLogEvents
// "<timestamp>/<id>" (after the last event looked at).

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "sluice/common/mutex.h"
#include "sluice/common/sqlite.h"
#include "sluice/logs/filter_pattern.h"
#include "sluice/logs/logs.h"

namespace sluice::logs {
namespace {

constexpr int64_t kRetentionValues[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                        365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
constexpr int64_t kDayMs = 86400000;
// PutLogEvents: events older than 14 days or more than 2 hours ahead are rejected, and one batch
// may not span more than 24 hours (CloudWatch Logs API reference).
constexpr int64_t kTooOldMs = 14 * kDayMs;
constexpr int64_t kTooNewMs = 2 * 3600000;
constexpr int64_t kMaxBatchSpanMs = kDayMs;
// FilterLogEvents looks at no more than this many events per call and hands back a token to carry
// on, as CloudWatch Logs does when a search runs long.
constexpr int64_t kMaxScannedPerFilter = 100000;

common::AwsError group_not_found() {
  return common::aws_error(common::AwsErrorCode::LogsResourceNotFound, "The specified log group does not exist.");
}
common::AwsError stream_not_found() {
  return common::aws_error(common::AwsErrorCode::LogsResourceNotFound, "The specified log stream does not exist.");
}
common::AwsError bad_token() {
  return common::aws_error(common::AwsErrorCode::LogsInvalidParameter, "The specified nextToken is invalid.");
}

struct Position {
  int64_t timestamp_ms = 0;
  int64_t id = 0;
};

// "<timestamp>/<id>" after `prefix`.
std::optional<Position> parse_position(const std::string& token, std::string_view prefix) {
  if (token.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  const char* p = token.c_str() + prefix.size();
  char* end = nullptr;
  Position pos;
  pos.timestamp_ms = std::strtoll(p, &end, 10);
  if (end == p || *end != '/') return std::nullopt;
  p = end + 1;
  pos.id = std::strtoll(p, &end, 10);
  if (end == p || *end != '\0') return std::nullopt;
  return pos;
}
std::string position_token(std::string_view prefix, const Position& pos) {
  return std::string(prefix) + std::to_string(pos.timestamp_ms) + "/" + std::to_string(pos.id);
}
std::optional<int64_t> parse_offset(const std::string& token) {
  if (token.empty()) return 0;
  if (token.rfind("o/", 0) != 0) return std::nullopt;
  char* end = nullptr;
  const long long n = std::strtoll(token.c_str() + 2, &end, 10);
  if (end == token.c_str() + 2 || *end != '\0' || n < 0) return std::nullopt;
  return n;
}

class SqliteLogStore final : public LogStore {
 public:
  SqliteLogStore(common::sqlite::Connection db, LogStoreOptions options)
      : db_(std::move(db)), options_(std::move(options)) {}

  common::Status create_group(const std::string& group) override {
    common::MutexLock lock(mu_);
    try {
      if (group_exists_locked(group))
        return common::aws_error(common::AwsErrorCode::LogsResourceAlreadyExists,
                                 "The specified log group already exists");
      insert_group(group);
      return common::ok_status();
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Status delete_group(const std::string& group) override {
    common::MutexLock lock(mu_);
    try {
      if (!group_exists_locked(group)) return group_not_found();
      Transaction tx(db_);
      common::sqlite::Statement(db_.get(), "DELETE FROM events WHERE grp = ?1").bind_text(1, group).run();
      common::sqlite::Statement(db_.get(), "DELETE FROM streams WHERE grp = ?1").bind_text(1, group).run();
      common::sqlite::Statement(db_.get(), "DELETE FROM groups WHERE name = ?1").bind_text(1, group).run();
      tx.commit();
      return common::ok_status();
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Status create_stream(const std::string& group, const std::string& stream) override {
    common::MutexLock lock(mu_);
    try {
      if (!group_exists_locked(group)) return group_not_found();
      if (stream_exists(group, stream))
        return common::aws_error(common::AwsErrorCode::LogsResourceAlreadyExists,
                                 "The specified log stream already exists");
      insert_stream(group, stream);
      return common::ok_status();
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Status delete_stream(const std::string& group, const std::string& stream) override {
    common::MutexLock lock(mu_);
    try {
      if (!group_exists_locked(group)) return group_not_found();
      if (!stream_exists(group, stream)) return stream_not_found();
      Transaction tx(db_);
      common::sqlite::Statement(db_.get(), "DELETE FROM events WHERE grp = ?1 AND stream = ?2")
          .bind_text(1, group)
          .bind_text(2, stream)
          .run();
      common::sqlite::Statement(db_.get(), "DELETE FROM streams WHERE grp = ?1 AND name = ?2")
          .bind_text(1, group)
          .bind_text(2, stream)
          .run();
      tx.commit();
      return common::ok_status();
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Status put_retention(const std::string& group, int64_t days) override {
    common::MutexLock lock(mu_);
    try {
      if (!group_exists_locked(group)) return group_not_found();
      common::sqlite::Statement(db_.get(), "UPDATE groups SET retention_days = ?2 WHERE name = ?1")
          .bind_text(1, group)
          .bind(2, days)
          .run();
      sweep(group);
      return common::ok_status();
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Status delete_retention(const std::string& group) override {
    common::MutexLock lock(mu_);
    try {
      if (!group_exists_locked(group)) return group_not_found();
      common::sqlite::Statement(db_.get(), "UPDATE groups SET retention_days = NULL WHERE name = ?1")
          .bind_text(1, group)
          .run();
      return common::ok_status();
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Outcome<PutResult> put_events(const std::string& group, const std::string& stream,
                                        const std::vector<InputEvent>& events) override {
    for (size_t i = 1; i < events.size(); ++i) {
      if (events[i].timestamp_ms < events[i - 1].timestamp_ms)
        return common::aws_error(common::AwsErrorCode::LogsInvalidParameter,
                                 "Log events in a single PutLogEvents request must be in chronological order.");
    }
    if (!events.empty() && events.back().timestamp_ms - events.front().timestamp_ms > kMaxBatchSpanMs)
      return common::aws_error(
          common::AwsErrorCode::LogsInvalidParameter,
          "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
    common::MutexLock lock(mu_);
    try {
      if (!group_exists_locked(group)) return group_not_found();
      if (!stream_exists(group, stream)) return stream_not_found();
      const int64_t now = options_.clock->now_ms();
      const auto retention = retention_of(group);
      PutResult result;
      std::vector<InputEvent> kept;
      for (size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        const auto index = static_cast<int64_t>(i);
        if (e.timestamp_ms > now + kTooNewMs) {
          if (!result.too_new_start_index) result.too_new_start_index = index;
        } else if (e.timestamp_ms < now - kTooOldMs) {
          result.too_old_end_index = index + 1;
        } else if (retention && e.timestamp_ms < now - *retention * kDayMs) {
          result.expired_end_index = index + 1;
        } else {
          kept.push_back(e);
        }
      }
      Transaction tx(db_);
      insert_events(group, stream, kept, now);
      tx.commit();
      lock.unlock();
      notify(group, stream, kept, now);
      return result;
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Status append(const std::string& group, const std::string& stream,
                        const std::vector<InputEvent>& events) override {
    common::MutexLock lock(mu_);
    try {
      Transaction tx(db_);
      if (!group_exists_locked(group)) insert_group(group);
      if (!stream_exists(group, stream)) insert_stream(group, stream);
      const int64_t now = options_.clock->now_ms();
      insert_events(group, stream, events, now);
      tx.commit();
      lock.unlock();
      notify(group, stream, events, now);
      return common::ok_status();
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  void observe_ingest(IngestObserver observer) override {
    common::MutexLock lock(observers_mu_);
    observers_.push_back(std::move(observer));
  }

  common::Outcome<bool> group_exists(const std::string& group) override {
    common::MutexLock lock(mu_);
    try {
      return group_exists_locked(group);
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Outcome<GroupPage> describe_groups(const GroupQuery& query) override {
    auto offset = parse_offset(query.next_token);
    if (!offset) return bad_token();
    common::MutexLock lock(mu_);
    try {
      common::sqlite::Statement select(
          db_.get(),
          "SELECT name, created_ms, retention_days, "
          "(SELECT COALESCE(SUM(bytes), 0) FROM streams WHERE grp = groups.name) "
          "FROM groups WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name LIMIT ?2 OFFSET ?3");
      select.bind_text(1, query.prefix).bind(2, query.limit + 1).bind(3, *offset);
      GroupPage page;
      while (select.step()) {
        if (static_cast<int64_t>(page.groups.size()) == query.limit) {
          page.next_token = "o/" + std::to_string(*offset + query.limit);
          select.reset();
          break;
        }
        LogGroup g;
        g.name = select.string(0);
        g.creation_time_ms = select.int64(1);
        if (!select.is_null(2)) g.retention_days = select.int64(2);
        g.stored_bytes = select.int64(3);
        page.groups.push_back(std::move(g));
      }
      return page;
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Outcome<StreamPage> describe_streams(const StreamQuery& query) override {
    auto offset = parse_offset(query.next_token);
    if (!offset) return bad_token();
    common::MutexLock lock(mu_);
    try {
      if (!group_exists_locked(query.group)) return group_not_found();
      std::string sql =
          "SELECT name, created_ms, first_ms, last_ms, last_ingest_ms, bytes FROM streams WHERE grp = ?1 AND "
          "substr(name, 1, length(?2)) = ?2 ORDER BY ";
      const char* direction = query.descending ? " DESC" : " ASC";
      sql += query.order_by_last_event_time ? std::string("COALESCE(last_ms, 0)") + direction + ", name" + direction
                                            : std::string("name") + direction;
      sql += " LIMIT ?3 OFFSET ?4";
      common::sqlite::Statement select(db_.get(), sql);
      select.bind_text(1, query.group).bind_text(2, query.prefix).bind(3, query.limit + 1).bind(4, *offset);
      StreamPage page;
      while (select.step()) {
        if (static_cast<int64_t>(page.streams.size()) == query.limit) {
          page.next_token = "o/" + std::to_string(*offset + query.limit);
          select.reset();
          break;
        }
        LogStream s;
        s.name = select.string(0);
        s.creation_time_ms = select.int64(1);
        if (!select.is_null(2)) s.first_event_ms = select.int64(2);
        if (!select.is_null(3)) s.last_event_ms = select.int64(3);
        if (!select.is_null(4)) s.last_ingestion_ms = select.int64(4);
        s.stored_bytes = select.int64(5);
        page.streams.push_back(std::move(s));
      }
      return page;
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Outcome<EventPage> get_events(const EventQuery& query) override {
    std::optional<Position> forward, backward;
    if (!query.token.empty()) {
      forward = parse_position(query.token, "f/");
      backward = parse_position(query.token, "b/");
      if (!forward && !backward) return bad_token();
    }
    common::MutexLock lock(mu_);
    try {
      if (!group_exists_locked(query.group)) return group_not_found();
      if (!stream_exists(query.group, query.stream)) return stream_not_found();
      const int64_t start = std::max(query.start_ms.value_or(0), oldest_kept(query.group));
      const int64_t end = query.end_ms.value_or(INT64_MAX);
      // Reading forward: after the token (or from the first event); backward: before the token
      // (or from the last event), newest first, then put back in time order.
      const bool reading_forward = forward || (!backward && query.start_from_head);
      Position after = forward.value_or(Position{INT64_MIN, INT64_MIN});
      Position before = backward.value_or(Position{INT64_MAX, INT64_MAX});
      common::sqlite::Statement select(
          db_.get(), reading_forward
                         ? "SELECT id, ts, ingest_ms, message FROM events WHERE grp = ?1 AND stream = ?2 AND ts >= ?3 "
                           "AND ts < ?4 AND (ts, id) > (?5, ?6) ORDER BY ts, id LIMIT ?7"
                         : "SELECT id, ts, ingest_ms, message FROM events WHERE grp = ?1 AND stream = ?2 AND ts >= ?3 "
                           "AND ts < ?4 AND (ts, id) < (?5, ?6) ORDER BY ts DESC, id DESC LIMIT ?7");
      const Position& bound = reading_forward ? after : before;
      select.bind_text(1, query.group)
          .bind_text(2, query.stream)
          .bind(3, start)
          .bind(4, end)
          .bind(5, bound.timestamp_ms)
          .bind(6, bound.id)
          .bind(7, query.limit);
      EventPage page;
      std::vector<Position> positions;
      while (select.step()) {
        LogEvent e;
        e.event_id = std::to_string(select.int64(0));
        e.timestamp_ms = select.int64(1);
        e.ingestion_time_ms = select.int64(2);
        e.message = select.string(3);
        e.stream = query.stream;
        positions.push_back({e.timestamp_ms, select.int64(0)});
        page.events.push_back(std::move(e));
      }
      if (!reading_forward) {
        std::reverse(page.events.begin(), page.events.end());
        std::reverse(positions.begin(), positions.end());
      }
      if (positions.empty()) {
        // Nothing in this direction: the same token again (the SDKs' paginators stop on it).
        page.next_forward_token = forward ? query.token : position_token("f/", reading_forward ? after : before);
        page.next_backward_token = backward ? query.token : position_token("b/", reading_forward ? after : before);
        if (!forward && !backward) {
          page.next_forward_token = position_token("f/", {INT64_MIN, INT64_MIN});
          page.next_backward_token = position_token("b/", {INT64_MIN, INT64_MIN});
        }
      } else {
        page.next_forward_token = position_token("f/", positions.back());
        page.next_backward_token = position_token("b/", positions.front());
      }
      return page;
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

  common::Outcome<FilterPage> filter_events(const FilterQuery& query) override {
    auto pattern = FilterPattern::parse(query.pattern);
    if (!pattern) return common::aws_error(common::AwsErrorCode::LogsInvalidParameter, pattern.error());
    std::optional<Position> after;
    if (!query.next_token.empty()) {
      after = parse_position(query.next_token, "");
      if (!after) return bad_token();
    }
    common::MutexLock lock(mu_);
    try {
      if (!group_exists_locked(query.group)) return group_not_found();
      const int64_t start = std::max(query.start_ms.value_or(0), oldest_kept(query.group));
      const int64_t end = query.end_ms.value_or(INT64_MAX);
      const Position from = after.value_or(Position{INT64_MIN, INT64_MIN});
      common::sqlite::Statement select(
          db_.get(),
          "SELECT id, ts, ingest_ms, message, stream FROM events WHERE grp = ?1 AND ts >= ?2 AND "
          "ts <= ?3 AND (ts, id) > (?4, ?5) AND substr(stream, 1, length(?6)) = ?6 ORDER BY ts, id");
      select.bind_text(1, query.group)
          .bind(2, start)
          .bind(3, end)
          .bind(4, from.timestamp_ms)
          .bind(5, from.id)
          .bind_text(6, query.stream_prefix);
      FilterPage page;
      int64_t scanned = 0;
      Position last = from;
      while (select.step()) {
        if (static_cast<int64_t>(page.events.size()) == query.limit || scanned == kMaxScannedPerFilter) {
          page.next_token = position_token("", last);
          select.reset();
          break;
        }
        ++scanned;
        last = {select.int64(1), select.int64(0)};
        std::string stream = select.string(4);
        if (!query.stream_names.empty() &&
            std::find(query.stream_names.begin(), query.stream_names.end(), stream) == query.stream_names.end())
          continue;
        std::string message = select.string(3);
        if (!(*pattern)->matches(message)) continue;
        LogEvent e;
        e.event_id = std::to_string(last.id);
        e.timestamp_ms = last.timestamp_ms;
        e.ingestion_time_ms = select.int64(2);
        e.message = std::move(message);
        e.stream = std::move(stream);
        page.events.push_back(std::move(e));
      }
      return page;
    } catch (const common::sqlite::Error& e) {
      return store_failed(e);
    }
  }

 private:
  // BEGIN IMMEDIATE ... COMMIT; rolled back when it goes out of scope uncommitted.
  class Transaction {
   public:
    explicit Transaction(common::sqlite::Connection& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
      if (!done_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
      db_.exec("COMMIT");
      done_ = true;
    }

   private:
    common::sqlite::Connection& db_;
    bool done_ = false;
  };

  // SQLite's failures (a full disk, a damaged file) become ServiceUnavailableException.
  static common::AwsError store_failed(const common::sqlite::Error& e) {
    return common::aws_error(common::AwsErrorCode::LogsServiceUnavailable,
                             std::string("The log store failed: ") + e.what());
  }

  void notify(const std::string& group, const std::string& stream, const std::vector<InputEvent>& events, int64_t now)
      EXCLUDES(mu_) {
    if (events.empty()) return;
    std::vector<IngestObserver> observers;
    {
      common::MutexLock lock(observers_mu_);
      observers = observers_;
    }
    const IngestedEvents ingested{group, stream, events, now};
    for (const auto& observer : observers) observer(ingested);
  }

  bool group_exists_locked(const std::string& group) REQUIRES(mu_) {
    return common::sqlite::Statement(db_.get(), "SELECT 1 FROM groups WHERE name = ?1").bind_text(1, group).step();
  }
  bool stream_exists(const std::string& group, const std::string& stream) REQUIRES(mu_) {
    return common::sqlite::Statement(db_.get(), "SELECT 1 FROM streams WHERE grp = ?1 AND name = ?2")
        .bind_text(1, group)
        .bind_text(2, stream)
        .step();
  }
  void insert_group(const std::string& group) REQUIRES(mu_) {
    common::sqlite::Statement(db_.get(), "INSERT INTO groups (name, created_ms) VALUES (?1, ?2)")
        .bind_text(1, group)
        .bind(2, options_.clock->now_ms())
        .run();
  }
  void insert_stream(const std::string& group, const std::string& stream) REQUIRES(mu_) {
    common::sqlite::Statement(db_.get(), "INSERT INTO streams (grp, name, created_ms, bytes) VALUES (?1, ?2, ?3, 0)")
        .bind_text(1, group)
        .bind_text(2, stream)
        .bind(3, options_.clock->now_ms())
        .run();
  }
  std::optional<int64_t> retention_of(const std::string& group) REQUIRES(mu_) {
    common::sqlite::Statement select(db_.get(), "SELECT retention_days FROM groups WHERE name = ?1");
    select.bind_text(1, group);
    std::optional<int64_t> days;
    if (select.step()) {
      if (!select.is_null(0)) days = select.int64(0);
      select.reset();
    }
    return days;
  }
  // The oldest timestamp the group's retention still shows.
  int64_t oldest_kept(const std::string& group) REQUIRES(mu_) {
    auto days = retention_of(group);
    return days ? options_.clock->now_ms() - *days * kDayMs : INT64_MIN;
  }

  void insert_events(const std::string& group, const std::string& stream, const std::vector<InputEvent>& events,
                     int64_t now) REQUIRES(mu_) {
    if (events.empty()) return;
    common::sqlite::Statement insert(
        db_.get(), "INSERT INTO events (grp, stream, ts, ingest_ms, message) VALUES (?1, ?2, ?3, ?4, ?5)");
    int64_t bytes = 0;
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (const auto& e : events) {
      insert.bind_text(1, group).bind_text(2, stream).bind(3, e.timestamp_ms).bind(4, now).bind_text(5, e.message);
      insert.run();
      bytes += static_cast<int64_t>(e.message.size());
      first = std::min(first, e.timestamp_ms);
      last = std::max(last, e.timestamp_ms);
    }
    common::sqlite::Statement(
        db_.get(),
        "UPDATE streams SET first_ms = MIN(COALESCE(first_ms, ?3), ?3), last_ms = MAX(COALESCE(last_ms, "
        "?4), ?4), last_ingest_ms = ?5, bytes = bytes + ?6 WHERE grp = ?1 AND name = ?2")
        .bind_text(1, group)
        .bind_text(2, stream)
        .bind(3, first)
        .bind(4, last)
        .bind(5, now)
        .bind(6, bytes)
        .run();
    sweep(group);
  }

  // Retention and the per-group bound: the oldest events go.
  void sweep(const std::string& group) REQUIRES(mu_) {
    if (auto days = retention_of(group)) {
      common::sqlite::Statement(db_.get(), "DELETE FROM events WHERE grp = ?1 AND ts < ?2")
          .bind_text(1, group)
          .bind(2, options_.clock->now_ms() - *days * kDayMs)
          .run();
    }
    common::sqlite::Statement(
        db_.get(),
        "DELETE FROM events WHERE grp = ?1 AND id <= (SELECT id FROM events WHERE grp = ?1 ORDER BY id "
        "DESC LIMIT 1 OFFSET ?2)")
        .bind_text(1, group)
        .bind(2, options_.max_events_per_group)
        .run();
  }

  common::Mutex mu_;
  common::sqlite::Connection db_ GUARDED_BY(mu_);
  const LogStoreOptions options_;
  common::Mutex observers_mu_;
  std::vector<IngestObserver> observers_ GUARDED_BY(observers_mu_);
};

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, retention_days INTEGER);"
    "CREATE TABLE IF NOT EXISTS streams (grp TEXT NOT NULL, name TEXT NOT NULL, created_ms INTEGER NOT NULL, "
    "first_ms INTEGER, last_ms INTEGER, last_ingest_ms INTEGER, bytes INTEGER NOT NULL, PRIMARY KEY (grp, name));"
    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, grp TEXT NOT NULL, stream TEXT NOT "
    "NULL, ts INTEGER NOT NULL, ingest_ms INTEGER NOT NULL, message TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_by_group_time ON events (grp, ts, id);"
    "CREATE INDEX IF NOT EXISTS events_by_stream_time ON events (grp, stream, ts, id);"
    "CREATE INDEX IF NOT EXISTS events_by_group_id ON events (grp, id);";

}  // namespace

bool is_retention_value(int64_t days) {
  return std::find(std::begin(kRetentionValues), std::end(kRetentionValues), days) != std::end(kRetentionValues);
}

std::string retention_values_text() {
  std::string text;
  for (int64_t days : kRetentionValues) text += (text.empty() ? "" : ", ") + std::to_string(days);
  return text;
}

common::Outcome<std::unique_ptr<LogStore>, std::string> LogStore::open(LogStoreOptions options) {
  if (!options.clock) options.clock = common::system_clock();
  try {
    const std::string path = options.path.empty() ? ":memory:" : options.path;
    auto db = common::sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
    if (!options.path.empty()) {
      db.exec("PRAGMA journal_mode=WAL");
      db.exec("PRAGMA synchronous=FULL");
    }
    db.exec(kSchema);
    return std::unique_ptr<LogStore>(std::make_unique<SqliteLogStore>(std::move(db), std::move(options)));
  } catch (const common::sqlite::Error& e) {
    return common::Outcome<std::unique_ptr<LogStore>, std::string>::failure(options.path + ": " + e.what());
  }
}

}  // namespace sluice::logs
