// Fuzzes the HTTP/1.1 front (sluice/api/http/server.h: libuv + http_parser, request assembly,
// pipelining, body limits, answers in request order, half-closed connections) through a real
// socket: one server listens on 127.0.0.1 for the whole run, each input is written to a new
// connection whose write side is then shut down, and everything the server answers is read until
// it closes the connection.
//
// The handler answers at once, or, for a path ending in "/later", from a timer on the loop (so
// answers complete out of order behind pipelined requests). Invariants: every request handed over
// has a method, lowercase header names and a body within the limit; the server closes every
// connection (a half-closed client is answered, then let go); whatever it writes is HTTP/1.1
// responses, and a request handed to the handler is answered although the client half-closed.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "sluice/api/http/server.h"

namespace {

namespace http = sluice::api::http;

constexpr size_t kMaxBody = 64 * 1024;
constexpr int kCloseDeadlineMs = 20'000;  // generous: the machine may be loaded

std::atomic<size_t> g_handled{0};

void check_request(const http::Request& request) {
  if (request.method.empty()) std::abort();
  if (request.body.size() > kMaxBody) std::abort();  // the limit is enforced before the handler
  for (const auto& [name, value] : request.headers) {
    for (unsigned char c : name) {
      if (std::isupper(c)) std::abort();  // names are lowercased
    }
  }
}

struct LiveServer {
  uv_loop_t loop{};
  std::unique_ptr<http::Server> server;
  int port = 0;

  LiveServer() {
    std::promise<int> bound;
    auto ready = bound.get_future();
    std::thread([this, &bound] {
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
      server = http::Server::create(&loop, options, [this](http::Request&& request, http::ResponderPtr responder) {
        check_request(request);
        g_handled.fetch_add(1, std::memory_order_relaxed);
        http::Response response;
        response.headers.emplace_back("Content-Type", "text/plain");
        response.body = request.method + " " + request.path + "?" + request.query + " " +
                        std::to_string(request.headers.size()) + " " + std::to_string(request.body.size());
        if (request.path.ends_with("/later")) {
          server->add_timer(1, [responder, response]() mutable { responder->respond(std::move(response)); });
        } else {
          responder->respond(std::move(response));
        }
      });
      if (server->listen() != 0) std::abort();
      bound.set_value(server->port());
      uv_run(&loop, UV_RUN_DEFAULT);
    }).detach();
    port = ready.get();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static LiveServer* live = new LiveServer();  // lives for the whole run, on its own loop thread

  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) std::abort();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(live->port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();

  const size_t handled_before = g_handled.load();
  size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server refused the request and closed
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);

  std::string out;
  char buf[16 * 1024];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kCloseDeadlineMs) != 1) std::abort();  // the server never closed the connection
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;  // closed (or reset after a refusal)
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);

  if (!out.empty() && !out.starts_with("HTTP/1.1 ")) std::abort();  // whatever is written is HTTP/1.1
  // Nothing handed over to the handler may be left unanswered: an answer was written for it.
  if (g_handled.load() != handled_before && out.empty()) std::abort();
  return 0;
}
