// Connection, the output side: answers fill their slots, the ready prefix of the queue is written
// in order, and back-pressure stops reading a connection that holds too much (see connection.h).

#include <array>
#include <utility>

#include "connection.h"

namespace sluice::api::http::detail {
namespace {
constexpr size_t kInlineBufs = 16;
}  // namespace

struct Connection::WriteReq {
  uv_write_t req;
  Connection* conn;
  std::vector<std::string> parts;
};

void Connection::watch_cancel(uint64_t seq, std::function<void()> cancelled) {
  if (closed_) {
    cancelled();
    return;
  }
  if (seq < head_seq_ || seq - head_seq_ >= slots_.size()) return;  // answered and written already
  Slot& target = slots_[static_cast<size_t>(seq - head_seq_)];
  if (!target.ready) target.on_cancel = std::move(cancelled);
}

void Connection::fill(uint64_t seq, Slot slot) {
  if (closed_ || seq < head_seq_ || seq - head_seq_ >= slots_.size()) return;
  Slot& target = slots_[static_cast<size_t>(seq - head_seq_)];
  target = std::move(slot);
  target.ready = true;
  held_output_bytes_ += target.head.size() + target.body.size();
  if (seq != head_seq_) {  // an earlier request is still unanswered: the answer waits here
    apply_back_pressure();
    return;
  }
  ready_to_write();
}

void Connection::flush() {
  if (closed_ || shutting_ || slots_.empty() || !slots_.front().ready) return;
  std::vector<std::string>& parts = out_parts_;  // reused; a queued write takes it over
  parts.clear();
  while (!slots_.empty() && slots_.front().ready) {
    Slot& s = slots_.front();
    held_output_bytes_ -= s.head.size() + s.body.size();
    if (!s.head.empty()) parts.push_back(std::exchange(s.head, std::string()));
    if (!s.body.empty()) parts.push_back(std::exchange(s.body, std::string()));
    if (s.streaming()) break;  // the rest of its body comes later; what follows waits for it
    slots_.pop_front();
    ++head_seq_;
  }
  if (parts.empty()) {
    // An end with nothing left to send (HTTP/1.0's close-delimited body, its last piece already
    // written) still finishes the connection: no write completion will come to do it.
    maybe_finish();
    return;
  }
  if (tls_) {
    // The answers leave as TLS records: one buffer of ciphertext replaces the parts.
    std::string wire;
    bool sealed = true;
    for (const std::string& part : parts) sealed = sealed && tls_->send(part, &wire);
    parts.clear();
    if (!sealed) {
      close_now();
      return;
    }
    parts.push_back(std::move(wire));
  }
  send_parts(parts);
}

void Connection::write_wire(std::string bytes) {
  if (closed_ || bytes.empty()) return;
  std::vector<std::string> parts;
  parts.push_back(std::move(bytes));
  send_parts(parts);
}

void Connection::send_parts(std::vector<std::string>& parts) {
  std::array<uv_buf_t, kInlineBufs> inline_bufs;
  std::vector<uv_buf_t> heap_bufs;
  uv_buf_t* bufs = inline_bufs.data();
  if (parts.size() > kInlineBufs) {
    heap_bufs.reserve(parts.size());
    for (auto& part : parts) heap_bufs.push_back(uv_buf_init(part.data(), static_cast<unsigned>(part.size())));
    bufs = heap_bufs.data();
  } else {
    for (size_t i = 0; i < parts.size(); ++i)
      inline_bufs[i] = uv_buf_init(parts[i].data(), static_cast<unsigned>(parts[i].size()));
  }
  unsigned nbufs = static_cast<unsigned>(parts.size());
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  // With nothing queued, write straight to the socket: a response that fits the socket buffer
  // (the usual case) then needs no write request, no completion callback and no poll-set change
  // (libuv re-arms the descriptor after every queued write completes).
  if (writes_in_flight_ == 0) {
    int written = in_memory_output_ != nullptr ? write_in_memory(bufs, nbufs) : uv_try_write(stream, bufs, nbufs);
    if (written < 0 && written != UV_EAGAIN) {
      parts.clear();
      close_now();
      return;
    }
    size_t left = written > 0 ? static_cast<size_t>(written) : 0;
    while (nbufs > 0 && left >= bufs->len) {
      left -= bufs->len;
      ++bufs;
      --nbufs;
    }
    if (nbufs == 0) {
      parts.clear();
      last_active_ = uv_now(server_.loop());
      apply_back_pressure();
      maybe_finish();
      return;
    }
    bufs->base += left;  // the rest goes through a queued write; its parts stay alive in w
    bufs->len -= left;
  }
  auto* w = new WriteReq;
  w->conn = this;
  w->parts = std::move(parts);  // moving keeps the strings' buffers, so bufs stay valid
  int rc = uv_write(&w->req, stream, bufs, nbufs, on_write);
  if (rc != 0) {
    delete w;
    close_now();
    return;
  }
  if (writes_in_flight_++ == 0) {
    output_progress_at_ = uv_now(server_.loop());
    const uint64_t stall = server_.options().stalled_output_timeout_ms;
    if (stall > 0) schedule_check(output_progress_at_ + stall);
  }
  apply_back_pressure();
}

int Connection::write_in_memory(const uv_buf_t* bufs, unsigned nbufs) {
  size_t total = 0;
  for (unsigned i = 0; i < nbufs; ++i) {
    in_memory_output_->append(bufs[i].base, bufs[i].len);
    total += bufs[i].len;
  }
  return static_cast<int>(total);
}

void Connection::on_write(uv_write_t* req, int status) {
  auto* w = reinterpret_cast<WriteReq*>(req);
  Connection* c = w->conn;
  delete w;
  --c->writes_in_flight_;
  if (status < 0) {
    c->close_now();
    return;
  }
  c->last_active_ = uv_now(c->server_.loop());
  c->output_progress_at_ = c->last_active_;
  c->apply_back_pressure();
  c->maybe_finish();
}

// ---- back-pressure ----

size_t Connection::output_backlog() const {
  return held_output_bytes_ + uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&tcp_));
}

