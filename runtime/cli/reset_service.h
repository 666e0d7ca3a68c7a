#pragma once
// POST /_sluice/reset[?service=sqs|sns|lambda]: a clean slate between tests without a restart.
// Empties the calling account's state in the calling region (the account and region of the
// request's signature; unsigned, the server's): every queue with its messages, every topic with
// its subscriptions, every function and event-source mapping. The queues, topics, functions and
// mappings the configuration declares come back (queues empty) when the server's own account and
// region are reset. Answers {"reset": [...services], "queues": N,
// "topics": N, "functions": N, "eventSourceMappings": N}.
//
// Under --auth enforce the request must be signed (for service "sluice", so that the front door
// routes it here) by an account's root or by a principal ARN given with --allow-reset; anyone
// else gets AccessDenied (403).

#include <memory>
#include <string>
#include <vector>

#include "config.h"
#include "sluice/api/server/server.h"
#include "sluice/identity/identity.h"
#include "sluice/lambda/control_plane.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

namespace sluice::cli {

struct ResetOptions {
  sqs::Engine* engine = nullptr;
  sns::Service* topics = nullptr;
  lambda::ControlPlane* functions = nullptr;
  const Config* config = nullptr;  // its queues and topics are declared again after a reset
  std::string account_id;          // ... when the reset is of the server's account
  std::string region;              // ... and region, where the configuration declares them
  identity::AuthMode auth = identity::AuthMode::Off;
  std::vector<std::string> allowed_principals;  // --allow-reset ARNs, besides accounts' roots
};

std::shared_ptr<api::server::Service> make_reset_service(ResetOptions options);

}  // namespace sluice::cli
