#pragma once
// Functions whose code runs through the Lambda Runtime API rather than as a C-ABI plugin.
//
// Runtimes
//   provided, provided.al2, provided.al2023   the code directory holds an executable `bootstrap`
//                                              (any language), started once per environment.
//   python3.x (Handler module.function)       sluice's Python shim, run by the `python3` found on
//   nodejs* (Handler file.export)             PATH, or its Node.js shim run by `node` / `nodejs`.
//                                              The shims use only each language's standard library.
// A missing interpreter, code directory or bootstrap is reported by open_runtime_function().
//
// The host that comes back is an environment pool with the rules of PluginHost's Isolated mode
// (concurrency = environments, warm reuse, idle reaping, crash / timeout / memory overrun fail one
// invocation and replace one environment). Hot reload watches the bootstrap (custom runtimes) or
// the handler's file when it can be named (managed runtimes).

#include <memory>
#include <string>
#include <string_view>

#include "sluice/common/aws_error.h"
#include "sluice/common/defaults.h"
#include "sluice/functions/plugin_host.h"

namespace sluice::functions {

struct RuntimeFunctionCode {
  std::string runtime;                          // Lambda's Runtime value
  std::string code_directory;                   // LAMBDA_TASK_ROOT: the function's code, unpacked
  std::string handler;                          // Lambda's Handler value (_HANDLER)
  std::string region = common::kDefaultRegion;  // AWS_REGION
};

// True for a Runtime value sluice can run (the list above).
bool is_supported_runtime(std::string_view runtime);

// Starts the first environment (so a broken function is reported here, naming it) and returns
// its host. options.mode is ignored: Runtime API functions always run in processes.
common::Outcome<std::unique_ptr<PluginHost>, std::string> open_runtime_function(RuntimeFunctionCode code,
                                                                                FunctionConfig config,
                                                                                PluginHostOptions options = {});

}  // namespace sluice::functions
