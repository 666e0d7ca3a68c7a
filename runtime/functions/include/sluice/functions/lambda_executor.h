#pragma once
// The runtime side of Lambda's control plane: a lambda::Executor over the FunctionRegistry. The
// control plane hands every function it creates or changes to deploy(), which is the one place
// where "this function's code is now X" becomes something runnable: today a handler shared
// library for sluice's native runtime, found in the function's code by its Handler; managed
// runtimes plug in here.
//
// Native handler lookup in the code directory (the unpacked zip, or a hot-reload path): the
// Handler as a relative path, then NAME, libNAME.so and NAME.so for Handler NAME (and for the part
// before the first '.' of a "file.function" Handler), then the one .so at the top of the code.
// A hot-reload path that is a file is the library itself. Functions run isolated in worker
// processes, so a crash or hang fails only the invocation; a changed hot-reload library file is reloaded.
//
// Event-source mappings created over the API run here too (esm::EventSourceMapping over an
// embedded queue), invoking the function's current code from the registry per batch.
//
// Threading: thread-safe (the registry is).

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "sluice/common/work_pool.h"
#include "sluice/esm/event_source_mapping.h"
#include "sluice/esm/mapping_directory.h"
#include "sluice/functions/registry.h"
#include "sluice/lambda/executor.h"
#include "sluice/metrics/lambda_meter.h"
#include "sluice/sqs/engine.h"

namespace sluice::functions {

struct LambdaExecutorOptions {
  std::shared_ptr<common::Clock> clock;  // the function hosts' deadlines; default the system clock
  unsigned workers_per_function = 4;
  // Where the mappings' batches run (the process's one pool); default: a pool per mapping.
  std::shared_ptr<common::WorkPool> work_pool;
  // Told each change of an API-created mapping's LastProcessingResult (from its threads).
  std::function<void(const esm::ProcessingResultChange&)> on_processing_result;
  // Where API-created mappings are listed while they run (the server's health answer); may be null.
  std::shared_ptr<esm::MappingDirectory> mappings;
  // What the configuration file says of its functions (by name) that Lambda's API has no field
  // for; applied to their $LATEST.
  struct DeclaredSettings {
    bool in_process = false;             // Isolation "none": in process when the handler is thread-safe
    std::string on_failure_destination;  // of the attempts SNS makes through the registry
  };
  std::map<std::string, DeclaredSettings> declared;
  // AWS/Lambda metrics of the mappings' invocations (Invocations, Errors, Duration,
  // ConcurrentExecutions) and, for mappings with MetricsConfig EventCount, their event counts;
  // null: none recorded.
  std::shared_ptr<metrics::LambdaMeter> meter;
};

// Mappings read embedded queues of `engine`, which must outlive the executor.
std::unique_ptr<lambda::Executor> make_lambda_executor(FunctionRegistry& registry, sqs::Engine& engine,
                                                       LambdaExecutorOptions options);

// The handler library a native function's code provides, or an error saying what was looked for.
common::Outcome<std::string, std::string> find_native_handler(const std::string& code_path, const std::string& handler);

}  // namespace sluice::functions
