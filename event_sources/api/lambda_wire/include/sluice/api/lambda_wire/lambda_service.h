#pragma once
// Lambda on the front door: the Lambda REST-JSON API over the Lambda control plane, as one
// server::Service. The front door routes a request here when its SigV4 scope names "lambda" or
// its path is one of Lambda's REST routes (/2015-03-31/functions..., see lambda_routes.h).
// CreateFunction and UpdateFunctionCode accept bodies up to 70 MB (a 50 MB zip in base64 JSON);
// every other route keeps the front door's limit. Calls run on the front door's worker pool: they
// block on the store and on the functions they invoke. Under --auth audit|enforce each call is
// authorized on its function (with the qualifier it names) and that function's resource policy;
// a refusal is Lambda's AccessDeniedException (403).
//
// The control plane must outlive this service; this service must outlive the ApiServer.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sluice/api/server/server.h"
#include "sluice/common/aws_error.h"
#include "sluice/common/defaults.h"
#include "sluice/lambda/control_plane.h"

namespace sluice::api::lambda_wire {

struct LambdaServiceOptions {
  // The account the control plane's functions belong to: the resources IAM authorizes calls on
  // (arn:aws:lambda:REGION:ACCOUNT:function:NAME).
  std::string account_id = common::kDefaultAccountId;
  // With --auth audit|enforce: CreateEventSourceMapping asks whether the function's execution role
  // (role_arn) may read the mapping's queue as Lambda's pollers do; the refusal it answers
  // (AWS's InvalidParameterValueException) is the call's answer. Empty: not checked.
  std::function<std::optional<common::AwsError>(const std::string& role_arn, const std::string& event_source_arn)>
      check_mapping_role;
};

std::shared_ptr<server::Service> make_lambda_service(sluice::lambda::ControlPlane& control_plane,
                                                     LambdaServiceOptions options = {});

}  // namespace sluice::api::lambda_wire
