// The alarms (see alarms.h): a map of alarms and a list of history items under one mutex, written
// through to the store; evaluation and SetAlarmState collect the transitions under the lock and
// run their actions after releasing it, so a slow SNS publish never holds other callers up.

#include "sluice/cloudwatch/alarms.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "alarm_evaluation.h"
#include "alarm_message.h"
#include "alarm_store.h"
#include "alarm_validation.h"
#include "sluice/common/json_escape.h"
#include "sluice/common/mutex.h"
#include "sluice/common/sqlite.h"

namespace sluice::cloudwatch {

std::string alarm_arn(const MetricAlarm& alarm) {
  return "arn:aws:cloudwatch:" + alarm.region + ":" + alarm.account_id + ":alarm:" + alarm.name;
}

namespace {

using detail::AlarmStore;

constexpr int64_t kTickMs = 10'000;
constexpr int64_t kHistoryRetentionMs = int64_t{14} * 24 * 3600 * 1000;
constexpr size_t kMaxHistoryItems = 100'000;  // across all alarms; the oldest go first

using AlarmId = std::tuple<std::string, std::string, std::string>;  // account, region, name

struct StoredItem {
  std::string account_id;
  std::string region;
  AlarmHistoryItem item;
};

// An action to run once the lock is released.
struct PendingAction {
  MetricAlarm alarm;  // as it is after the transition
  std::string old_state;
  std::string action;
};

std::string quoted(std::string_view text) {
  std::string out;
  common::append_json_string(out, text);
  return out;
}

// Parses "arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME".
std::optional<AlarmId> parse_alarm_arn(const std::string& arn) {
  constexpr std::string_view kPrefix = "arn:aws:cloudwatch:";
  if (arn.rfind(kPrefix, 0) != 0) return std::nullopt;
  size_t region_end = arn.find(':', kPrefix.size());
  if (region_end == std::string::npos) return std::nullopt;
  size_t account_end = arn.find(':', region_end + 1);
  if (account_end == std::string::npos || arn.compare(account_end, 7, ":alarm:") != 0) return std::nullopt;
  return AlarmId{arn.substr(region_end + 1, account_end - region_end - 1),
                 arn.substr(kPrefix.size(), region_end - kPrefix.size()), arn.substr(account_end + 7)};
}

class AlarmsImpl final : public Alarms {
 public:
  AlarmsImpl(AlarmsOptions options, std::unique_ptr<AlarmStore> store)
      : options_(std::move(options)), store_(std::move(store)) {
    if (!options_.clock) options_.clock = common::system_clock();
    if (store_) {
      common::MutexLock lock(mu_);
      for (MetricAlarm& alarm : store_->load_alarms()) {
        AlarmId id{alarm.account_id, alarm.region, alarm.name};
        alarms_.emplace(std::move(id), std::move(alarm));
      }
      for (auto& stored : store_->load_history()) {
        history_.push_back({std::move(stored.account_id), std::move(stored.region), std::move(stored.item)});
      }
    }
    if (options_.background) ticker_ = std::thread([this] { run_ticker(); });
  }

  ~AlarmsImpl() override {
    if (ticker_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(ticker_mu_);
        stopping_ = true;
      }
      ticker_cv_.notify_all();
      ticker_.join();
    }
  }

