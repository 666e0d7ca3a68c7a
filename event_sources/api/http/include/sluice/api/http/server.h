#pragma once
// A small HTTP/1.1 server on a libuv loop, parsing with libhttp-parser. It knows nothing of AWS:
// it hands each complete request to a Handler on the loop thread, with a Responder that answers
// it exactly once, from any thread, now or later (a parked long poll answers later).
//
// Connections: keep-alive; pipelined requests are answered in request order; Content-Length and
// chunked bodies; a body over max_body_bytes (or body_limit's answer for
// the request) is answered with on_too_large's response and the
// connection closed; idle connections close after idle_timeout_ms.
//
// Holding under abuse (every limit is a ServerOptions field below):
// - Back-pressure: a connection stops being read while the answers it has not taken exceed
//   max_output_bytes or max_pending_requests of its requests are unanswered; it is read again once
//   it is under both. A connection whose output does not move for stalled_output_timeout_ms is
//   closed (a client that never reads).
// - A request must arrive whole within request_timeout_ms of its first byte (slowloris); otherwise
//   it is answered 408 and the connection closed.
// - A connection owed an answer (a parked long poll, an answer waiting for its commit) is never
//   idle and no timer closes it while the request is unanswered.
// - EOF while answers are owed: the client may have only half-closed (shutdown(SHUT_WR)) and
//   still read, or be gone; nothing tells the two apart without writing. Answers ready within
//   half_closed_grace_ms are written; after it the connection closes (an abandoned long poll).
// - At most max_connections are open, fewer when the descriptor limit (RLIMIT_NOFILE, read at
//   listen()) leaves less room; servers sharing a port (servers_on_port) split both evenly. A new
//   connection at the cap closes the connection that has been idle (or receiving one request)
//   longest; when every connection is owed an answer the new one is accepted and closed at once.
//
// Streamed answers (Responder::respond_stream): the status line and headers go out at once and
// the body follows in pieces, each written as one HTTP/1.1 chunk (Transfer-Encoding: chunked; an
// HTTP/1.0 client gets a body that ends when the connection closes). Pipelined requests behind it
// wait for its end. The per-connection output cap holds for it too: a piece that would take the
// connection's unsent output over max_output_bytes is refused (BodyStream::write says so) and the
// writer decides what to keep. A stream ends with end(), or when the connection closes (the client
// went away, a stalled client was closed, or the server drained); its on_close callback then runs.
// Draining waits for open streams: their owners end them from ServerOptions::on_drain.
//
// Lifecycle: create() -> listen() -> run the loop. drain() stops accepting, calls on_drain (so
// the owner can answer parked requests), waits for every request in flight to be answered and
// written, closes all connections, then calls the drain callback. The loop then has no more
// handles of the server's and uv_run returns. Destroy the Server after the loop stopped.

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::api::http {

class TlsContext;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // raw (not percent-decoded) path of the target, e.g. "/123456789012/q"
  std::string query;   // raw query string without '?', "" if none
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased, in arrival order
  std::string body;
  bool secure = false;  // arrived over TLS
  std::string peer_ip;  // the TCP peer's address as text ("127.0.0.1", "::1"), "" when unknown
  // First header with this lowercase name, or null.
  const std::string* header(std::string_view lowercase_name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added by the server
  // Further header lines, already formatted ("Name: value\r\n" each), written after `headers`:
  // a hot path fills one string instead of a pair of strings per header.
  std::string header_lines;
  std::string body;
};

// The body of a streamed answer (see the note above). Every method is thread-safe.
class BodyStream {
 public:
  enum class Write {
    kQueued,  // the piece will go out in order
    kFull,    // refused: the client has not taken enough of what it was sent; try again later
    kClosed,  // refused: the stream has ended or its connection is gone
  };
  virtual ~BodyStream() = default;
  // Queues one piece of the body (an empty piece is ignored).
  virtual Write write(std::string piece) = 0;
  // Ends the body; the connection goes on with its next request. Later writes are refused.
  virtual void end() = 0;
  // False once ended or once its connection closed.
  virtual bool open() const = 0;
  // `closed` runs once, on the loop thread, when the connection closes before end() (at once when
  // it already has). A later call replaces the earlier callback.
  virtual void on_close(std::function<void()> closed) = 0;
};
using BodyStreamPtr = std::shared_ptr<BodyStream>;

class Responder {
 public:
  virtual ~Responder() = default;
  // Thread-safe. The first call answers; later calls are ignored. If the connection is gone the
  // answer is dropped.
  virtual void respond(Response response) = 0;
  // Loop thread. Asks to hear when nobody is left to answer: `cancelled` runs on the loop thread
  // once the request's connection has closed (the client went away, or was closed for a timeout)
  // before an answer was sent, at once if it already has. Never after respond(). A request that
  // waits for something (a parked long poll) uses it to stop waiting and let go of what it holds.
  // A later call replaces the earlier callback. Responders without a connection never call it.
  virtual void on_cancel(std::function<void()> cancelled) { (void)cancelled; }
  // Thread-safe. Answers with `head` (status and headers; its body is ignored) and a body written
  // later through the returned stream. Counts as the answer: later calls of respond() are ignored.
  // Null when this responder cannot stream (it answered already, or has no connection).
  virtual BodyStreamPtr respond_stream(Response head) {
    (void)head;
    return nullptr;
  }
};
using ResponderPtr = std::shared_ptr<Responder>;

using Handler = std::function<void(Request&& request, ResponderPtr responder)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 9324;  // 0 = any free port (see Server::port())
  size_t max_body_bytes = size_t{2} * 1024 * 1024;
  // When set, decides each request's body limit from its headers instead of max_body_bytes (a
  // route that carries large uploads gets a larger one, every other route keeps the default).
  std::function<size_t(const Request& headers_only)> body_limit;
  // A keep-alive connection with nothing owed and nothing arriving closes after this long.
  uint64_t idle_timeout_ms = 60'000;
  // From a request's first byte to its last; 0 = no limit.
  uint64_t request_timeout_ms = 30'000;
  // Answers held for one connection (written to the socket but not yet taken by the client, or
  // ready behind an unanswered earlier request) above which the connection is not read.
  size_t max_output_bytes = size_t{4} * 1024 * 1024;
  // Unanswered requests of one connection at which it is not read (pipelining depth).
  size_t max_pending_requests = 32;
  // A connection with output waiting whose writes make no progress for this long is closed.
  uint64_t stalled_output_timeout_ms = 30'000;
  // After the client's EOF, how long answers still owed are waited for (see above).
  uint64_t half_closed_grace_ms = 2'000;
  // Open connections at most (further capped by the descriptor limit, see above). AWS sets no cap
  // on connections or parked long polls; this one bounds memory, and is as many as one client
  // address can open to one port (its ports), so it never refuses what a single host can send.
  size_t max_connections = 65'536;
  // Servers of this process, each on a loop of its own, that listen on this one port: above 1 the
  // listener binds with SO_REUSEPORT and the kernel spreads new connections among them (by a hash
  // of the client's address and port), and each takes its share of max_connections and of the
  // descriptor room. Check the port with reserve_shared_port() before the first of them listens.
  size_t servers_on_port = 1;
  // Builds the answer for a request whose body exceeds max_body_bytes (headers are complete).
  std::function<Response(const Request& headers_only)> on_too_large;
  // Called on the loop thread when drain() starts.
  std::function<void()> on_drain;
  // When set, connections that open with a TLS handshake are served over TLS (see tls.h).
  std::shared_ptr<TlsContext> tls;
};

