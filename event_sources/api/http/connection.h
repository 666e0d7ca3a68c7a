#pragma once
// One accepted TCP connection: feeds bytes to http_parser, hands each complete request to the
// handler with a Responder, and writes responses strictly in request order.
//
// Output queue: every request (and every interim "100 Continue") takes the next sequence number
// and a Slot in `slots_`. Responses may fill slots in any order; flush() writes the ready prefix
// of the queue in one uv_write. A request that ends the conversation (HTTP/1.0 without
// keep-alive, Connection: close, a body too large, malformed input, drain) sets
// `last_request_` and stops parsing; once the queue is empty and all writes completed the
// connection shuts down its write side, discards input for a short linger (so the client reads
// our answer instead of a reset), and closes. EOF from the peer ends reading; answers still owed
// are written if they come within half_closed_grace_ms (a client that only half-closed still
// reads them), after which the connection closes and later answers are dropped (the client left,
// e.g. an abandoned long poll). With everything answered, pending writes finish first.
//
// Back-pressure (connection_output.cpp): the bytes of answers this connection holds (ready slots
// not yet written plus libuv's write queue) and its unanswered requests are checked whenever they
// change. Over max_output_bytes or at max_pending_requests the connection stops reading
// (uv_read_stop); a request completed in the middle of a read pauses the parser and the rest of the
// read is kept in `unparsed_`, because the server's read buffer is shared. Back under both limits,
// the kept bytes are parsed from a posted task (never from inside a write callback, so resuming
// cannot recurse) and reading starts again.
//
// Deadlines (connection_timers.cpp): one timer per connection, armed for the nearest deadline that
// applies to the connection's state, and otherwise re-checked lazily every idle_timeout_ms:
//   - idle: nothing owed, nothing being written, no byte for idle_timeout_ms -> close;
//   - a request started and not complete after request_timeout_ms -> 408, close;
//   - writes in flight without completing for stalled_output_timeout_ms -> close;
//   - EOF with answers owed: half_closed_grace_ms to write them -> close;
//   - our write side shut down: a short linger for the peer's close -> close.
// A connection owed an answer (a parked request) matches none of these while it waits.
//
// Streamed answers (connection_stream.cpp): the slot of a streamed answer stays at the front of the
// queue while its writer adds pieces to it; each piece is written as it arrives. The writer's
// calls reach the connection as posted tasks, all through the Hub's one queue, so they keep the
// order they were made in whatever thread makes them. The writer reads how much output is unsent
// from the StreamState that publish_backlog() keeps current.
//
// In memory (start_in_memory): a connection without a socket, for fuzzing everything above the
// descriptor. Reads are handed to deliver_read(), which takes the read callback's own path; every
// write is taken whole at once into a string, as by a socket that never fills, so no write is ever
// queued; the shutdown of the write side fails (there is no descriptor), which closes at once as
// a failed shutdown does.
//
// The code is split by concern: connection.cpp reads and parses, connection_output.cpp writes
// and applies back-pressure, connection_stream.cpp streams bodies, connection_timers.cpp holds
// deadlines and the ways a connection ends.

#include "server_impl.h"
#include "tls_session.h"

#include <http_parser.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace sluice::api::http::detail {

class Connection;

