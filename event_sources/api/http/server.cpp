// ServerImpl: the listening socket, the cross-thread hand-off (Hub + one uv_async_t), the timer
// heap and the drain sequence. Per-connection work lives in connection.cpp.
//
// Connection cap: listen() settles how many connections may be open: max_connections, but no more
// than the descriptor limit leaves room for (an eighth of it, at least 32, stays for the store,
// plugins and pipes); servers sharing the port each take an even share of both. At the cap a new
// connection displaces the one quiet longest among those owed nothing (idle keep-alive, or
// receiving a request); if every connection is owed an answer the new one is accepted and closed,
// so the listen backlog never fills with clients left waiting.
//
// A shared port (servers_on_port > 1): the listener is a socket of our own, bound with
// SO_REUSEPORT and handed to libuv (uv_tcp_open), since libuv's own bind cannot set it.
//
// Timers: one unref'd uv_timer_t drives a min-heap of (deadline, id); cancel_timer only forgets
// the callback and the stale heap entry is skipped when it surfaces, so cancelling is O(1).
//
// Drain: close the listener, run on_drain, tell every connection to take no more requests (idle
// ones close at once, busy ones after their queue is written). When the listener and the last
// connection have closed, the async and timer handles are closed and `done` runs from the last
// close callback, after which the server owns no live handle on the loop.

#include "connection.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace sluice::api::http {

std::unique_ptr<Server> Server::create(uv_loop_t* loop, ServerOptions options, Handler handler) {
  return std::make_unique<detail::ServerImpl>(loop, std::move(options), std::move(handler));
}

namespace detail {
namespace {
constexpr size_t kReadBufferBytes = size_t{64} * 1024;
constexpr int kBacklog = 1024;

// libuv writes with write(2), which raises SIGPIPE when the peer is gone; its default action ends
// the process. A client that resets mid-answer must cost its connection (an EPIPE), not the server,
// so SIGPIPE is ignored unless the program already chose what to do with it.
void ignore_sigpipe() {
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
  }
}

int socket_address(const std::string& host, int port, sockaddr_storage* addr) {
  int rc = uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(addr));
  if (rc != 0) rc = uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(addr));
  return rc;
}

int port_of(const sockaddr_storage& bound) {
  if (bound.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
}

// A TCP socket bound to `addr`, not yet listening, with SO_REUSEADDR as libuv's own bind sets it
// (a restart binds a port whose old connections linger in TIME_WAIT) and SO_REUSEPORT when the
// port is shared. Returns 0 and *fd, or a libuv error code.
int bound_socket(const sockaddr_storage& addr, bool reuse_port, int* fd) {
  const int s = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s < 0) return uv_translate_sys_error(errno);
  const int on = 1;
  const socklen_t len = addr.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      (reuse_port && ::setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) ||
      ::bind(s, reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    const int err = errno;
    ::close(s);
    return uv_translate_sys_error(err);
  }
  *fd = s;
  return 0;
}
}  // namespace

// ---- Hub ----

void Hub::deliver(std::weak_ptr<Connection> conn, uint64_t seq, Slot slot) {
  if (on_loop_thread()) {
    if (server != nullptr) server->deliver_now(conn, seq, std::move(slot));
    return;
  }
  std::lock_guard lock(mu);
  if (!open) return;  // the server has finished: nobody is left to answer
  const bool wake = deliveries.empty() && posts.empty();
  deliveries.push_back(Delivery{std::move(conn), seq, std::move(slot)});
  if (wake) uv_async_send(async);
}

bool Hub::enqueue_post(std::function<void()> fn) {
  std::lock_guard lock(mu);
  if (!open) return false;
  const bool wake = deliveries.empty() && posts.empty();
  posts.push_back(std::move(fn));
  if (wake) uv_async_send(async);
  return true;
}

// ---- ServerImpl ----

ServerImpl::ServerImpl(uv_loop_t* loop, ServerOptions options, Handler handler)
    : loop_(loop),
      options_(std::move(options)),
      handler_(std::move(handler)),
      hub_(std::make_shared<Hub>()),
      read_buf_(kReadBufferBytes) {
  uv_async_init(loop_, &async_, on_async);
  async_.data = this;
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
  hub_->async = &async_;
  hub_->server = this;
}

ServerImpl::~ServerImpl() {
  // Owners drain before destroying; if one did not, at least keep other threads away from the
  // handles that are about to disappear.
  std::lock_guard lock(hub_->mu);
  hub_->open = false;
  hub_->async = nullptr;
  hub_->server = nullptr;
}

