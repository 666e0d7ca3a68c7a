#pragma once
// The worker process of an isolated plugin: a small executable of its own (sluice-worker), so a
// worker's memory is its own — a child merely forked from the server would start out sharing the
// server's whole heap, which counts against MemorySize and makes every memory sample walk it.
//
// Start: the host forks (on the spawner thread), the child resets what it inherited, puts its end
// of the socket pair on descriptor 3 and execs sluice-worker; the host then sends a Load frame
// (handler path and function configuration) and waits for Ready or LoadError. From there on the
// frames of frame_codec.h flow as before.
//
// Where sluice-worker is: $SLUICE_WORKER_EXECUTABLE when set, else next to the running program
// (bin/sluice-worker beside bin/sluice), else ../libexec/sluice/sluice-worker from it, else where
// the build tree that built this library put it (for the test and benchmark programs).

#include <string>
#include <string_view>

#include "frame_codec.h"
#include "sluice/functions/plugin_host.h"

namespace sluice::functions::detail {

// The worker's end of the socket pair, after exec.
inline constexpr int kWorkerSocketFd = 3;

// The Load frame's body, and its reading (false when malformed).
std::string encode_load(const std::string& path, const FunctionConfig& config);
bool decode_load(std::string_view body, std::string* path, FunctionConfig* config);

// The sluice-worker executable, or "" when there is none where it is looked for.
const std::string& worker_executable();

// In the forked child: resets signal state, asks for SIGKILL when the host dies, moves `fd` to
// kWorkerSocketFd, closes every other descriptor above stderr and execs `executable`. Uses only
// what is safe between fork and exec; never returns.
[[noreturn]] void exec_worker(int fd, const char* executable);

// In sluice-worker: loads the handler, reports Ready (or LoadError) and serves the invocations
// `frames` (reading `fd`) brings until the host closes the socket. Never returns.
[[noreturn]] void serve_worker(int fd, FrameStream& frames, const std::string& path, const FunctionConfig& config);

}  // namespace sluice::functions::detail
