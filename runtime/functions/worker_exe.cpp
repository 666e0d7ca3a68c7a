// sluice-worker: the process of an isolated handler plugin (worker_process.h). It is started by
// the host with its socket on descriptor 3, reads the Load frame and serves the handler.
#include <signal.h>
#include <unistd.h>

#include <string>

#include "frame_codec.h"
#include "sluice/functions/plugin_host.h"
#include "worker_process.h"

int main() {
  using namespace sluice::functions;
  using namespace sluice::functions::detail;
  // A sanitizer runtime (test builds) installs crash handlers at start that turn a crash into
  // exit status 1; a handler's crash must end the worker by its signal, which is what is reported.
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    struct sigaction sa {};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
  FrameStream stream(kWorkerSocketFd);
  Frame frame;
  if (stream.next(kNoDeadline, frame) != ReadStatus::Ok || frame.type != FrameType::Load) _exit(6);
  std::string path;
  FunctionConfig config;
  if (!decode_load(frame.body, &path, &config)) _exit(6);
  serve_worker(kWorkerSocketFd, stream, path, config);
}
