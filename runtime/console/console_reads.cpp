// The console's read endpoints: queues, one queue (with a peek), topics, functions and mappings,
// one function's recent invocations, alarms. Each reads through the components' public
// interfaces and answers one JSON object; the page polls them for live updates.

#include <boost/json.hpp>

#include <algorithm>
#include <deque>
#include <map>

#include "console_api.h"
#include "invocation_marks.h"
#include "sluice/api/rest_json/rest_json.h"

namespace sluice::console::detail {
namespace {

namespace json = boost::json;

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kSparklineMinutes = 30;
constexpr size_t kPeekedMessages = 50;
constexpr size_t kBodyPreviewBytes = 4096;
constexpr size_t kRecentInvocations = 20;
constexpr int64_t kInvocationWindowMs = int64_t{60} * kMinuteMs;
constexpr int64_t kMaxLogEvents = 5000;

ApiAnswer ok(const json::object& body) { return {200, json::serialize(body)}; }

// The first `limit` bytes of `text`, cut back to a character boundary of UTF-8.
std::string preview(const std::string& text, size_t limit, bool* truncated) {
  *truncated = text.size() > limit;
  if (!*truncated) return text;
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

std::optional<std::string> redrive_target(const sqs::AttributeMap& attributes) {
  auto it = attributes.find("RedrivePolicy");
  if (it == attributes.end() || it->second.empty()) return std::nullopt;
  boost::system::error_code ec;
  json::value policy = json::parse(it->second, ec);
  if (ec || !policy.is_object()) return std::nullopt;
  const json::value* target = policy.as_object().if_contains("deadLetterTargetArn");
  if (!target || !target->is_string()) return std::nullopt;
  return std::string(target->as_string());
}

int64_t attribute_number(const sqs::AttributeMap& attributes, const std::string& name) {
  auto it = attributes.find(name);
  return it == attributes.end() ? 0 : std::strtoll(it->second.c_str(), nullptr, 10);
}

// The name after the last ':' of an ARN (a queue's, a topic's, a function's).
std::string last_field(std::string_view arn) { return std::string(arn.substr(arn.rfind(':') + 1)); }

json::array string_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

json::object peeked_json(const sqs::PeekedMessage& m) {
  bool truncated = false;
  json::object out{{"messageId", m.message_id},  {"body", preview(m.body, kBodyPreviewBytes, &truncated)},
                   {"bodyBytes", m.body.size()}, {"bodyTruncated", truncated},
                   {"state", m.state},           {"receiveCount", m.receive_count},
                   {"sentTimestamp", m.sent_ms}};
  if (m.visible_at_ms) out["visibleAt"] = m.visible_at_ms;
  if (!m.message_group_id.empty()) out["messageGroupId"] = m.message_group_id;
  if (!m.dead_letter_source_arn.empty()) out["deadLetterQueueSourceArn"] = m.dead_letter_source_arn;
  json::object attributes;
  for (const auto& [name, attribute] : m.message_attributes) {
    const bool binary = attribute.data_type.starts_with("Binary");
    attributes[name] = json::object{
        {"dataType", attribute.data_type},
        {"value", binary ? "(" + std::to_string(attribute.binary_value.size()) + " bytes)" : attribute.string_value}};
  }
  out["messageAttributes"] = std::move(attributes);
  return out;
}

// One invocation in a function's log: its START .. REPORT lines of one stream.
struct Invocation {
  std::string request_id;
  std::string stream;
  int64_t started_ms = 0;
  std::string report;
  json::array lines;
  bool done = false;
};

// A function's environments, none when the runtime does not host it (yet).
functions::EnvironmentStats busy_and_idle(const std::map<std::string, functions::EnvironmentStats>& environments,
                                          const std::string& name) {
  auto it = environments.find(name);
  return it == environments.end() ? functions::EnvironmentStats{} : it->second;
}

}  // namespace

ApiAnswer error_answer(const common::AwsError& error) {
  return {error.info().http_status,
          json::serialize(json::object{{"__type", error.info().json_type}, {"message", error.message}})};
}

std::string query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? "" : api::rest_json::percent_decode(pair.substr(eq + 1), true);
  }
  return "";
}

