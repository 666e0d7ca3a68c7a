#pragma once
// Runs of a function as AWS/Lambda counts them (sluice/metrics/lambda_meter.h), for the paths
// that run a function's host directly rather than through the Lambda control plane: the
// event-source mappings and SNS deliveries.

#include <functional>
#include <memory>
#include <string>

#include "sluice/esm/event_source_mapping.h"
#include "sluice/functions/plugin_host.h"
#include "sluice/metrics/lambda_meter.h"

namespace sluice::functions {

// One run: ConcurrentExecutions while it runs, then Invocations, Errors (a function error or a
// timeout) and Duration under `resource`.
InvocationResult run_metered(metrics::LambdaMeter& meter, const metrics::LambdaResource& resource,
                             const std::function<InvocationResult()>& run);

// The unqualified function as a mapping or a delivery invokes it: $LATEST, no Resource dimension.
metrics::LambdaResource unqualified_resource(std::string function_name);

// An event-source mapping's invoker whose runs are metered as the unqualified function's.
std::shared_ptr<esm::FunctionInvoker> metered_invoker(std::shared_ptr<esm::FunctionInvoker> inner,
                                                      std::shared_ptr<metrics::LambdaMeter> meter,
                                                      std::string function_name);

}  // namespace sluice::functions
