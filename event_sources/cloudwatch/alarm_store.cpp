// The alarms' SQLite file (see alarm_store.h). An alarm is stored as a JSON document so that a
// field added later needs no schema change; history rows are plain columns.

#include "alarm_store.h"

#include <boost/json.hpp>

#include "sluice/common/sqlite.h"

namespace sluice::cloudwatch::detail {
namespace {

namespace json = boost::json;

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& v : values) out.emplace_back(v);
  return out;
}

std::vector<std::string> strings(const json::value& v) {
  std::vector<std::string> out;
  if (!v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

json::array pairs(const std::vector<std::pair<std::string, std::string>>& values) {
  json::array out;
  for (const auto& [k, v] : values) out.push_back(json::array{json::string(k), json::string(v)});
  return out;
}

std::vector<std::pair<std::string, std::string>> pairs(const json::value& v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (e.is_array() && e.get_array().size() == 2 && e.get_array()[0].is_string() && e.get_array()[1].is_string()) {
      out.emplace_back(std::string(e.get_array()[0].get_string()), std::string(e.get_array()[1].get_string()));
    }
  }
  return out;
}

void optional_string(json::object& o, const char* name, const std::optional<std::string>& v) {
  if (v) o[name] = *v;
}
std::optional<std::string> optional_string(const json::object& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().get_string());
}
std::string text(const json::object& o, const char* name) { return optional_string(o, name).value_or(""); }
int64_t integer(const json::object& o, const char* name, int64_t fallback = 0) {
  auto it = o.find(name);
  return it != o.end() && it->value().is_int64() ? it->value().get_int64() : fallback;
}

std::string to_document(const MetricAlarm& a) {
  json::object o;
  o["account"] = a.account_id;
  o["region"] = a.region;
  o["name"] = a.name;
  optional_string(o, "description", a.description);
  o["actionsEnabled"] = a.actions_enabled;
  o["okActions"] = strings(a.ok_actions);
  o["alarmActions"] = strings(a.alarm_actions);
  o["insufficientDataActions"] = strings(a.insufficient_data_actions);
  o["namespace"] = a.namespace_name;
  o["metricName"] = a.metric_name;
  std::vector<std::pair<std::string, std::string>> dims;
  for (const auto& d : a.dimensions) dims.emplace_back(d.name, d.value);
  o["dimensions"] = pairs(dims);
  optional_string(o, "statistic", a.statistic);
  optional_string(o, "extendedStatistic", a.extended_statistic);
  o["period"] = a.period_s;
  optional_string(o, "unit", a.unit);
  o["evaluationPeriods"] = a.evaluation_periods;
  if (a.datapoints_to_alarm) o["datapointsToAlarm"] = *a.datapoints_to_alarm;
  o["threshold"] = a.threshold;
  o["comparisonOperator"] = a.comparison_operator;
  o["treatMissingData"] = a.treat_missing_data;
  optional_string(o, "evaluateLowSampleCountPercentile", a.evaluate_low_sample_count_percentile);
  o["stateValue"] = a.state_value;
  o["stateReason"] = a.state_reason;
  optional_string(o, "stateReasonData", a.state_reason_data);
  o["stateUpdated"] = a.state_updated_ms;
  o["stateTransitioned"] = a.state_transitioned_ms;
  o["configurationUpdated"] = a.configuration_updated_ms;
  o["tags"] = pairs(a.tags);
  return json::serialize(o);
}

