#pragma once
// The series `sluice up` adds to GET /metrics (the front door writes its own requests, latency,
// connections and parked polls): the SQS queues of the server's account and region with their
// depths (visible, in flight, delayed), the durable store's commits (a latency histogram, the
// changes they carried, failed attempts), each declared function's environments (busy, idle,
// started), each event-source mapping's state and LastProcessingResult, CloudWatch's AWS/Lambda
// metrics (sluice_lambda_*: invocations, errors, duration, throttles, concurrency, Event
// invocations, mappings' event counts), the CloudWatch Logs ingest's drops, and the process's
// resident memory.
//
// Called in the front door's worker lane for every scrape; it reads every queue's depths in one
// engine pass (Engine::queue_depths: each queue's lock once, the store only for queues not loaded
// yet) and takes each component's lock briefly.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sluice/esm/mapping_directory.h"
#include "sluice/functions/registry.h"
#include "sluice/logs/ingest.h"
#include "sluice/metrics/metrics.h"
#include "sluice/sqs/engine.h"

namespace sluice::cli {

struct ServerMetricsSources {
  sqs::Engine* engine = nullptr;
  std::string account_id;
  std::string region;
  functions::FunctionRegistry* registry = nullptr;
  std::shared_ptr<esm::MappingDirectory> mappings;
  std::shared_ptr<logs::LogIngest> log_ingest;
  std::shared_ptr<metrics::Registry> metrics;  // AWS/Lambda's series of the account and region
};

std::string server_metrics_text(const ServerMetricsSources& sources);

// GET /health's "components": {"store": {"status": "ready"|"failing", "durable": bool,
// "durability": "kill-9"|"power-loss" (what SQLite reports its commits sync; absent in memory)},
// "logs": {"status": "ready"|"failing", "droppedEvents": N}} and "ready" (both ready).
struct ComponentsHealth {
  bool store_failing = false;
  bool logs_failing = false;
  uint64_t logs_dropped = 0;
  bool durable = false;
  std::optional<sqs::SyncMode> store_sync;  // Engine::store_sync()
};
std::string components_health_json(const ComponentsHealth& health);

}  // namespace sluice::cli
