#pragma once
// An execution environment: one process that runs a function's invocations one at a time. Two
// kinds exist: an isolated worker that has loaded a handler library (isolated_worker.h) and a
// process that runs a `bootstrap` speaking the Lambda Runtime API (runtime_api_environment.h).
// The pool that owns them (environment_pool.h) does not know which kind it holds.
//
// Lifecycle: a factory starts an environment and returns it once it is ready for its first
// invocation (init done) or reports why it could not. invoke() blocks until the answer, the
// deadline or the death of the process; after a crash, a timeout or a memory overrun the
// environment is dead (alive() == false) and its owner drops it. Destruction stops the process.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "invocation.h"

namespace sluice::functions::detail {

class Environment {
 public:
  virtual ~Environment() = default;
  // Runs one invocation. `req.deadline_ms` is on `clock`.
  virtual InvocationResult invoke(PreparedRequest& req, const common::Clock& clock) = 0;
  // False once the process is known to be gone (or was stopped).
  virtual bool alive() = 0;
  virtual uint64_t peak_memory_bytes() const = 0;
};

using EnvironmentFactory = std::function<common::Outcome<std::unique_ptr<Environment>, std::string>()>;

}  // namespace sluice::functions::detail
