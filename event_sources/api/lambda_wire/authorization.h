#pragma once
// Internal: what IAM authorizes for a Lambda API call (see authorization.cpp).

#include <optional>
#include <string>

#include "sluice/api/server/server.h"
#include "sluice/lambda/control_plane.h"

namespace sluice::api::lambda_wire {

// The IAM action ("lambda:InvokeFunction"), the resource (the function's ARN with the qualifier
// the call names, an event-source mapping's ARN, or "*"), the function's (or its version's or
// alias's) resource policy, and lambda:FunctionArn for the mapping actions. nullopt for a path
// that is no Lambda operation.
std::optional<server::AuthorizationTarget> authorization_target(const sluice::lambda::ControlPlane& control_plane,
                                                                const std::string& account_id,
                                                                const server::Call& call);

}  // namespace sluice::api::lambda_wire
