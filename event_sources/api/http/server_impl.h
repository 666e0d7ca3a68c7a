#pragma once
// Internal pieces of the HTTP server shared by server.cpp and connection.cpp.
//
// Threads: everything here runs on the loop thread except Hub, the one object responders on other
// threads touch. A response produced off the loop goes into Hub's queue; the first producer to
// find the queue empty wakes the loop with the single uv_async_t, and the loop drains the whole
// queue at once. Connections are owned by ServerImpl (shared_ptr); responders hold weak_ptrs and
// only ever lock them on the loop thread, so a Connection is always destroyed on the loop thread.
//
// Batching: loop callbacks (reads, the async wake-up, timers) open a Batch. A response that
// becomes ready inside a Batch only marks its connection dirty; when the outermost Batch ends,
// each dirty connection writes all its ready responses with one uv_write.

#include "sluice/api/http/server.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "sluice/common/own_listeners.h"

namespace sluice::api::http::detail {

class Connection;
class ServerImpl;

// What a streamed answer's writer (any thread) and its connection (loop thread) share.
struct StreamState {
  std::atomic<bool> open{true};       // false once ended or once the connection closed
  std::atomic<size_t> in_transit{0};  // bytes of pieces written and not yet taken in by the loop
  std::atomic<size_t> backlog{0};     // the connection's unsent output, as the loop last saw it
  size_t cap = 0;                     // max_output_bytes
};

// One pipelined request's place in a connection's output queue. `head` is the status line and
// headers (and small bodies); a large body stays in `body` so it is never copied.
//
// A streamed answer (`stream` set) is ready as soon as its head is: what has been written of its
// body is in `body`, and the slot stays at the front of the queue, written as pieces come, until
// its end (`stream_ended`).
struct Slot {
  bool ready = false;
  std::string head;
  std::string body;
  std::function<void()> on_cancel;  // unanswered or streaming: run if the connection closes
  std::shared_ptr<StreamState> stream;
  bool stream_ended = false;
  bool streaming() const { return stream != nullptr && !stream_ended; }
};

// What the response's Connection header must say.
enum class ConnHeader { kNone, kKeepAlive, kClose };

// Status line + headers (+ body when small) for one response. omit_body: answer to a HEAD request
// (Content-Length still gives the body's size).
Slot serialize_response(Response&& response, ConnHeader conn_header, bool omit_body = false);
// Status line and headers of a streamed answer: Transfer-Encoding: chunked when `chunked`, else a
// body delimited by the connection's close (HTTP/1.0; conn_header is then kClose).
Slot serialize_stream_head(Response&& head, ConnHeader conn_header, bool chunked);
// A ready slot for the interim "100 Continue".
Slot continue_slot();

struct Hub {
  struct Delivery {
    std::weak_ptr<Connection> conn;
    uint64_t seq;
    Slot slot;
  };

  std::mutex mu;
  bool open = true;                          // guarded by mu; false once the async handle is closing
  uv_async_t* async = nullptr;               // guarded by mu; valid while open
  std::vector<Delivery> deliveries;          // guarded by mu
  std::vector<std::function<void()>> posts;  // guarded by mu

  std::atomic<std::thread::id> loop_thread{};
  std::atomic<bool> draining{false};
  ServerImpl* server = nullptr;  // loop thread only; null once the server finished draining

  bool on_loop_thread() const { return loop_thread.load(std::memory_order_relaxed) == std::this_thread::get_id(); }
  void note_loop_thread() { loop_thread.store(std::this_thread::get_id(), std::memory_order_relaxed); }
  // Any thread. Routes a finished response to its connection.
  void deliver(std::weak_ptr<Connection> conn, uint64_t seq, Slot slot);
  // Any thread. Queues work for the loop; false if the server is gone.
  bool enqueue_post(std::function<void()> fn);
};

class ServerImpl final : public Server {
 public:
  ServerImpl(uv_loop_t* loop, ServerOptions options, Handler handler);
  ~ServerImpl() override;

  int listen() override;
  int port() const override { return port_; }
  void drain(std::function<void()> done) override;
  void post(std::function<void()> fn) override;
  uint64_t add_timer(uint64_t delay_ms, std::function<void()> fn) override;
  void cancel_timer(uint64_t id) override;
  size_t open_connections() const override { return open_count_.load(std::memory_order_relaxed); }

  // Loop thread. A connection accepted without a socket (Connection::start_in_memory), for fuzzing
  // the read path: it is the server's like any other and leaves its list once closed.
  std::shared_ptr<Connection> open_in_memory(std::string* output);

  // --- for Connection (loop thread) ---
  uv_loop_t* loop() const { return loop_; }
  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  const std::shared_ptr<Hub>& hub() const { return hub_; }
  bool draining() const { return draining_; }
  uv_buf_t read_buffer() { return uv_buf_init(read_buf_.data(), static_cast<unsigned>(read_buf_.size())); }
  void connection_closing() { ++closing_; }  // close_now() began; remove_connection() follows
  void remove_connection(Connection* conn);
  // Loop thread: a response for `seq` on `conn` is ready.
  void deliver_now(const std::weak_ptr<Connection>& conn, uint64_t seq, Slot slot);
  void mark_dirty(std::shared_ptr<Connection> conn) { dirty_.push_back(std::move(conn)); }
  bool batching() const { return batch_depth_ > 0; }

  class Batch {
   public:
    explicit Batch(ServerImpl& s) : s_(s) { ++s_.batch_depth_; }
    ~Batch() {
      if (--s_.batch_depth_ == 0) s_.flush_dirty();
    }
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

   private:
    ServerImpl& s_;
  };

 private:
  struct TimerEntry {
    uint64_t deadline;
    uint64_t id;
    bool operator>(const TimerEntry& o) const { return deadline != o.deadline ? deadline > o.deadline : id > o.id; }
  };

  static void on_connection(uv_stream_t* listener, int status);
  // At the connection cap: closes the connection quiet the longest among those that owe nothing;
  // false when every connection is owed an answer.
  bool shed_one();
  // Accepts the pending connection and closes it at once.
  void refuse(uv_stream_t* listener);
  static void on_async(uv_async_t* async);
  static void on_timer(uv_timer_t* timer);
  static void on_listen_closed(uv_handle_t* handle);
  static void on_final_close(uv_handle_t* handle);

  void flush_dirty();
  void rearm_timer();
  void maybe_finish_drain();

  uv_loop_t* loop_;
  ServerOptions options_;
  Handler handler_;
  std::shared_ptr<Hub> hub_;

  uv_tcp_t listener_{};
  bool listener_inited_ = false;
  bool listener_closed_ = false;
  int port_ = 0;
  common::ListeningPort own_port_;  // port_ in the process's own listeners, so deliveries can refuse it

  uv_async_t async_{};
  uv_timer_t timer_{};
  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timer_heap_;
  std::unordered_map<uint64_t, std::function<void()>> timer_fns_;
  uint64_t next_timer_id_ = 0;

  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
  size_t closing_ = 0;          // entries of connections_ whose handles are closing
  uint64_t accepted_ = 0;       // connections accepted so far (their accept_order)
  size_t max_connections_ = 0;  // options_.max_connections within the descriptor limit (listen())
  std::atomic<size_t> open_count_{0};
  std::vector<std::shared_ptr<Connection>> dirty_;
  int batch_depth_ = 0;
  std::vector<char> read_buf_;

  bool draining_ = false;
  bool finishing_ = false;
  int final_closes_pending_ = 0;
  std::function<void()> drain_done_;
};

}  // namespace sluice::api::http::detail
