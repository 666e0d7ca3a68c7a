// See server_metrics.h.

#include "server_metrics.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "sluice/common/duration_histogram.h"
#include "sluice/common/prometheus_text.h"

namespace sluice::cli {
namespace {

// The process's resident set, from /proc/self/statm (pages), or -1 where it cannot be read.
double resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return -1;
  long long size = 0, resident = 0;
  const int read = std::fscanf(f, "%lld %lld", &size, &resident);
  std::fclose(f);
  return read == 2 ? static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) : -1;
}

// How a CloudWatch metric of AWS/* is exposed: a counter of its Sum, a summary's _sum and _count, or
// a gauge of the newest bucket's Maximum. Milliseconds are written as seconds, Prometheus's base unit.
enum class Exposition { Counter, Summary, Gauge };
struct Family {
  std::string_view metric;  // CloudWatch's name
  const char* name;         // Prometheus's
  Exposition exposition;
  const char* help;
  double scale = 1;  // CloudWatch's unit to Prometheus's
};
constexpr Family kLambdaFamilies[] = {
    {"AsyncEventAge", "sluice_lambda_async_event_age_seconds", Exposition::Summary,
     "Time Event invocations waited before an attempt (AsyncEventAge).", 0.001},
    {"AsyncEventsDropped", "sluice_lambda_async_events_dropped_total", Exposition::Counter,
     "Event invocations given up without a successful run (AsyncEventsDropped)."},
    {"AsyncEventsReceived", "sluice_lambda_async_events_received_total", Exposition::Counter,
     "Event invocations stored (AsyncEventsReceived)."},
    {"ConcurrentExecutions", "sluice_lambda_concurrent_executions", Exposition::Gauge,
     "Most invocations running at once in the newest minute (ConcurrentExecutions, Maximum)."},
    {"DeadLetterErrors", "sluice_lambda_dead_letter_errors_total", Exposition::Counter,
     "Events the dead-letter target did not take (DeadLetterErrors)."},
    {"DeletedEventCount", "sluice_lambda_mapping_deleted_events_total", Exposition::Counter,
     "Messages a mapping deleted after processing (DeletedEventCount)."},
    {"DestinationDeliveryFailures", "sluice_lambda_destination_delivery_failures_total", Exposition::Counter,
     "Invocation records a destination did not take (DestinationDeliveryFailures)."},
    {"Duration", "sluice_lambda_duration_seconds", Exposition::Summary, "Time in the function's code (Duration).",
     0.001},
    {"Errors", "sluice_lambda_errors_total", Exposition::Counter,
     "Invocations that ended in a function error (Errors)."},
    {"FailedInvokeEventCount", "sluice_lambda_mapping_failed_invoke_events_total", Exposition::Counter,
     "Messages of a mapping's batches left to be retried (FailedInvokeEventCount)."},
    {"FilteredOutEventCount", "sluice_lambda_mapping_filtered_out_events_total", Exposition::Counter,
     "Messages a mapping's filters dropped (FilteredOutEventCount)."},
    {"Invocations", "sluice_lambda_invocations_total", Exposition::Counter, "Invocations that ran (Invocations)."},
    {"InvokedEventCount", "sluice_lambda_mapping_invoked_events_total", Exposition::Counter,
     "Messages a mapping invoked its function with (InvokedEventCount)."},
    {"PolledEventCount", "sluice_lambda_mapping_polled_events_total", Exposition::Counter,
     "Messages a mapping received (PolledEventCount)."},
    {"Throttles", "sluice_lambda_throttles_total", Exposition::Counter,
     "Invocations refused for concurrency (Throttles)."},
};
// AWS/SQS's counts and sizes (its Approximate* depths are also sluice_sqs_messages_* above, read
// from the engine at the scrape; the CloudWatch series are sampled once a minute).
constexpr Family kSqsFamilies[] = {
    {"ApproximateAgeOfOldestMessage", "sluice_sqs_approximate_age_of_oldest_message_seconds", Exposition::Gauge,
     "Age of the oldest message in the newest minute (ApproximateAgeOfOldestMessage, Maximum)."},
    {"NumberOfEmptyReceives", "sluice_sqs_empty_receives_total", Exposition::Counter,
     "ReceiveMessage calls that returned no message (NumberOfEmptyReceives)."},
    {"NumberOfMessagesDeleted", "sluice_sqs_messages_deleted_total", Exposition::Counter,
     "Messages deleted (NumberOfMessagesDeleted)."},
    {"NumberOfMessagesReceived", "sluice_sqs_messages_received_total", Exposition::Counter,
     "Messages returned by ReceiveMessage (NumberOfMessagesReceived)."},
    {"NumberOfMessagesSent", "sluice_sqs_messages_sent_total", Exposition::Counter,
     "Messages added to a queue (NumberOfMessagesSent)."},
    {"SentMessageSize", "sluice_sqs_sent_message_size_bytes", Exposition::Summary,
     "Size of the messages added to a queue (SentMessageSize)."},
};
constexpr Family kSnsFamilies[] = {
    {"NumberOfMessagesPublished", "sluice_sns_messages_published_total", Exposition::Counter,
     "Messages published to a topic (NumberOfMessagesPublished)."},
    {"NumberOfNotificationsDelivered", "sluice_sns_notifications_delivered_total", Exposition::Counter,
     "Notifications delivered (NumberOfNotificationsDelivered)."},
    {"NumberOfNotificationsFailed", "sluice_sns_notifications_failed_total", Exposition::Counter,
     "Notifications that failed (NumberOfNotificationsFailed)."},
    {"NumberOfNotificationsFailedToRedriveToDlq", "sluice_sns_notifications_failed_to_redrive_to_dlq_total",
     Exposition::Counter,
     "Failed notifications their subscription's dead-letter queue did not take "
     "(NumberOfNotificationsFailedToRedriveToDlq)."},
    {"NumberOfNotificationsFilteredOut", "sluice_sns_notifications_filtered_out_total", Exposition::Counter,
     "Notifications a filter policy rejected (NumberOfNotificationsFilteredOut)."},
    {"NumberOfNotificationsFilteredOut-InvalidAttributes",
     "sluice_sns_notifications_filtered_out_invalid_attributes_total", Exposition::Counter,
     "Notifications filtered out because the message attributes were not valid "
     "(NumberOfNotificationsFilteredOut-InvalidAttributes)."},
    {"NumberOfNotificationsFilteredOut-InvalidMessageBody",
     "sluice_sns_notifications_filtered_out_invalid_message_body_total", Exposition::Counter,
     "Notifications filtered out because the body was not valid JSON "
     "(NumberOfNotificationsFilteredOut-InvalidMessageBody)."},
    {"NumberOfNotificationsFilteredOut-MessageAttributes",
     "sluice_sns_notifications_filtered_out_message_attributes_total", Exposition::Counter,
     "Notifications filtered out by the policy's attribute conditions "
     "(NumberOfNotificationsFilteredOut-MessageAttributes)."},
    {"NumberOfNotificationsFilteredOut-MessageBody", "sluice_sns_notifications_filtered_out_message_body_total",
     Exposition::Counter,
     "Notifications filtered out by the policy's body conditions (NumberOfNotificationsFilteredOut-MessageBody)."},
    {"NumberOfNotificationsFilteredOut-NoMessageAttributes",
     "sluice_sns_notifications_filtered_out_no_message_attributes_total", Exposition::Counter,
     "Notifications filtered out because the message had no attributes "
     "(NumberOfNotificationsFilteredOut-NoMessageAttributes)."},
    {"NumberOfNotificationsRedrivenToDlq", "sluice_sns_notifications_redriven_to_dlq_total", Exposition::Counter,
     "Failed notifications moved to their subscription's dead-letter queue (NumberOfNotificationsRedrivenToDlq)."},
    {"PublishSize", "sluice_sns_publish_size_bytes", Exposition::Summary,
     "Size of the messages published (PublishSize)."},
};

