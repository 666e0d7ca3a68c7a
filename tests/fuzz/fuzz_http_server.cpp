// Fuzzes the HTTP/1.1 front (sluice/api/http/server.h: libuv + http_parser, request assembly,
// pipelining, body limits, answers in request order, half-closed connections) in process: one
// server lives for the whole run on a loop this thread drives, and each input goes to a new
// connection without a socket (Connection::start_in_memory), through the read callback's own
// path, in reads of at most the server's read buffer, followed by the peer's half-close (EOF).
// The loop then runs until the server has closed the connection and let it go. No descriptor is
// opened per input, which is what holds the loopback variant to a few hundred inputs a second;
// the socket itself (accept, partial and queued writes, shutdown with linger) is what test_http
// and the integration suites drive over real loopback connections.
//
// The handler answers at once, or, for a path ending in "/later", from a timer on the loop (so
// answers complete out of order behind pipelined requests). Invariants: every request handed over
// has a method, lowercase header names and a body within the limit; the server closes every
// connection (a half-closed client is answered, then let go) within the deadline; whatever it
// writes is HTTP/1.1 responses, and a request handed to the handler is answered although the
// client half-closed.

#include <uv.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "connection.h"
#include "server_impl.h"

namespace {

namespace http = sluice::api::http;

constexpr size_t kMaxBody = 64 * 1024;
constexpr size_t kReadBytes = 64 * 1024;       // the server's read buffer: the most one socket read gives
constexpr uint64_t kCloseDeadlineMs = 20'000;  // loop time; generous, the machine may be loaded

size_t g_handled = 0;

void check_request(const http::Request& request) {
  if (request.method.empty()) std::abort();
  if (request.body.size() > kMaxBody) std::abort();  // the limit is enforced before the handler
  for (const auto& [name, value] : request.headers) {
    for (unsigned char c : name) {
      if (std::isupper(c)) std::abort();  // names are lowercased
    }
  }
}

struct World {
  uv_loop_t loop{};
  std::unique_ptr<http::detail::ServerImpl> server;

  World() {
    uv_loop_init(&loop);
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.max_body_bytes = kMaxBody;
    options.idle_timeout_ms = 5'000;
    options.request_timeout_ms = 5'000;
    options.half_closed_grace_ms = 1'000;
    options.on_too_large = [](const http::Request&) {
      http::Response r;
      r.status = 413;
      r.body = "too large";
      return r;
    };
    server = std::make_unique<http::detail::ServerImpl>(
        &loop, options, [this](http::Request&& request, http::ResponderPtr responder) {
          check_request(request);
          ++g_handled;
          http::Response response;
          response.headers.emplace_back("Content-Type", "text/plain");
          response.body = request.method + " " + request.path + "?" + request.query + " " +
                          std::to_string(request.headers.size()) + " " + std::to_string(request.body.size());
          if (request.path.ends_with("/later")) {
            // Due at once, but only on the loop's next turn: after the rest of this read is parsed.
            server->add_timer(0, [responder, response]() mutable { responder->respond(std::move(response)); });
          } else {
            responder->respond(std::move(response));
          }
        });
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();  // lives for the whole run

  const size_t handled_before = g_handled;
  std::string out;
  std::weak_ptr<http::detail::Connection> weak = world->server->open_in_memory(&out);
  uv_update_time(&world->loop);
  const uint64_t started = uv_now(&world->loop);
  size_t at = 0;
  bool eof_sent = false;
  // The connection leaves the server's list (and expires) once it closed and its handles are gone.
  while (auto conn = weak.lock()) {
    if (!conn->closed() && !conn->read_paused() && !eof_sent) {
      if (at < size) {
        const size_t n = std::min(kReadBytes, size - at);
        conn->deliver_read(static_cast<ssize_t>(n), reinterpret_cast<const char*>(data) + at);
        at += n;
      } else {
        conn->deliver_read(UV_EOF, nullptr);  // the client shut its write side
        eof_sent = true;
      }
      continue;
    }
    conn.reset();
    uv_run(&world->loop, UV_RUN_ONCE);  // resumed reads, "/later" answers, deadlines, close callbacks
    if (uv_now(&world->loop) - started > kCloseDeadlineMs) std::abort();  // the server never closed it
  }

  if (!out.empty() && !out.starts_with("HTTP/1.1 ")) std::abort();  // whatever is written is HTTP/1.1
  // Nothing handed over to the handler may be left unanswered: an answer was written for it.
  if (g_handled != handled_before && out.empty()) std::abort();
  return 0;
}