ApiAnswer ConsoleApi::read(std::string_view endpoint, std::string_view query) const {
  if (endpoint == "queues") return queues();
  if (endpoint == "queue") return queue(query_parameter(query, "name"));
  if (endpoint == "topics") return topics();
  if (endpoint == "functions") return functions();
  if (endpoint == "function") return function(query_parameter(query, "name"));
  if (endpoint == "alarms") return alarms();
  return error_answer(
      common::aws_error(common::AwsErrorCode::ResourceNotFound, "No console endpoint " + std::string(endpoint) + "."));
}

std::optional<common::AwsError> ConsoleApi::check_account(std::string_view action) const {
  return access_.check(action, "*", options_.account_id, "");
}

std::optional<common::AwsError> ConsoleApi::check_queue(std::string_view action, const std::string& name) const {
  std::string policy;
  if (options_.engine) {
    auto attributes = options_.engine->get_queue_attributes(address(name), {"Policy"});
    if (attributes && attributes->count("Policy")) policy = attributes->at("Policy");
  }
  return access_.check(action, sqs::queue_arn(address(name)), options_.account_id, policy);
}

ApiAnswer ConsoleApi::queues() const {
  if (auto refused = check_account("sqs:ListQueues")) return error_answer(*refused);
  json::array out;
  if (!options_.engine) return ok({{"queues", std::move(out)}});
  sqs::Engine& engine = *options_.engine;
  const int64_t now = engine.clock().now_ms();
  const int64_t first_minute = (now / kMinuteMs - (kSparklineMinutes - 1)) * kMinuteMs;
  static const std::vector<std::string> kAttributes = {"ApproximateNumberOfMessages",
                                                       "ApproximateNumberOfMessagesNotVisible",
                                                       "ApproximateNumberOfMessagesDelayed",
                                                       "QueueArn",
                                                       "RedrivePolicy",
                                                       "FifoQueue"};
  for (const std::string& name : engine.list_queues(options_.account_id, options_.region, "")) {
    auto attributes = engine.get_queue_attributes(address(name), kAttributes);
    if (!attributes) continue;  // deleted since it was listed
    json::object entry{{"name", name},
                       {"arn", sqs::queue_arn(address(name))},
                       {"fifo", attributes->count("FifoQueue") && attributes->at("FifoQueue") == "true"},
                       {"visible", attribute_number(*attributes, "ApproximateNumberOfMessages")},
                       {"inFlight", attribute_number(*attributes, "ApproximateNumberOfMessagesNotVisible")},
                       {"delayed", attribute_number(*attributes, "ApproximateNumberOfMessagesDelayed")}};
    auto oldest = engine.peek_messages(address(name), 1);
    if (oldest && !oldest->empty())
      entry["oldestAgeSeconds"] = std::max<int64_t>(0, (now - oldest->front().sent_ms) / 1000);
    else entry["oldestAgeSeconds"] = nullptr;
    if (auto target = redrive_target(*attributes)) entry["deadLetterTargetArn"] = *target;
    auto sources = engine.list_dead_letter_source_queues(address(name));
    entry["deadLetterSources"] = sources ? string_array(*sources) : json::array{};
    // The last half hour of ApproximateNumberOfMessagesVisible, a value per minute (null where the
    // gauge was not sampled).
    json::array history(static_cast<size_t>(kSparklineMinutes), json::value(nullptr));
    if (options_.metrics) {
      const metrics::MetricKey key{
          options_.account_id, options_.region, "AWS/SQS", "ApproximateNumberOfMessagesVisible", {{"QueueName", name}}};
      for (const auto& point :
           options_.metrics->query(key, first_minute, first_minute + kSparklineMinutes * kMinuteMs, kMinuteMs)) {
        const int64_t slot = (point.timestamp_ms - first_minute) / kMinuteMs;
        if (slot >= 0 && slot < kSparklineMinutes) history[static_cast<size_t>(slot)] = point.stats.maximum;
      }
    }
    entry["history"] = std::move(history);
    out.push_back(std::move(entry));
  }
  return ok({{"queues", std::move(out)}, {"now", now}});
}

