#pragma once
// The function registry: the functions a runtime has declared, by name, and the ways to run them.
//
// - declare() opens the function's PluginHost and files it under the function's name.
// - find() hands a declared function to whoever drives it: an event-source mapping takes its host
//   (and reserved concurrency) and invokes it per batch.
// - invoke() runs a function once, synchronously.
// - invoke_async() is one attempt of an asynchronous invocation (what an SNS delivery makes), with
//   its failure in Lambda's terms; the caller does the retrying. When the attempts are spent,
//   on_failure() sends Lambda's invocation record to the function's OnFailure destination.
//
// Names: a function is named by its name or its ARN, arn:aws:lambda:REGION:ACCOUNT:function:NAME
// with an optional :QUALIFIER, which is ignored (every function has only $LATEST).
//
// Destinations: the registry reaches no queue itself. The embedder gives it a DestinationSender
// that delivers a record to a destination ARN (sluice sends it to an embedded SQS queue), so
// runtime/functions depends on no event source.
//
// Logging: with RegistryOptions::log set, each invocation of a declared function (through the
// registry or through its host) passes its log lines, framed by START/END lines the way Lambda's
// log stream shows them, to the sink in one piece; with RegistryOptions::log_format Json, as
// Lambda's JSON records (sluice/functions/log_format.h), and each Runtime API function gets
// AWS_LAMBDA_LOG_FORMAT=JSON so the shims write their logging calls as JSON too. With
// RegistryOptions::records set, the same lines go there too, one record per invocation, with their
// times and the environment that ran them (what CloudWatch Logs keeps per log stream).
//
// Threading and lifecycle: every method is thread-safe. A declared function's host lives as long
// as anyone holds the DeclaredFunction: clear() (or destroying the registry) forgets the
// functions, and each host is closed when its last holder lets go.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/common/mutex.h"
#include "sluice/functions/log_format.h"
#include "sluice/functions/plugin_host.h"
#include "sluice/functions/runtime_function.h"

namespace sluice::functions {

// Delivers an invocation record (JSON) to a destination ARN; true when the destination took it.
using DestinationSender = std::function<bool(const std::string& destination_arn, std::string record_json)>;
// Receives the log of one invocation (several lines, each ending in '\n'); called concurrently.
using InvocationLogSink = std::function<void(const std::string& text)>;

// One invocation's log as Lambda writes it to CloudWatch Logs: its lines (START, what the function
// logged, END, REPORT; or the JSON records of LogFormat::Json), each with its time, and the
// environment that ran it. Called concurrently, on the invoking thread: it must not block.
struct InvocationLogRecord {
  std::string function_name;
  std::string environment_id;                          // 32 hex digits; one per environment (per host when in process)
  std::vector<std::pair<int64_t, std::string>> lines;  // (ms since the epoch, line without '\n')
};
using InvocationRecordSink = std::function<void(InvocationLogRecord record)>;

struct RegistryOptions {
  std::string region = "us-east-1";  // of the ARNs given to declared functions
  std::string account_id = "123456789012";
  DestinationSender send_to_destination;   // empty: OnFailure destinations are never used
  InvocationLogSink log;                   // empty: invocations are not logged
  LogFormat log_format = LogFormat::Text;  // of what goes to `log`
  InvocationRecordSink records;            // empty: no per-invocation records (CloudWatch Logs)
  std::shared_ptr<common::Clock> clock;    // the invocation records' timestamps; default the system clock
};

// What declare() needs to know about a function.
struct FunctionSpec {
  // Plugin functions: path of the handler library. Runtime API functions (`runtime` set): Lambda's
  // Handler string (module.function, file.export, or whatever the bootstrap reads from _HANDLER).
  std::string handler;
  // Empty: a C-ABI plugin. Else Lambda's Runtime value (provided*, python3.x, nodejs*), run through
  // the Runtime API from code_directory (sluice/functions/runtime_function.h).
  std::string runtime;
  std::string code_directory;
  FunctionConfig config;  // an empty function_arn becomes arn:aws:lambda:REGION:ACCOUNT:function:NAME
  PluginHostOptions host;
  std::optional<int64_t> reserved_concurrency;
  std::string on_failure_destination;  // ARN that takes Lambda's invocation record; "" = none
};

struct DeclaredFunction {
  std::shared_ptr<PluginHost> host;  // logs each invocation when the registry has a log
  std::optional<int64_t> reserved_concurrency;
  std::string on_failure_destination;