bool Connection::over_limits() const {
  const ServerOptions& options = server_.options();
  return slots_.size() >= options.max_pending_requests || output_backlog() > options.max_output_bytes;
}

void Connection::apply_back_pressure() {
  publish_backlog();
  // Only a connection still parsing requests is throttled; one that is ending discards input.
  if (closed_ || !parsing_) return;
  if (!read_paused_) {
    if (over_limits()) {
      read_paused_ = true;
      uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    }
    return;
  }
  if (over_limits() || resume_posted_) return;
  // Resume from a posted task: this may run inside a write callback or a flush, and parsing the
  // kept bytes answers requests, which writes again.
  resume_posted_ = true;
  server_.hub()->enqueue_post([weak = weak_from_this()] {
    if (auto c = weak.lock()) c->continue_reading();
  });
}

void Connection::continue_reading() {
  resume_posted_ = false;
  if (closed_ || !parsing_ || !read_paused_ || over_limits()) return;
  read_paused_ = false;
  const uint64_t now = uv_now(server_.loop());
  if (in_request_) {
    // The request's clock ran while we were not reading: it starts again now.
    request_started_ = now;
    const uint64_t timeout = server_.options().request_timeout_ms;
    if (timeout > 0) schedule_check(now + timeout);
  }
  if (!unparsed_.empty()) {
    std::string kept = std::move(unparsed_);
    unparsed_.clear();
    parse(kept.data(), kept.size());
    if (closed_ || !parsing_ || read_paused_) return;
  }
  if (in_memory_output_ != nullptr) return;  // no socket: the next deliver_read() is the next read
  int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read);
  if (rc != 0) close_now();
}

}  // namespace sluice::api::http::detail
