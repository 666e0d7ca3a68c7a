#pragma once
// What an invocation's metrics are recorded under (sluice/metrics/lambda_meter.h): the function,
// the qualifier it was invoked with, and the version that ran. Internal to event_sources/lambda.

#include <string>
#include <string_view>

#include "sluice/metrics/lambda_meter.h"

namespace sluice::lambda::detail {

// qualifier: as invoked ("" or "$LATEST" for the unqualified function, a version, an alias).
metrics::LambdaResource invoked_resource(std::string function_name, std::string_view qualifier,
                                         std::string executed_version);
// The same from an invoked ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]).
metrics::LambdaResource invoked_resource_of_arn(std::string_view invoked_arn, std::string executed_version);

}  // namespace sluice::lambda::detail
