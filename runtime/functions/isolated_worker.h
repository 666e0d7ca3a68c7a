#pragma once
// A worker process that runs one handler library outside the host process.
//
// start() forks and the child execs sluice-worker with its end of a socket pair
// (worker_process.h), so the worker's memory is its own, not a copy of the server's. The worker
// loads the library (a private copy, so the file may be rebuilt under it), calls init and reports
// Ready or LoadError. It then serves one invocation at a time: Invoke frames in, Log frames and
// one Answer frame out. It exits when the host closes the socket (after calling the handler's
// shutdown) or when the host dies (PR_SET_PDEATHSIG).
//
// A handler that crashes, hangs past the deadline (SIGKILL) or sends a malformed frame fails that
// invocation and leaves the worker dead (alive() == false); the owner drops it and starts a new
// one.
//
// Memory: from its start the worker is watched against the function's MemorySize
// (memory_watchdog.h); a worker past it is killed, and the invocation it was running fails with
// Runtime.OutOfMemory.

#include <sys/types.h>

#include <memory>
#include <string>

#include "environment.h"
#include "frame_codec.h"
#include "invocation.h"
#include "memory_watchdog.h"

namespace sluice::functions::detail {

class IsolatedWorker final : public Environment {
 public:
  static common::Outcome<std::unique_ptr<IsolatedWorker>, std::string> start(const std::string& path,
                                                                             const FunctionConfig& config);
  ~IsolatedWorker() override;  // closes the socket, waits briefly for a clean exit, then SIGKILL
  IsolatedWorker(const IsolatedWorker&) = delete;
  IsolatedWorker& operator=(const IsolatedWorker&) = delete;

  // Runs one invocation; blocks until the answer, the deadline (on `clock`) or the worker's death.
  InvocationResult invoke(PreparedRequest& req, const common::Clock& clock) override;

  bool alive() override { return fd_ >= 0; }
  pid_t pid() const { return pid_; }
  bool has_sqs_fast_path() const { return fast_path_; }
  // The highest private memory the worker was seen using (0 once it is reaped).
  uint64_t peak_memory_bytes() const override { return memory_ ? memory_->peak_bytes() : 0; }

 private:
  IsolatedWorker(pid_t pid, int fd) : pid_(pid), fd_(fd), frames_(fd) {}
  void kill_and_reap();
  // Why the worker went away, as AWS words a runtime exit.
  std::string exit_reason();

  pid_t pid_;
  int fd_;
  FrameStream frames_;                   // reads fd_; used only while fd_ is open
  std::unique_ptr<MemoryWatch> memory_;  // released before the process is reaped
  bool killed_for_memory_ = false;       // kept from memory_ when it is released
  bool fast_path_ = false;
  int exit_status_ = 0;
  bool reaped_ = false;
};

}  // namespace sluice::functions::detail
