// `sluice up`'s flags: their names, help texts and checks. A value that fails a check is refused
// by the parser with the flag's name, before anything starts.

#include <cmath>
#include <memory>
#include <string>

#include "command_line.h"
#include "config_schema.h"
#include "listen_address.h"
#include "up_options.h"

namespace sluice::cli {
namespace {

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

}  // namespace

Subcommand add_up_command(CLI::App& sluice) {
  auto options = std::make_shared<UpOptions>();
  CLI::App* up = sluice.add_subcommand(
      "up",
      "Start the engine, the AWS API (SQS over Query and JSON, SNS, STS and IAM over Query, Lambda over REST-JSON, KMS "
      "over JSON 1.1) and the event-source mappings.");
  up->add_option("CONFIG", options->config_path,
                 "JSON file declaring queues, SNS topics and subscriptions (sns.Topics), functions, event-source "
                 "mappings and accounts, and where SNS may deliver over HTTP (sns.DeliveryAllowList)");
  up->add_option("--template", options->template_path,
                 "A CloudFormation or SAM template (YAML or JSON): its SQS queues, SNS topics and subscriptions, "
                 "Lambda functions and SQS/SNS event sources are created as well; each resource left out is named")
      ->type_name("FILE");
  up->add_option_function<std::string>(
        "--listen",
        [options](const std::string& text) {
          ListenAddress listen;
          if (std::string error = parse_listen_address(text, &listen); !error.empty())
            throw CLI::ValidationError("--listen", error);
          options->host = listen.address;
          options->port = listen.port;
          if (listen.name != listen.address) options->allowed_hosts.push_back(listen.name);
        },
        "Address and port to serve (a name such as localhost is resolved; port 0 picks a free one)")
      ->type_name("HOST:PORT")
      ->default_str("127.0.0.1:9324");
  CLI::Option* data = up->add_option("--data", options->data_dir, "Data directory: state survives restarts and kill -9")
                          ->type_name("DIR")
                          ->default_str(".sluice")
                          ->check([](const std::string& dir) { return dir.empty() ? "needs a directory" : ""; });
  CLI::Option* in_memory = up->add_flag("--in-memory", options->in_memory, "Keep nothing: state lives in memory only");
  in_memory->excludes(data);
  up->add_flag("--recover", options->recover,
               "Start even when files of the data directory were lost or damaged, with what is still readable, and "
               "say what was lost (without it such a directory is refused)")
      ->excludes(in_memory);
  const FlagSchema& durability = server_flag("--durability");
  up->add_option_function<std::string>(
        std::string(durability.name),
        [options](const std::string& text) {
          if (text == "kill-9") {
            options->durability = Durability::Kill9;
          } else if (text == "power-loss") {
            options->durability = Durability::PowerLoss;
          } else {
            throw CLI::ValidationError("--durability", "needs kill-9 or power-loss, got '" + text + "'");
          }
        },
        std::string(durability.description))
      ->type_name(std::string(durability.value))
      ->default_str(std::string(durability.default_value))
      ->excludes(in_memory);
  const FlagSchema& loops = server_flag("--loops");
  up->add_option(std::string(loops.name), options->loops, std::string(loops.description))
      ->type_name(std::string(loops.value))
      ->default_str(std::string(loops.default_value))
      ->check([](const std::string& text) {
        return all_digits(text) && text.size() <= 4 && std::stoi(text) >= 1 && std::stoi(text) <= 1024
                   ? ""
                   : "needs a number of loops from 1 to 1024";
      });
  up->add_option("--account", options->account_id, "Default account id")
      ->type_name("ID")
      ->default_str(common::kDefaultAccountId)
      ->check(
          [](const std::string& id) { return id.size() == 12 && all_digits(id) ? "" : "needs a 12-digit account id"; });
  up->add_option("--region", options->region, "Default region")
      ->type_name("REGION")
      ->default_str(common::kDefaultRegion)
      ->check([](const std::string& region) { return region.empty() ? "needs a region name" : ""; });
  up->add_option("--time-scale", options->time_scale,
                 "For tests only: every timer (delays, visibility, retention, long polls, batching windows, retries, "
                 "function timeouts) runs N times faster, and timestamps run ahead of the wall clock accordingly")
      ->type_name("N")
      ->check([](const std::string& text) {
        char* end = nullptr;
        const double scale = std::strtod(text.c_str(), &end);
        return !text.empty() && *end == '\0' && std::isfinite(scale) && scale > 0 ? "" : "needs a positive number";
      });
  up->add_option("--allow-origin", options->allowed_origins,
                 "Let this web origin's pages call the API (CORS); repeatable")
      ->type_name("ORIGIN")
      ->allow_extra_args(false)
      ->check([](const std::string& origin) {
        return origin.find("://") != std::string::npos ? "" : "needs an origin such as http://localhost:3000";
      });
  up->add_option("--allow-host", options->allowed_hosts,
                 "Serve one more Host name (IP addresses, single-label names such as localhost, and *.localhost "
                 "always are); repeatable")
      ->type_name("NAME")
      ->allow_extra_args(false)
      ->check([](const std::string& name) { return name.empty() ? "needs a host name" : ""; });
  up->add_option_function<std::string>(
        "--auth",
        [options](const std::string& text) {
          auto mode = identity::parse_auth_mode(text);
          if (!mode) throw CLI::ValidationError("--auth", "needs off, audit or enforce, got '" + text + "'");
          options->auth = *mode;
        },
        "off: signatures unchecked, a 12-digit access key id selects the account; audit: check every signature, "
        "log what AWS would refuse, allow it; enforce: refuse it")
      ->type_name("MODE")
      ->default_str("off");
  up->add_flag("--audit-data-events", options->audit_data_events,
               "Record data events in the audit trail too (SQS message actions, SNS Publish, Lambda Invoke), as a "
               "CloudTrail trail that selects them does; management events are always recorded");
  up->add_option("--allow-reset", options->reset_principals,
                 "Under --auth enforce, let this principal (an IAM user or role ARN) POST /_sluice/reset, besides "
                 "accounts' roots; repeatable")
      ->type_name("ARN")
      ->allow_extra_args(false);
  up->add_flag("--tls", options->tls.enabled,
               "Serve HTTPS on the same port as HTTP, with a self-signed certificate for localhost and 127.0.0.1 kept "
               "in DATA/tls/cert.pem (printed at start; trust it with AWS_CA_BUNDLE)");
  CLI::Option* cert =
      up->add_option("--tls-cert", options->tls.cert_path, "Your own PEM certificate chain (implies --tls)")
          ->type_name("FILE");
  CLI::Option* key =
      up->add_option("--tls-key", options->tls.key_path, "The private key of --tls-cert, PEM (implies --tls)")
          ->type_name("FILE");
  cert->needs(key);
  key->needs(cert);
  up->add_option_function<std::string>(
        "--log-format",
        [options](const std::string& text) {
          auto format = functions::parse_log_format(text);
          if (!format) throw CLI::ValidationError("--log-format", "needs text or json, got '" + text + "'");
          options->log_format = *format;
        },
        "The function and runtime log: text (Lambda's START / END / REPORT lines) or json (Lambda's JSON log "
        "format, one object per line)")
      ->type_name("FORMAT")
      ->default_str("text");
  up->add_flag("!--no-aws-metrics", options->aws_metrics,
               "Record no CloudWatch metrics for SQS, SNS and Lambda (the AWS/* namespaces), to measure what they "
               "cost; PutMetricData, alarms and GET /metrics still work");
  return {up, [options] {
            if (!options->tls.cert_path.empty()) options->tls.enabled = true;
            return command_up(*options);
          }};
}

}  // namespace sluice::cli
