#pragma once
// An execution environment that runs a `bootstrap` speaking the Lambda Runtime API.
//
// start() opens a loopback listener of its own (the `next` call carries no identity, so
// environments cannot share one; never the AWS port), starts the bootstrap in its own process
// group with Lambda's environment variables (AWS_LAMBDA_RUNTIME_API pointing at the listener,
// _HANDLER, LAMBDA_TASK_ROOT, AWS_LAMBDA_FUNCTION_*, AWS_REGION, credentials, TZ, ...), its
// stdout and stderr on a pipe, and serves the API until the runtime asks for its first invocation
// (GET .../invocation/next: init done), reports an init error, exits, or passes the 10 s init limit.
//
// invoke() answers the parked `next` with the event and Lambda's headers, then serves the API and
// collects the runtime's output until .../{id}/response or .../{id}/error arrives, the deadline
// passes (the process group is killed: Sandbox.Timedout) or the process dies (Runtime.ExitError,
// or Runtime.OutOfMemory when the memory watchdog killed it).
//
// Everything runs on the calling thread with poll(): no thread per environment.

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "environment.h"
#include "memory_watchdog.h"

namespace sluice::functions::detail {

struct BootstrapSpec {
  std::vector<std::string> argv;  // argv[0] is the executable
  std::string task_root;          // LAMBDA_TASK_ROOT and the working directory
  std::string handler;            // _HANDLER
  std::string runtime_dir;        // LAMBDA_RUNTIME_DIR
  std::string execution_env;      // AWS_EXECUTION_ENV, "" for custom runtimes
  std::string region;             // AWS_REGION
};

class RuntimeApiEnvironment;

common::Outcome<std::unique_ptr<Environment>, std::string> start_runtime_api_environment(const BootstrapSpec& spec,
                                                                                         const FunctionConfig& config);

// The environment variables a bootstrap gets (the function's own variables last, as on Lambda
// they cannot override the reserved ones except those Lambda lets them).
std::vector<std::string> bootstrap_environment(const BootstrapSpec& spec, const FunctionConfig& config,
                                               const std::string& runtime_api);

}  // namespace sluice::functions::detail
