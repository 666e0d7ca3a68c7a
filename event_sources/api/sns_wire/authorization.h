#pragma once
// Internal: what IAM authorizes for an SNS call (see authorization.cpp).

#include <optional>

#include "sluice/api/server/server.h"
#include "sluice/sns/sns.h"

namespace sluice::api::sns_wire::detail {

// The IAM action ("SNS:Publish"), the resource (a topic, a platform application or endpoint, or
// "*"), the topic's Policy as the resource policy, and the SNS condition keys of a call; nullopt
// for what is not an SNS action.
std::optional<server::AuthorizationTarget> authorization_target(sluice::sns::Service& service,
                                                                const server::Call& call);

}  // namespace sluice::api::sns_wire::detail
