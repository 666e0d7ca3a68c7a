#pragma once
// The one Amazon EC2 Auto Scaling call a worker makes: CompleteLifecycleAction, so that an
// instance being scaled in continues to terminate (LifecycleActionResult CONTINUE) as soon as the
// worker has drained, instead of waiting out the lifecycle hook's heartbeat timeout. Query
// protocol (POST / with a form body, Version 2011-01-01), SigV4 for service "autoscaling"; HTTP
// 5xx, throttling and connection failures are tried again (3 attempts).
//
// Endpoint: AutoScalingOptions::endpoint, else resolved as the SDKs do (sluice/aws/endpoint.h:
// AWS_ENDPOINT_URL_AUTO_SCALING, AWS_ENDPOINT_URL, then https://autoscaling.REGION.amazonaws.com).

#include <chrono>
#include <memory>
#include <string>

#include "sluice/aws/credentials.h"

namespace sluice::aws {

struct AutoScalingOptions {
  std::string region;                                // signing region; required
  std::string endpoint;                              // "" = resolved (see above)
  std::shared_ptr<CredentialsProvider> credentials;  // required
  std::chrono::milliseconds timeout{10000};
};

struct LifecycleActionCompletion {
  std::string auto_scaling_group_name;
  std::string lifecycle_hook_name;
  std::string instance_id;
  std::string lifecycle_action_result = "CONTINUE";  // CONTINUE or ABANDON
};

// "" on success; else the error: "<Code>: <Message>" from AWS, or why no answer came.
std::string complete_lifecycle_action(const AutoScalingOptions& options, const LifecycleActionCompletion& completion);

}  // namespace sluice::aws
