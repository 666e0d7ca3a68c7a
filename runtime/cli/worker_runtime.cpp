// See worker_runtime.h.
#include "worker_runtime.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include <boost/json.hpp>

#include "server_metrics.h"
#include "sluice/aws/endpoint.h"
#include "sluice/aws/remote_queue_source.h"
#include "sluice/common/prometheus_text.h"
#include "sluice/esm/mapping_directory.h"

namespace sluice::cli {
namespace {

constexpr int64_t kFirstRetryMs = 1'000;
constexpr int64_t kMaxRetryMs = 60'000;

functions::FunctionSpec function_spec(const FunctionDeclaration& declared) {
  functions::FunctionSpec spec;
  spec.handler = declared.handler;
  spec.runtime = declared.runtime;
  spec.code_directory = declared.code_directory;
  spec.config.name = declared.name;
  spec.config.memory_size_mb = static_cast<uint32_t>(declared.memory_size_mb);
  spec.config.timeout_ms = static_cast<uint32_t>(declared.timeout_s * 1000);
  spec.config.environment = declared.environment;
  spec.host.mode =
      declared.isolated ? functions::IsolationMode::Isolated : functions::IsolationMode::InProcessWhenConcurrent;
  // As many environments as the function may run invocations at once: its reserved concurrency,
  // else the account's limit. Each mapping's MaximumConcurrency bounds what it sends.
  if (declared.reserved_concurrency)
    spec.host.max_workers = static_cast<unsigned>(
        std::clamp<int64_t>(*declared.reserved_concurrency, 1, functions::kAccountConcurrencyLimit));
  spec.reserved_concurrency = declared.reserved_concurrency;
  return spec;
}

functions::RegistryOptions registry_options(const WorkerOptions& options, const std::shared_ptr<const ServerLog>& log) {
  functions::RegistryOptions registry;
  if (!options.region.empty()) registry.region = options.region;
  registry.log = [log](const std::string& text) { log->write(text); };
  registry.log_format = log->format();
  return registry;
}

}  // namespace

// One mapping of the configuration and the queue it polls. The declaration part is fixed after
// prepare(); the rest is under WorkerRuntime::mu_.
struct WorkerRuntime::Remote {
  size_t index = 0;
  MappingDeclaration declared;
  aws::RemoteQueueOptions queue;                     // URL, endpoint, region, credentials
  std::shared_ptr<esm::EventSourceMapping> mapping;  // once connected
  std::string remote_state = "Connecting";           // Connecting | Connected | Failing
  std::string last_error;                            // "<code>: <message>" while not Connected
  bool fatal = false;                                // refused for good (a bad mapping setting)
  int64_t retry_ms = kFirstRetryMs;
  int64_t next_attempt_ms = 0;
};

WorkerRuntime::WorkerRuntime(const WorkerOptions& options, std::shared_ptr<const ServerLog> log)
    : options_(options),
      log_(std::move(log)),
      work_pool_(common::WorkPool::create()),
      // One cached chain for every queue: instance metadata or a credentials endpoint is asked once.
      credentials_(aws::default_credentials_chain()),
      registry_(registry_options(options_, log_)) {}

WorkerRuntime::~WorkerRuntime() { stop(); }

bool WorkerRuntime::prepare(const Config& config, std::string* error) {
  for (const auto& declared : config.functions) {
    auto function = registry_.declare(function_spec(declared));
    if (!function) {
      *error = "functions: " + function.error();
      return false;
    }
  }
  for (size_t i = 0; i < config.mappings.size(); ++i) {
    const MappingDeclaration& declared = config.mappings[i];
    const std::string path = "eventSourceMappings[" + std::to_string(i) + "]";
    if (declared.queue_url.empty()) {
      *error = path +
               ": sluice worker polls queues at an SQS endpoint: give QueueUrl (EventSourceArn names a queue "
               "of sluice up's own engine)";
      return false;
    }
    auto remote = std::make_unique<Remote>();
    remote->index = i;
    remote->declared = declared;
    remote->queue.queue = declared.queue_url;
    remote->queue.credentials = credentials_;
    // The queue's region: its URL's (sqs.REGION.amazonaws.com), else --region, else the SDKs' chain.
    remote->queue.region = aws::region_from_queue_url(declared.queue_url).value_or(options_.region);
    if (remote->queue.region.empty()) remote->queue.region = aws::resolve_region().value_or("");
    // The endpoint: the mapping's, --endpoint-url, the SDKs' environment settings, then the
    // region's (FIPS, dual-stack). A URL that is not an AWS one (a sluice of the tests) is its own.
    std::string endpoint = !declared.endpoint.empty() ? declared.endpoint : options_.endpoint_url;
    const bool aws_url = aws::region_from_queue_url(declared.queue_url).has_value();
    const bool configured =
        std::getenv("AWS_ENDPOINT_URL_SQS") != nullptr || std::getenv("AWS_ENDPOINT_URL") != nullptr;
    if (endpoint.empty() && (aws_url || configured)) {
      std::string why;
      endpoint = aws::resolve_endpoint(
          {"sqs", "SQS", remote->queue.region, "", options_.use_fips_endpoint, options_.use_dualstack_endpoint}, &why);
      if (endpoint.empty()) {
        *error = path + ".QueueUrl: " + why;
        return false;
      }
    }
    remote->queue.endpoint = endpoint;
    std::string reason;
    if (!aws::make_remote_queue_source(remote->queue, &reason)) {
      *error = path + ".QueueUrl: " + reason;
      return false;
    }
    if (!registry_.find(declared.function_name)) {
      *error = path + ".FunctionName: no function named " + declared.function_name;
      return false;
    }
    remotes_.push_back(std::move(remote));
  }
  return true;
}

bool WorkerRuntime::try_connect(Remote& remote, std::string* error) {
  const std::string& url = remote.declared.queue_url;
  auto probe = aws::make_remote_queue_source(remote.queue);
  if (auto attributes = probe->attributes({"VisibilityTimeout"}); !attributes) {
    *error = std::string(attributes.error().info().query_code) + ": " + attributes.error().message;
    return false;
  }
  esm::CreateMappingRequest request = remote.declared.request;
  request.event_source_arn = probe->arn();
  auto function = registry_.find(remote.declared.function_name);
  esm::RuntimeOptions runtime;
  runtime.work_pool = work_pool_;
  runtime.start_at_full_scale = true;  // the fleet's size is the ramp; MaximumConcurrency the bound
  runtime.visibility_heartbeat_ms = options_.visibility_heartbeat_seconds * 1000;
  runtime.drain_lets_polls_end = true;  // nothing a cut poll brought is lost to its visibility timeout
  runtime.on_processing_result = [log = log_](const esm::ProcessingResultChange& change) {
    log->processing_result(change);
  };
  runtime.on_receive_state = [this, &remote, url](const esm::ReceiveStateChange& change) {
    {
      std::lock_guard lock(mu_);
      remote.remote_state = change.failing ? "Failing" : "Connected";
      remote.last_error = change.failing ? change.error_code + ": " + change.error_message : "";
    }
    if (change.failing)
      log_->event("worker",
                  "queue " + url + ": ReceiveMessage failed: " + change.error_code + ": " + change.error_message +
                      "; polling again in " + std::to_string(change.retry_in_ms) + " ms",
                  "sluice.remoteState", "",
                  {{"queueUrl", url},
                   {"state", "Failing"},
                   {"errorCode", change.error_code},
                   {"errorMessage", change.error_message},
                   {"retryInMs", change.retry_in_ms}});
    else
      log_->event("worker", "queue " + url + ": ReceiveMessage works again", "sluice.remoteState", "",
                  {{"queueUrl", url}, {"state", "Connected"}});
  };
  const aws::RemoteQueueOptions queue = remote.queue;
  auto created = esm::EventSourceMapping::create(
      request, esm::make_plugin_invoker(function->host, function->reserved_concurrency),
      [queue] { return aws::make_remote_queue_source(queue); }, runtime);
  if (!created) {
    *error = std::string(created.error().info().json_type) + ": " + created.error().message;
    // The queue answered a moment ago: a failure to read it again is the remote's, anything else
    // is the mapping's settings, which no retry mends.
    if (created.error().message.find("Error occurred while ReceiveMessage") == std::string::npos) remote.fatal = true;
    return false;
  }
  std::shared_ptr<esm::EventSourceMapping> mapping = std::move(created.value());
  std::lock_guard lock(mu_);
  if (draining_) return true;  // too late to poll: the mapping is dropped unstarted
  mapping->start();
  remote.mapping = std::move(mapping);
  remote.remote_state = "Connected";
  remote.last_error.clear();
  return true;
}

bool WorkerRuntime::connect_all(std::string* error) {
  for (auto& remote : remotes_) {
    std::string why;
    if (!try_connect(*remote, &why)) {
      *error = "eventSourceMappings[" + std::to_string(remote->index) + "]: queue " + remote->declared.queue_url +
               ": " + why;
      return false;
    }
    log_->event("worker", "queue " + remote->declared.queue_url + ": reached; polling", "sluice.remoteState", "",
                {{"queueUrl", remote->declared.queue_url}, {"state", "Connected"}});
  }
  return true;
}

void WorkerRuntime::start_connecting() {
  connector_ = std::thread([this] { connect_loop(); });
}

void WorkerRuntime::connect_loop() {
  const std::shared_ptr<common::Clock> clock = common::system_clock();
  std::unique_lock lock(mu_);
  while (!draining_) {
    int64_t next_wake = std::numeric_limits<int64_t>::max();
    for (auto& remote_ptr : remotes_) {
      Remote& remote = *remote_ptr;
      if (remote.mapping || remote.fatal || draining_) continue;
      if (remote.next_attempt_ms > clock->now_ms()) {
        next_wake = std::min(next_wake, remote.next_attempt_ms);
        continue;
      }
      const std::string url = remote.declared.queue_url;
      const std::string previous_error = remote.last_error;
      lock.unlock();
      std::string error;
      const bool reached = try_connect(remote, &error);
      lock.lock();
      if (reached) {
        if (!draining_)
          log_->event("worker", "queue " + url + ": reached; polling", "sluice.remoteState", "",
                      {{"queueUrl", url}, {"state", "Connected"}});
        continue;
      }
      if (remote.fatal) {
        remote.last_error = error;
        log_->event("worker", "queue " + url + ": refused for good: " + error, "sluice.remoteState", "",
                    {{"queueUrl", url}, {"state", "Refused"}, {"error", error}});
        continue;
      }
      const int64_t delay = remote.retry_ms;
      remote.retry_ms = std::min(remote.retry_ms * 2, kMaxRetryMs);
      remote.next_attempt_ms = clock->now_ms() + delay;
      remote.last_error = error;
      next_wake = std::min(next_wake, remote.next_attempt_ms);
      // Once per change: the same error again only waits longer.
      if (error != previous_error) {
        const std::string code = error.substr(0, error.find(':'));
        log_->event(
            "worker",
            "queue " + url + ": cannot reach: " + error + "; trying again in " + std::to_string(delay) +
                " ms (then backing off to " + std::to_string(kMaxRetryMs / 1000) + " s)",
            "sluice.remoteState", "",
            {{"queueUrl", url}, {"state", "Connecting"}, {"errorCode", code}, {"error", error}, {"retryInMs", delay}});
      }
    }
    if (next_wake == std::numeric_limits<int64_t>::max()) break;  // every queue reached (or refused for good)
    clock->wait_until(wake_, lock, next_wake, [&] { return draining_; });
  }
}

void WorkerRuntime::drain() {
  std::vector<std::shared_ptr<esm::EventSourceMapping>> mappings;
  {
    std::lock_guard lock(mu_);
    draining_ = true;
    for (auto& remote : remotes_)
      if (remote->mapping) mappings.push_back(remote->mapping);
  }
  wake_.notify_all();
  if (connector_.joinable()) connector_.join();
  // Outside mu_: a stopping poller may be telling its receive state, which takes mu_. All at once:
  // each waits for its long polls in progress to end.
  std::vector<std::thread> draining;
  for (auto& mapping : mappings) draining.emplace_back([mapping] { mapping->drain(); });
  for (auto& thread : draining) thread.join();
}

void WorkerRuntime::stop() {
  drain();
  std::vector<std::shared_ptr<esm::EventSourceMapping>> mappings;
  {
    std::lock_guard lock(mu_);
    for (auto& remote : remotes_)
      if (remote->mapping) mappings.push_back(remote->mapping);  // kept: /health shows them to the end
  }
  for (auto& mapping : mappings) mapping->stop();  // the batches in the functions finish and are settled
}

std::string WorkerRuntime::health_json() const {
  boost::json::array list;
  bool draining;
  {
    std::lock_guard lock(mu_);
    draining = draining_;
    for (const auto& remote : remotes_) {
      boost::json::object entry{{"QueueUrl", remote->declared.queue_url},
                                {"FunctionName", remote->declared.function_name},
                                {"RemoteState", remote->remote_state}};
      if (!remote->last_error.empty()) entry["LastError"] = remote->last_error;
      if (remote->mapping) {
        // A mapping never takes mu_ while it holds its own lock: reading it here cannot deadlock.
        const esm::EventSourceMappingConfiguration c = remote->mapping->configuration();
        entry["UUID"] = c.uuid;
        entry["EventSourceArn"] = c.event_source_arn;
        entry["State"] = c.state;
        entry["LastProcessingResult"] = c.last_processing_result;
      } else {
        entry["State"] = remote->fatal ? "Refused" : "Connecting";
      }
      list.push_back(std::move(entry));
    }
  }
  return boost::json::serialize(
      boost::json::object{{"status", draining ? "draining" : "ok"}, {"eventSourceMappings", std::move(list)}});
}

std::string WorkerRuntime::metrics_text() {
  auto directory = std::make_shared<esm::MappingDirectory>();
  struct Row {
    std::string queue_url;
    std::string state;
    esm::MappingStats stats;
    bool running = false;
  };
  std::vector<Row> rows;
  {
    std::lock_guard lock(mu_);
    for (const auto& remote : remotes_) {
      Row row{remote->declared.queue_url, remote->remote_state, {}, remote->mapping != nullptr};
      if (remote->mapping) {
        directory->add(remote->mapping);
        row.stats = remote->mapping->stats();
      }
      rows.push_back(std::move(row));
    }
  }
  ServerMetricsSources sources;
  sources.registry = &registry_;
  sources.mappings = directory;
  std::string text = server_metrics_text(sources);
  common::PrometheusText out(text);
  out.family("sluice_worker_queue_up", "gauge",
             "1 when the queue answers (RemoteState Connected), 0 while connecting or failing.");
  for (const auto& row : rows)
    out.sample("sluice_worker_queue_up", {{"queue_url", row.queue_url}}, row.state == "Connected" ? 1 : 0);
  struct Counter {
    const char* name;
    const char* help;
    uint64_t esm::MappingStats::*field;
  };
  static const Counter kCounters[] = {
      {"sluice_worker_messages_invoked_total", "Messages handed to the function.",
       &esm::MappingStats::messages_invoked},
      {"sluice_worker_messages_deleted_total", "Messages deleted after successful processing.",
       &esm::MappingStats::messages_deleted},
      {"sluice_worker_messages_returned_total", "Messages left on the queue after a failure.",
       &esm::MappingStats::messages_returned},
      {"sluice_worker_messages_handed_back_total", "Messages received but not started, made visible again by a drain.",
       &esm::MappingStats::messages_handed_back},
      {"sluice_worker_visibility_extensions_total", "Messages whose visibility the heartbeat extended.",
       &esm::MappingStats::visibility_extensions},
      {"sluice_worker_failed_batches_total", "Batches whose function failed, timed out or answered badly.",
       &esm::MappingStats::failed_batches}};
  for (const auto& counter : kCounters) {
    out.family(counter.name, "counter", counter.help);
    for (const auto& row : rows)
      if (row.running)
        out.sample(counter.name, {{"queue_url", row.queue_url}}, static_cast<double>(row.stats.*counter.field));
  }
  return text;
}

}  // namespace sluice::cli