  common::Status put_metric_alarm(MetricAlarm alarm) override {
    if (common::Status valid = detail::validate_alarm(alarm); !valid) return valid;
    const int64_t now = options_.clock->now_ms();
    common::MutexLock lock(mu_);
    AlarmId id{alarm.account_id, alarm.region, alarm.name};
    auto it = alarms_.find(id);
    const bool created = it == alarms_.end();
    if (created) {
      alarm.state_value = "INSUFFICIENT_DATA";
      alarm.state_reason = "Unchecked: Initial alarm creation";
      alarm.state_reason_data.reset();
      alarm.state_updated_ms = now;
      alarm.state_transitioned_ms = now;
    } else {
      const MetricAlarm& old = it->second;
      alarm.state_value = old.state_value;
      alarm.state_reason = old.state_reason;
      alarm.state_reason_data = old.state_reason_data;
      alarm.state_updated_ms = old.state_updated_ms;
      alarm.state_transitioned_ms = old.state_transitioned_ms;
      Tags merged = old.tags;
      merge_tags(merged, alarm.tags);
      alarm.tags = std::move(merged);
    }
    alarm.configuration_updated_ms = now;
    persist(alarm);
    record(alarm.account_id, alarm.region,
           AlarmHistoryItem{alarm.name, "MetricAlarm", now, "ConfigurationUpdate",
                            "Alarm \"" + alarm.name + "\" " + (created ? "created" : "updated"),
                            std::string("{\"version\":\"1.0\",\"type\":\"") + (created ? "Create" : "Update") +
                                "\",\"" + (created ? "createdAlarm" : "updatedAlarm") +
                                "\":{\"alarmName\":" + quoted(alarm.name) + "}}"});
    alarms_[id] = std::move(alarm);
    return common::ok_status();
  }

  std::vector<MetricAlarm> describe_alarms(const std::string& account_id, const std::string& region,
                                           const DescribeAlarmsFilter& filter) override {
    std::vector<MetricAlarm> out;
    common::MutexLock lock(mu_);
    for (auto it = alarms_.lower_bound(AlarmId{account_id, region, ""}); it != alarms_.end(); ++it) {
      const MetricAlarm& a = it->second;
      if (a.account_id != account_id || a.region != region) break;
      if (!filter.names.empty() && std::find(filter.names.begin(), filter.names.end(), a.name) == filter.names.end()) {
        continue;
      }
      if (filter.name_prefix && a.name.rfind(*filter.name_prefix, 0) != 0) continue;
      if (filter.state_value && a.state_value != *filter.state_value) continue;
      if (filter.action_prefix && !has_action_prefix(a, *filter.action_prefix)) continue;
      out.push_back(a);
    }
    return out;
  }

  std::vector<MetricAlarm> describe_alarms_for_metric(const metrics::MetricKey& metric,
                                                      const std::optional<std::string>& statistic,
                                                      const std::optional<std::string>& extended_statistic,
                                                      std::optional<int64_t> period_s,
                                                      const std::optional<std::string>& unit) override {
    metrics::Dimensions wanted = metric.dimensions;
    std::sort(wanted.begin(), wanted.end());
    std::vector<MetricAlarm> out;
    common::MutexLock lock(mu_);
    for (auto it = alarms_.lower_bound(AlarmId{metric.account_id, metric.region, ""}); it != alarms_.end(); ++it) {
      const MetricAlarm& a = it->second;
      if (a.account_id != metric.account_id || a.region != metric.region) break;
      if (a.namespace_name != metric.namespace_name || a.metric_name != metric.metric_name) continue;
      metrics::Dimensions dims = a.dimensions;
      std::sort(dims.begin(), dims.end());
      if (dims != wanted) continue;
      if (statistic && a.statistic != statistic) continue;
      if (extended_statistic && a.extended_statistic != extended_statistic) continue;
      if (period_s && a.period_s != *period_s) continue;
      if (unit && a.unit != unit) continue;
      out.push_back(a);
    }
    return out;
  }

  common::Status delete_alarms(const std::string& account_id, const std::string& region,
                               const std::vector<std::string>& names) override {
    common::MutexLock lock(mu_);
    for (const std::string& name : names) {
      if (!alarms_.contains(AlarmId{account_id, region, name})) {
        return common::aws_error(common::AwsErrorCode::CloudWatchResourceNotFound,
                                 "1 or more alarms not found: " + name);
      }
    }
    for (const std::string& name : names) {
      alarms_.erase(AlarmId{account_id, region, name});
      if (store_) store_->delete_alarm(account_id, region, name);
    }
    return common::ok_status();
  }