ApiAnswer ConsoleApi::queue(const std::string& name) const {
  if (!options_.engine)
    return error_answer(
        common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist."));
  if (auto refused = check_queue("sqs:GetQueueAttributes", name)) return error_answer(*refused);
  sqs::Engine& engine = *options_.engine;
  auto attributes = engine.get_queue_attributes(address(name), {"All"});
  if (!attributes) return error_answer(attributes.error());
  json::object out{{"name", name}, {"arn", sqs::queue_arn(address(name))}, {"now", engine.clock().now_ms()}};
  json::object attribute_json;
  for (const auto& [key, value] : *attributes) attribute_json[key] = value;
  out["attributes"] = std::move(attribute_json);
  // The peek is what ReceiveMessage would show: authorized as it.
  if (auto refused = check_queue("sqs:ReceiveMessage", name)) {
    out["messages"] = nullptr;
    out["messagesRefused"] = refused->message;
  } else {
    auto peeked = engine.peek_messages(address(name), kPeekedMessages);
    if (!peeked) return error_answer(peeked.error());
    json::array messages;
    for (const auto& m : *peeked) messages.push_back(peeked_json(m));
    out["messages"] = std::move(messages);
  }
  auto sources = engine.list_dead_letter_source_queues(address(name));
  out["deadLetterSources"] = sources ? string_array(*sources) : json::array{};
  json::array tasks;
  if (sources && !sources->empty()) {
    if (auto listed = engine.list_message_move_tasks(sqs::queue_arn(address(name)), 10)) {
      for (const auto& task : *listed) {
        json::object t{{"status", task.status},
                       {"sourceArn", task.source_arn},
                       {"moved", task.approximate_number_of_messages_moved},
                       {"toMove", task.approximate_number_of_messages_to_move},
                       {"startedTimestamp", task.started_timestamp_ms}};
        if (task.destination_arn) t["destinationArn"] = *task.destination_arn;
        if (task.failure_reason) t["failureReason"] = *task.failure_reason;
        tasks.push_back(std::move(t));
      }
    }
  }
  out["moveTasks"] = std::move(tasks);
  return ok(out);
}

ApiAnswer ConsoleApi::topics() const {
  if (auto refused = check_account("sns:ListTopics")) return error_answer(*refused);
  json::array out;
  if (!options_.topics) return ok({{"topics", std::move(out)}});
  // AWS/SNS counts since the server started, by topic name.
  std::map<std::string, std::map<std::string, double>> counts;
  if (options_.metrics) {
    for (const auto& series : options_.metrics->snapshot()) {
      const metrics::MetricKey& key = series.key;
      if (key.namespace_name != "AWS/SNS" || key.account_id != options_.account_id || key.region != options_.region ||
          key.dimensions.size() != 1 || key.dimensions[0].name != "TopicName")
        continue;
      counts[key.dimensions[0].value][key.metric_name] = series.total.sum;
    }
  }
  const sns::CallContext ctx(options_.account_id, options_.region);
  std::optional<std::string> token;
  do {
    auto page = options_.topics->list_topics(ctx, token);
    if (!page) return error_answer(page.error());
    for (const std::string& arn : page->items) {
      const std::string name = last_field(arn);
      json::object topic{{"name", name}, {"arn", arn}};
      if (auto attributes = options_.topics->get_topic_attributes(ctx, arn)) {
        for (const char* key : {"DisplayName", "SubscriptionsConfirmed", "SubscriptionsPending", "FifoTopic"}) {
          if (attributes->count(key)) topic[key] = attributes->at(key);
        }
      }
      const auto& topic_counts = counts[name];
      auto count = [&](const char* metric) {
        auto it = topic_counts.find(metric);
        return it == topic_counts.end() ? 0.0 : it->second;
      };
      topic["published"] = count("NumberOfMessagesPublished");
      topic["delivered"] = count("NumberOfNotificationsDelivered");
      topic["failed"] = count("NumberOfNotificationsFailed");
      topic["filteredOut"] = count("NumberOfNotificationsFilteredOut");
      json::array subscriptions;
      std::optional<std::string> sub_token;
      do {
        auto subs = options_.topics->list_subscriptions_by_topic(ctx, arn, sub_token);
        if (!subs) break;
        for (const auto& s : subs->items) {
          json::object subscription{
              {"subscriptionArn", s.subscription_arn}, {"protocol", s.protocol}, {"endpoint", s.endpoint}};
          if (options_.notification_counts) {
            const sns::SubscriptionCounts n = options_.notification_counts->of(s.subscription_arn);
            subscription["delivered"] = n.delivered;
            subscription["failed"] = n.failed;
            subscription["filteredOut"] = n.filtered_out;
          }
          subscriptions.push_back(std::move(subscription));
        }
        sub_token = subs->next_token;
      } while (sub_token);
      topic["subscriptions"] = std::move(subscriptions);
      out.push_back(std::move(topic));
    }
    token = page->next_token;
  } while (token);
  return ok({{"topics", std::move(out)}});
}

ApiAnswer ConsoleApi::functions() const {
  if (auto refused = check_account("lambda:ListFunctions")) return error_answer(*refused);
  json::array functions_json, mappings_json;
  // Environments busy per function name: its concurrency in use.
  std::map<std::string, functions::EnvironmentStats> environments;
  if (options_.registry) {
    for (const auto& declared : options_.registry->all())
      environments[declared->config().name] = declared->host->environments();
  }
  if (options_.control_plane) {
    std::string marker;
    do {
      auto page = options_.control_plane->list_functions(marker, 50);
      if (!page) return error_answer(page.error());
      for (const auto& f : page->functions) {
        json::object entry{{"name", f.name},         {"arn", f.arn},
                           {"runtime", f.runtime},   {"handler", f.handler},
                           {"state", f.state},       {"memorySize", f.memory_size_mb},
                           {"timeout", f.timeout_s}, {"lastUpdateStatus", f.last_update_status}};
        if (f.reserved_concurrency) entry["reservedConcurrency"] = *f.reserved_concurrency;
        const functions::EnvironmentStats stats = busy_and_idle(environments, f.name);
        entry["busy"] = stats.busy;
        entry["idle"] = stats.idle;
        functions_json.push_back(std::move(entry));
      }
      marker = page->next_marker;
    } while (!marker.empty());

    // Running mappings' live State and LastProcessingResult, by UUID.
    std::map<std::string, esm::EventSourceMappingConfiguration> running;
    if (options_.mappings) {
      for (auto& m : options_.mappings->snapshot()) running[m.uuid] = std::move(m);
    }
    lambda::MappingFilter filter;
    do {
      auto page = options_.control_plane->list_event_source_mappings(filter);
      if (!page) return error_answer(page.error());
      for (const std::string& text : page->configurations) {
        boost::system::error_code ec;
        json::value parsed = json::parse(text, ec);
        if (ec || !parsed.is_object()) continue;
        json::object& m = parsed.as_object();
        json::object mapping;
        for (const char* key : {"UUID", "EventSourceArn", "FunctionArn", "State", "BatchSize",
                                "MaximumBatchingWindowInSeconds", "LastProcessingResult", "ScalingConfig"}) {
          if (const json::value* v = m.if_contains(key)) mapping[key] = *v;
        }
        const std::string uuid =
            m.contains("UUID") && m.at("UUID").is_string() ? std::string(m.at("UUID").as_string()) : std::string();
        if (auto it = running.find(uuid); it != running.end()) {
          mapping["State"] = it->second.state;
          mapping["LastProcessingResult"] = it->second.last_processing_result;
        }
        const std::string function_name = m.contains("FunctionArn") && m.at("FunctionArn").is_string()
                                              ? last_field(std::string_view(m.at("FunctionArn").as_string()))
                                              : std::string();
        mapping["concurrencyInUse"] = busy_and_idle(environments, function_name).busy;
        mappings_json.push_back(std::move(mapping));
      }
      filter.marker = page->next_marker;
    } while (!filter.marker.empty());
  }
  return ok({{"functions", std::move(functions_json)}, {"mappings", std::move(mappings_json)}});
}

ApiAnswer ConsoleApi::function(const std::string& name) const {
  const std::string group = "/aws/lambda/" + name;
  if (auto refused =
          access_.check("logs:FilterLogEvents",
                        "arn:aws:logs:" + options_.region + ":" + options_.account_id + ":log-group:" + group + ":*",
                        options_.account_id, ""))
    return error_answer(*refused);
  json::array out;
  if (!options_.logs || name.empty()) return ok({{"name", name}, {"invocations", std::move(out)}});
  const int64_t now = options_.engine ? options_.engine->clock().now_ms() : 0;
  // The last hour's events, oldest first, keeping the newest kMaxLogEvents.
  std::deque<logs::LogEvent> events;
  logs::FilterQuery query;
  query.group = group;
  if (now > 0) query.start_ms = now - kInvocationWindowMs;
  query.limit = 1000;
  for (int pages = 0; pages < 50; ++pages) {
    auto page = options_.logs->filter_events(query);
    if (!page) break;  // no such group yet: no invocations
    for (auto& e : page->events) {
      events.push_back(std::move(e));
      if (events.size() > static_cast<size_t>(kMaxLogEvents)) events.pop_front();
    }
    if (page->next_token.empty()) break;
    query.next_token = page->next_token;
  }
  // An environment runs one invocation at a time: a stream's lines between START and REPORT are
  // that invocation's.
  std::vector<Invocation> invocations;
  std::map<std::string, size_t> open;  // stream -> index of its unfinished invocation
  // Text and JSON log formats alike (invocation_marks.h).
  for (const logs::LogEvent& e : events) {
    InvocationMark mark = invocation_mark(e.message);
    if (mark.kind == InvocationMark::Kind::Start) {
      open[e.stream] = invocations.size();
      invocations.push_back({mark.request_id, e.stream, e.timestamp_ms, "", {}, false});
    }
    auto it = open.find(e.stream);
    if (it == open.end()) continue;
    Invocation& invocation = invocations[it->second];
    invocation.lines.push_back(json::object{{"timestamp", e.timestamp_ms}, {"message", e.message}});
    if (mark.kind == InvocationMark::Kind::Report && mark.request_id == invocation.request_id) {
      invocation.report = std::move(mark.report);
      invocation.done = true;
      open.erase(it);
    }
  }
  const size_t first = invocations.size() > kRecentInvocations ? invocations.size() - kRecentInvocations : 0;
  for (size_t i = invocations.size(); i-- > first;) {
    Invocation& v = invocations[i];
    out.push_back(json::object{{"requestId", v.request_id},
                               {"stream", v.stream},
                               {"startTimestamp", v.started_ms},
                               {"report", v.report},
                               {"finished", v.done},
                               {"lines", std::move(v.lines)}});
  }
  return ok({{"name", name}, {"invocations", std::move(out)}});
}

ApiAnswer ConsoleApi::alarms() const {
  if (auto refused = check_account("cloudwatch:DescribeAlarms")) return error_answer(*refused);
  json::array out;
  if (options_.alarms) {
    for (const auto& a : options_.alarms->describe_alarms(options_.account_id, options_.region, {})) {
      json::object alarm{{"name", a.name},
                         {"state", a.state_value},
                         {"stateReason", a.state_reason},
                         {"stateUpdatedTimestamp", a.state_updated_ms},
                         {"namespace", a.namespace_name},
                         {"metricName", a.metric_name},
                         {"comparisonOperator", a.comparison_operator},
                         {"threshold", a.threshold},
                         {"period", a.period_s},
                         {"evaluationPeriods", a.evaluation_periods},
                         {"actionsEnabled", a.actions_enabled}};
      if (a.statistic) alarm["statistic"] = *a.statistic;
      if (a.extended_statistic) alarm["statistic"] = *a.extended_statistic;
      json::array dimensions;
      for (const auto& d : a.dimensions) dimensions.push_back(json::object{{"name", d.name}, {"value", d.value}});
      alarm["dimensions"] = std::move(dimensions);
      out.push_back(std::move(alarm));
    }
  }
  return ok({{"alarms", std::move(out)}});
}

}  // namespace sluice::console::detail