int ServerImpl::listen() {
  if (draining_) return UV_EINVAL;
  ignore_sigpipe();
  if (!listener_inited_) {
    int rc = uv_tcp_init(loop_, &listener_);
    if (rc != 0) return rc;
    listener_.data = this;
    listener_inited_ = true;
  }
  sockaddr_storage addr{};
  int rc = socket_address(options_.host, options_.port, &addr);
  if (rc != 0) return rc;
  const size_t share = std::max<size_t>(options_.servers_on_port, 1);
  if (share > 1) {
    int fd = -1;
    rc = bound_socket(addr, true, &fd);
    if (rc != 0) return rc;
    rc = uv_tcp_open(&listener_, fd);
    if (rc != 0) {
      ::close(fd);
      return rc;
    }
  } else {
    rc = uv_tcp_bind(&listener_, reinterpret_cast<const sockaddr*>(&addr), 0);
    if (rc != 0) return rc;
  }
  max_connections_ = std::max<size_t>((options_.max_connections + share - 1) / share, 1);
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    const size_t limit = static_cast<size_t>(files.rlim_cur);
    const size_t reserve = std::max<size_t>(32, limit / 8);
    const size_t room = limit > reserve + share ? (limit - reserve) / share : 1;
    max_connections_ = std::min(max_connections_, room);
  }
  rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), kBacklog, on_connection);
  if (rc != 0) return rc;
  sockaddr_storage bound{};
  int len = sizeof bound;
  rc = uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&bound), &len);
  if (rc != 0) return rc;
  port_ = port_of(bound);
  own_port_ = common::ListeningPort(static_cast<uint16_t>(port_));
  return 0;
}

void ServerImpl::on_connection(uv_stream_t* listener, int status) {
  auto* self = static_cast<ServerImpl*>(listener->data);
  self->hub_->note_loop_thread();
  if (status < 0 || self->draining_) return;
  if (self->connections_.size() - self->closing_ >= self->max_connections_ && !self->shed_one()) {
    self->refuse(listener);
    return;
  }
  auto conn = std::shared_ptr<Connection>(new Connection(*self));  // separate control block:
  // responders' weak_ptrs must not pin the connection's memory after it closed.
  Connection* raw = conn.get();
  raw->accept_order = ++self->accepted_;
  self->connections_.emplace(raw, std::move(conn));
  self->open_count_.store(self->connections_.size(), std::memory_order_relaxed);
  raw->start(listener);  // on failure it closes itself and is removed from its close callback
}

std::shared_ptr<Connection> ServerImpl::open_in_memory(std::string* output) {
  hub_->note_loop_thread();
  auto conn = std::shared_ptr<Connection>(new Connection(*this));
  conn->accept_order = ++accepted_;
  connections_.emplace(conn.get(), conn);
  open_count_.store(connections_.size(), std::memory_order_relaxed);
  conn->start_in_memory(output);
  return conn;
}

bool ServerImpl::shed_one() {
  Connection* oldest = nullptr;
  for (auto& [raw, conn] : connections_) {
    if (!raw->sheddable()) continue;
    if (oldest == nullptr || raw->quiet_since() < oldest->quiet_since() ||
        (raw->quiet_since() == oldest->quiet_since() && raw->accept_order < oldest->accept_order))
      oldest = raw;
  }
  if (oldest == nullptr) return false;
  oldest->close_now();  // its descriptor is released now, its entry when the handles have closed
  return true;
}

void ServerImpl::refuse(uv_stream_t* listener) {
  auto* tcp = new uv_tcp_t;
  uv_tcp_init(loop_, tcp);
  uv_accept(listener, reinterpret_cast<uv_stream_t*>(tcp));
  uv_close(reinterpret_cast<uv_handle_t*>(tcp),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_tcp_t*>(handle); });
}

void ServerImpl::remove_connection(Connection* conn) {
  auto it = connections_.find(conn);
  if (it == connections_.end()) return;
  auto keep = std::move(it->second);  // destroy after the map is consistent
  connections_.erase(it);
  --closing_;
  open_count_.store(connections_.size(), std::memory_order_relaxed);
  keep.reset();
  maybe_finish_drain();
}

void ServerImpl::deliver_now(const std::weak_ptr<Connection>& conn, uint64_t seq, Slot slot) {
  if (auto c = conn.lock()) c->fill(seq, std::move(slot));
}

void ServerImpl::flush_dirty() {
  while (!dirty_.empty()) {
    auto list = std::move(dirty_);
    dirty_.clear();
    for (auto& c : list) {
      c->dirty = false;
      c->flush();
    }
  }
}

void ServerImpl::post(std::function<void()> fn) { hub_->enqueue_post(std::move(fn)); }

void ServerImpl::on_async(uv_async_t* async) {
  auto* self = static_cast<ServerImpl*>(async->data);
  self->hub_->note_loop_thread();
  std::vector<Hub::Delivery> deliveries;
  std::vector<std::function<void()>> posts;
  {
    std::lock_guard lock(self->hub_->mu);
    deliveries.swap(self->hub_->deliveries);
    posts.swap(self->hub_->posts);
  }
  Batch batch(*self);
  for (auto& d : deliveries) self->deliver_now(d.conn, d.seq, std::move(d.slot));
  for (auto& fn : posts) fn();
}

