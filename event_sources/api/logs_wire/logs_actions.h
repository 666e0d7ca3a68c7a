#pragma once
// CloudWatch Logs' operations: each reads its JSON input, calls the log store once and returns
// the JSON text of its answer (or AWS's error).

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "sluice/api/server/server.h"
#include "sluice/logs/live_tail.h"
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

// StartLiveTail's input, checked as CloudWatch Logs checks it, its log groups found in the store.
struct LiveTailRequest {
  logs::LiveTailFilter filter;
  std::vector<std::string> group_identifiers;  // as the request named them
  std::string pattern_text;
};
common::Outcome<LiveTailRequest> read_live_tail_request(const LogsCall& call);

}  // namespace sluice::api::logs_wire::detail
