// See server_metrics.h.

#include "server_metrics.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

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

}  // namespace

std::string server_metrics_text(const ServerMetricsSources& sources) {
  std::string text;
  PrometheusText out(text);
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
  }
  if (sources.registry) {
    out.family("sluice_function_environments", "gauge", "Execution environments of a function, by state.");
    std::string started;
    PrometheusText started_out(started);
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
  if (sources.log_ingest) {
    out.family("sluice_logs_dropped_events_total", "counter",
               "Function log events dropped because the CloudWatch Logs ingest queue was full.");
    out.sample("sluice_logs_dropped_events_total", PrometheusLabels{},
               static_cast<double>(sources.log_ingest->dropped()));
  }
  out.family("sluice_resident_memory_bytes", "gauge", "Resident memory of the sluice process.");
  out.sample("sluice_resident_memory_bytes", PrometheusLabels{}, resident_bytes());
  return text;
}

std::string components_health_json(const ComponentsHealth& health) {
  std::string json = "{\"ready\":";
  json += health.store_failing || health.logs_failing ? "false" : "true";
  json += ",\"store\":{\"status\":";
  json += health.store_failing ? "\"failing\"" : "\"ready\"";
  json += ",\"durable\":";
  json += health.durable ? "true" : "false";
  json += "},\"logs\":{\"status\":";
  json += health.logs_failing ? "\"failing\"" : "\"ready\"";
  json += ",\"droppedEvents\":" + std::to_string(health.logs_dropped) + "}}";
  return json;
}

}  // namespace sluice::cli
