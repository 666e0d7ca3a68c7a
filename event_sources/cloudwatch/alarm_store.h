#pragma once
// The alarms' durable store (internal): <data_dir>/cloudwatch.db, one row per alarm (its
// configuration, state and tags as a JSON document) and one per history item. Writes are
// synchronous (WAL, synchronous=NORMAL): a call that changed an alarm returns after its row is
// written, so it survives the process being killed.

#include <memory>
#include <string>
#include <vector>

#include "sluice/cloudwatch/alarms.h"

namespace sluice::cloudwatch::detail {

class AlarmStore {
 public:
  // Throws sqlite::Error (with the file's name in what()) when the file cannot be opened.
  static std::unique_ptr<AlarmStore> open(const std::string& path);
  virtual ~AlarmStore() = default;

  virtual std::vector<MetricAlarm> load_alarms() = 0;
  // History items of every account and region, oldest first, with their account and region.
  struct StoredHistory {
    std::string account_id;
    std::string region;
    AlarmHistoryItem item;
  };
  virtual std::vector<StoredHistory> load_history() = 0;

  virtual void save_alarm(const MetricAlarm& alarm) = 0;
  virtual void delete_alarm(const std::string& account_id, const std::string& region, const std::string& name) = 0;
  virtual void add_history(const std::string& account_id, const std::string& region, const AlarmHistoryItem& item) = 0;
  virtual void expire_history(int64_t before_ms) = 0;
};

}  // namespace sluice::cloudwatch::detail
