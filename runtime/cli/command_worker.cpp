// sluice worker: runs the configuration's functions and event-source mappings against queues at
// an SQS endpoint, as one member of a fleet that shares nothing but the queue. No engine, no AWS
// port: only the optional status port (--status-listen: /health, /metrics).
//
// Draining (graceful shutdown): the first SIGTERM or SIGINT, a Spot interruption notice or an
// Auto Scaling scale-in seen in instance metadata (instance_notices.h) starts it: polling stops,
// what was received but not started goes back to the queue at once (ChangeMessageVisibility 0),
// and the batches in the functions get --drain-seconds to finish and be settled. Then, after a
// scale-in with --lifecycle-hook, Auto Scaling is told to CONTINUE (CompleteLifecycleAction).
// Exit codes: 0 drained; 75 (EX_TEMPFAIL) the deadline passed with batches still running (their
// messages come back after their visibility timeout); 128+N a second signal N during the drain,
// which exits at once.
//
// Threads: the loop thread (signals, the status port, wake-ups from the others), the drainer
// thread (runs the drain, which blocks), the notice watcher, the systemd watchdog, and the
// runtime's own (worker_runtime.h).

#include <uv.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/json/value.hpp>

#include "config.h"
#include "instance_notices.h"
#include "server_log.h"
#include "sluice/api/http/server.h"
#include "sluice/aws/autoscaling.h"
#include "sluice/aws/instance_metadata.h"
#include "sluice/common/defaults.h"
#include "systemd_notify.h"
#include "worker_options.h"
#include "worker_runtime.h"
#include "worker_template.h"

namespace sluice::cli {
namespace {

constexpr int kExitDrainCut = 75;     // EX_TEMPFAIL
constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE
constexpr int kExitConfig = 78;       // EX_CONFIG
constexpr int kExitUsage = 64;        // EX_USAGE

struct Worker {
  const WorkerOptions* options = nullptr;
  std::shared_ptr<const ServerLog> log;
  WorkerRuntime* runtime = nullptr;
  SystemdNotifier* systemd = nullptr;

  uv_loop_t loop{};
  uv_signal_t sigterm{}, sigint{};
  uv_async_t notice_seen{};  // the watcher saw a notice
  uv_async_t drained{};      // the drainer is done
  std::unique_ptr<api::http::Server> status;
  bool draining = false;
  std::thread drainer;
  int exit_code = 0;

  std::mutex notice_mu;
  std::optional<InstanceNotice> notice;            // the first one seen
  std::unique_ptr<InstanceNoticeWatcher> notices;  // stopped before notice_seen closes
};

void close_handle(uv_handle_t* handle) {
  if (!uv_is_closing(handle)) uv_close(handle, nullptr);
}

// After a scale-in drain: tell the lifecycle hook to continue.
void complete_lifecycle(const Worker& worker) {
  const WorkerOptions& options = *worker.options;
  aws::InstanceMetadata metadata;
  auto instance = metadata.get("instance-id");
  std::string group = options.auto_scaling_group;
  if (group.empty()) {
    auto tag = metadata.get("tags/instance/aws:autoscaling:groupName");
    if (tag.found()) group = tag.body;
  }
  if (!instance.found() || group.empty()) {
    worker.log->event("worker",
                      "cannot complete lifecycle hook " + options.lifecycle_hook + ": " +
                          (instance.found() ? "no Auto Scaling group (give --auto-scaling-group, or allow tags in "
                                              "instance metadata)"
                                            : "no instance id: " + instance.error),
                      "sluice.lifecycleAction", "", {{"lifecycleHookName", options.lifecycle_hook}});
    return;
  }
  aws::AutoScalingOptions client;
  client.region = !options.region.empty() ? options.region : aws::resolve_region().value_or(common::kDefaultRegion);
  client.credentials = aws::default_credentials_chain();
  aws::LifecycleActionCompletion completion{group, options.lifecycle_hook, instance.body, "CONTINUE"};
  const std::string error = aws::complete_lifecycle_action(client, completion);
  worker.log->event("worker",
                    "CompleteLifecycleAction " + options.lifecycle_hook + " (" + group + ", " + instance.body +
                        "): " + (error.empty() ? "CONTINUE sent" : error),
                    "sluice.lifecycleAction", "",
                    {{"lifecycleHookName", options.lifecycle_hook},
                     {"autoScalingGroupName", group},
                     {"instanceId", instance.body},
                     {"error", error}});
}

// After a scale-in drain (finished or cut short) with --lifecycle-hook: the hook may continue.
void complete_lifecycle_if_scaling_in(Worker& worker) {
  std::optional<InstanceNotice> notice;
  {
    std::lock_guard lock(worker.notice_mu);
    notice = worker.notice;
  }
  if (notice && notice->kind == InstanceNotice::Kind::ScaleIn && !worker.options->lifecycle_hook.empty())
    complete_lifecycle(worker);
}

// On the drainer thread: the drain, bounded by --drain-seconds from its start.
void run_drain(Worker& worker) {
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  std::thread stopper([&] {
    worker.runtime->drain();  // polling stops; what was not started goes back to the queue
    worker.runtime->stop();   // the batches in the functions finish and are settled
    std::lock_guard lock(mu);
    stopped = true;
    cv.notify_all();
  });
  {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(worker.options->drain_seconds), [&] { return stopped; })) {
      lock.unlock();
      worker.log->event("worker",
                        "drain: " + std::to_string(worker.options->drain_seconds) +
                            " s passed with batches still in their functions; exiting (their messages come back "
                            "after their visibility timeout)",
                        "sluice.drain", "", {{"complete", false}});
      complete_lifecycle_if_scaling_in(worker);
      std::fflush(nullptr);
      std::_Exit(kExitDrainCut);
    }
  }
  stopper.join();
  complete_lifecycle_if_scaling_in(worker);
  worker.log->event("worker", "drain complete", "sluice.drain", "", {{"complete", true}});
  uv_async_send(&worker.drained);
}

