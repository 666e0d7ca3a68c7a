#pragma once
// The web console: sluice's own pages at /_sluice/, served by the front door like any service (no
// separate process, no CDN). Plain HTML, CSS and JavaScript modules from runtime/console/assets,
// embedded in the binary at build time; the pages poll small JSON endpoints for live updates.
//
// Routes (all under /_sluice/; anything else is not the console's):
//   GET  /_sluice/ (and /_sluice)         the page, with this page load's session token in it
//   GET  /_sluice/console/<file>          an embedded file, with an ETag (If-None-Match -> 304)
//   GET  /_sluice/console/api/queues      every queue: depths, oldest age, dead-letter target,
//                                         the last 30 minutes of ApproximateNumberOfMessagesVisible
//   GET  /_sluice/console/api/queue?name=Q  one queue: attributes, the first messages (a peek that
//                                         changes nothing), its dead-letter sources, move tasks
//   GET  /_sluice/console/api/topics      topics, their subscriptions, delivered/failed counts
//   GET  /_sluice/console/api/functions   functions, environments, event-source mappings
//   GET  /_sluice/console/api/function?name=F  recent invocations: START..REPORT lines from the
//                                         function's log group /aws/lambda/F
//   GET  /_sluice/console/api/alarms      metric alarms and their state
//   POST /_sluice/console/api/send        {"queue","body","delaySeconds"?,"messageGroupId"?,
//                                          "messageDeduplicationId"?}
//   POST /_sluice/console/api/purge       {"queue"}
//   POST /_sluice/console/api/redrive     {"queue" (a dead-letter queue), "destinationArn"?}
// Answers are JSON; errors are {"__type": code, "message": text} with AWS's status for the code.
//
// Protection: the front door's browser rules apply first (Host must be one of ours; an unsigned
// request with a foreign Origin or a cross-site Sec-Fetch-Site is refused). Every POST must carry
// the page's session token in the X-Sluice-Console-Token header (AccessDenied, 403, otherwise): a
// random nonce and its HMAC under a key made when the server starts, so a token from before a
// restart is refused and the page asks to be reloaded.
//
// Who acts: the console reads and changes state as the server's own account and region. With
// --auth enforce every endpoint is authorized as ConsoleOptions::principal (the configuration's
// console.Principal: a user, role or root ARN) — its identity policies and boundary, and the queue's
// policy, evaluated as the front door evaluates a signed call's (sluice/identity/evaluation.h), for
// the IAM action the endpoint stands for (sqs:ListQueues, sqs:ReceiveMessage for a peek,
// sqs:SendMessage, sqs:PurgeQueue, sqs:StartMessageMoveTask, sns:ListTopics, lambda:ListFunctions,
// logs:FilterLogEvents, cloudwatch:DescribeAlarms). Without a principal every endpoint is refused
// under enforce. With audit a refusal is logged and the call goes on; with off nothing is checked.
//
// Threads: the page and files are answered on the loop thread (memory only); the JSON endpoints
// run in the front door's worker lane, since SNS, Lambda and Logs block on their stores.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/api/server/server.h"
#include "sluice/cloudwatch/alarms.h"
#include "sluice/esm/mapping_directory.h"
#include "sluice/functions/registry.h"
#include "sluice/identity/identity.h"
#include "sluice/lambda/control_plane.h"
#include "sluice/logs/logs.h"
#include "sluice/metrics/metrics.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

namespace sluice::console {

struct ConsoleOptions {
  std::string account_id;  // whose queues, topics and alarms the console shows
  std::string region;
  // What the console reads; a null member hides its page's data (an empty list).
  sqs::Engine* engine = nullptr;
  sns::Service* topics = nullptr;
  lambda::ControlPlane* control_plane = nullptr;    // functions and event-source mappings
  functions::FunctionRegistry* registry = nullptr;  // environments busy / idle (concurrency in use)
  std::shared_ptr<esm::MappingDirectory> mappings;  // running mappings' State, LastProcessingResult
  std::shared_ptr<logs::LogStore> logs;
  std::shared_ptr<cloudwatch::Alarms> alarms;
  std::shared_ptr<metrics::Registry> metrics;  // sparklines, delivery counts
  // Per-subscription delivered / failed / filtered-out counts on the topic page; null: none shown.
  std::shared_ptr<const sns::NotificationCounts> notification_counts;
  // Who the console acts as under --auth audit|enforce (see above).
  identity::AuthMode auth = identity::AuthMode::Off;
  std::optional<identity::Principal> principal;
  std::shared_ptr<const identity::PolicySource> policies;
  std::function<void(std::string_view line)> audit_log;  // default stderr
};

std::shared_ptr<api::server::Service> make_console_service(ConsoleOptions options);

// The principal an ARN names (arn:aws:iam::ACCOUNT:root, ...:user/NAME, ...:role/NAME for a
// session of the role, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), or nullopt.
std::optional<identity::Principal> principal_from_arn(std::string_view arn);

}  // namespace sluice::console
