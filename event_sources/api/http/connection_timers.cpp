// Connection, its deadlines and its end: which timeout applies in which state (see connection.h),
// the drain, the graceful close with its linger, and closing at once.
//
// One uv_timer_t per connection. schedule_check() only ever brings the timer forward; when it
// fires, check_deadlines() acts on what has expired and re-arms for the nearest deadline still
// ahead. A state with no deadline of its own (a request parked by the handler) is re-checked every
// idle_timeout_ms, which is how a connection that becomes idle later is noticed without every
// write or answer touching the timer.

#include <algorithm>
#include <limits>

#include "connection.h"

namespace sluice::api::http::detail {
namespace {
// After our last response the peer gets this long to close before we do.
constexpr uint64_t kLingerMs = 1000;
}  // namespace

void Connection::begin_drain() {
  if (closed_) return;
  parsing_ = false;
  last_request_ = true;
  if (slots_.empty() && writes_in_flight_ == 0) {
    close_now();  // idle keep-alive: nothing owed to this client
  } else {
    maybe_finish();
  }
}

void Connection::maybe_finish() {
  if (!last_request_ || closed_ || shutting_) return;
  if (!slots_.empty() || writes_in_flight_ > 0) return;
  if (eof_) {
    close_now();
  } else {
    graceful_close();
  }
}

void Connection::graceful_close() {
  shutting_ = true;
  int rc = uv_shutdown(&shutdown_req_, reinterpret_cast<uv_stream_t*>(&tcp_), on_shutdown);
  if (rc != 0) close_now();
}

void Connection::on_shutdown(uv_shutdown_t* req, int status) {
  auto* c = static_cast<Connection*>(req->handle->data);
  if (c->closed_) return;
  if (status < 0 || c->eof_) {
    c->close_now();
    return;
  }
  // Keep reading (and discarding) until the peer closes, for at most the linger time.
  const uint64_t idle = c->server_.options().idle_timeout_ms;
  c->linger_until_ = uv_now(c->server_.loop()) + (idle > 0 ? std::min(idle, kLingerMs) : kLingerMs);
  c->schedule_check(c->linger_until_);
}

void Connection::schedule_check(uint64_t at) {
  if (closed_) return;
  if (timer_due_ != 0 && timer_due_ <= at) return;  // already due sooner
  const uint64_t now = uv_now(server_.loop());
  timer_due_ = std::max(at, now);
  uv_timer_start(&timer_, on_timer, timer_due_ - now, 0);
}

void Connection::on_timer(uv_timer_t* timer) {
  auto* c = static_cast<Connection*>(timer->data);
  c->timer_due_ = 0;
  if (!c->closed_) c->check_deadlines();
}

void Connection::check_deadlines() {
  const uint64_t now = uv_now(server_.loop());
  const ServerOptions& options = server_.options();
  uint64_t next = std::numeric_limits<uint64_t>::max();
  // True when the deadline `since + timeout` has passed; otherwise remembers it. 0 = no limit.
  auto expired = [&](uint64_t since, uint64_t timeout) {
    if (timeout == 0) return false;
    if (now >= since + timeout) return true;
    next = std::min(next, since + timeout);
    return false;
  };

  if (shutting_) {
    if (expired(0, linger_until_)) close_now();  // linger over
  } else if (eof_) {
    if (expired(eof_at_, options.half_closed_grace_ms)) close_now();  // owed answers did not come
  } else {
    if (writes_in_flight_ > 0 && expired(output_progress_at_, options.stalled_output_timeout_ms)) {
      close_now();  // the client takes nothing
      return;
    }
    if (in_request_ && parsing_ && !read_paused_ && expired(request_started_, options.request_timeout_ms)) {
      Response timeout;
      timeout.status = 408;
      reject(serialize_response(std::move(timeout), ConnHeader::kClose));
    } else if (idle() && expired(last_active_, options.idle_timeout_ms)) {
      close_now();
      return;
    }
  }
  if (closed_) return;
  // Whatever may apply later (idleness after a parked answer) is noticed by a lazy re-check.
  if (options.idle_timeout_ms > 0) next = std::min(next, now + options.idle_timeout_ms);
  if (next != std::numeric_limits<uint64_t>::max()) schedule_check(next);
}

void Connection::close_now() {
  if (closed_) return;
  closed_ = true;
  server_.connection_closing();
  // Requests still unanswered have nobody to answer to; those that asked are told once the
  // connection's own state is settled.
  std::vector<std::function<void()>> cancels;
  for (Slot& slot : slots_) {
    if ((!slot.ready || slot.streaming()) && slot.on_cancel) cancels.push_back(std::move(slot.on_cancel));
    if (slot.stream) slot.stream->open.store(false, std::memory_order_release);
  }
  slots_.clear();
  held_output_bytes_ = 0;
  unparsed_.clear();
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_handle_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_handle_closed);
  for (auto& cancelled : cancels) cancelled();
}

void Connection::on_handle_closed(uv_handle_t* handle) {
  auto* c = static_cast<Connection*>(handle->data);
  if (--c->open_handles_ == 0) c->server_.remove_connection(c);  // may destroy c
}

}  // namespace sluice::api::http::detail