// The BodyStream of streamed answer `seq` (connection_stream.cpp); `chunked` frames each piece as
// an HTTP/1.1 chunk, else pieces go out as they are and the end closes the connection.
BodyStreamPtr make_body_stream(std::shared_ptr<Hub> hub, std::weak_ptr<Connection> conn, uint64_t seq,
                               std::shared_ptr<StreamState> state, bool chunked);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(ServerImpl& server);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Accepts from `listener` and starts reading. Returns 0 or a libuv error (then the handles
  // are already being closed and the server will be told through remove_connection).
  int start(uv_stream_t* listener);
  // Starts without a socket (see above): whatever the connection writes is appended to *output,
  // which must outlive it.
  void start_in_memory(std::string* output);
  // What a read of the socket hands the read callback: `nread` bytes at `data`, or a libuv error
  // (UV_EOF: the peer half-closed). Loop thread.
  void deliver_read(ssize_t nread, const char* data);
  // Back-pressure stopped reading: a socket would not be read now.
  bool read_paused() const { return read_paused_; }

  // Loop thread. Puts a response into its slot; writes now unless a Batch is open.
  void fill(uint64_t seq, Slot slot);
  // Loop thread. Runs `cancelled` when the connection closes with request `seq` unanswered (at
  // once when it is closed already); forgotten when the request is answered.
  void watch_cancel(uint64_t seq, std::function<void()> cancelled);
  // Writes the ready prefix of the output queue.
  void flush();
  // Loop thread (connection_stream.cpp). A piece of streamed answer `seq`'s body, already framed.
  void stream_write(uint64_t seq, std::string piece);
  // Loop thread. Ends streamed answer `seq` with `trailer` (the last chunk, or nothing).
  void stream_end(uint64_t seq, std::string trailer, bool close_after);
  // Loop thread. Runs `closed` when the connection closes before streamed answer `seq` ends.
  void watch_stream(uint64_t seq, std::function<void()> closed);
  // Drain: accept no further requests; close as soon as the queue is written.
  void begin_drain();
  // Closes at once (the server sheds this connection to make room for a new one).
  void close_now();
  bool closed() const { return closed_; }
  // Owes nothing and writes nothing: closing it loses no answer.
  bool sheddable() const { return !closed_ && !shutting_ && slots_.empty() && writes_in_flight_ == 0; }
  // Loop time since which a sheddable connection has been idle, or receiving its current request.
  uint64_t quiet_since() const { return in_request_ ? request_started_ : last_active_; }
  bool dirty = false;  // already listed in the server's dirty list
  // The order the server accepted it in: among connections quiet since the same loop time (the
  // loop's clock has millisecond steps), the earlier one is the one quiet longest.
  uint64_t accept_order = 0;

 private:
  struct WriteReq;

  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown(uv_shutdown_t* req, int status);
  static void on_timer(uv_timer_t* timer);
  static void on_handle_closed(uv_handle_t* handle);

  // http_parser callbacks.
  static int on_message_begin(http_parser* p);
  static int on_url(http_parser* p, const char* at, size_t len);
  static int on_header_field(http_parser* p, const char* at, size_t len);
  static int on_header_value(http_parser* p, const char* at, size_t len);
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, size_t len);
  static int on_message_complete(http_parser* p);
  static const http_parser_settings& parser_settings();

  // connection.cpp
  void init_handles();  // the socket's and the timer's handles, not yet started
  void handle_read(ssize_t nread, const uv_buf_t* buf);
  void handle_eof();
  // The first byte read decides: a TLS handshake record starts a TlsSession, anything else is
  // plain HTTP (see tls.h).
  void choose_transport(char first_byte);
  void receive_tls(const char* data, size_t len);
  void parse(const char* data, size_t len);
  uint64_t push_slot(Slot slot);
  void reject(Slot slot);  // answers with a final slot and stops parsing
  void reject_too_large();

  // connection_output.cpp
  // Writes `parts` in order: straight to the socket when nothing is queued, else a queued write
  // that takes the strings over.
  void send_parts(std::vector<std::string>& parts);
  // The in-memory transport's write: takes every byte, answers how many (as uv_try_write would).
  int write_in_memory(const uv_buf_t* bufs, unsigned nbufs);
  // Writes bytes that are not an answer (TLS handshake messages and alerts).
  void write_wire(std::string bytes);
  size_t output_backlog() const;
  bool over_limits() const;
  // Stops or restarts reading as the limits say.
  void apply_back_pressure();
  void continue_reading();  // posted: parses kept bytes, then reads again

  // connection_stream.cpp
  Slot* slot_at(uint64_t seq);  // the slot of request `seq`, null when it is written or gone
  void ready_to_write();        // flush now, or at the end of the loop's batch
  void publish_backlog();       // tells open streams how much output is unsent

  // connection_timers.cpp
  void maybe_finish();
  void graceful_close();
  void schedule_check(uint64_t at);  // the timer fires no later than loop time `at`
  void check_deadlines();
  bool idle() const { return slots_.empty() && writes_in_flight_ == 0; }

  ServerImpl& server_;
  uv_tcp_t tcp_{};
  uv_timer_t timer_{};
  uv_shutdown_t shutdown_req_{};
  int open_handles_ = 0;
  std::string* in_memory_output_ = nullptr;  // set: no socket, writes go here (start_in_memory)

  bool transport_chosen_ = false;
  std::unique_ptr<TlsSession> tls_;  // null: plain HTTP
  std::string tls_plain_;            // the application data of the last TLS read, being parsed

  http_parser parser_{};
  Request request_;          // reused from one request to the next (see on_message_begin)
  std::string peer_ip_;      // read once when the connection is accepted
  size_t body_limit_ = 0;    // the current request's, decided when its headers are complete
  size_t headers_used_ = 0;  // entries of request_.headers filled for the current request
  std::string url_;
  bool header_value_last_ = false;
  bool expect_continue_ = false;
  bool in_request_ = false;       // a request has begun and is not complete
  uint64_t request_started_ = 0;  // loop time of its first byte (or of reading again after a pause)

  std::deque<Slot> slots_;
  std::vector<std::string> out_parts_;  // flush()'s scratch list of buffers to write
  uint64_t head_seq_ = 0;               // sequence number of slots_.front()
  int writes_in_flight_ = 0;
  size_t held_output_bytes_ = 0;  // bytes of ready slots not yet handed to the socket

  bool parsing_ = true;         // false: input is discarded
  bool read_paused_ = false;    // back-pressure: not reading
  bool resume_posted_ = false;  // continue_reading() is queued
  std::string unparsed_;        // input read but not parsed while paused
  bool last_request_ = false;   // close once the queue is written
  bool eof_ = false;
  bool shutting_ = false;
  bool closed_ = false;
  uint64_t last_active_ = 0;         // loop time of the last byte received or written
  uint64_t output_progress_at_ = 0;  // loop time a write was queued on an idle socket or completed
  uint64_t eof_at_ = 0;              // loop time of the peer's EOF
  uint64_t linger_until_ = 0;        // after our shutdown: when to stop waiting for the peer's close
  uint64_t timer_due_ = 0;           // loop time the timer fires at; 0 = not armed
};

}  // namespace sluice::api::http::detail
