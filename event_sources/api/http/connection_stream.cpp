// Connection, streamed answers: the BodyStream a responder hands out, and the connection's side of
// it (pieces into the answer's slot, the end, the close callback). See connection.h.

#include <cstdio>
#include <utility>

#include "connection.h"

namespace sluice::api::http::detail {
namespace {

// Runs `fn` on the loop thread, after every task posted before it. False when the server is gone.
bool post(const std::shared_ptr<Hub>& hub, std::function<void()> fn) { return hub->enqueue_post(std::move(fn)); }

// "<size in hex>\r\n<piece>\r\n": one HTTP/1.1 chunk.
std::string chunk(std::string_view piece) {
  char size[24];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
  std::string framed;
  framed.reserve(static_cast<size_t>(n) + piece.size() + 2);
  framed.append(size, static_cast<size_t>(n));
  framed.append(piece);
  framed.append("\r\n");
  return framed;
}

class BodyStreamImpl final : public BodyStream {
 public:
  BodyStreamImpl(std::shared_ptr<Hub> hub, std::weak_ptr<Connection> conn, uint64_t seq,
                 std::shared_ptr<StreamState> state, bool chunked)
      : hub_(std::move(hub)), conn_(std::move(conn)), seq_(seq), state_(std::move(state)), chunked_(chunked) {}
  BodyStreamImpl(const BodyStreamImpl&) = delete;
  BodyStreamImpl& operator=(const BodyStreamImpl&) = delete;

  // A stream its writer let go of unended would hold its connection's queue forever.
  ~BodyStreamImpl() override { end(); }

  Write write(std::string piece) override {
    if (!state_->open.load(std::memory_order_acquire)) return Write::kClosed;
    if (piece.empty()) return Write::kQueued;
    std::string framed = chunked_ ? chunk(piece) : std::move(piece);
    const size_t size = framed.size();
    const size_t unsent =
        state_->in_transit.load(std::memory_order_acquire) + state_->backlog.load(std::memory_order_acquire);
    // One piece larger than the cap still goes out when nothing else waits, or it never could.
    if (unsent > 0 && unsent + size > state_->cap) return Write::kFull;
    state_->in_transit.fetch_add(size, std::memory_order_acq_rel);
    const bool posted = post(hub_, [state = state_, conn = conn_, seq = seq_, framed = std::move(framed)]() mutable {
      state->in_transit.fetch_sub(framed.size(), std::memory_order_acq_rel);
      if (auto c = conn.lock()) c->stream_write(seq, std::move(framed));
    });
    if (!posted) {
      state_->open.store(false, std::memory_order_release);
      return Write::kClosed;
    }
    return Write::kQueued;
  }

  void end() override {
    if (ended_.exchange(true, std::memory_order_acq_rel)) return;
    state_->open.store(false, std::memory_order_release);
    post(hub_, [conn = conn_, seq = seq_, chunked = chunked_] {
      if (auto c = conn.lock()) c->stream_end(seq, chunked ? "0\r\n\r\n" : "", !chunked);
    });
  }

  bool open() const override { return state_->open.load(std::memory_order_acquire); }

  void on_close(std::function<void()> closed) override {
    const bool posted = post(hub_, [conn = conn_, seq = seq_, closed, weak = self_] {
      auto self = weak.lock();
      if (!self || self->ended_.load(std::memory_order_acquire)) return;  // ended by its writer
      if (auto c = conn.lock()) {
        c->watch_stream(seq, closed);
      } else {
        closed();
      }
    });
    (void)posted;  // a server that is gone runs no callback: its loop has stopped
  }

  void set_self(const std::shared_ptr<BodyStreamImpl>& self) { self_ = self; }

 private:
  std::shared_ptr<Hub> hub_;
  std::weak_ptr<Connection> conn_;
  uint64_t seq_;
  std::shared_ptr<StreamState> state_;
  bool chunked_;
  std::atomic<bool> ended_{false};
  std::weak_ptr<BodyStreamImpl> self_;
};

}  // namespace

BodyStreamPtr make_body_stream(std::shared_ptr<Hub> hub, std::weak_ptr<Connection> conn, uint64_t seq,
                               std::shared_ptr<StreamState> state, bool chunked) {
  auto stream = std::make_shared<BodyStreamImpl>(std::move(hub), std::move(conn), seq, std::move(state), chunked);
  stream->set_self(stream);
  return stream;
}

Slot* Connection::slot_at(uint64_t seq) {
  if (closed_ || seq < head_seq_ || seq - head_seq_ >= slots_.size()) return nullptr;
  return &slots_[static_cast<size_t>(seq - head_seq_)];
}

void Connection::ready_to_write() {
  if (server_.batching()) {
    if (!dirty) {
      dirty = true;
      server_.mark_dirty(shared_from_this());
    }
  } else {
    flush();
  }
}

void Connection::stream_write(uint64_t seq, std::string piece) {
  Slot* slot = slot_at(seq);
  if (slot == nullptr || !slot->streaming()) return;
  held_output_bytes_ += piece.size();
  slot->body.append(piece);
  if (seq == head_seq_) ready_to_write();
  publish_backlog();
}

void Connection::stream_end(uint64_t seq, std::string trailer, bool close_after) {
  Slot* slot = slot_at(seq);
  if (slot == nullptr || !slot->streaming()) return;
  held_output_bytes_ += trailer.size();
  slot->body.append(trailer);
  slot->stream_ended = true;
  slot->on_cancel = nullptr;
  if (close_after) {
    // A body delimited by the connection's close: nothing may follow it.
    parsing_ = false;
    last_request_ = true;
  }
  if (seq == head_seq_) ready_to_write();
}

void Connection::watch_stream(uint64_t seq, std::function<void()> closed) {
  if (closed_) {
    closed();
    return;
  }
  Slot* slot = slot_at(seq);
  if (slot != nullptr && slot->streaming()) slot->on_cancel = std::move(closed);
}

void Connection::publish_backlog() {
  if (closed_) return;
  bool any = false;
  for (const Slot& slot : slots_) any = any || slot.streaming();
  if (!any) return;
  const size_t backlog = output_backlog();
  for (const Slot& slot : slots_) {
    if (slot.streaming()) slot.stream->backlog.store(backlog, std::memory_order_release);
  }
}

}  // namespace sluice::api::http::detail
