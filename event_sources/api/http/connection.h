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
// our answer instead of a reset), and closes. EOF from the peer while requests are still
// unanswered means the client left (an abandoned long poll): the connection closes at once and
// the late answers are dropped; with everything answered, pending writes finish first.
//
// Idle: a connection with queued slots or writes in flight is busy. Otherwise it is closed after
// idle_timeout_ms without a byte received; one timer per connection re-arms lazily instead of
// being restarted on every read.

#include "server_impl.h"

#include <http_parser.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace sluice::api::http::detail {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(ServerImpl& server);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Accepts from `listener` and starts reading. Returns 0 or a libuv error (then the handles
  // are already being closed and the server will be told through remove_connection).
  int start(uv_stream_t* listener);

  // Loop thread. Puts a response into its slot; writes now unless a Batch is open.
  void fill(uint64_t seq, Slot slot);
  // Writes the ready prefix of the output queue.
  void flush();
  // Drain: accept no further requests; close as soon as the queue is written.
  void begin_drain();
  bool closed() const { return closed_; }
  bool dirty = false;  // already listed in the server's dirty list

 private:
  struct WriteReq;

  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown(uv_shutdown_t* req, int status);
  static void on_idle_timer(uv_timer_t* timer);
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

  void handle_read(ssize_t nread, const uv_buf_t* buf);
  uint64_t push_slot(Slot slot);
  void reject(Slot slot);  // answers with a final slot and stops parsing
  void reject_too_large();
  void maybe_finish();
  void graceful_close();
  void close_now();
  void arm_idle(uint64_t ms);

  ServerImpl& server_;
  uv_tcp_t tcp_{};
  uv_timer_t idle_{};
  uv_shutdown_t shutdown_req_{};
  int open_handles_ = 0;

  http_parser parser_{};
  Request request_;          // reused from one request to the next (see on_message_begin)
  size_t body_limit_ = 0;    // the current request's, decided when its headers are complete
  size_t headers_used_ = 0;  // entries of request_.headers filled for the current request
  std::string url_;
  bool header_value_last_ = false;
  bool expect_continue_ = false;

  std::deque<Slot> slots_;
  std::vector<std::string> out_parts_;  // flush()'s scratch list of buffers to write
  uint64_t head_seq_ = 0;               // sequence number of slots_.front()
  int writes_in_flight_ = 0;

  bool parsing_ = true;        // false: input is discarded
  bool last_request_ = false;  // close once the queue is written
  bool eof_ = false;
  bool shutting_ = false;
  bool closed_ = false;
  uint64_t last_active_ = 0;  // loop time of the last byte received or written
};

}  // namespace sluice::api::http::detail