MetricAlarm from_document(const std::string& document) {
  json::value v = json::parse(document);
  const json::object& o = v.as_object();
  MetricAlarm a;
  a.account_id = text(o, "account");
  a.region = text(o, "region");
  a.name = text(o, "name");
  a.description = optional_string(o, "description");
  auto enabled = o.find("actionsEnabled");
  a.actions_enabled = enabled == o.end() || !enabled->value().is_bool() || enabled->value().get_bool();
  a.ok_actions = strings(o.contains("okActions") ? o.at("okActions") : json::value());
  a.alarm_actions = strings(o.contains("alarmActions") ? o.at("alarmActions") : json::value());
  a.insufficient_data_actions =
      strings(o.contains("insufficientDataActions") ? o.at("insufficientDataActions") : json::value());
  a.namespace_name = text(o, "namespace");
  a.metric_name = text(o, "metricName");
  for (auto& [name, value] : pairs(o.contains("dimensions") ? o.at("dimensions") : json::value())) {
    a.dimensions.push_back({name, value});
  }
  a.statistic = optional_string(o, "statistic");
  a.extended_statistic = optional_string(o, "extendedStatistic");
  a.period_s = integer(o, "period", 60);
  a.unit = optional_string(o, "unit");
  a.evaluation_periods = integer(o, "evaluationPeriods", 1);
  if (o.contains("datapointsToAlarm")) a.datapoints_to_alarm = integer(o, "datapointsToAlarm");
  auto threshold = o.find("threshold");
  if (threshold != o.end() && threshold->value().is_number()) a.threshold = threshold->value().to_number<double>();
  a.comparison_operator = text(o, "comparisonOperator");
  a.treat_missing_data = text(o, "treatMissingData");
  a.evaluate_low_sample_count_percentile = optional_string(o, "evaluateLowSampleCountPercentile");
  a.state_value = text(o, "stateValue");
  a.state_reason = text(o, "stateReason");
  a.state_reason_data = optional_string(o, "stateReasonData");
  a.state_updated_ms = integer(o, "stateUpdated");
  a.state_transitioned_ms = integer(o, "stateTransitioned");
  a.configuration_updated_ms = integer(o, "configurationUpdated");
  a.tags = pairs(o.contains("tags") ? o.at("tags") : json::value());
  return a;
}

class SqliteAlarmStore final : public AlarmStore {
 public:
  explicit SqliteAlarmStore(common::sqlite::Connection db) : db_(std::move(db)) {
    db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS alarms (account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, "
        "document TEXT NOT NULL, PRIMARY KEY (account, region, name));"
        "CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, "
        "alarm_name TEXT NOT NULL, alarm_type TEXT NOT NULL, timestamp_ms INTEGER NOT NULL, item_type TEXT NOT NULL, "
        "summary TEXT NOT NULL, data TEXT NOT NULL);");
  }

  std::vector<MetricAlarm> load_alarms() override {
    std::vector<MetricAlarm> out;
    common::sqlite::Statement select(db_.get(), "SELECT document FROM alarms ORDER BY account, region, name");
    while (select.step()) out.push_back(from_document(select.string(0)));
    return out;
  }

  std::vector<StoredHistory> load_history() override {
    std::vector<StoredHistory> out;
    common::sqlite::Statement select(
        db_.get(),
        "SELECT account, region, alarm_name, alarm_type, timestamp_ms, item_type, summary, data "
        "FROM history ORDER BY id");
    while (select.step()) {
      out.push_back({select.string(0), select.string(1),
                     AlarmHistoryItem{select.string(2), select.string(3), select.int64(4), select.string(5),
                                      select.string(6), select.string(7)}});
    }
    return out;
  }

  void save_alarm(const MetricAlarm& alarm) override {
    common::sqlite::Statement upsert(
        db_.get(), "INSERT OR REPLACE INTO alarms (account, region, name, document) VALUES (?, ?, ?, ?)");
    upsert.bind_text(1, alarm.account_id).bind_text(2, alarm.region).bind_text(3, alarm.name);
    upsert.bind_text(4, to_document(alarm)).run();
  }

  void delete_alarm(const std::string& account_id, const std::string& region, const std::string& name) override {
    common::sqlite::Statement remove(db_.get(), "DELETE FROM alarms WHERE account = ? AND region = ? AND name = ?");
    remove.bind_text(1, account_id).bind_text(2, region).bind_text(3, name).run();
  }

  void add_history(const std::string& account_id, const std::string& region, const AlarmHistoryItem& item) override {
    common::sqlite::Statement insert(
        db_.get(),
        "INSERT INTO history (account, region, alarm_name, alarm_type, timestamp_ms, item_type, "
        "summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind_text(1, account_id).bind_text(2, region).bind_text(3, item.alarm_name).bind_text(4, item.alarm_type);
    insert.bind(5, item.timestamp_ms).bind_text(6, item.history_item_type).bind_text(7, item.history_summary);
    insert.bind_text(8, item.history_data).run();
  }

  void expire_history(int64_t before_ms) override {
    common::sqlite::Statement remove(db_.get(), "DELETE FROM history WHERE timestamp_ms < ?");
    remove.bind(1, before_ms).run();
  }

 private:
  common::sqlite::Connection db_;
};

}  // namespace

std::unique_ptr<AlarmStore> AlarmStore::open(const std::string& path) {
  return std::make_unique<SqliteAlarmStore>(
      common::sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX));
}

}  // namespace sluice::cloudwatch::detail
