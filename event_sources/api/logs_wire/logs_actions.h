#pragma once
// CloudWatch Logs' operations: each reads its JSON input, calls the log store once and returns
// the JSON text of its answer (or AWS's error).

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "sluice/api/server/server.h"
#include "sluice/logs/logs.h"

namespace sluice::api::logs_wire::detail {

struct LogsCall {
  const boost::json::object& input;
  const server::CallContext& ctx;
  logs::LogStore& store;
};

using Action = common::Outcome<std::string> (*)(const LogsCall&);

// The action named `name`, or null.
Action find_action(std::string_view name);

}  // namespace sluice::api::logs_wire::detail
