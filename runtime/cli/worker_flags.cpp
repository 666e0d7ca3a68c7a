// `sluice worker`'s flags: their names, help texts and checks.

#include <memory>

#include "command_line.h"
#include "listen_address.h"
#include "worker_options.h"

namespace sluice::cli {

Subcommand add_worker_command(CLI::App& sluice) {
  auto options = std::make_shared<WorkerOptions>();
  CLI::App* worker = sluice.add_subcommand(
      "worker",
      "Run the configuration's functions and event-source mappings against queues at an SQS endpoint (real SQS by "
      "default), without the emulator: a member of a fleet of workers that share nothing but the queue.");
  worker->add_option("CONFIG", options->config_path,
                     "JSON file declaring functions and eventSourceMappings with a QueueUrl (queues, topics and "
                     "accounts are sluice up's and are not created); CONFIG, --template or both");
  worker
      ->add_option("--template", options->template_path,
                   "A CloudFormation or SAM template (YAML or JSON): its functions and their SQS event sources (Events "
                   "of Type SQS, AWS::Lambda::EventSourceMapping) run against the queues of that name at the endpoint; "
                   "queues, topics and the rest are not created (each skipped one is printed)")
      ->type_name("FILE");
  worker
      ->add_option("--account", options->account_id,
                   "With --template: the account of the queues the template names, for their URLs and ARNs "
                   "(default: AWS_ACCOUNT_ID)")
      ->type_name("ID")
      ->check([](const std::string& id) {
        return id.size() == 12 && id.find_first_not_of("0123456789") == std::string::npos ? "" : "needs 12 digits";
      });
  worker
      ->add_option_function<std::string>(
          "--status-listen",
          [options](const std::string& text) {
            ListenAddress listen;
            if (std::string error = parse_listen_address(text, &listen); !error.empty())
              throw CLI::ValidationError("--status-listen", error);
            options->status_host = listen.address;
            options->status_port = listen.port;
          },
          "Serve GET /health (each mapping's remote state and LastProcessingResult) and GET /metrics (Prometheus) "
          "on this address; no port is opened without it")
      ->type_name("HOST:PORT");
  worker->add_flag("--fail-fast", options->fail_fast,
                   "Exit (code 69) when a queue cannot be reached at start, instead of trying again with backoff");
  worker
      ->add_option("--drain-seconds", options->drain_seconds,
                   "On SIGTERM (or a Spot or scale-in notice): how long batches in the functions may take to finish")
      ->type_name("N")
      ->default_str("30")
      ->check(CLI::Range(int64_t{0}, int64_t{86400}));
  worker
      ->add_option("--region", options->region,
                   "Region of queues given by a URL that names none (default: AWS_REGION, AWS_DEFAULT_REGION, the "
                   "profile's region, then instance metadata)")
      ->type_name("REGION");
  worker
      ->add_option("--endpoint-url", options->endpoint_url,
                   "Send every SQS call to this endpoint (default: a mapping's Endpoint, AWS_ENDPOINT_URL_SQS, "
                   "AWS_ENDPOINT_URL, then the region's SQS endpoint)")
      ->type_name("URL")
      ->check([](const std::string& url) {
        return url.starts_with("http://") || url.starts_with("https://") ? "" : "needs an http:// or https:// URL";
      });
  worker->add_flag_function(
      "--use-fips-endpoint", [options](int64_t) { options->use_fips_endpoint = true; },
      "Use the region's FIPS endpoints (default: AWS_USE_FIPS_ENDPOINT)");
  worker->add_flag_function(
      "--use-dualstack-endpoint", [options](int64_t) { options->use_dualstack_endpoint = true; },
      "Use the region's dual-stack (IPv4 and IPv6) endpoints (default: AWS_USE_DUALSTACK_ENDPOINT)");
  worker
      ->add_option("--visibility-heartbeat", options->visibility_heartbeat_seconds,
                   "Every N seconds while a batch is in its function, set its messages' visibility timeout again to "
                   "the queue's VisibilityTimeout, so long handlers keep their messages (off by default, as on Lambda)")
      ->type_name("N")
      ->check(CLI::Range(int64_t{1}, int64_t{43200}));
  worker->add_flag_function(
      "--no-instance-notices", [options](int64_t) { options->instance_notices = false; },
      "Do not watch EC2 instance metadata for Spot interruption notices and Auto Scaling scale-in "
      "(target lifecycle state Terminated or Warmed:*), which start the same drain as SIGTERM");
  worker
      ->add_option("--notice-interval", options->notice_interval_seconds,
                   "Seconds between two looks at instance metadata for notices")
      ->type_name("N")
      ->default_str("5")
      ->check(CLI::Range(int64_t{1}, int64_t{3600}));
  worker
      ->add_option("--lifecycle-hook", options->lifecycle_hook,
                   "After draining for a scale-in, call Auto Scaling CompleteLifecycleAction (CONTINUE) for this "
                   "termination lifecycle hook, so the instance does not wait out the hook's timeout")
      ->type_name("NAME");
  worker
      ->add_option("--auto-scaling-group", options->auto_scaling_group,
                   "The instance's Auto Scaling group, for --lifecycle-hook (default: the aws:autoscaling:groupName "
                   "tag in instance metadata)")
      ->type_name("NAME");
  worker
      ->add_option_function<std::string>(
          "--log-format",
          [options](const std::string& text) {
            auto format = functions::parse_log_format(text);
            if (!format) throw CLI::ValidationError("--log-format", "needs text or json, got '" + text + "'");
            options->log_format = *format;
          },
          "The function and worker log: text or json (Lambda's JSON log format, one object per line)")
      ->type_name("FORMAT")
      ->default_str("text");
  return {worker, [options] { return command_worker(*options); }};
}

}  // namespace sluice::cli