  common::Status set_alarm_state(const std::string& account_id, const std::string& region, const std::string& name,
                                 const std::string& state_value, const std::string& reason,
                                 const std::optional<std::string>& reason_data) override {
    if (!detail::is_state_value(state_value)) {
      return common::aws_error(
          common::AwsErrorCode::ValidationError,
          "1 validation error detected: Value '" + state_value +
              "' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: "
              "[INSUFFICIENT_DATA, ALARM, OK]");
    }
    if (reason.size() > 1023) {
      return common::aws_error(
          common::AwsErrorCode::ValidationError,
          "1 validation error detected: Value at 'stateReason' failed to satisfy constraint: Member must "
          "have length less than or equal to 1023");
    }
    if (reason_data && !reason_data->empty() && !looks_like_json_object(*reason_data)) {
      return common::aws_error(common::AwsErrorCode::InvalidFormat, "Invalid JSON in StateReasonData.");
    }
    std::vector<PendingAction> pending;
    {
      common::MutexLock lock(mu_);
      auto it = alarms_.find(AlarmId{account_id, region, name});
      if (it == alarms_.end()) {
        return common::aws_error(common::AwsErrorCode::CloudWatchResourceNotFound, "Alarm " + name + " not found");
      }
      transition(it->second, state_value, reason, reason_data, options_.clock->now_ms(), pending);
    }
    run_actions(pending);
    return common::ok_status();
  }

  void set_actions_enabled(const std::string& account_id, const std::string& region,
                           const std::vector<std::string>& names, bool enabled) override {
    common::MutexLock lock(mu_);
    for (const std::string& name : names) {
      auto it = alarms_.find(AlarmId{account_id, region, name});
      if (it == alarms_.end() || it->second.actions_enabled == enabled) continue;
      it->second.actions_enabled = enabled;
      persist(it->second);
    }
  }

  std::vector<AlarmHistoryItem> history(const std::string& account_id, const std::string& region,
                                        const HistoryFilter& filter) override {
    std::vector<AlarmHistoryItem> out;
    common::MutexLock lock(mu_);
    for (const StoredItem& stored : history_) {
      const AlarmHistoryItem& item = stored.item;
      if (stored.account_id != account_id || stored.region != region) continue;
      if (filter.alarm_name && item.alarm_name != *filter.alarm_name) continue;
      if (filter.history_item_type && item.history_item_type != *filter.history_item_type) continue;
      if (filter.start_ms && item.timestamp_ms < *filter.start_ms) continue;
      if (filter.end_ms && item.timestamp_ms > *filter.end_ms) continue;
      out.push_back(item);
    }
    // Stable: items of the same millisecond keep the order they happened in.
    if (filter.newest_first) std::reverse(out.begin(), out.end());
    return out;
  }

  common::Status tag_resource(const std::string& arn, const Tags& tags) override {
    common::MutexLock lock(mu_);
    MetricAlarm* alarm = find_by_arn(arn);
    if (alarm == nullptr) return not_found_arn(arn);
    merge_tags(alarm->tags, tags);
    persist(*alarm);
    return common::ok_status();
  }

  common::Status untag_resource(const std::string& arn, const std::vector<std::string>& keys) override {
    common::MutexLock lock(mu_);
    MetricAlarm* alarm = find_by_arn(arn);
    if (alarm == nullptr) return not_found_arn(arn);
    std::erase_if(alarm->tags,
                  [&keys](const auto& tag) { return std::find(keys.begin(), keys.end(), tag.first) != keys.end(); });
    persist(*alarm);
    return common::ok_status();
  }

  common::Outcome<Tags> list_tags(const std::string& arn) override {
    common::MutexLock lock(mu_);
    MetricAlarm* alarm = find_by_arn(arn);
    if (alarm == nullptr) return not_found_arn(arn);
    return alarm->tags;
  }

