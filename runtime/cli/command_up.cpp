// sluice up: opens the engine (durable data directory or in memory), creates the queues the
// configuration declares, serves the AWS API on a libuv loop, and drains on SIGTERM/SIGINT:
// stop accepting, answer parked long polls empty, finish requests in flight, exit 0.
//
// One clock for the whole server: the engine, the API's long polls, SNS and its deliveries, the
// mappings and the function hosts all get it. --time-scale N (for tests) makes it a scaled
// clock, so every timer runs N times faster.
//
// At start the soft descriptor limit is raised to the hard one: every connection is a descriptor,
// and the HTTP server sizes its connection cap from the limit it finds.
//
// The API is served by --loops front-door loops (one per core by default): this thread runs loop 0
// with the signals; the ApiServer runs the others on threads of its own.

#include <sys/resource.h>
#include <uv.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "config.h"
#include "function_logs.h"
#include "lambda_config.h"
#include "lambda_targets.h"
#include "reset_service.h"
#include "runtime_launcher.h"
#include "server_log.h"
#include "server_metrics.h"
#include "service_access.h"
#include "sluice/api/cloudtrail_wire/cloudtrail_service.h"
#include "sluice/api/cloudwatch_wire/cloudwatch_service.h"
#include "sluice/api/iam_wire/iam_service.h"
#include "sluice/api/kms_wire/kms_service.h"
#include "sluice/api/lambda_wire/lambda_service.h"
#include "sluice/api/logs_wire/logs_service.h"
#include "sluice/api/server/server.h"
#include "sluice/api/sns_wire/sns_service.h"
#include "sluice/api/sqs_wire/sqs_service.h"
#include "sluice/api/sts_wire/sts_service.h"
#include "sluice/audit/audit.h"
#include "sluice/cloudwatch/alarms.h"
#include "sluice/common/defaults.h"
#include "sluice/console/console.h"
#include "sluice/esm/mapping_directory.h"
#include "sluice/functions/lambda_executor.h"
#include "sluice/functions/log_format.h"
#include "sluice/identity/identity.h"
#include "sluice/identity/oidc_issuer.h"
#include "sluice/kms/data_keys.h"
#include "sluice/kms/kms.h"
#include "sluice/lambda/control_plane.h"
#include "sluice/logs/ingest.h"
#include "sluice/logs/logs.h"
#include "sluice/metrics/lambda_meter.h"
#include "sluice/metrics/metrics.h"
#include "sluice/metrics/metrics_store.h"
#include "sluice/metrics/sqs_meter.h"
#include "sluice/sns/delivery.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"
#include "systemd_notify.h"
#include "template_import.h"
#include "tls_setup.h"
#include "up_options.h"

namespace sluice::cli {
namespace {

struct Service {
  uv_loop_t loop;
  uv_signal_t sigterm, sigint;
  std::unique_ptr<api::server::ApiServer> api;
  bool draining = false;
  SystemdNotifier* systemd = nullptr;  // READY=1 once serving, STOPPING=1 on the drain
  RuntimeLauncher* runtime = nullptr;
  // Drains the mappings of remote queues while the front door drains: their long polls in
  // progress end by themselves (RuntimeLauncher::drain). Joined once the loop has ended.
  std::thread remote_drainer;
};

void on_signal(uv_signal_t* handle, int signum) {
  auto* service = static_cast<Service*>(handle->data);
  if (service->draining) return;
  service->draining = true;
  std::fprintf(stderr, "sluice: %s received, draining\n", signum == SIGTERM ? "SIGTERM" : "SIGINT");
  service->systemd->stopping("draining");
  uv_signal_stop(&service->sigterm);
  uv_signal_stop(&service->sigint);
  uv_close(reinterpret_cast<uv_handle_t*>(&service->sigterm), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&service->sigint), nullptr);
  if (service->runtime->mapping_count() > 0) {
    std::fprintf(stderr,
                 "sluice: %zu event-source mappings of remote queues draining: their long polls in progress end by "
                 "themselves and unstarted messages go back to their queues\n",
                 service->runtime->mapping_count());
    service->remote_drainer = std::thread([runtime = service->runtime] { runtime->drain(); });
  }
  service->api->drain([] {});
}

// Raises the soft RLIMIT_NOFILE to the hard limit; a failure only leaves the smaller limit.
void raise_descriptor_limit() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == files.rlim_max) return;
  files.rlim_cur = files.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &files) != 0) {
    std::fprintf(stderr, "sluice up: cannot raise the open-file limit; connections stay fewer\n");
  }
}

