#pragma once
// A PluginHost that writes each invocation's log to a sink, framed the way Lambda's log stream
// shows it, so a developer running sluice sees what their handler did:
//
//   [order-processor] START RequestId: 1f0c...
//   [order-processor] <each line the handler logged>
//   [order-processor] END RequestId: 1f0c... (Unhandled: order 1002 has no customer)
//
// Everything else is the wrapped host's.

#include <memory>
#include <string>

#include "sluice/functions/registry.h"

namespace sluice::functions::detail {

// The text written for one invocation of the function `name`.
std::string invocation_log_text(const std::string& name, const InvocationResult& result);

std::shared_ptr<PluginHost> make_logged_host(std::shared_ptr<PluginHost> inner, InvocationLogSink sink);

}  // namespace sluice::functions::detail
