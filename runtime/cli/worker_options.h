#pragma once
// What `sluice worker` was asked to do: the values of its flags (bound in worker_flags.cpp, run by
// command_worker.cpp).

#include <cstdint>
#include <optional>
#include <string>

#include "sluice/functions/log_format.h"

namespace sluice::cli {

struct WorkerOptions {
  std::string config_path;    // "" with --template alone
  std::string template_path;  // --template: a CloudFormation/SAM template's functions and mappings
  std::string account_id;     // --account: the account of the template's queues ("" = AWS_ACCOUNT_ID)
  // --status-listen HOST:PORT: /health and /metrics; port -1 = no status port.
  std::string status_host = "127.0.0.1";
  int status_port = -1;
  bool fail_fast = false;  // a queue that cannot be reached at start is fatal
  int64_t drain_seconds = 30;
  std::string region;                          // "" = the queue URL's, else AWS_REGION, the profile, instance metadata
  std::string endpoint_url;                    // every queue's endpoint; "" = resolved as the SDKs do
  std::optional<bool> use_fips_endpoint;       // nullopt: AWS_USE_FIPS_ENDPOINT
  std::optional<bool> use_dualstack_endpoint;  // nullopt: AWS_USE_DUALSTACK_ENDPOINT
  int64_t visibility_heartbeat_seconds = 0;    // 0 = off
  bool instance_notices = true;                // watch Spot and Auto Scaling notices in instance metadata
  int64_t notice_interval_seconds = 5;
  std::string lifecycle_hook;      // CompleteLifecycleAction after a scale-in drain
  std::string auto_scaling_group;  // "" = the instance's aws:autoscaling:groupName tag
  functions::LogFormat log_format = functions::LogFormat::Text;
};

int command_worker(const WorkerOptions& options);

}  // namespace sluice::cli