// --template: the template's declarations join the configuration's; what it leaves out is said.
bool add_template(const UpOptions& options, Config* config) {
  TemplateImport imported;
  TemplateOptions template_options{options.account_id, options.region,
                                   "http://" + options.host + ":" + std::to_string(options.port)};
  std::string error;
  const char* path = options.template_path.c_str();
  if (!import_template(options.template_path, template_options, &imported, &error)) {
    std::fprintf(stderr, "sluice up: template %s: %s\n", path, error.c_str());
    return false;
  }
  for (const auto& skipped : imported.skipped)
    std::fprintf(stderr, "sluice up: template %s: skipped %s\n", path, skipped.c_str());
  for (const auto& note : imported.notes)
    std::fprintf(stderr, "sluice up: template %s: left out %s\n", path, note.c_str());
  if (!merge_config(std::move(imported.config), config, &error)) {
    std::fprintf(stderr, "sluice up: template %s: %s\n", path, error.c_str());
    return false;
  }
  return true;
}

}  // namespace

int command_up(const UpOptions& options) {
  raise_descriptor_limit();
  Config config;
  if (!options.config_path.empty()) {
    std::string error;
    if (!load_config_file(options.config_path, options.account_id, options.region, &config, &error)) {
      std::fprintf(stderr, "sluice up: config %s\n", error.c_str());
      return 78;
    }
  }
  if (!options.template_path.empty() && !add_template(options, &config)) return 78;
  // Where the declarations came from, for the errors creating them.
  const std::string declared_in = options.template_path.empty() ? options.config_path
                                  : options.config_path.empty() ? options.template_path
                                                                : options.config_path + " + " + options.template_path;

  const std::shared_ptr<common::Clock> clock =
      options.time_scale == 1 ? common::system_clock() : common::scaled_clock(options.time_scale);
  const auto log = std::make_shared<const ServerLog>(options.log_format, clock);
  // KMS keys (kms.db, mode 0600, holds the key material) come first: SQS and SNS encrypt with them.
  std::string error;
  kms::KmsOptions kms_options;
  kms_options.data_dir = options.in_memory ? "" : options.data_dir;
  kms_options.clock = clock;
  std::shared_ptr<kms::KeyManager> kms_keys = kms::KeyManager::open(kms_options, &error);
  if (!kms_keys) {
    std::fprintf(stderr, "sluice up: cannot open the KMS store: %s\n", error.c_str());
    return 74;
  }
  // SQS and SNS share one cache of data keys (SSE-KMS).
  auto data_keys = std::make_shared<kms::DataKeyCache>(kms_keys);
  sqs::EngineOptions engine_options;
  engine_options.clock = clock;
  engine_options.kms = data_keys;
  engine_options.in_memory = options.in_memory;
  engine_options.data_dir = options.data_dir;
  engine_options.sync = options.durability == Durability::PowerLoss ? sqs::SyncMode::PowerLoss : sqs::SyncMode::Normal;
  engine_options.recover = options.recover;
  engine_options.on_recovery = [](const std::string& what) {
    std::fprintf(stderr, "sluice up: --recover: %s\n", what.c_str());
  };
  engine_options.on_dead_letter = [log](const sqs::DeadLetterMove& move) { log->dead_letter(move); };
  auto opened_engine = sqs::Engine::open(engine_options, &error);
  if (!opened_engine) {
    std::fprintf(stderr, "sluice up: cannot open the data directory: %s\n", error.c_str());
    return 74;
  }
  // CloudWatch's metrics: every user of the engine (the API, mappings, SNS) goes through the meter,
  // unless --no-aws-metrics leaves it out (bench/run http-cycle measures the difference).
  const auto metrics_registry = std::make_shared<metrics::Registry>(clock);
  // Their datapoints survive a restart in metrics.db (written every 10 seconds and at the stop).
  std::unique_ptr<metrics::MetricsStore> metrics_store;
  if (!options.in_memory) {
    metrics_store = metrics::MetricsStore::open(options.data_dir + "/metrics.db", metrics_registry, &error);
    if (!metrics_store) {
      std::fprintf(stderr, "sluice up: cannot open the metrics store: %s\n", error.c_str());
      return 74;
    }
  }
  std::unique_ptr<sqs::Engine> engine =
      options.aws_metrics
          ? metrics::meter_sqs(std::move(opened_engine), metrics_registry, {{options.account_id, options.region}})
          : std::move(opened_engine);
  if (!apply_config(config, *engine, options.account_id, options.region, &error)) {
    std::fprintf(stderr, "sluice up: config %s: %s\n", declared_in.c_str(), error.c_str());
    return 78;
  }

  // CloudWatch Logs: functions' invocation lines go to /aws/lambda/<name>, one stream per
  // environment, queued by the invocation and written by LogIngest's own thread.
  logs::LogStoreOptions log_store_options;
  log_store_options.path = options.in_memory ? "" : options.data_dir + "/logs.db";
  log_store_options.clock = clock;
  auto opened_log_store = logs::LogStore::open(log_store_options);
  if (!opened_log_store) {
    std::fprintf(stderr, "sluice up: cannot open the log store: %s\n", opened_log_store.error().c_str());
    return 74;
  }
  const std::shared_ptr<logs::LogStore> log_store = std::move(opened_log_store.value());
  const auto log_ingest = std::make_shared<logs::LogIngest>(log_store);

  // The one worker pool: mapping batches, SNS delivery attempts and the API's Workers calls each
  // run in lanes of their own, so a flood of one cannot starve the others.
  const std::shared_ptr<common::WorkPool> work_pool = common::WorkPool::create();
  // AWS/Lambda metrics of every invocation: SNS's and the remote mappings' in the runtime, the
  // embedded mappings' in the executor below, Invoke's and Event invocations' in the control plane.
  const auto lambda_meter =
      options.aws_metrics ? std::make_shared<metrics::LambdaMeter>(metrics_registry, options.account_id, options.region)
                          : nullptr;
  RuntimeLauncher runtime(*engine, options.account_id, options.region, clock, log, work_pool,
                          function_log_sink(log_ingest), lambda_meter);

  // Where --auth audit|enforce writes the service-principal decisions it refuses.
  const auto stderr_line = [](std::string_view line) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  };
  // AWS/SNS metrics under the topic's name, in the topic's account and region.
  const auto sns_metric = [metrics_registry](const std::string& topic_arn, std::string_view metric, double value) {
    // arn:aws:sns:REGION:ACCOUNT:NAME
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t colon; parts.size() < 5 && (colon = topic_arn.find(':', start)) != std::string::npos;
         start = colon + 1) {
      parts.push_back(topic_arn.substr(start, colon - start));
    }
    if (parts.size() != 5) return;
    const bool bytes = metric == "PublishSize";
    metrics_registry->put(
        metrics::MetricKey{
            parts[4], parts[3], "AWS/SNS", std::string(metric), {{"TopicName", topic_arn.substr(start)}}},
        value, bytes ? "Bytes" : "Count", metrics_registry->clock().now_ms());
  };
  // Notifications delivered, failed and filtered out, by subscription (the console's topic page).
  const auto notification_counts = std::make_shared<sns::NotificationCounts>();
  // What the HTTP(S) and Lambda sinks' deliveries count, as queue deliveries count in Publish.
  const auto sink_outcome = [sns_metric, notification_counts, aws_metrics = options.aws_metrics](
                                const sns::Delivery& delivery, bool delivered) {
    if (delivery.type != "Notification") return;  // a subscription's confirmation is no notification
    if (aws_metrics)
      sns_metric(delivery.topic_arn, delivered ? "NumberOfNotificationsDelivered" : "NumberOfNotificationsFailed", 1);
    notification_counts->count(delivery.subscription_arn, delivered ? sns::NotificationCounts::Outcome::Delivered
                                                                    : sns::NotificationCounts::Outcome::Failed);
  };

  // SNS deliveries to HTTP(S) endpoints and functions are journaled in the data directory and
  // run on their own workers; queue deliveries happen inside Publish.
  sns::HttpDeliveryOptions http_delivery;
  http_delivery.data_dir = options.in_memory ? "" : options.data_dir;
  http_delivery.sqs = engine.get();
  http_delivery.clock = clock;
  if (config.sns_delivery_allow_list) {
    // Checked entry by entry when the configuration was read.
    http_delivery.allow_list = *sns::DeliveryAllowList::parse(*config.sns_delivery_allow_list, &error);
  }
  // A delivery that would call this server is refused unless the configuration names it.
  http_delivery.allow_list.guard_own_port(static_cast<uint16_t>(options.port));
  http_delivery.work_pool = work_pool;
  http_delivery.on_outcome = sink_outcome;
  if (options.aws_metrics) {
    http_delivery.on_dead_letter = [sns_metric](const sns::Delivery& delivery, bool moved) {
      sns_metric(delivery.topic_arn,
                 moved ? "NumberOfNotificationsRedrivenToDlq" : "NumberOfNotificationsFailedToRedriveToDlq", 1);
    };
  }
  sns::LambdaDeliveryOptions lambda_delivery;
  lambda_delivery.data_dir = http_delivery.data_dir;
  lambda_delivery.sqs = engine.get();
  lambda_delivery.invoker = &runtime;
  lambda_delivery.clock = clock;
  lambda_delivery.work_pool = work_pool;
  lambda_delivery.on_outcome = sink_outcome;
  lambda_delivery.on_dead_letter = http_delivery.on_dead_letter;
  // With --auth audit|enforce a function takes a topic's messages only when its policy allows
  // sns.amazonaws.com; the control plane it reads is made below.
  auto function_policies = std::make_shared<FunctionPolicies>();
  lambda_delivery.authorize_invoke = function_invoke_authorizer(function_policies, options.auth, stderr_line);
  auto http_sink = sns::HttpDelivery::open(http_delivery, &error);
  auto lambda_sink = http_sink ? sns::LambdaDelivery::open(lambda_delivery, &error) : nullptr;
  if (!lambda_sink) {
    std::fprintf(stderr, "sluice up: cannot open the SNS delivery journal: %s\n", error.c_str());
    return 74;
  }
  sns::CompositeSink sink(http_sink.get(), lambda_sink.get());

  sns::ServiceOptions sns_options;
  sns_options.in_memory = options.in_memory;
  sns_options.data_dir = options.data_dir;
  sns_options.sqs = engine.get();
  sns_options.sink = &sink;
  sns_options.clock = clock;
  sns_options.kms = data_keys;
  // SigningCertURL, SubscribeURL and UnsubscribeURL point back at this server.
  sns_options.base_url = "http://" + options.host + ":" + std::to_string(options.port);
  sns_options.on_metric = sns_metric;
  if (!options.aws_metrics) sns_options.on_metric = nullptr;  // --no-aws-metrics
  sns_options.notification_counts = notification_counts;
  // With --auth audit|enforce a queue takes a topic's messages only when its policy allows
  // sns.amazonaws.com (service_access.h).
  sns_options.authorize_queue_delivery = queue_delivery_authorizer(*engine, options.auth, stderr_line);
  // Envelope signatures are made on a lane of the worker pool, after Publish has stored them.
  sns_options.work_pool = work_pool;
  auto topics = sns::Service::open(sns_options, &error);
  if (!topics) {
    std::fprintf(stderr, "sluice up: cannot open the SNS store: %s\n", error.c_str());
    return 74;
  }

  // CloudWatch alarms: evaluated on their own thread; their SNS actions publish like any caller.
  cloudwatch::AlarmsOptions alarms_options;
  alarms_options.registry = metrics_registry;
  alarms_options.clock = clock;
  alarms_options.data_dir = options.in_memory ? "" : options.data_dir;
  alarms_options.notify = [&topics](const std::string& account_id, const std::string& region,
                                    const std::string& topic_arn, const std::string& subject,
                                    const std::string& message) {
    sns::PublishRequest request;
    request.topic_arn = topic_arn;
    request.subject = subject;
    request.message = message;
    return topics->publish(sns::CallContext(account_id, region), request).ok();
  };
  auto opened_alarms = cloudwatch::Alarms::open(std::move(alarms_options));
  if (!opened_alarms) {
    std::fprintf(stderr, "sluice up: cannot open the CloudWatch store: %s\n", opened_alarms.error().c_str());
    return 74;
  }
  std::shared_ptr<cloudwatch::Alarms> alarms = std::move(*opened_alarms);

  if (!apply_topics(config, *topics, options.account_id, options.region, &error)) {
    std::fprintf(stderr, "sluice up: config %s: %s\n", declared_in.c_str(), error.c_str());
    return 78;
  }

  // Who may sign: the accounts of the configuration; STS adds temporary credentials while running.
  auto identities = std::make_shared<identity::Directory>();
  for (const auto& account : config.accounts) {
    if (common::Status added = identities->add_account(account); !added) {
      std::fprintf(stderr, "sluice up: config %s: accounts: %s\n", declared_in.c_str(), added.error().message.c_str());
      return 78;
    }
  }
  // What a reset of an account's IAM leaves: the configuration's users and roles, not what a data
  // directory kept of earlier runs.
  std::map<std::string, identity::IamAccount> declared_iam;
  for (const auto& account : config.accounts) declared_iam[account.id] = identities->iam_account(account.id);
  if (!options.in_memory) {
    // STS's temporary credentials outlive a restart, as they would on AWS.
    if (auto kept = identities->keep_sessions_in(options.data_dir + "/identity.db"); !kept) {
      std::fprintf(stderr, "sluice up: cannot open the identity store: %s\n", kept.error().c_str());
      return 74;
    }
  }
  // sluice's test OpenID issuer: its key lives in the data directory, so that registered
  // providers and minted tokens stay valid across a restart.
  auto oidc_issuer = identity::OidcIssuer::open(
      options.in_memory ? "" : options.data_dir + "/" + std::string(identity::OidcIssuer::kKeyFile), &error);
  if (!oidc_issuer) {
    std::fprintf(stderr, "sluice up: cannot open the OpenID issuer's key: %s\n", error.c_str());
    return 74;
  }
  if (options.auth != identity::AuthMode::Off && config.accounts.empty()) {
    std::fprintf(stderr, "sluice up: --auth %s with no accounts declared: every signed request is refused\n",
                 std::string(identity::auth_mode_name(options.auth)).c_str());
  }
  // Lambda's control plane: functions created over the API are deployed into the runtime's
  // registry, beside the configuration's.
  functions::LambdaExecutorOptions executor_options;
  executor_options.clock = clock;
  executor_options.work_pool = work_pool;
  // Mappings created over the API log their LastProcessingResult and show on /health as the
  // configuration's do.
  executor_options.on_processing_result = [log](const esm::ProcessingResultChange& change) {
    log->processing_result(change);
  };
  executor_options.mappings = runtime.mapping_directory();
  executor_options.meter = lambda_meter;
  for (const auto& declared : config.functions)
    executor_options.declared[declared.name] = {!declared.isolated, declared.on_failure_queue_arn};
  auto executor = functions::make_lambda_executor(runtime.registry(), *engine, executor_options);
  lambda::ControlPlaneOptions lambda_options;
  lambda_options.account_id = options.account_id;
  lambda_options.region = options.region;
  lambda_options.data_dir = options.in_memory ? "" : options.data_dir;
  lambda_options.clock = clock;
  lambda_options.executor = executor.get();
  // Failed Event invocations go to the function's DeadLetterConfig queue or topic with Lambda's
  // attributes; their records to OnSuccess / OnFailure queues and topics (lambda_targets.h).
  lambda_options.dead_letters = dead_letter_sender(*engine, *topics, options.account_id, options.region);
  lambda_options.destinations = destination_sender(*engine, *topics, options.account_id, options.region);
  lambda_options.work_pool = work_pool;
  lambda_options.meter = lambda_meter;
  auto lambda_functions = lambda::ControlPlane::open(lambda_options);
  if (!lambda_functions) {
    std::fprintf(stderr, "sluice up: cannot open the Lambda store: %s\n", lambda_functions.error().c_str());
    return 74;
  }
  // Stored functions are runnable again before the first call arrives.
  (*lambda_functions)->wait_idle();
  function_policies->attach(lambda_functions->get());
  // The configuration's functions and mappings go through the control plane (lambda_config.h);
  // then the mappings of remote queues start over them.
  if (!apply_lambda_config(config, **lambda_functions, options.account_id, &error) || !runtime.start(config, &error)) {
    std::fprintf(stderr, "sluice up: config %s: %s\n", declared_in.c_str(), error.c_str());
    return 78;
  }

  std::shared_ptr<api::http::TlsContext> tls;
  std::string tls_certificate;
  if (options.tls.enabled) {
    tls = open_tls(options.tls, options.data_dir, &tls_certificate, &error);
    if (!tls) {
      std::fprintf(stderr, "sluice up: TLS: %s\n", error.c_str());
      return 78;
    }
  }

  // The audit trail: every API call as a CloudTrail record, in DATA/cloudtrail/ (rotated at 16 MiB or
  // an hour, the newest 16 files kept) and a ring of the newest 10,000 for LookupEvents. Its times
  // are wall-clock times (CloudTrail's eventTime), also under --time-scale.
  audit::TrailOptions trail_options;
  trail_options.data_dir = options.in_memory ? "" : options.data_dir;
  trail_options.data_events = options.audit_data_events;
  trail_options.work_pool = work_pool;
  std::shared_ptr<audit::Trail> audit_trail = audit::Trail::open(trail_options, &error);
  if (!audit_trail) {
    std::fprintf(stderr, "sluice up: audit trail: %s\n", error.c_str());
    return 74;
  }

  SystemdNotifier systemd;
  Service service;
  service.systemd = &systemd;
  service.runtime = &runtime;
  uv_loop_init(&service.loop);
  api::server::ApiOptions api_options;
  api_options.tls = tls;
  api_options.host = options.host;
  api_options.port = options.port;
  api_options.loops = options.loops > 0 ? options.loops : std::max(1u, std::thread::hardware_concurrency());
  api_options.account_id = options.account_id;
  api_options.region = options.region;
  api_options.clock = clock;  // the engine's
  api_options.allowed_origins = options.allowed_origins;
  api_options.allowed_hosts = options.allowed_hosts;
  api_options.auth = options.auth;
  api_options.identities = identities;
  // SQS actions run on the loop thread either way (answers wait for their commit without blocking
  // it). SNS calls block on SNS's own store and, with a data directory, on the engine's commits;
  // Lambda calls block on its store and on the functions they invoke: they run on a few workers
  // while the loop keeps serving.
  api_options.worker_threads = 4;
  api_options.work_pool = work_pool;
  // SQS first: it answers what no service claims.
  api_options.services.push_back(api::sqs_wire::make_sqs_service(*engine, work_pool));
  api_options.services.push_back(api::sns_wire::make_sns_service(*topics));
  api::sts_wire::StsOptions sts_options;
  sts_options.directory = identities;
  sts_options.mode = options.auth;
  sts_options.issuer = oidc_issuer;
  api_options.services.push_back(api::sts_wire::make_sts_service(std::move(sts_options)));
  api::iam_wire::IamOptions iam_options;
  iam_options.directory = identities;
  iam_options.issuer = oidc_issuer;
  iam_options.mode = options.auth;
  api_options.services.push_back(api::iam_wire::make_iam_service(std::move(iam_options)));
  api::lambda_wire::LambdaServiceOptions lambda_api_options;
  lambda_api_options.account_id = options.account_id;
  lambda_api_options.check_mapping_role = mapping_role_checker(*engine, identities, options.auth, stderr_line);
  api_options.services.push_back(
      api::lambda_wire::make_lambda_service(**lambda_functions, std::move(lambda_api_options)));
  api_options.services.push_back(api::cloudwatch_wire::make_cloudwatch_service({metrics_registry, alarms}));
  api_options.services.push_back(api::kms_wire::make_kms_service(kms_keys));
  api_options.services.push_back(api::logs_wire::make_logs_service(log_store));
  api_options.services.push_back(api::cloudtrail_wire::make_cloudtrail_service(audit_trail));
  api_options.audit_trail = audit_trail;
  // GET /health: the readiness of the stores, and every running mapping with its state and
  // LastProcessingResult.
  api_options.health_details = [mappings = runtime.mapping_directory(), engine = engine.get(), log_ingest,
                                durable = !options.in_memory] {
    return std::vector<std::pair<std::string, std::string>>{
        {"components", components_health_json({engine->store_failing(), log_ingest->failing(), log_ingest->dropped(),
                                               durable, engine->store_sync()})},
        {"eventSourceMappings", esm::health_json(mappings->snapshot())}};
  };
  // GET /metrics: queues, functions, mappings, the log ingest and the process, beside the front
  // door's own series.
  api_options.metrics_text = [sources = ServerMetricsSources{engine.get(), options.account_id, options.region,
                                                             &runtime.registry(), runtime.mapping_directory(),
                                                             log_ingest, metrics_registry}] {
    return server_metrics_text(sources);
  };
  ResetOptions reset;
  reset.engine = engine.get();
  reset.topics = topics.get();
  reset.functions = lambda_functions->get();
  reset.identities = identities;
  reset.declared_iam = std::move(declared_iam);
  reset.kms = kms_keys;
  reset.logs = log_store;
  reset.alarms = alarms;
  reset.metrics = metrics_registry;
  reset.metrics_store = metrics_store.get();
  reset.audit_trail = audit_trail;
  reset.config = &config;
  reset.account_id = options.account_id;
  reset.region = options.region;
  reset.auth = options.auth;
  reset.allowed_principals = options.reset_principals;
  api_options.services.push_back(make_reset_service(std::move(reset)));
  // The web console at /_sluice/ (sluice/console/console.h), acting as console.Principal under
  // --auth audit|enforce.
  console::ConsoleOptions console_options;
  console_options.account_id = options.account_id;
  console_options.region = options.region;
  console_options.engine = engine.get();
  console_options.topics = topics.get();
  console_options.control_plane = lambda_functions->get();
  console_options.registry = &runtime.registry();
  console_options.mappings = runtime.mapping_directory();
  console_options.logs = log_store;
  console_options.alarms = alarms;
  console_options.notification_counts = notification_counts;
  console_options.metrics = metrics_registry;
  console_options.auth = options.auth;
  console_options.policies = identities;
  if (!config.console_principal.empty()) {
    console_options.principal = console::principal_from_arn(config.console_principal);
    if (!console_options.principal) {
      std::fprintf(stderr, "sluice up: config %s: console.Principal: not a user, role or root ARN: %s\n",
                   options.config_path.c_str(), config.console_principal.c_str());
      return 78;
    }
  }
  api_options.services.push_back(console::make_console_service(std::move(console_options)));
  service.api = api::server::ApiServer::start(&service.loop, std::move(api_options), &error);
  if (!service.api) {
    std::fprintf(stderr, "sluice up: cannot listen on %s:%d: %s\n", options.host.c_str(), options.port, error.c_str());
    uv_loop_close(&service.loop);
    return 69;
  }
  for (auto [handle, signum] : {std::pair{&service.sigterm, SIGTERM}, std::pair{&service.sigint, SIGINT}}) {
    uv_signal_init(&service.loop, handle);
    handle->data = &service;
    uv_signal_start(handle, on_signal, signum);
  }
  std::printf("sluice listening on http://%s:%d (account %s, region %s, %s, auth %s, %zu front-door loop%s)\n",
              options.host.c_str(), service.api->port(), options.account_id.c_str(), options.region.c_str(),
              options.in_memory ? "in memory"
              : options.durability == Durability::PowerLoss
                  ? ("data in " + options.data_dir + ", survives power loss").c_str()
                  : ("data in " + options.data_dir).c_str(),
              std::string(identity::auth_mode_name(options.auth)).c_str(), service.api->loops(),
              service.api->loops() == 1 ? "" : "s");
  if (tls) {
    std::printf("sluice: HTTPS on the same port: https://%s:%d (certificate %s; trust it with AWS_CA_BUNDLE)\n",
                options.host.c_str(), service.api->port(), tls_certificate.c_str());
  }
  std::fflush(stdout);
  systemd.ready("serving on " + options.host + ":" + std::to_string(service.api->port()));
  if (options.time_scale != 1)
    std::fprintf(stderr, "sluice: --time-scale %g: every timer runs %g times faster (for tests only)\n",
                 options.time_scale, options.time_scale);
  uv_run(&service.loop, UV_RUN_DEFAULT);
  if (service.remote_drainer.joinable()) service.remote_drainer.join();
  service.api.reset();
  alarms.reset();               // its ticker publishes to SNS: it stops before the topics go
  function_policies->detach();  // deliveries stop reading the control plane
  lambda_functions->reset();    // its deployer stops before the executor and the registry go
  executor.reset();             // the API's mappings drain while their functions are still declared
  topics.reset();
  lambda_sink.reset();
  http_sink.reset();
  runtime.stop();  // mappings drain: in-flight batches finish and are settled
  uv_loop_close(&service.loop);
  std::fprintf(stderr, "sluice: stopped\n");
  return 0;
}

}  // namespace sluice::cli
