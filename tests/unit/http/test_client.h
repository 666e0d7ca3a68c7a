#pragma once
// Test harness: a Server on its own loop thread, and a blocking raw-socket HTTP client with
// receive timeouts so that no test can hang on a missing answer.

#include "sluice/api/http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::api::http::test {

using namespace std::chrono_literals;

// Polls `cond` until it holds or `limit` passes.
inline bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds limit = 5000ms) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

class LoopServer {
 public:
  LoopServer(ServerOptions options, Handler handler) : LoopServer(std::move(options), std::move(handler), 0) {}
  // On `port` (servers sharing one, ServerOptions::servers_on_port).
  LoopServer(ServerOptions options, Handler handler, int port) {
    uv_loop_init(&loop_);
    options.port = port;
    server_ = Server::create(&loop_, std::move(options), std::move(handler));
    listen_rc_ = server_->listen();
    thread_ = std::thread([this] {
      uv_run(&loop_, UV_RUN_DEFAULT);
      loop_returned_ = true;
    });
  }
  ~LoopServer() {
    if (!stopped_) stop();
  }
  LoopServer(const LoopServer&) = delete;
  LoopServer& operator=(const LoopServer&) = delete;

  Server& server() { return *server_; }
  int port() const { return server_->port(); }
  int listen_rc() const { return listen_rc_; }
  bool drained() const { return drained_; }

  // Drains from the loop thread and waits (bounded) for uv_run to return. Returns whether the
  // loop returned and closed cleanly (no handle left behind).
  bool stop() {
    stopped_ = true;
    server_->post([this] { server_->drain([this] { drained_ = true; }); });
    if (!wait_for([this] { return loop_returned_.load(); }, 10000ms)) {
      // A loop that never returns would hang the suite: fail loudly instead.
      std::fprintf(stderr, "server loop did not return after drain\n");
      std::_Exit(3);
    }
    thread_.join();
    int close_rc = uv_loop_close(&loop_);
    server_.reset();
    return drained_ && close_rc == 0;
  }

 private:
  uv_loop_t loop_{};
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int listen_rc_ = 0;
  std::atomic<bool> loop_returned_{false};
  std::atomic<bool> drained_{false};
  bool stopped_ = false;
};

struct ParsedResponse {
  bool ok = false;
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

class Client {
 public:
  // receive_buffer: when set, the socket's SO_RCVBUF (small = a client that takes little at a time).
  explicit Client(int port, int timeout_ms = 3000, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (receive_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  // Half-close: the server sees EOF, this client can still read.
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads exactly n bytes (or fails on timeout/close).
  bool read_exact(size_t n, std::string& out) {
    while (buf_.size() < n) {
      if (!fill()) return false;
    }
    out = buf_.substr(0, n);
    buf_.erase(0, n);
    return true;
  }

  ParsedResponse read_response() {
    ParsedResponse r;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return r;
    }
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.1 ", 0) != 0) return r;
    r.status = std::atoi(status_line.c_str() + 9);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t v = line.find_first_not_of(' ', colon + 1);
        r.headers[name] = v == std::string::npos ? "" : line.substr(v);
      }
      pos = e + 2;
    }
    if (r.status >= 200) {
      auto cl = r.headers.find("content-length");
      if (cl == r.headers.end()) return r;
      if (!read_exact(static_cast<size_t>(std::stoul(cl->second)), r.body)) return r;
    }
    r.ok = true;
    return r;
  }

  // True if the server closes the connection (EOF or reset) before the receive timeout, with no
  // further bytes arriving first.
  bool closed_by_server() {
    if (!buf_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n == 0) return true;
    if (n < 0 && errno == ECONNRESET) return true;
    return false;
  }

  // Anything already received and not consumed.
  const std::string& pending() const { return buf_; }

 private:
  bool fill() {
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

// Collects responders handed out by a handler so a test thread can answer them later.
struct Parked {
  std::mutex mu;
  std::vector<std::pair<std::string, ResponderPtr>> items;  // (request path, responder)
  void add(std::string path, ResponderPtr r) {
    std::lock_guard lock(mu);
    items.emplace_back(std::move(path), std::move(r));
  }
  size_t size() {
    std::lock_guard lock(mu);
    return items.size();
  }
  std::vector<std::pair<std::string, ResponderPtr>> take() {
    std::lock_guard lock(mu);
    return std::move(items);
  }
};

inline Response text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace sluice::api::http::test