void start_drain(Worker& worker, const std::string& why) {
  worker.draining = true;
  worker.log->event("worker",
                    why + ": draining (polling stops, unstarted messages go back to the queue, running batches get " +
                        std::to_string(worker.options->drain_seconds) + " s)",
                    "sluice.drain", "", {{"reason", why}});
  worker.systemd->stopping("draining: " + why);
  worker.drainer = std::thread([&worker] { run_drain(worker); });
}

void on_signal(uv_signal_t* handle, int signum) {
  auto& worker = *static_cast<Worker*>(handle->data);
  const std::string name = signum == SIGTERM ? "SIGTERM" : "SIGINT";
  if (worker.draining) {
    worker.log->event("worker", "second " + name + " while draining: exiting at once", "sluice.drain", "",
                      {{"complete", false}});
    std::fflush(nullptr);
    std::_Exit(128 + signum);
  }
  start_drain(worker, name + " received");
}

void on_notice_seen(uv_async_t* handle) {
  auto& worker = *static_cast<Worker*>(handle->data);
  if (worker.draining) return;
  std::string why;
  {
    std::lock_guard lock(worker.notice_mu);
    if (!worker.notice) return;
    why = worker.notice->kind == InstanceNotice::Kind::SpotInterruption
              ? "Spot interruption notice " + worker.notice->detail
              : "Auto Scaling target lifecycle state " + worker.notice->detail;
  }
  start_drain(worker, why);
}

void on_drained(uv_async_t* handle) {
  auto& worker = *static_cast<Worker*>(handle->data);
  worker.notices.reset();  // nothing may wake notice_seen once it is closed
  for (uv_handle_t* h :
       {reinterpret_cast<uv_handle_t*>(&worker.sigterm), reinterpret_cast<uv_handle_t*>(&worker.sigint),
        reinterpret_cast<uv_handle_t*>(&worker.notice_seen), reinterpret_cast<uv_handle_t*>(&worker.drained)})
    close_handle(h);
  if (worker.status) worker.status->drain([] {});
}

void serve_status(Worker& worker, api::http::Request&& request, const api::http::ResponderPtr& responder) {
  api::http::Response response;
  if (request.method != "GET" && request.method != "HEAD") {
    response.status = 405;
    response.body = "only GET\n";
  } else if (request.path == "/health") {
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = worker.runtime->health_json();
  } else if (request.path == "/metrics") {
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = worker.runtime->metrics_text();
  } else {
    response.status = 404;
    response.body = "not found: the status port serves /health and /metrics\n";
  }
  responder->respond(std::move(response));
}

}  // namespace