// For servers that will share a port (ServerOptions::servers_on_port > 1): SO_REUSEPORT alone
// would let another process of the same user bind the port too and take a share of its clients
// unnoticed, so this binds host:port once without it (as an ordinary server would, SO_REUSEADDR
// only) and lets go. Returns 0 and sets *port to the port found free (the one the kernel picked for
// port 0), or a libuv error code (UV_EADDRINUSE when anything listens there).
int reserve_shared_port(const std::string& host, int port, int* chosen_port);

class Server {
 public:
  static std::unique_ptr<Server> create(uv_loop_t* loop, ServerOptions options, Handler handler);
  virtual ~Server() = default;
  // Binds and listens. Returns 0 or a libuv error code (uv_strerror gives the text).
  virtual int listen() = 0;
  virtual int port() const = 0;  // the bound port
  // Loop thread only. See the lifecycle note above.
  virtual void drain(std::function<void()> done) = 0;
  // Thread-safe: runs fn on the loop thread soon.
  virtual void post(std::function<void()> fn) = 0;
  // Loop thread only: a one-shot timer. Returns an id for cancel_timer. Timers do not keep a
  // drained server's loop alive.
  virtual uint64_t add_timer(uint64_t delay_ms, std::function<void()> fn) = 0;
  virtual void cancel_timer(uint64_t id) = 0;
  virtual size_t open_connections() const = 0;
};

}  // namespace sluice::api::http
