// `sluice generate-event SOURCE`: one subcommand per event source, each with its own flags and
// --help, all taking --region (and --account where the event names one).

#include <cstdio>
#include <functional>
#include <memory>

#include "command_line.h"
#include "sample_events.h"

namespace sluice::cli {
namespace {

void add_origin_flags(CLI::App* source, EventOrigin* origin) {
  source->add_option("--region", origin->region, "Region the event comes from")
      ->type_name("REGION")
      ->default_str(common::kDefaultRegion);
  source->add_option("--account", origin->account_id, "Account the event comes from")
      ->type_name("ID")
      ->default_str(common::kDefaultAccountId);
}

// Registers one source whose event `make` prints.
CLI::App* add_source(CLI::App* generate, const char* name, const char* description, std::function<std::string()> make) {
  CLI::App* source = generate->add_subcommand(name, description);
  source->callback([make = std::move(make)] { std::printf("%s\n", make().c_str()); });
  return source;
}

void add_sqs(CLI::App* generate) {
  auto options = std::make_shared<SqsEventOptions>();
  auto origin = std::make_shared<EventOrigin>();
  CLI::App* sqs = add_source(generate, "sqs", "An SQS event as an event-source mapping delivers it", [options, origin] {
    options->region = origin->region;
    if (options->queue_arn.empty())
      options->queue_arn = "arn:aws:sqs:" + origin->region + ":" + origin->account_id + ":my-queue";
    return sample_sqs_event(*options);
  });
  options->queue_arn.clear();  // made from --region and --account unless given
  sqs->add_option("--body", options->body, "Each message's body")->capture_default_str();
  sqs->add_option("--queue-arn", options->queue_arn, "The queue (default: my-queue in --region and --account)")
      ->type_name("ARN");
  sqs->add_option("--count", options->count, "Number of records")->check(CLI::Range(1, 10'000))->capture_default_str();
  add_origin_flags(sqs, origin.get());
}

void add_sns(CLI::App* generate) {
  auto options = std::make_shared<SnsEventOptions>();
  auto origin = std::make_shared<EventOrigin>();
  CLI::App* sns =
      add_source(generate, "sns", "An SNS notification as a Lambda subscription delivers it", [options, origin] {
        if (options->topic_arn.empty())
          options->topic_arn = "arn:aws:sns:" + origin->region + ":" + origin->account_id + ":my-topic";
        return sample_sns_event(*options);
      });
  options->topic_arn.clear();  // made from --region and --account unless given
  sns->add_option("--message", options->message, "The message")->capture_default_str();
  sns->add_option("--subject", options->subject, "The subject (default: none, null in the event)");
  sns->add_option("--topic-arn", options->topic_arn, "The topic (default: my-topic in --region and --account)")
      ->type_name("ARN");
  add_origin_flags(sns, origin.get());
}

void add_s3(CLI::App* generate, const char* name, bool deleted) {
  auto options = std::make_shared<S3EventOptions>();
  options->deleted = deleted;
  CLI::App* s3 = add_source(generate, name,
                            deleted ? "An S3 event notification for a deleted object (ObjectRemoved:Delete)"
                                    : "An S3 event notification for a new object (ObjectCreated:Put)",
                            [options] { return sample_s3_event(*options); });
  s3->add_option("--bucket", options->bucket, "Bucket name")->capture_default_str();
  s3->add_option("--key", options->key, "Object key")->capture_default_str();
  if (!deleted) s3->add_option("--size", options->size, "Object size in bytes")->capture_default_str();
  add_origin_flags(s3, &options->origin);
}

void add_alarm(CLI::App* generate) {
  auto options = std::make_shared<AlarmEventOptions>();
  CLI::App* alarm =
      add_source(generate, "cloudwatch-alarm", "A CloudWatch alarm's state change, as its Lambda action sends it",
                 [options] { return sample_cloudwatch_alarm_event(*options); });
  const auto states = CLI::IsMember({"OK", "ALARM", "INSUFFICIENT_DATA"});
  alarm->add_option("--alarm-name", options->alarm_name, "Alarm name")->capture_default_str();
  alarm->add_option("--state", options->state, "New state")->check(states)->capture_default_str();
  alarm->add_option("--previous-state", options->previous_state, "Previous state")
      ->check(states)
      ->capture_default_str();
  alarm->add_option("--reason", options->reason, "Why the state changed");
  add_origin_flags(alarm, &options->origin);
}

void add_scheduled(CLI::App* generate) {
  auto options = std::make_shared<ScheduledEventOptions>();
  CLI::App* scheduled = add_source(generate, "eventbridge-scheduled", "An EventBridge scheduled rule's event",
                                   [options] { return sample_scheduled_event(*options); });
  scheduled->add_option("--rule", options->rule_name, "Rule name")->capture_default_str();
  add_origin_flags(scheduled, &options->origin);
}

void add_api_gateway(CLI::App* generate, const char* name, bool http_api) {
  auto options = std::make_shared<ApiGatewayEventOptions>();
  CLI::App* api =
      add_source(generate, name,
                 http_api ? "An API Gateway HTTP API request, Lambda proxy payload format 2.0"
                          : "An API Gateway REST API request, Lambda proxy payload format 1.0",
                 [options, http_api] {
                   return http_api ? sample_api_gateway_http_event(*options) : sample_api_gateway_rest_event(*options);
                 });
  api->add_option("--method", options->method, "HTTP method")
      ->check(CLI::IsMember({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}))
      ->capture_default_str();
  api->add_option("--path", options->path, "Request path")
      ->check([](const std::string& path) { return path.starts_with("/") ? "" : "must start with /"; })
      ->capture_default_str();
  api->add_option("--body", options->body, "Request body (default: none)");
  if (!http_api) api->add_option("--stage", options->stage, "Stage name")->capture_default_str();
  add_origin_flags(api, &options->origin);
}

}  // namespace

Subcommand add_generate_event_command(CLI::App& sluice) {
  CLI::App* generate =
      sluice.add_subcommand("generate-event", "Print a sample event, in the shape AWS delivers it to a function");
  generate->require_subcommand(1);
  add_sqs(generate);
  add_sns(generate);
  add_s3(generate, "s3-put", false);
  add_s3(generate, "s3-delete", true);
  add_alarm(generate);
  add_scheduled(generate);
  add_api_gateway(generate, "apigateway-rest", false);
  add_api_gateway(generate, "apigateway-http", true);
  // A word that names no source lands here (sources are matched first) and is refused by name.
  generate
      ->add_option_function<std::string>("SOURCE",
                                         [generate](const std::string& word) {
                                           std::string sources;
                                           for (const CLI::App* source : generate->get_subcommands({}))
                                             sources += (sources.empty() ? "" : ", ") + source->get_name();
                                           throw CLI::ValidationError(
                                               "SOURCE", "unknown source '" + word + "' (expected " + sources + ")");
                                         })
      ->group("");
  // Each source printed its event from its own callback, run by the parser.
  return {generate, [] { return 0; }};
}

}  // namespace sluice::cli
