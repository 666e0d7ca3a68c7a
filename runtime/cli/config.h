#pragma once
// The sluice configuration file: one JSON document declaring what exists at start. Field names
// follow AWS's (QueueName, Attributes, RedrivePolicy, ...). A RedrivePolicy may name its
// dead-letter queue by name instead of ARN; queues are created dead-letter targets first.
//
//   {
//     "queues": [
//       {"QueueName": "OrderProcessingDLQ"},
//       {"QueueName": "OrderProcessingQueue",
//        "Attributes": {"VisibilityTimeout": "30",
//                       "RedrivePolicy": {"deadLetterTargetArn": "OrderProcessingDLQ", "maxReceiveCount": 3}},
//        "Tags": {"team": "orders"}}
//     ],
//     "functions": [
//       {"FunctionName": "order-processor", "Handler": "order_processor", "Timeout": 3,
//        "MemorySize": 128, "Environment": {"Variables": {"STAGE": "local"}},
//        "ReservedConcurrentExecutions": 10, "Isolation": "process",
//        "DestinationConfig": {"OnFailure": {"Destination": "FailedInvocations"}}}
//     ],
//     "eventSourceMappings": [
//       {"FunctionName": "order-processor", "EventSourceArn": "OrderProcessingQueue",
//        "BatchSize": 10, "MaximumBatchingWindowInSeconds": 0,
//        "FunctionResponseTypes": ["ReportBatchItemFailures"], "ScalingConfig": {"MaximumConcurrency": 5},
//        "FilterCriteria": {"Filters": [{"Pattern": "{\"body\": {\"type\": [\"order\"]}}"}]}, "Enabled": true},
//       {"FunctionName": "order-processor", "QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"}
//     ],
//     "accounts": [
//       {"AccountId": "111122223333",
//        "RootAccessKeys": [{"AccessKeyId": "AKIAROOTEXAMPLE00001", "SecretAccessKey": "..."}],
//        "Users": [{"UserName": "alice",
//                   "AccessKeys": [{"AccessKeyId": "AKIAALICEEXAMPLE0001", "SecretAccessKey": "..."}]}],
//        "Roles": [{"RoleName": "deployer", "MaxSessionDuration": 7200,
//                   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//                     "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "sts:AssumeRole"}]}}]}
//     ],
//     "sns": {"DeliveryAllowList": ["127.0.0.0/8", "10.0.0.0/8", "127.0.0.1:4566"],
//             "Topics": [{"Name": "orders", "Attributes": {"DisplayName": "Orders"}, "Tags": {"team": "orders"},
//                         "Subscriptions": [{"Protocol": "sqs", "Endpoint": "OrderProcessingQueue",
//                                            "Attributes": {"RawMessageDelivery": "true",
//                                                           "FilterPolicy": {"type": ["order"]}}}]}]},
//     "console": {"Principal": "arn:aws:iam::111122223333:user/console"}
//   }
//
// sns.DeliveryAllowList: the addresses SNS may deliver to over HTTP/S, replacing the default
// (loopback and the private ranges); "*" allows everything. Link-local and instance-metadata
// addresses and sluice's own port stay refused unless an entry names the address and port (see
// sluice/sns/delivery.h, DeliveryAllowList).
//
// sns.Topics: topics created at start (CreateTopic's Name, Attributes and Tags), each with its
// Subscriptions (Subscribe's Protocol, Endpoint and Attributes; an object value such as a
// FilterPolicy may be written as JSON). An sqs Endpoint may be a queue name and a lambda Endpoint a
// function name: both are completed to ARNs in the server's account and region.
//
// console.Principal: the IAM user, role or root ARN the web console at /_sluice/ acts as under
// --auth audit|enforce; its policies (from `accounts` and the IAM API) decide what the console may
// show and do (sluice/console/console.h). Without it the console is refused under enforce.
//
// Runtime API functions: {"FunctionName": "orders-py", "Runtime": "python3.12", "CodeUri": "python",
// "Handler": "order_processor.handler"} runs the handler through sluice's Python shim (nodejs*:
// Node.js shim, Handler file.export; provided*: CodeUri's `bootstrap`). CodeUri is a folder,
// relative to the configuration file. Such functions always run in execution environments.
// Handler without Runtime: a plugin file. An absolute path is used as is, a path with a '/' is relative to the
// configuration file, and a bare name is looked up (as NAME, libNAME.so, NAME.so) in the folders of
// SLUICE_HANDLER_PATH and then in the handlers/ folder beside the sluice binary's folder.
// Isolation: "process" (default: each invocation runs in an execution environment, a worker
// process; a crash, a hang or a memory overrun fails only that invocation) or "none" (in the
// sluice process, for handlers that declare themselves thread-safe; any other handler still runs
// in processes, so it reaches its concurrency). DestinationConfig.OnFailure.Destination (a queue name or ARN) receives
// Lambda's invocation record when an asynchronous invocation (an SNS delivery) fails all its attempts. A mapping's
// queue is an embedded queue (EventSourceArn: name or ARN) or a queue at any SQS endpoint (QueueUrl, optional Endpoint
// override), polled with AWS credentials.
//
// accounts: who may sign requests when `sluice up --auth audit|enforce` checks signatures. Each
// account has root access keys, users with access keys (16..128 letters, digits or _), and roles
// that STS AssumeRole hands out (MaxSessionDuration 3600..43200, default 3600; a trust policy, as
// an object or a JSON string, default: the role's own account may assume it). With --auth off
// (the default) no key is needed and any 12-digit access key id selects its account; declared keys
// still name their user.
//
// functions and eventSourceMappings (of embedded queues) are applied through Lambda's control
// plane at every start (lambda_config.h): GetFunction, ListFunctions and ListEventSourceMappings
// show them, a restart makes no duplicate, and a function the API created under a declared name
// is brought to the declaration's settings (the configuration wins at start). A declared function
// without a Runtime shows as Runtime provided.al2023 with its library's file name as Handler; its
// code is the declared file or folder as hot-reload code, so edits are picked up. The control
// plane names the mappings (a declared UUID is kept only for a remote queue's mapping).
//
// Errors name the field (e.g. "queues[1].Attributes.RedrivePolicy: ...") and the reason.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/fwd.hpp>

