// metrics.db (see metrics_store.h). A row is a bucket: its metric's key columns (the dimensions
// encoded as length-prefixed name/value pairs, so any byte may appear in them), its resolution in
// seconds, its start, and a blob of doubles: SampleCount, Sum, Minimum, Maximum, then the kept
// samples. Doubles are stored in the machine's own byte order: the file stays with the machine.

#include "sluice/metrics/metrics_store.h"

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "sluice/common/sqlite.h"
#include "sluice/common/sqlite_schema.h"
#include "sluice/metrics/metrics_reset.h"

namespace sluice::metrics {
namespace {

constexpr common::sqlite::SchemaStep kSchema[] = {
    {"create the buckets table",
     "CREATE TABLE buckets (account TEXT NOT NULL, region TEXT NOT NULL, namespace TEXT NOT NULL, "
     "metric TEXT NOT NULL, dimensions BLOB NOT NULL, unit TEXT NOT NULL, resolution INTEGER NOT NULL, "
     "start_ms INTEGER NOT NULL, data BLOB NOT NULL, "
     "PRIMARY KEY (account, region, namespace, metric, dimensions, resolution, start_ms));"
     "CREATE INDEX buckets_by_age ON buckets (resolution, start_ms);"},
};

std::string encode_dimensions(const Dimensions& dimensions) {
  std::string out;
  for (const Dimension& d : dimensions) {
    for (const std::string* part : {&d.name, &d.value}) {
      out += std::to_string(part->size());
      out += ':';
      out += *part;
    }
  }
  return out;
}

// nullopt for bytes that are not an encoding (a damaged row: skipped).
std::optional<Dimensions> decode_dimensions(std::string_view text) {
  Dimensions out;
  std::string parts[2];
  int index = 0;
  while (!text.empty()) {
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 9) return std::nullopt;
    size_t length = 0;
    for (char c : text.substr(0, colon)) {
      if (c < '0' || c > '9') return std::nullopt;
      length = length * 10 + static_cast<size_t>(c - '0');
    }
    text.remove_prefix(colon + 1);
    if (length > text.size()) return std::nullopt;
    parts[index] = std::string(text.substr(0, length));
    text.remove_prefix(length);
    if (index == 1) out.push_back({parts[0], parts[1]});
    index ^= 1;
  }
  if (index != 0) return std::nullopt;
  return out;
}

std::string encode_data(const StoredBucket& bucket) {
  std::vector<double> values = {bucket.stats.sample_count, bucket.stats.sum, bucket.stats.minimum,
                                bucket.stats.maximum};
  values.insert(values.end(), bucket.samples.begin(), bucket.samples.end());
  std::string out(values.size() * sizeof(double), '\0');
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

bool decode_data(const std::string& bytes, StoredBucket& bucket) {
  if (bytes.size() % sizeof(double) != 0 || bytes.size() < 4 * sizeof(double)) return false;
  std::vector<double> values(bytes.size() / sizeof(double));
  std::memcpy(values.data(), bytes.data(), bytes.size());
  bucket.stats = {values[0], values[1], values[2], values[3]};
  bucket.samples.assign(values.begin() + 4, values.end());
  return true;
}

class SqliteMetricsStore final : public MetricsStore {
 public:
  SqliteMetricsStore(common::sqlite::Connection db, std::shared_ptr<Registry> registry, int64_t flush_interval_ms)
      : db_(std::move(db)), registry_(std::move(registry)), flush_interval_ms_(flush_interval_ms) {}

  ~SqliteMetricsStore() override {
    {
      std::lock_guard lock(thread_mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (flusher_.joinable()) flusher_.join();
    flush();
  }

  // Reads every bucket within retention into the registry; throws sqlite::Error.
  void load() {
    registry_->take_changed();  // marks start now: what is restored is not written back
    const int64_t now = registry_->clock().now_ms();
    common::sqlite::Statement select(
        db_.get(),
        "SELECT account, region, namespace, metric, dimensions, unit, resolution, start_ms, data "
        "FROM buckets WHERE (resolution = 1 AND start_ms >= ?) OR (resolution = 60 AND "
        "start_ms >= ?)");
    select.bind(1, now - kHighResolutionRetentionMs).bind(2, now - kStandardRetentionMs);
    while (select.step()) {
      auto dimensions = decode_dimensions(select.string(4));
      StoredBucket bucket;
      if (!dimensions || !decode_data(select.string(8), bucket)) continue;
      bucket.key = {select.string(0), select.string(1), select.string(2), select.string(3), std::move(*dimensions)};
      bucket.unit = select.string(5);
      bucket.high_resolution = select.int64(6) == 1;
      bucket.start_ms = select.int64(7);
      registry_->restore(bucket);
    }
  }

  void start() {
    flusher_ = std::thread([this] { run(); });
  }

  void flush() override {
    std::lock_guard lock(db_mu_);
    const std::vector<StoredBucket> changed = registry_->take_changed();
    const int64_t now = registry_->clock().now_ms();
    try {
      db_.exec("BEGIN");
      common::sqlite::Statement upsert(
          db_.get(),
          "INSERT OR REPLACE INTO buckets (account, region, namespace, metric, dimensions, unit, "
          "resolution, start_ms, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      for (const StoredBucket& bucket : changed) {
        const std::string dimensions = encode_dimensions(bucket.key.dimensions);
        const std::string data = encode_data(bucket);
        upsert.bind_text(1, bucket.key.account_id).bind_text(2, bucket.key.region);
        upsert.bind_text(3, bucket.key.namespace_name).bind_text(4, bucket.key.metric_name);
        upsert.bind(5, dimensions).bind_text(6, bucket.unit).bind(7, int64_t{bucket.high_resolution ? 1 : 60});
        upsert.bind(8, bucket.start_ms).bind(9, data).run();
      }
      common::sqlite::Statement expire(
          db_.get(),
          "DELETE FROM buckets WHERE (resolution = 1 AND start_ms < ?) OR (resolution = 60 AND "
          "start_ms < ?)");
      expire.bind(1, now - kHighResolutionRetentionMs).bind(2, now - kStandardRetentionMs).run();
      db_.exec("COMMIT");
    } catch (const common::sqlite::Error& e) {
      // The datapoints stay in memory; this flush's buckets are written again once they change.
      std::fprintf(stderr, "sluice: metrics.db: %s\n", e.what());
      try {
        db_.exec("ROLLBACK");
      } catch (const common::sqlite::Error&) {
      }
    }
  }

  size_t reset(std::string_view account_id, std::string_view region) override {
    std::lock_guard lock(db_mu_);
    const size_t had_data = reset_metrics(*registry_, account_id, region);
    try {
      common::sqlite::Statement erase(db_.get(), "DELETE FROM buckets WHERE account = ? AND region = ?");
      erase.bind_text(1, account_id).bind_text(2, region).run();
    } catch (const common::sqlite::Error& e) {
      // The rows stay: a restart would bring these datapoints back. Said, not answered: the
      // registry is reset all the same.
      std::fprintf(stderr, "sluice: metrics.db: reset: %s\n", e.what());
    }
    return had_data;
  }

 private:
  void run() {
    std::unique_lock lock(thread_mu_);
    while (!stopping_) {
      const int64_t next = registry_->clock().now_ms() + flush_interval_ms_;
      registry_->clock().wait_until(wake_, lock, next, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      flush();
      lock.lock();
    }
  }

  std::mutex db_mu_;  // one flush at a time
  common::sqlite::Connection db_;
  const std::shared_ptr<Registry> registry_;
  const int64_t flush_interval_ms_;
  std::mutex thread_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by thread_mu_
  std::thread flusher_;
};

}  // namespace

std::unique_ptr<MetricsStore> MetricsStore::open(const std::string& path, std::shared_ptr<Registry> registry,
                                                 std::string* error, int64_t flush_interval_ms) {
  try {
    common::sqlite::Connection db = common::sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    if (std::string failed = common::sqlite::upgrade_schema(db, path, kSchema); !failed.empty()) {
      *error = failed;
      return nullptr;
    }
    auto store = std::make_unique<SqliteMetricsStore>(std::move(db), std::move(registry), flush_interval_ms);
    store->load();
    store->start();
    return store;
  } catch (const common::sqlite::Error& e) {
    *error = path + ": " + e.what();
    return nullptr;
  }
}

}  // namespace sluice::metrics