int command_worker(const WorkerOptions& options) {
  const auto log = std::make_shared<const ServerLog>(options.log_format, common::system_clock());
  if (options.config_path.empty() && options.template_path.empty()) {
    std::fprintf(stderr, "sluice worker: give CONFIG, --template FILE or both (sluice worker --help)\n");
    return kExitUsage;
  }
  Config config;
  std::string error;
  if (!options.config_path.empty()) {
    if (!load_config_file(options.config_path, common::kDefaultAccountId,
                          options.region.empty() ? std::string(common::kDefaultRegion) : options.region, &config,
                          &error)) {
      std::fprintf(stderr, "sluice worker: config %s\n", error.c_str());
      return kExitConfig;
    }
    if (!config.queues.empty() || !config.topics.empty())
      std::fprintf(stderr, "sluice worker: config %s: queues and sns.Topics are sluice up's; the worker creates none\n",
                   options.config_path.c_str());
  }
  if (!options.template_path.empty() && !add_worker_template(options, &config)) return kExitConfig;
  const std::string declared_in = options.template_path.empty() ? options.config_path
                                  : options.config_path.empty() ? options.template_path
                                                                : options.config_path + " + " + options.template_path;

  WorkerRuntime runtime(options, log);
  if (!runtime.prepare(config, &error)) {
    std::fprintf(stderr, "sluice worker: config %s: %s\n", declared_in.c_str(), error.c_str());
    return kExitConfig;
  }
  if (options.fail_fast) {
    if (!runtime.connect_all(&error)) {
      std::fprintf(stderr, "sluice worker: --fail-fast: %s\n", error.c_str());
      return kExitUnavailable;
    }
  } else {
    runtime.start_connecting();
  }

  SystemdNotifier systemd;
  Worker worker;
  worker.options = &options;
  worker.log = log;
  worker.runtime = &runtime;
  worker.systemd = &systemd;
  uv_loop_init(&worker.loop);
  if (options.status_port >= 0) {
    api::http::ServerOptions status_options;
    status_options.host = options.status_host;
    status_options.port = options.status_port;
    status_options.max_body_bytes = 4096;
    worker.status = api::http::Server::create(
        &worker.loop, status_options, [&worker](api::http::Request&& request, api::http::ResponderPtr responder) {
          serve_status(worker, std::move(request), responder);
        });
    if (int rc = worker.status->listen(); rc != 0) {
      std::fprintf(stderr, "sluice worker: cannot listen on %s:%d: %s\n", options.status_host.c_str(),
                   options.status_port, uv_strerror(rc));
      worker.status.reset();
      uv_loop_close(&worker.loop);
      return kExitUnavailable;
    }
  }
  for (auto [handle, signum] : {std::pair{&worker.sigterm, SIGTERM}, std::pair{&worker.sigint, SIGINT}}) {
    uv_signal_init(&worker.loop, handle);
    handle->data = &worker;
    uv_signal_start(handle, on_signal, signum);
  }
  uv_async_init(&worker.loop, &worker.notice_seen, on_notice_seen);
  worker.notice_seen.data = &worker;
  uv_async_init(&worker.loop, &worker.drained, on_drained);
  worker.drained.data = &worker;

  if (options.instance_notices) {
    worker.notices = std::make_unique<InstanceNoticeWatcher>(aws::InstanceMetadataOptions{},
                                                             std::chrono::seconds(options.notice_interval_seconds), log,
                                                             [&worker](const InstanceNotice& notice) {
                                                               {
                                                                 std::lock_guard lock(worker.notice_mu);
                                                                 if (!worker.notice) worker.notice = notice;
                                                               }
                                                               uv_async_send(&worker.notice_seen);
                                                             });
    worker.notices->start();
  }

  std::string status_text = std::to_string(config.functions.size()) + " functions, " +
                            std::to_string(config.mappings.size()) + " event-source mappings";
  if (worker.status)
    status_text += "; status on http://" + options.status_host + ":" + std::to_string(worker.status->port());
  std::printf("sluice worker running: %s\n", status_text.c_str());
  std::fflush(stdout);
  systemd.ready(status_text);

  uv_run(&worker.loop, UV_RUN_DEFAULT);
  if (worker.drainer.joinable()) worker.drainer.join();
  worker.notices.reset();
  worker.status.reset();
  uv_loop_close(&worker.loop);
  std::fprintf(stderr, "sluice worker: stopped\n");
  return worker.exit_code;
}

}  // namespace sluice::cli
