// bench_http: the load generator of the HTTP benchmarks. One mode per benchmark:
//   bench_http cycle    ...   http-cycle      (cycle.cpp)
//   bench_http park     ...   long-poll-park  (park.cpp)
//   bench_http wake     ...   wake-latency    (wake.cpp)
//   bench_http startup  ...   startup         (startup.cpp)
//   bench_http selftest       checks the generator's own pieces (SigV4, histogram, scanners)
// Every figure is one JSON object on its own line on stdout; diagnostics go to stderr.

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "common.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::string mode = argc > 1 ? argv[1] : "";
  std::vector<std::string> args(argv + (argc > 1 ? 2 : 1), argv + argc);
  if (mode == "cycle") return bench_http::run_cycle(args);
  if (mode == "park") return bench_http::run_park(args);
  if (mode == "wake") return bench_http::run_wake(args);
  if (mode == "startup") return bench_http::run_startup(args);
  if (mode == "selftest") return bench_http::run_selftest();
  std::fprintf(stderr, "usage: bench_http cycle|park|wake|startup|selftest [options]\n");
  return 64;
}
