#pragma once
// The plugin host: runs one function whose code is a handler shared library (ABI in
// <sluice/handler.h>).
//
// Modes (IsolationMode):
//   Isolated   the default. The library runs in execution environments: forked worker processes,
//              each serving one invocation at a time over a socket pair, started on demand up to
//              max_workers (the function's concurrency), reused warm and stopped after
//              idle_environment_ms without work. A crash, a hang past the timeout (the worker gets
//              SIGKILL) or a memory overrun past MemorySize fails only that invocation
//              (Runtime.ExitError, Sandbox.Timedout, Runtime.OutOfMemory) and only that
//              environment is replaced.
//   InProcessWhenConcurrent
//              the explicit fast path: in this process when the handler declares
//              SLUICE_HANDLER_CONCURRENT; a handler that does not is run Isolated instead, so it
//              still reaches its concurrency through separate environments.
//   InProcess  the library is dlopen'ed into this process whatever it declares. Fastest; a crash
//              takes the process down, a hang cannot be stopped (an answer that arrives after the
//              deadline is still reported as a timeout) and a non-concurrent handler runs one
//              invocation at a time.
//
// Timeout: an invocation's deadline (when the request gives none) is set when an environment
// takes it, so time spent waiting for a free environment is not charged.
//
// Hot reload: the file's identity (device, inode, size, mtime) is checked before each invocation
// (when reload_on_change) or by reload_if_changed(). A changed file is loaded as a new copy; new
// invocations use it while in-flight ones finish on the old copy, which is shut down and
// dlclose'd when its last invocation ends (shared ownership). A new version that fails to load
// is reported and the old one keeps serving.
//
// Lifecycle: open() loads and initialises (InProcess) or starts the first worker (Isolated), so a
// missing file, a missing symbol, a wrong ABI version or a failed init is reported there. The
// PluginHost may be destroyed only when no invoke() is running; destruction stops the workers.
//
// Threading: invoke() and reload_if_changed() are thread-safe. Handlers that do not declare
// SLUICE_HANDLER_CONCURRENT run one invocation at a time per loaded copy (InProcess) or per worker.
//
// Time: deadlines and the remaining time are on PluginHostOptions::clock. An isolated worker
// process has only the wall clock: it is handed the wall time at which the host's clock reaches
// the deadline, so its handler counts the remaining time in real milliseconds.

#include <sluice/handler.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"

namespace sluice::functions {

// Host operations answer Outcome<T, std::string> (sluice/common/aws_error.h): the value, or a
// readable message naming function and file.

struct FunctionConfig {
  std::string name;
  std::string function_arn;  // empty: in the default account and region (sluice/common/defaults.h)
  uint32_t memory_size_mb = 128;
  uint32_t timeout_ms = 3000;
  std::vector<std::pair<std::string, std::string>> environment;
};

enum class IsolationMode { InProcess, Isolated, InProcessWhenConcurrent };

// Lambda's default concurrency limit of an account: the most environments a function gets when
// nothing lower is set.
inline constexpr unsigned kAccountConcurrencyLimit = 1'000;
// How long an environment may stay idle before it is stopped.
inline constexpr int64_t kDefaultIdleEnvironmentMs = 5 * 60 * 1000;

struct PluginHostOptions {
  IsolationMode mode = IsolationMode::Isolated;
  bool reload_on_change = true;                             // check the file before every invocation
  unsigned max_workers = kAccountConcurrencyLimit;          // Isolated: environments, one invocation each at a time
  int64_t idle_environment_ms = kDefaultIdleEnvironmentMs;  // Isolated: on `clock`
  std::shared_ptr<common::Clock> clock;                     // deadlines and remaining time; default: the system clock
  // Isolated: told one line (no newline) when an environment starts, dies with its invocation
  // (crash, timeout, memory overrun) or is stopped after being idle. Called from invoking threads.
  std::function<void(const std::string& line)> environment_log;
};

// What a host's execution environments are doing (all zero in process).
struct EnvironmentStats {
  unsigned idle = 0;
  unsigned busy = 0;
  uint64_t started = 0;           // environments started since open(), replacements included
  uint64_t reaped_when_idle = 0;  // stopped after idle_environment_ms without work
};

struct InvocationRequest {
  std::string request_id;  // empty: a new UUID
  std::string event;       // event JSON; may be empty when sqs_records is given
  // The same SQS batch as structs. Used for handlers with the SQS fast path; for the others the
  // event JSON is built from them when `event` is empty.
  std::span<const sluice_sqs_record> sqs_records;
  int64_t deadline_ms = 0;  // Unix epoch ms on the host's clock; 0: now + the function's timeout
  // Invoke's ClientContext, decoded (JSON); Runtime API functions get it in the
  // Lambda-Runtime-Client-Context header. "" when none.
  std::string client_context;
};

struct InvocationResult {
  enum class Status { Success, FunctionError, Timeout };
  Status status = Status::Success;
  std::string request_id;
  // Success: the handler's JSON ("null" when it gave none). Errors: the AWS error payload
  // {"errorType":...,"errorMessage":...}.
  std::string payload = "null";
  std::string error_type;
  std::string error_message;
  std::string logs;  // log lines, each ending in '\n'
  // What Lambda's REPORT line tells (environment hosts; in process only duration_ms is measured):
  double duration_ms = 0;                  // real time in the handler
  uint64_t max_memory_used_bytes = 0;      // the environment's peak memory so far (0: not measured)
  std::optional<double> init_duration_ms;  // set on a cold start: the environment's init time
  // The execution environment that ran it (32 hex digits, one per environment process, as in the
  // names of Lambda's log streams); "" when it ran in process.
  std::string environment_id;

  bool ok() const { return status == Status::Success; }
};

class PluginHost {
 public:
  static common::Outcome<std::unique_ptr<PluginHost>, std::string> open(std::string path, FunctionConfig config,
                                                                        PluginHostOptions options = {});
  virtual ~PluginHost() = default;

  virtual InvocationResult invoke(const InvocationRequest& request) = 0;
  // true when a new version was loaded, false when the file is unchanged.
  virtual common::Outcome<bool, std::string> reload_if_changed() = 0;
  // Starts at 1 and grows by one with every successful reload.
  virtual uint64_t generation() const = 0;
  virtual const FunctionConfig& config() const = 0;
  virtual EnvironmentStats environments() const { return {}; }
  // The mode the host runs in (InProcessWhenConcurrent resolves to InProcess or Isolated).
  virtual IsolationMode mode() const = 0;
};

// The Lambda SQS event JSON for a batch of records (shape of aws-facts 3.6).
std::string sqs_event_json(std::span<const sluice_sqs_record> records);

}  // namespace sluice::functions
