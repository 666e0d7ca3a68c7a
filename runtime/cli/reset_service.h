#pragma once
// POST /_sluice/reset[?service=NAME]: a clean slate between tests without a restart.
// Empties the calling account's state in the calling region (the account and region of the
// request's signature; unsigned, the server's): every queue with its messages, every topic with
// its subscriptions, every function and event-source mapping (services sqs, sns, lambda); IAM's
// users, groups, roles, customer managed policies, instance profiles and OpenID Connect providers
// (iam; the account's, in every region); KMS keys and aliases (kms); alarms and metrics, custom
// (PutMetricData) and emitted (AWS/SQS, AWS/SNS, AWS/Lambda) alike (cloudwatch); the audit trail's
// events, which LookupEvents reads (cloudtrail: those recorded for the account in the region,
// IAM's and STS's in us-east-1 as CloudTrail records them). The server's own account and region
// only (the log store knows no other): CloudWatch Logs' groups with their streams and events
// (logs). Durable copies go too (metrics.db's rows, the trail's files rewritten without the
// events), so a restart does not bring anything back. What the configuration declares comes back
// when the server's own account and region are reset: queues (empty), topics, functions,
// mappings, and the accounts' declared users and roles. Answers {"reset": [...services],
// "queues": N, "topics": N, "functions": N, "eventSourceMappings": N, "iamEntities": N,
// "kmsKeys": N, "alarms": N, "metrics": N, "auditEvents": N, "logGroups": N} ("metrics": the
// series that had data).
//
// Under --auth enforce the request must be signed (for service "sluice", so that the front door
// routes it here) by an account's root or by a principal ARN given with --allow-reset; anyone
// else gets AccessDenied (403).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config.h"
#include "sluice/api/server/server.h"
#include "sluice/audit/audit.h"
#include "sluice/audit/audit_reset.h"
#include "sluice/cloudwatch/alarms.h"
#include "sluice/identity/identity.h"
#include "sluice/kms/kms.h"
#include "sluice/lambda/control_plane.h"
#include "sluice/logs/logs.h"
#include "sluice/metrics/metrics.h"
#include "sluice/metrics/metrics_reset.h"
#include "sluice/metrics/metrics_store.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

namespace sluice::cli {

struct ResetOptions {
  sqs::Engine* engine = nullptr;
  sns::Service* topics = nullptr;
  lambda::ControlPlane* functions = nullptr;
  std::shared_ptr<identity::Directory> identities;
  // Each declared account's IAM entities as the configuration made them, before any data
  // directory's were loaded: what a reset of the account's IAM leaves.
  std::map<std::string, identity::IamAccount> declared_iam;
  std::shared_ptr<kms::KeyManager> kms;
  std::shared_ptr<logs::LogStore> logs;
  std::shared_ptr<cloudwatch::Alarms> alarms;
  std::shared_ptr<metrics::Registry> metrics;
  metrics::MetricsStore* metrics_store = nullptr;  // with a data directory; outlives the service
  std::shared_ptr<audit::Trail> audit_trail;
  const Config* config = nullptr;  // its queues and topics are declared again after a reset
  std::string account_id;          // ... when the reset is of the server's account
  std::string region;              // ... and region, where the configuration declares them
  identity::AuthMode auth = identity::AuthMode::Off;
  std::vector<std::string> allowed_principals;  // --allow-reset ARNs, besides accounts' roots
};

std::shared_ptr<api::server::Service> make_reset_service(ResetOptions options);

}  // namespace sluice::cli