  void evaluate(int64_t now_ms) override {
    std::vector<std::pair<AlarmId, MetricAlarm>> snapshot;
    {
      common::MutexLock lock(mu_);
      snapshot.assign(alarms_.begin(), alarms_.end());
    }
    // Reading the metrics store happens outside the alarms' lock.
    std::vector<std::pair<AlarmId, detail::Verdict>> verdicts;
    for (const auto& entry : snapshot) {
      auto periods = detail::gather_periods(entry.second, *options_.registry, now_ms);
      verdicts.emplace_back(entry.first, detail::judge(entry.second, periods, now_ms));
    }
    std::vector<PendingAction> pending;
    {
      common::MutexLock lock(mu_);
      for (auto& [id, verdict] : verdicts) {
        auto it = alarms_.find(id);
        if (it == alarms_.end() || it->second.state_value == verdict.state) continue;
        std::optional<std::string> data;
        if (!verdict.reason_data.empty()) data = verdict.reason_data;
        transition(it->second, verdict.state, verdict.reason, data, now_ms, pending);
      }
    }
    run_actions(pending);
  }

  void tick(int64_t now_ms) override {
    const int64_t minute = now_ms / 60'000;
    if (minute != last_sampled_minute_.load()) {
      last_sampled_minute_ = minute;
      options_.registry->sample(now_ms);
    }
    evaluate(now_ms);
    if (minute != last_expired_minute_.load()) {
      last_expired_minute_ = minute;
      options_.registry->expire(now_ms);
      expire_history(now_ms);
    }
  }

 private:
  static void merge_tags(Tags& into, const Tags& tags) {
    for (const auto& tag : tags) {
      auto it = std::find_if(into.begin(), into.end(), [&tag](const auto& t) { return t.first == tag.first; });
      if (it != into.end()) {
        it->second = tag.second;
      } else {
        into.push_back(tag);
      }
    }
  }

  static bool has_action_prefix(const MetricAlarm& a, const std::string& prefix) {
    for (const auto* actions : {&a.ok_actions, &a.alarm_actions, &a.insufficient_data_actions}) {
      for (const auto& action : *actions) {
        if (action.rfind(prefix, 0) == 0) return true;
      }
    }
    return false;
  }

  static bool looks_like_json_object(const std::string& text) {
    size_t first = text.find_first_not_of(" \t\r\n");
    size_t last = text.find_last_not_of(" \t\r\n");
    return first != std::string::npos && text[first] == '{' && text[last] == '}';
  }

  static common::AwsError not_found_arn(const std::string& arn) {
    return common::aws_error(common::AwsErrorCode::ResourceNotFound, "The resource " + arn + " does not exist.");
  }

  MetricAlarm* find_by_arn(const std::string& arn) REQUIRES(mu_) {
    auto id = parse_alarm_arn(arn);
    if (!id) return nullptr;
    auto it = alarms_.find(*id);
    return it == alarms_.end() ? nullptr : &it->second;
  }

  void persist(const MetricAlarm& alarm) REQUIRES(mu_) {
    if (store_) store_->save_alarm(alarm);
  }

  void record(const std::string& account_id, const std::string& region, AlarmHistoryItem item) REQUIRES(mu_) {
    if (store_) store_->add_history(account_id, region, item);
    history_.push_back({account_id, region, std::move(item)});
    if (history_.size() > kMaxHistoryItems) history_.erase(history_.begin());
  }

  void expire_history(int64_t now_ms) {
    common::MutexLock lock(mu_);
    const int64_t before = now_ms - kHistoryRetentionMs;
    std::erase_if(history_, [before](const StoredItem& s) { return s.item.timestamp_ms < before; });
    if (store_) store_->expire_history(before);
  }

