#pragma once
// What POST /_sluice/reset empties beyond queues, topics and functions (reset_service.h): IAM's
// entities and OpenID Connect providers, CloudWatch Logs' groups (with their streams and events),
// CloudWatch's alarms. Each returns how many things went; each works through the component's
// public header.

#include <cstddef>
#include <string>

#include "sluice/cloudwatch/alarms.h"
#include "sluice/common/aws_error.h"
#include "sluice/identity/identity.h"
#include "sluice/logs/logs.h"

namespace sluice::cli {

// The account's users, groups, roles, customer managed policies and instance profiles become
// `declared` again (what the configuration declared, as it was at start; empty without one), and
// its OpenID Connect providers go. Returns the entities and providers there were beyond `declared`.
common::Outcome<size_t> reset_iam(identity::Directory& directory, const std::string& account_id,
                                  const identity::IamAccount& declared);

// Every log group, with its streams and events (the log store has one account: the server's).
common::Outcome<size_t> reset_log_groups(logs::LogStore& logs);

// The account's and region's alarms.
common::Outcome<size_t> reset_alarms(cloudwatch::Alarms& alarms, const std::string& account_id,
                                     const std::string& region);

}  // namespace sluice::cli
