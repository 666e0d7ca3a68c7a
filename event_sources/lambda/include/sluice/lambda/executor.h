#pragma once
// The seam between Lambda's control plane (event_sources/lambda) and what runs functions
// (runtime/): the control plane decides what a function is; an Executor makes its code runnable
// and runs it. event_sources never includes runtime/, so the runtime implements this interface
// and the embedder (sluice up) hands it to the ControlPlane.
//
// A record runs under deployment_name() (function.h): $LATEST and each published version are
// deployed, invoked and retired apart. Every "this function's code is now X" reaches the runtime
// through deploy(): at creation, after
// UpdateFunctionCode or UpdateFunctionConfiguration, and for every stored function at start.
//
// Event-source mappings: the control plane keeps a mapping's identity and its settings as given;
// the runtime validates them (AWS's rules and texts), polls and invokes, and answers the
// EventSourceMappingConfiguration JSON. A mapping invokes its function's current code.
//
// Threading: deploy() and retire() are called from the control plane's deployer thread, the
// others from the callers' threads; an implementation must be thread-safe.

#include <cstdint>
#include <optional>
#include <string>

#include "sluice/common/aws_error.h"
#include "sluice/lambda/function.h"
#include "sluice/lambda/mapping.h"

namespace sluice::lambda {

struct InvokeInput {
  std::string payload;         // the event JSON
  std::string request_id;      // empty: the executor makes one
  bool tail_log = false;       // LogType Tail: return the invocation's log
  std::string client_context;  // base64 JSON, as given
};

struct InvokeOutput {
  std::string request_id;
  std::string payload;         // the function's answer, or Lambda's error JSON on a function error
  std::string function_error;  // "" on success, "Unhandled" on a function error or timeout
  std::string log;             // the invocation's log lines (when asked for)
  std::string executed_version = "$LATEST";
  double duration_ms = 0;  // the time in the function's code (the Duration metric)
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Makes the function's current code and settings runnable, replacing what ran before. The
  // error is the reason it cannot run (it becomes the function's StateReason).
  virtual common::Outcome<common::Done, std::string> deploy(const FunctionRecord& function) = 0;
  // The deployment (a deployment_name()) is gone: release what runs it.
  virtual void retire(const std::string& deployment) = 0;
  // Runs the function once, synchronously. An error is Lambda's (the function is not deployed).
  virtual common::Outcome<InvokeOutput> invoke(const FunctionRecord& function, const InvokeInput& input) = 0;

  // Validates and starts a mapping of `function` (also at start-up, for stored mappings); the
  // answer is its configuration JSON.
  virtual common::Outcome<std::string> start_mapping(const MappingRecord& mapping, const FunctionRecord& function) = 0;
  // Applies changes (a JSON object of settable fields) to a running mapping; answers the new
  // configuration JSON. Nothing changes on error.
  virtual common::Outcome<std::string> update_mapping(const std::string& uuid, const std::string& changes_json) = 0;
  // Stops polling and waits for the batches in flight to be settled.
  virtual void stop_mapping(const std::string& uuid) = 0;
  // The running mapping's configuration JSON, or nullopt.
  virtual std::optional<std::string> mapping_configuration(const std::string& uuid) const = 0;
};

}  // namespace sluice::lambda
