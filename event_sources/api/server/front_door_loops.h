#pragma once
// The front door's loops (ApiOptions::loops; see the note on loops in server.h): one HTTP server
// per loop, all listening on one port. Loop 0 is the caller's loop, run by the caller; every other
// loop is made here and runs on a thread of its own from listen() until its server has drained.
//
// Sharing the port: with more than one loop the port is first checked free without SO_REUSEPORT
// (http::reserve_shared_port: no other process may be serving it, and port 0 becomes a concrete
// port), then each server binds it with SO_REUSEPORT and the kernel spreads new connections among
// them. A connection stays on the loop that accepted it for its whole life.
//
// Drain: drain() runs on loop 0's thread; each other server is drained on its own loop (a post),
// and `done` runs on loop 0's thread once the last of them has finished, through an async handle
// that keeps loop 0 running until then. The destructor drains the loops of its own that nobody
// drained (a server that failed to start) and joins their threads.
//
// Threads: open(), listen(), drain(), stop() and the destructor on loop 0's thread (the caller's);
// port(), size(), server() and open_connections() from any thread once listen() returned.

#include <uv.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "sluice/api/http/server.h"

namespace sluice::api::server::detail {

class FrontDoorLoops {
 public:
  // What each loop's server calls: the request, with the loop it arrived on.
  using Handler = std::function<void(size_t loop, http::Request&& request, http::ResponderPtr responder)>;
  // Called on a loop's thread when its server starts draining.
  using OnDrain = std::function<void(size_t loop)>;

  FrontDoorLoops(uv_loop_t* first, size_t count, Handler handler, OnDrain on_drain);
  ~FrontDoorLoops();
  FrontDoorLoops(const FrontDoorLoops&) = delete;
  FrontDoorLoops& operator=(const FrontDoorLoops&) = delete;

  // Makes the servers (not listening yet) from `options`, one per loop, on one port. Returns 0 or a
  // libuv error code (the port is served by another process).
  int open(http::ServerOptions options);
  // Every server listens, then the loops of their own start. Returns 0 or a libuv error code.
  int listen();
  void drain(std::function<void()> done);
  // Drains the loops of its own that still run (nobody drained them) and joins their threads;
  // loop 0's server is left as it is. Once; the destructor calls it if nobody did.
  void stop();

  size_t size() const { return servers_.size(); }
  http::Server& server(size_t loop) { return *servers_[loop]; }
  int port() const { return servers_.front()->port(); }
  size_t open_connections(size_t loop) const { return servers_[loop]->open_connections(); }
  size_t open_connections() const;

 private:
  struct OwnLoop {
    uv_loop_t loop{};
    std::thread thread;
  };

  void loop_drained();  // any loop's thread, once per loop
  static void on_all_drained(uv_async_t* async);

  uv_loop_t* first_;
  Handler handler_;
  OnDrain on_drain_;
  std::vector<std::unique_ptr<OwnLoop>> own_;  // loops 1..count-1
  std::vector<std::unique_ptr<http::Server>> servers_;
  bool draining_ = false;
  bool stopped_ = false;
  std::atomic<size_t> undrained_{0};
  uv_async_t all_drained_{};  // loop 0: the last loop drained (more than one loop)
  std::function<void()> drain_done_;
};

}  // namespace sluice::api::server::detail