// CloudWatch's dimension names as label names.
std::string_view label_of(std::string_view dimension) {
  if (dimension == "FunctionName") return "function_name";
  if (dimension == "Resource") return "resource";
  if (dimension == "ExecutedVersion") return "executed_version";
  if (dimension == "EventSourceMappingUUID") return "event_source_mapping_uuid";
  if (dimension == "QueueName") return "queue";
  if (dimension == "TopicName") return "topic";
  return "dimension";
}

// One namespace's series, one family per metric (a family without series is left out). The
// snapshot is sorted by metric name, so each metric's series are one range of it.
template <size_t N>
void write_families(common::PrometheusText& out, const std::vector<metrics::SeriesSnapshot>& series,
                    const Family (&families)[N]) {
  common::PrometheusLabels labels;
  for (const Family& family : families) {
    auto by_metric = [](const metrics::SeriesSnapshot& s, std::string_view metric) {
      return std::string_view(s.key.metric_name) < metric;
    };
    auto it = std::lower_bound(series.begin(), series.end(), family.metric, by_metric);
    if (it == series.end() || it->key.metric_name != family.metric) continue;
    const bool summary = family.exposition == Exposition::Summary;
    out.family(family.name,
               summary                                    ? "summary"
               : family.exposition == Exposition::Counter ? "counter"
                                                          : "gauge",
               family.help);
    for (; it != series.end() && it->key.metric_name == family.metric; ++it) {
      const metrics::SeriesSnapshot& s = *it;
      labels.clear();
      for (const metrics::Dimension& d : s.key.dimensions) labels.emplace_back(label_of(d.name), d.value);
      if (summary) {
        out.sample(std::string(family.name) + "_sum", labels, s.total.sum * family.scale);
        out.sample(std::string(family.name) + "_count", labels, s.total.sample_count);
      } else {
        out.sample(family.name, labels,
                   family.exposition == Exposition::Counter ? s.total.sum : s.last_bucket.maximum * family.scale);
      }
    }
  }
}

}  // namespace