  // Moves the alarm to `state` and queues the actions that state has.
  void transition(MetricAlarm& alarm, const std::string& state, const std::string& reason,
                  const std::optional<std::string>& reason_data, int64_t now_ms, std::vector<PendingAction>& pending)
      REQUIRES(mu_) {
    const std::string old_state = alarm.state_value;
    alarm.state_value = state;
    alarm.state_reason = reason;
    alarm.state_reason_data = reason_data;
    alarm.state_updated_ms = now_ms;
    if (old_state != state) alarm.state_transitioned_ms = now_ms;
    persist(alarm);
    std::string data = "{\"version\":\"1.0\",\"oldState\":{\"stateValue\":" + quoted(old_state) +
                       "},\"newState\":{\"stateValue\":" + quoted(state) + ",\"stateReason\":" + quoted(reason);
    if (reason_data && !reason_data->empty()) data += ",\"stateReasonData\":" + *reason_data;
    data += "}}";
    record(alarm.account_id, alarm.region,
           AlarmHistoryItem{alarm.name, "MetricAlarm", now_ms, "StateUpdate",
                            "Alarm updated from " + old_state + " to " + state, data});
    if (!alarm.actions_enabled) return;
    const std::vector<std::string>& actions = state == "ALARM" ? alarm.alarm_actions
                                              : state == "OK"  ? alarm.ok_actions
                                                               : alarm.insufficient_data_actions;
    for (const std::string& action : actions) pending.push_back({alarm, old_state, action});
  }

  void run_actions(const std::vector<PendingAction>& pending) {
    for (const PendingAction& p : pending) {
      bool ok = false;
      if (p.action.rfind("arn:aws:sns:", 0) == 0 && options_.notify) {
        ok = options_.notify(p.alarm.account_id, p.alarm.region, p.action, detail::alarm_subject(p.alarm),
                             detail::alarm_message(p.alarm, p.old_state));
      }
      const int64_t now = options_.clock->now_ms();
      common::MutexLock lock(mu_);
      std::string summary = (ok ? "Successfully executed action " : "Failed to execute action ") + p.action;
      std::string data = "{\"actionState\":\"" + std::string(ok ? "Succeeded" : "Failed") +
                         "\",\"notificationResource\":" + quoted(p.action) + "}";
      record(p.alarm.account_id, p.alarm.region,
             AlarmHistoryItem{p.alarm.name, "MetricAlarm", now, "Action", std::move(summary), std::move(data)});
    }
  }

  void run_ticker() {
    std::unique_lock<std::mutex> lock(ticker_mu_);
    while (!stopping_) {
      const int64_t now = options_.clock->now_ms();
      lock.unlock();
      tick(now);
      lock.lock();
      // Next tick on the 10-second grid, so samples and evaluations fall early in each minute.
      const int64_t next = (now / kTickMs + 1) * kTickMs;
      options_.clock->wait_until(ticker_cv_, lock, next, [this] { return stopping_; });
    }
  }

  AlarmsOptions options_;
  common::Mutex mu_;
  std::unique_ptr<AlarmStore> store_ GUARDED_BY(mu_);
  std::map<AlarmId, MetricAlarm> alarms_ GUARDED_BY(mu_);
  std::vector<StoredItem> history_ GUARDED_BY(mu_);
  std::atomic<int64_t> last_sampled_minute_{-1};
  std::atomic<int64_t> last_expired_minute_{-1};
  std::mutex ticker_mu_;
  std::condition_variable ticker_cv_;
  bool stopping_ = false;  // guarded by ticker_mu_
  std::thread ticker_;
};

}  // namespace

common::Outcome<std::unique_ptr<Alarms>, std::string> Alarms::open(AlarmsOptions options) {
  if (!options.registry) return common::Outcome<std::unique_ptr<Alarms>, std::string>::failure("no metrics registry");
  std::unique_ptr<AlarmStore> store;
  if (!options.data_dir.empty()) {
    const std::string path = options.data_dir + "/cloudwatch.db";
    try {
      store = AlarmStore::open(path);
    } catch (const common::sqlite::Error& e) {
      return common::Outcome<std::unique_ptr<Alarms>, std::string>::failure(path + ": " + e.what());
    }
  }
  return std::unique_ptr<Alarms>(std::make_unique<AlarmsImpl>(std::move(options), std::move(store)));
}

}  // namespace sluice::cloudwatch
