#pragma once
// Internal: the IAM side of a CloudWatch call (see authorization.cpp).

#include <boost/json.hpp>

#include <optional>
#include <string>

#include "sluice/api/server/server.h"

namespace sluice::api::cloudwatch_wire::detail {

// The action and resources IAM authorizes a call of `action` with this input for (any protocol's,
// decoded); nullopt when it names no alarm where it must (the action answers its own error).
std::optional<server::AuthorizationTarget> authorization_target(const std::string& action,
                                                                const boost::json::object& input,
                                                                const server::CallContext& ctx);

}  // namespace sluice::api::cloudwatch_wire::detail