std::string server_metrics_text(const ServerMetricsSources& sources) {
  std::string text;
  common::PrometheusText out(text);
  if (sources.engine) {
    // One engine pass for every queue's depths, then one loop per family over them: the labels are
    // views of the queue names, so a sample costs appends to the text and nothing else.
    const std::vector<sqs::QueueDepths> queues = sources.engine->queue_depths(sources.account_id, sources.region);
    text.reserve(text.size() + queues.size() * 3 * (48 + 24));
    struct Family {
      const char* name;
      const char* help;
      int64_t sqs::QueueDepths::*count;
    };
    static constexpr Family kFamilies[] = {
        {"sluice_sqs_messages_visible", "Messages available to receive (ApproximateNumberOfMessages).",
         &sqs::QueueDepths::visible},
        {"sluice_sqs_messages_in_flight", "Messages received and not yet deleted or visible again.",
         &sqs::QueueDepths::in_flight},
        {"sluice_sqs_messages_delayed", "Messages not yet visible because of a delay.", &sqs::QueueDepths::delayed},
    };
    for (const Family& family : kFamilies) {
      out.family(family.name, "gauge", family.help);
      for (const sqs::QueueDepths& queue : queues)
        out.sample(family.name, {{"queue", queue.name}}, static_cast<double>(queue.*family.count));
    }
    if (const std::optional<sqs::StoreCommitStats> commits = sources.engine->store_commit_stats()) {
      out.family("sluice_sqs_store_commit_duration_seconds", "histogram",
                 "Time of each commit of the durable SQS store, from BEGIN to COMMIT (its sync included).");
      common::write_histogram(out, "sluice_sqs_store_commit_duration_seconds", {}, commits->duration);
      out.family("sluice_sqs_store_committed_changes_total", "counter",
                 "Changes (sends, deletes, visibility changes, ...) the durable SQS store's commits carried.");
      out.sample("sluice_sqs_store_committed_changes_total", common::PrometheusLabels{},
                 static_cast<double>(commits->mutations));
      out.family("sluice_sqs_store_failed_commits_total", "counter",
                 "Commit attempts of the durable SQS store that failed (a full disk, most often); each is retried.");
      out.sample("sluice_sqs_store_failed_commits_total", common::PrometheusLabels{},
                 static_cast<double>(commits->failures));
    }
  }
  if (sources.registry) {
    out.family("sluice_function_environments", "gauge", "Execution environments of a function, by state.");
    std::string started;
    common::PrometheusText started_out(started);
    for (const auto& function : sources.registry->all()) {
      const auto stats = function->host->environments();
      const std::string& name = function->config().name;
      out.sample("sluice_function_environments", {{"function", name}, {"state", "busy"}}, stats.busy);
      out.sample("sluice_function_environments", {{"function", name}, {"state", "idle"}}, stats.idle);
      started_out.sample("sluice_function_environments_started_total", {{"function", name}},
                         static_cast<double>(stats.started));
    }
    out.family("sluice_function_environments_started_total", "counter",
               "Execution environments started for a function, replacements included.");
    text += started;
  }
  if (sources.mappings) {
    out.family("sluice_event_source_mapping_info", "gauge",
               "Each running event-source mapping (value 1) with its state and LastProcessingResult.");
    for (const auto& m : sources.mappings->snapshot()) {
      out.sample("sluice_event_source_mapping_info",
                 {{"uuid", m.uuid},
                  {"function_arn", m.function_arn},
                  {"event_source_arn", m.event_source_arn},
                  {"state", m.state},
                  {"last_processing_result", m.last_processing_result}},
                 1);
    }
  }
  if (sources.metrics) {
    write_families(out, sources.metrics->snapshot(sources.account_id, sources.region, "AWS/SQS"), kSqsFamilies);
    write_families(out, sources.metrics->snapshot(sources.account_id, sources.region, "AWS/SNS"), kSnsFamilies);
    write_families(out, sources.metrics->snapshot(sources.account_id, sources.region, "AWS/Lambda"), kLambdaFamilies);
  }
  if (sources.log_ingest) {
    out.family("sluice_logs_dropped_events_total", "counter",
               "Function log events dropped because the CloudWatch Logs ingest queue was full.");
    out.sample("sluice_logs_dropped_events_total", common::PrometheusLabels{},
               static_cast<double>(sources.log_ingest->dropped()));
  }
  out.family("sluice_resident_memory_bytes", "gauge", "Resident memory of the sluice process.");
  out.sample("sluice_resident_memory_bytes", common::PrometheusLabels{}, resident_bytes());
  return text;
}

std::string components_health_json(const ComponentsHealth& health) {
  std::string json = "{\"ready\":";
  json += health.store_failing || health.logs_failing ? "false" : "true";
  json += ",\"store\":{\"status\":";
  json += health.store_failing ? "\"failing\"" : "\"ready\"";
  json += ",\"durable\":";
  json += health.durable ? "true" : "false";
  if (health.store_sync) {
    json += ",\"durability\":";
    json += *health.store_sync == sqs::SyncMode::PowerLoss ? "\"power-loss\"" : "\"kill-9\"";
  }
  json += "},\"logs\":{\"status\":";
  json += health.logs_failing ? "\"failing\"" : "\"ready\"";
  json += ",\"droppedEvents\":" + std::to_string(health.logs_dropped) + "}}";
  return json;
}

}  // namespace sluice::cli