#include "sluice/esm/event_source_mapping.h"
#include "sluice/identity/identity.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

namespace sluice::cli {

struct QueueDeclaration {
  std::string name;
  sqs::AttributeMap attributes;  // RedrivePolicy already rewritten to carry an ARN
  sqs::TagMap tags;
  std::string redrive_target;  // name of the dead-letter queue, "" if none
};

struct FunctionDeclaration {
  std::string name;
  std::string handler;         // resolved plugin path; with a runtime, Lambda's Handler string
  std::string runtime;         // "" = a C-ABI plugin; else Lambda's Runtime (python3.12, nodejs20.x, provided.al2023)
  std::string code_directory;  // with a runtime: CodeUri, resolved against the configuration's folder
  int64_t timeout_s = 3;
  int64_t memory_size_mb = 128;
  std::vector<std::pair<std::string, std::string>> environment;
  std::optional<int64_t> reserved_concurrency;
  bool isolated = true;              // false: in process when the handler is thread-safe
  std::string on_failure_queue_arn;  // "" = none
};

struct MappingDeclaration {
  std::string function_name;
  std::string event_source_arn;       // embedded queue ARN (completed from a name), or ""
  std::string queue_url;              // remote queue, or ""
  std::string endpoint;               // remote endpoint override, or ""
  esm::CreateMappingRequest request;  // validated by the mapping itself, with AWS's texts
  // The same settings as CreateEventSourceMapping's members (BatchSize, ..., Enabled): a JSON
  // object, for Lambda's control plane.
  std::string settings_json = "{}";
};

struct SubscriptionDeclaration {
  std::string protocol;  // sqs, lambda, http, https, ...
  std::string endpoint;  // sqs: completed to a queue ARN; lambda: to a function ARN
  std::vector<std::pair<std::string, std::string>> attributes;  // FilterPolicy as JSON text, RawMessageDelivery, ...
};

struct TopicDeclaration {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<SubscriptionDeclaration> subscriptions;
};

struct Config {
  std::vector<QueueDeclaration> queues;  // in creation order (dead-letter targets first)
  std::vector<FunctionDeclaration> functions;
  std::vector<MappingDeclaration> mappings;
  std::vector<identity::AccountDeclaration> accounts;
  // sns.DeliveryAllowList as written (each entry checked); nullopt: the default list.
  std::optional<std::vector<std::string>> sns_delivery_allow_list;
  std::vector<TopicDeclaration> topics;  // sns.Topics
  std::string console_principal;         // console.Principal, "" = none
};

// Parses the configuration; account and region complete queue ARNs. On error returns false and
// sets *error to "<field path>: <reason>".
bool parse_config(const std::string& json_text, const std::string& account_id, const std::string& region,
                  const std::string& config_dir, Config* config, std::string* error);
// Parses the "functions" and "eventSourceMappings" sections (config_functions.cpp). Throws
// ConfigError.
void parse_functions(const boost::json::value* functions, const std::string& config_dir, const std::string& account_id,
                     const std::string& region, Config* config);
void parse_mappings(const boost::json::value* mappings, const std::string& account_id, const std::string& region,
                    Config* config);
// The "accounts" section (config_accounts.cpp). Throws ConfigError.
void parse_accounts(const boost::json::value* accounts, Config* config);
// The "sns" section (config_sns.cpp): its delivery allow-list and its topics with their
// subscriptions; account and region complete queue and function names to ARNs. Throws ConfigError.
void parse_sns(const boost::json::value* sns, const std::string& account_id, const std::string& region, Config* config);

struct ConfigError {
  std::string text;
};
[[noreturn]] void fail(const std::string& path, const std::string& reason);

bool load_config_file(const std::string& path, const std::string& account_id, const std::string& region, Config* config,
                      std::string* error);

// Creates the declared topics and their subscriptions (idempotent; config_sns.cpp). Returns false
// with *error naming the topic or the subscription.
bool apply_topics(const Config& config, sns::Service& topics, const std::string& account_id, const std::string& region,
                  std::string* error);

// Creates the declared queues (idempotent). Returns false with *error naming the queue.
bool apply_config(const Config& config, sqs::Engine& engine, const std::string& account_id, const std::string& region,
                  std::string* error);

}  // namespace sluice::cli
