#pragma once
// A minimal HTTP/1.1 client for load generation: one epoll loop on the calling thread, many
// keep-alive connections, one request in flight per connection, one-shot timers.
//
// A Conn connects lazily (non-blocking) on its first request and again after the server closed
// it (moto answers "Connection: close"). Responses are framed by Content-Length, chunked
// encoding, or the end of the connection. The latency handed to the callback runs from the call
// to send() (before the first byte is written) to the last byte of the response.

#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace bench_http {

int64_t now_ns();  // CLOCK_MONOTONIC

struct Response {
  int status = 0;  // 0: transport error (see body for the reason)
  std::string body;
};

using ResponseFn = std::function<void(Response&, int64_t latency_ns)>;

class Loop;

class Conn {
 public:
  Conn(Loop& loop, const sockaddr_in& addr);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Queues the complete request bytes; `done` runs on the loop thread with the response.
  // Precondition: no request in flight on this connection.
  void send(std::string request, ResponseFn done);

  bool busy() const { return in_flight_; }
  bool request_written() const { return in_flight_ && out_off_ == out_.size(); }

  void on_event(uint32_t events);  // called by Loop

 private:
  bool open_socket();
  void flush();
  void on_readable();
  bool try_parse(bool eof);  // true when a complete response was handed over
  void finish(Response& response);
  void fail(const std::string& reason);
  void close_socket();
  void update_interest();

  Loop& loop_;
  sockaddr_in addr_;
  int fd_ = -1;
  bool connecting_ = false;
  bool want_write_ = false;
  bool in_flight_ = false;
  bool server_closes_ = false;  // the response said Connection: close
  std::string out_;
  size_t out_off_ = 0;
  std::string in_;
  int64_t started_ns_ = 0;
  ResponseFn done_;
};

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs `fn` once on the loop thread at monotonic time `at_ns` (or soon after).
  void at(int64_t at_ns, std::function<void()> fn);

  // Dispatches events and timers until `stop()` returns true (checked after every event) or the
  // monotonic time reaches deadline_ns. Returns true if stop() became true.
  bool run(const std::function<bool()>& stop, int64_t deadline_ns);

  int epoll_fd() const { return epfd_; }

 private:
  int epfd_ = -1;
  std::multimap<int64_t, std::function<void()>> timers_;
};

// 127.0.0.1:port
sockaddr_in loopback(int port);

}  // namespace bench_http
