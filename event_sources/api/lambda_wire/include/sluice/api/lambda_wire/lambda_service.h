#pragma once
// Lambda on the front door: the Lambda REST-JSON API over the Lambda control plane, as one
// server::Service. The front door routes a request here when its SigV4 scope names "lambda" or
// its path is one of Lambda's REST routes (/2015-03-31/functions..., see lambda_routes.h).
// CreateFunction and UpdateFunctionCode accept bodies up to 70 MB (a 50 MB zip in base64 JSON);
// every other route keeps the front door's limit. Calls run on the front door's worker pool: they
// block on the store and on the functions they invoke.
//
// The control plane must outlive this service; this service must outlive the ApiServer.

#include <memory>

#include "sluice/api/server/server.h"
#include "sluice/lambda/control_plane.h"

namespace sluice::api::lambda_wire {

std::shared_ptr<server::Service> make_lambda_service(sluice::lambda::ControlPlane& control_plane);

}  // namespace sluice::api::lambda_wire
