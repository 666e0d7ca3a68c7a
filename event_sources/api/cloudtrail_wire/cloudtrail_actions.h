#pragma once
// CloudTrail's operations: each reads its JSON input and returns the JSON text of its answer (or
// AWS's error).

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "sluice/api/server/server.h"
#include "sluice/audit/audit.h"

namespace sluice::api::cloudtrail_wire::detail {

struct CloudTrailCall {
  const boost::json::object& input;
  const server::CallContext& ctx;
  audit::Trail& trail;
};

using Action = common::Outcome<std::string> (*)(const CloudTrailCall&);

// The action named `name`, or null.
Action find_action(std::string_view name);

common::Outcome<std::string> lookup_events(const CloudTrailCall& call);

}  // namespace sluice::api::cloudtrail_wire::detail
