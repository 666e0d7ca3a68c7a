#pragma once
// What `sluice worker` runs: the configuration's functions (in a FunctionRegistry of its own) and
// its event-source mappings, each polling a queue at an SQS endpoint through the remote
// QueueSource. No engine, no emulator.
//
// Connecting: a queue is reached first with GetQueueAttributes. One that cannot be reached (the
// endpoint is down, the queue does not exist yet, the credentials are refused) is tried again by
// the connector thread with exponential backoff (1 s doubling to 60 s); each change of its error
// is logged once, with the queue, the AWS error code and the delay. Once reached, its mapping is
// created and polls. After that, a receive that starts failing or works again is logged once per
// change (esm::ReceiveStateChange) and shows on /health.
//
// Lifecycle: declare_functions() once, then connect_all() (--fail-fast: every queue must answer
// now) or start_connecting() (in the background). drain() stops connecting, stops every
// mapping's polling and hands back what was received but not started; stop() then waits for the
// batches in the functions. The destructor stops.
//
// Threads: the connector thread, the mappings' pollers and the work pool's threads; health_json()
// and metrics_text() may be called from any thread.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config.h"
#include "server_log.h"
#include "sluice/aws/credentials.h"
#include "sluice/esm/event_source_mapping.h"
#include "sluice/functions/registry.h"
#include "worker_options.h"

namespace sluice::cli {

class WorkerRuntime {
 public:
  WorkerRuntime(const WorkerOptions& options, std::shared_ptr<const ServerLog> log);
  ~WorkerRuntime();
  WorkerRuntime(const WorkerRuntime&) = delete;
  WorkerRuntime& operator=(const WorkerRuntime&) = delete;

  // Declares the functions and checks the mappings (a mapping without a QueueUrl, a URL that names
  // no queue). False with *error naming the field.
  bool prepare(const Config& config, std::string* error);
  // --fail-fast: reaches every queue now; false with *error naming the first that did not answer.
  bool connect_all(std::string* error);
  // Reaches the queues in the background, trying again with backoff.
  void start_connecting();
  void drain();
  void stop();

  // GET /health: {"status": "ok"|"draining", "eventSourceMappings": [...]}, each mapping with its
  // QueueUrl, RemoteState (Connecting, Connected, Failing), LastError, State and
  // LastProcessingResult.
  std::string health_json() const;
  std::string metrics_text();

 private:
  struct Remote;

  bool try_connect(Remote& remote, std::string* error);
  void connect_loop();

  const WorkerOptions options_;
  const std::shared_ptr<const ServerLog> log_;
  const std::shared_ptr<common::WorkPool> work_pool_;
  const std::shared_ptr<aws::CredentialsProvider> credentials_;
  functions::FunctionRegistry registry_;
  std::vector<std::unique_ptr<Remote>> remotes_;  // fixed after prepare(); each has its own state under mu_

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool draining_ = false;
  std::thread connector_;
};

}  // namespace sluice::cli
