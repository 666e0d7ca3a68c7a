#pragma once
// Internal: STS's actions. Each reads the Query form of a call and answers the inner XML of its
// <ActionResult> element, or the error AWS gives.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sluice/api/server/server.h"
#include "sluice/identity/identity.h"

namespace sluice::api::sts_wire::detail {

struct StsContext {
  identity::Directory& directory;
  identity::AuthMode mode;
  int64_t now_ms;
  const std::function<void(std::string_view line)>& audit_log;
};

Outcome<std::string> get_caller_identity(const server::Call& call, StsContext& sts);
Outcome<std::string> assume_role(const server::Call& call, StsContext& sts);
Outcome<std::string> get_session_token(const server::Call& call, StsContext& sts);

}  // namespace sluice::api::sts_wire::detail
