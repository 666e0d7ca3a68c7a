#pragma once
// Internal: what IAM authorizes for an SQS call (see authorization.cpp).

#include <optional>

#include "sluice/api/server/server.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs_wire::detail {

// The IAM action, the queue's ARN and its Policy attribute for a call; nullopt when the call names
// no queue that exists (the action then answers its own error) or is not an SQS action.
std::optional<server::AuthorizationTarget> authorization_target(sluice::sqs::Engine& engine, const server::Call& call);

}  // namespace sluice::api::sqs_wire::detail