  const FunctionConfig& config() const { return host->config(); }
};

// Lambda's failure of one asynchronous invocation attempt.
struct AsyncInvokeError {
  std::string type;  // "ResourceNotFoundException": no such function (not worth retrying);
                     // "Unhandled": the function failed or timed out
  std::string message;
};

class FunctionRegistry {
 public:
  explicit FunctionRegistry(RegistryOptions options);
  ~FunctionRegistry();
  FunctionRegistry(const FunctionRegistry&) = delete;
  FunctionRegistry& operator=(const FunctionRegistry&) = delete;

  // Opens the host (PluginHost::open: a missing file, wrong ABI or failed init is reported here)
  // and files the function under its name. A name can be declared once. Errors name the function.
  common::Outcome<std::shared_ptr<const DeclaredFunction>, std::string> declare(FunctionSpec spec) EXCLUDES(mu_);
  // The declared function, or null.
  std::shared_ptr<const DeclaredFunction> find(std::string_view name_or_arn) const EXCLUDES(mu_);
  // Every declared function, by name (what GET /metrics reports on).
  std::vector<std::shared_ptr<const DeclaredFunction>> all() const EXCLUDES(mu_);
  // Runs the function once. Fails only for an unknown function: "Function not found: <ARN>".
  common::Outcome<InvocationResult, std::string> invoke(std::string_view name_or_arn, const InvocationRequest& request)
      EXCLUDES(mu_);
  // One attempt of an asynchronous invocation with the event; nullopt on success.
  std::optional<AsyncInvokeError> invoke_async(std::string_view name_or_arn, std::string event_json) EXCLUDES(mu_);
  // What invoke_async answers for a run's result: nullopt for success, else Lambda's error.
  static std::optional<AsyncInvokeError> async_error(const InvocationResult& result);
  // Sends Lambda's invocation record (condition RetriesExhausted, the event, the last error) to the
  // function's OnFailure destination. False when the function is unknown or has no destination, or
  // the destination did not take it.
  bool on_failure(std::string_view name_or_arn, const std::string& event_json, int attempts,
                  const AsyncInvokeError& error) EXCLUDES(mu_);
  // Declares the function, or replaces the declaration of that name (new code or settings): new
  // invocations use the new host, invocations in flight finish on the old one. On failure the
  // old declaration stays. For the Lambda API, whose functions change while the runtime runs.
  common::Outcome<std::shared_ptr<const DeclaredFunction>, std::string> redeclare(FunctionSpec spec) EXCLUDES(mu_);
  // Forgets one function (its host closes when its last holder lets go); false when unknown.
  bool forget(std::string_view name) EXCLUDES(mu_);
  // Forgets every function.
  void clear() EXCLUDES(mu_);

 private:
  // Opens the host of a function (a plugin, or a Runtime API function when spec.runtime is set),
  // with the registry's ARN default and logging; files nothing.
  common::Outcome<std::shared_ptr<const DeclaredFunction>, std::string> open_function(FunctionSpec spec) const;

  const RegistryOptions options_;
  mutable common::Mutex mu_;
  std::map<std::string, std::shared_ptr<const DeclaredFunction>, std::less<>> functions_ GUARDED_BY(mu_);
};

// The function name in an ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]); anything
// else is taken as a name already.
std::string function_name_of(std::string_view name_or_arn);

}  // namespace sluice::functions