// ---- timers ----

uint64_t ServerImpl::add_timer(uint64_t delay_ms, std::function<void()> fn) {
  if (finishing_) return 0;
  const uint64_t id = ++next_timer_id_;
  const uint64_t deadline = uv_now(loop_) + delay_ms;
  const bool earliest = timer_heap_.empty() || deadline < timer_heap_.top().deadline;
  timer_heap_.push(TimerEntry{deadline, id});
  timer_fns_.emplace(id, std::move(fn));
  if (earliest) rearm_timer();
  return id;
}

void ServerImpl::cancel_timer(uint64_t id) { timer_fns_.erase(id); }

void ServerImpl::rearm_timer() {
  while (!timer_heap_.empty() && !timer_fns_.contains(timer_heap_.top().id)) timer_heap_.pop();
  if (finishing_ || timer_heap_.empty()) {
    uv_timer_stop(&timer_);
    return;
  }
  const uint64_t now = uv_now(loop_);
  const uint64_t deadline = timer_heap_.top().deadline;
  uv_timer_start(&timer_, on_timer, deadline > now ? deadline - now : 0, 0);
}

void ServerImpl::on_timer(uv_timer_t* timer) {
  auto* self = static_cast<ServerImpl*>(timer->data);
  self->hub_->note_loop_thread();
  Batch batch(*self);
  const uint64_t now = uv_now(self->loop_);
  while (!self->timer_heap_.empty() && self->timer_heap_.top().deadline <= now) {
    const uint64_t id = self->timer_heap_.top().id;
    self->timer_heap_.pop();
    auto it = self->timer_fns_.find(id);
    if (it == self->timer_fns_.end()) continue;  // cancelled
    auto fn = std::move(it->second);
    self->timer_fns_.erase(it);
    fn();  // may add or cancel timers
    if (self->finishing_) return;
  }
  self->rearm_timer();
}

// ---- drain ----

void ServerImpl::drain(std::function<void()> done) {
  if (draining_) {
    // Already draining: the later callback replaces the earlier one only if none was given.
    if (!drain_done_) drain_done_ = std::move(done);
    return;
  }
  draining_ = true;
  hub_->draining.store(true, std::memory_order_relaxed);
  drain_done_ = std::move(done);
  if (listener_inited_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), on_listen_closed);
  } else {
    listener_closed_ = true;
  }
  {
    Batch batch(*this);
    if (options_.on_drain) options_.on_drain();
  }
  std::vector<std::shared_ptr<Connection>> conns;
  conns.reserve(connections_.size());
  for (auto& [raw, conn] : connections_) conns.push_back(conn);
  for (auto& conn : conns) conn->begin_drain();
  maybe_finish_drain();
}

void ServerImpl::on_listen_closed(uv_handle_t* handle) {
  auto* self = static_cast<ServerImpl*>(handle->data);
  self->listener_closed_ = true;
  self->maybe_finish_drain();
}

void ServerImpl::maybe_finish_drain() {
  if (!draining_ || finishing_ || !listener_closed_ || !connections_.empty()) return;
  finishing_ = true;
  std::vector<Hub::Delivery> deliveries;  // all for closed connections by now
  std::vector<std::function<void()>> posts;
  {
    std::lock_guard lock(hub_->mu);
    hub_->open = false;
    hub_->async = nullptr;
    deliveries.swap(hub_->deliveries);
    posts.swap(hub_->posts);
  }
  // Work posted before the end still runs; anything it posts now is dropped.
  for (auto& fn : posts) fn();
  hub_->server = nullptr;
  timer_fns_.clear();
  timer_heap_ = {};
  final_closes_pending_ = 2;
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), on_final_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_final_close);
}

void ServerImpl::on_final_close(uv_handle_t* handle) {
  auto* self = static_cast<ServerImpl*>(handle->data);
  if (--self->final_closes_pending_ > 0) return;
  auto done = std::move(self->drain_done_);
  if (done) done();  // may destroy the server: touch nothing after this
}

}  // namespace detail

int reserve_shared_port(const std::string& host, int port, int* chosen_port) {
  sockaddr_storage addr{};
  int rc = detail::socket_address(host, port, &addr);
  if (rc != 0) return rc;
  int fd = -1;
  rc = detail::bound_socket(addr, false, &fd);
  if (rc != 0) return rc;
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  rc = ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) == 0 ? 0 : uv_translate_sys_error(errno);
  ::close(fd);
  if (rc == 0) *chosen_port = detail::port_of(bound);
  return rc;
}

}  // namespace sluice::api::http
