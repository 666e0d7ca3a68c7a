// The epoll loop and connections of http_client.h. Level-triggered epoll: a connection always
// listens for input and asks for EPOLLOUT only while it has unwritten bytes or is connecting.

#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <strings.h>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bench_http {

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// ---- Conn ----

Conn::Conn(Loop& loop, const sockaddr_in& addr) : loop_(loop), addr_(addr) {}

Conn::~Conn() { close_socket(); }

bool Conn::open_socket() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc = ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_);
  if (rc != 0 && errno != EINPROGRESS) {
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  connecting_ = (rc != 0);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.ptr = this;
  want_write_ = true;
  ::epoll_ctl(loop_.epoll_fd(), EPOLL_CTL_ADD, fd_, &ev);
  return true;
}

void Conn::close_socket() {
  if (fd_ >= 0) {
    ::epoll_ctl(loop_.epoll_fd(), EPOLL_CTL_DEL, fd_, nullptr);
    ::close(fd_);
  }
  fd_ = -1;
  connecting_ = false;
  want_write_ = false;
  server_closes_ = false;
  in_.clear();
}

void Conn::update_interest() {
  bool want = connecting_ || out_off_ < out_.size();
  if (want == want_write_ || fd_ < 0) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
  ev.data.ptr = this;
  ::epoll_ctl(loop_.epoll_fd(), EPOLL_CTL_MOD, fd_, &ev);
  want_write_ = want;
}

void Conn::send(std::string request, ResponseFn done) {
  if (in_flight_) throw std::logic_error("request already in flight on this connection");
  out_ = std::move(request);
  out_off_ = 0;
  done_ = std::move(done);
  in_flight_ = true;
  started_ns_ = now_ns();
  if (fd_ < 0 && !open_socket()) {
    fail(std::string("connect: ") + std::strerror(errno));
    return;
  }
  if (!connecting_) flush();
}

void Conn::flush() {
  while (out_off_ < out_.size()) {
    ssize_t n = ::send(fd_, out_.data() + out_off_, out_.size() - out_off_, MSG_NOSIGNAL);
    if (n > 0) {
      out_off_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    fail(std::string("send: ") + std::strerror(errno));
    return;
  }
  update_interest();
}

void Conn::on_event(uint32_t events) {
  if (fd_ < 0) return;
  if (connecting_ && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      fail(std::string("connect: ") + std::strerror(err));
      return;
    }
    connecting_ = false;
    flush();
    if (fd_ < 0) return;
  } else if ((events & EPOLLOUT) && out_off_ < out_.size()) {
    flush();
    if (fd_ < 0) return;
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable();
}

void Conn::on_readable() {
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof buf) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    // End of stream or error.
    if (in_flight_ && try_parse(true)) return;
    if (in_flight_) {
      fail(n == 0 ? "connection closed by server before the response ended"
                  : std::string("recv: ") + std::strerror(errno));
    } else {
      close_socket();
    }
    return;
  }
  if (in_flight_) try_parse(false);
}

namespace {

bool header_is(std::string_view line, std::string_view name, std::string_view* value) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  if (strncasecmp(line.data(), name.data(), name.size()) != 0) return false;
  std::string_view v = line.substr(name.size() + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  *value = v;
  return true;
}

// Decodes a chunked body starting at `data`; returns false while incomplete.
bool dechunk(std::string_view data, std::string* body) {
  body->clear();
  size_t pos = 0;
  for (;;) {
    size_t eol = data.find("\r\n", pos);
    if (eol == std::string_view::npos) return false;
    size_t size = std::strtoul(std::string(data.substr(pos, eol - pos)).c_str(), nullptr, 16);
    pos = eol + 2;
    if (size == 0) return data.find("\r\n", pos) != std::string_view::npos;  // no trailers used
    if (data.size() < pos + size + 2) return false;
    body->append(data.substr(pos, size));
    pos += size + 2;
  }
}

}  // namespace

bool Conn::try_parse(bool eof) {
  size_t head_end = in_.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  std::string_view head(in_.data(), head_end);
  Response response;
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") {
    fail("malformed status line");
    return true;
  }
  response.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  long content_length = -1;
  bool chunked = false;
  server_closes_ = false;
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string_view line = head.substr(pos + 2, (next == std::string_view::npos ? head.size() : next) - pos - 2);
    std::string_view value;
    if (header_is(line, "content-length", &value)) content_length = std::atol(std::string(value).c_str());
    else if (header_is(line, "transfer-encoding", &value)) chunked = strncasecmp(value.data(), "chunked", 7) == 0;
    else if (header_is(line, "connection", &value)) server_closes_ = strncasecmp(value.data(), "close", 5) == 0;
    pos = next;
  }
  std::string_view rest(in_.data() + head_end + 4, in_.size() - head_end - 4);
  if (chunked) {
    if (!dechunk(rest, &response.body)) return false;
  } else if (content_length >= 0) {
    if (rest.size() < static_cast<size_t>(content_length)) return false;
    response.body.assign(rest.substr(0, static_cast<size_t>(content_length)));
  } else {
    if (!eof) return false;
    response.body.assign(rest);
    server_closes_ = true;
  }
  finish(response);
  return true;
}

void Conn::finish(Response& response) {
  int64_t latency = now_ns() - started_ns_;
  in_.clear();
  if (server_closes_) close_socket();
  in_flight_ = false;
  ResponseFn done = std::move(done_);
  done_ = nullptr;
  done(response, latency);
}

void Conn::fail(const std::string& reason) {
  close_socket();
  if (!in_flight_) return;
  Response response;
  response.status = 0;
  response.body = reason;
  finish(response);
}

// ---- Loop ----

Loop::Loop() : epfd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (epfd_ < 0) throw std::runtime_error("epoll_create1 failed");
}

Loop::~Loop() { ::close(epfd_); }

void Loop::at(int64_t at_ns, std::function<void()> fn) { timers_.emplace(at_ns, std::move(fn)); }

bool Loop::run(const std::function<bool()>& stop, int64_t deadline_ns) {
  epoll_event events[256];
  for (;;) {
    if (stop()) return true;
    int64_t now = now_ns();
    while (!timers_.empty() && timers_.begin()->first <= now) {
      auto fn = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
      fn();
      if (stop()) return true;
    }
    if (now >= deadline_ns) return false;
    int64_t wake = deadline_ns;
    if (!timers_.empty() && timers_.begin()->first < wake) wake = timers_.begin()->first;
    int64_t wait = wake - now;
    timespec timeout{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    int n = ::epoll_pwait2(epfd_, events, 256, &timeout, nullptr);
    if (n < 0 && errno != EINTR) throw std::runtime_error("epoll_pwait2 failed");
    for (int i = 0; i < n; ++i) {
      static_cast<Conn*>(events[i].data.ptr)->on_event(events[i].events);
    }
  }
}

}  // namespace bench_http
