// Connection: accepting, reading, parsing and request dispatch. Writing and back-pressure are in
// connection_output.cpp, deadlines and closing in connection_timers.cpp. See connection.h.

#include "connection.h"

#include "sluice/api/http/tls.h"

#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <exception>
#include <string_view>

namespace sluice::api::http::detail {
namespace {

// A reused request body keeps its buffer up to this size; a rare huge body is not kept per connection.
constexpr size_t kKeptBodyCapacity = size_t{64} * 1024;

// Answers one request. Holds only a weak reference to its connection, so a responder kept past
// the connection's life answers into the void instead of into freed memory.
class ResponderImpl final : public Responder {
 public:
  ResponderImpl(std::shared_ptr<Hub> hub, std::weak_ptr<Connection> conn, uint64_t seq, ConnHeader conn_header,
                bool head_request, bool http10, size_t max_output_bytes)
      : hub_(std::move(hub)),
        conn_(std::move(conn)),
        seq_(seq),
        conn_header_(conn_header),
        head_request_(head_request),
        http10_(http10),
        max_output_bytes_(max_output_bytes) {}
  ResponderImpl(const ResponderImpl&) = delete;
  ResponderImpl& operator=(const ResponderImpl&) = delete;

  // A request whose responder is dropped unanswered would stall its connection forever.
  ~ResponderImpl() override {
    if (!answered_.load(std::memory_order_acquire)) {
      Response r;
      r.status = 500;
      respond(std::move(r));
    }
  }

  void respond(Response response) override {
    if (answered_.exchange(true, std::memory_order_acq_rel)) return;
    ConnHeader ch = hub_->draining.load(std::memory_order_relaxed) ? ConnHeader::kClose : conn_header_;
    hub_->deliver(std::move(conn_), seq_, serialize_response(std::move(response), ch, head_request_));
  }

  BodyStreamPtr respond_stream(Response head) override {
    if (answered_.exchange(true, std::memory_order_acq_rel)) return nullptr;
    // HTTP/1.0 has no chunks: its body ends with the connection.
    const bool chunked = !http10_;
    const bool closes = !chunked || hub_->draining.load(std::memory_order_relaxed);
    auto state = std::make_shared<StreamState>();
    state->cap = max_output_bytes_;
    Slot slot = serialize_stream_head(std::move(head), closes ? ConnHeader::kClose : conn_header_, chunked);
    slot.stream = state;
    if (head_request_) {  // the answer to a HEAD request has no body to stream
      slot.stream_ended = true;
      state->open.store(false, std::memory_order_release);
    }
    const bool posted = hub_->enqueue_post([hub = hub_, conn = conn_, seq = seq_, slot = std::move(slot)]() mutable {
      if (hub->server != nullptr) hub->server->deliver_now(conn, seq, std::move(slot));
    });
    if (!posted) state->open.store(false, std::memory_order_release);
    return make_body_stream(hub_, conn_, seq_, std::move(state), chunked);
  }

  void on_cancel(std::function<void()> cancelled) override {
    if (answered_.load(std::memory_order_acquire)) return;
    if (auto conn = conn_.lock()) {
      conn->watch_cancel(seq_, std::move(cancelled));
    } else {
      cancelled();  // the connection is already gone
    }
  }

 private:
  std::shared_ptr<Hub> hub_;
  std::weak_ptr<Connection> conn_;
  uint64_t seq_;
  ConnHeader conn_header_;
  bool head_request_;  // a HEAD answer has the headers of the GET answer and no body
  bool http10_;
  size_t max_output_bytes_;
  std::atomic<bool> answered_{false};
};

Connection* from_parser(http_parser* p) { return static_cast<Connection*>(p->data); }

void lowercase_append(std::string& out, const char* at, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    char c = at[i];
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Splits a request target into path and query; absolute-form targets keep only their path.
void split_target(std::string_view u, Request& req) {
  if (!u.empty() && u[0] != '/' && u != "*") {
    if (auto scheme = u.find("://"); scheme != std::string_view::npos) {
      auto slash = u.find_first_of("/?", scheme + 3);
      u = slash == std::string_view::npos ? std::string_view("/") : u.substr(slash);
    }
  }
  if (auto hash = u.find('#'); hash != std::string_view::npos) u = u.substr(0, hash);
  auto q = u.find('?');
  if (q == std::string_view::npos) {
    req.path.assign(u);
    req.query.clear();
  } else {
    req.path.assign(u.substr(0, q));
    req.query.assign(u.substr(q + 1));
  }
  if (req.path.empty()) req.path = "/";
}

// The textual IP address of the socket's peer (IPv4 dotted, IPv6 without brackets), "" if the
// socket cannot tell. An IPv4 client of a dual-stack socket ("::ffff:127.0.0.1") is named as IPv4,
// as the address it has.
std::string peer_address(const uv_tcp_t& tcp) {
  sockaddr_storage address{};
  int length = sizeof address;
  if (uv_tcp_getpeername(&tcp, reinterpret_cast<sockaddr*>(&address), &length) != 0) return {};
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&address), text, sizeof text);
  } else if (address.ss_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&address), text, sizeof text);
    constexpr std::string_view kMappedV4 = "::ffff:";
    std::string_view name(text);
    if (name.substr(0, kMappedV4.size()) == kMappedV4 && name.find('.') != std::string_view::npos) {
      return std::string(name.substr(kMappedV4.size()));
    }
  }
  return text;
}

}  // namespace

Connection::Connection(ServerImpl& server) : server_(server) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

void Connection::init_handles() {
  uv_tcp_init(server_.loop(), &tcp_);
  tcp_.data = this;
  uv_timer_init(server_.loop(), &timer_);
  timer_.data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
  open_handles_ = 2;
}

int Connection::start(uv_stream_t* listener) {
  init_handles();
  int rc = uv_accept(listener, reinterpret_cast<uv_stream_t*>(&tcp_));
  if (rc == 0) rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read);
  if (rc != 0) {
    close_now();
    return rc;
  }
  uv_tcp_nodelay(&tcp_, 1);
  peer_ip_ = peer_address(tcp_);
  last_active_ = uv_now(server_.loop());
  check_deadlines();  // arms the timer
  return 0;
}

void Connection::start_in_memory(std::string* output) {
  init_handles();  // the TCP handle never gets a descriptor: closing it is all that happens to it
  in_memory_output_ = output;
  peer_ip_ = "127.0.0.1";
  last_active_ = uv_now(server_.loop());
  check_deadlines();  // arms the timer
}

// ---- reading ----

void Connection::deliver_read(ssize_t nread, const char* data) {
  const uv_buf_t buf = uv_buf_init(const_cast<char*>(data), nread > 0 ? static_cast<unsigned>(nread) : 0);
  on_read(reinterpret_cast<uv_stream_t*>(&tcp_), nread, &buf);
}

void Connection::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  // Every read is parsed (and copied into request strings) before the next alloc, so all
  // connections share the server's one read buffer.
  *buf = static_cast<Connection*>(handle->data)->server_.read_buffer();
}

void Connection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(stream->data);
  self->server_.hub()->note_loop_thread();
  ServerImpl::Batch batch(self->server_);
  self->handle_read(nread, buf);
}

void Connection::handle_read(ssize_t nread, const uv_buf_t* buf) {
  if (closed_) return;
  if (nread < 0) {
    if (nread == UV_EOF) {
      handle_eof();
    } else {
      close_now();
    }
    return;
  }
  if (nread == 0) return;
  last_active_ = uv_now(server_.loop());
  if (!parsing_) return;
  if (!transport_chosen_) choose_transport(buf->base[0]);
  if (tls_) {
    receive_tls(buf->base, static_cast<size_t>(nread));
  } else {
    parse(buf->base, static_cast<size_t>(nread));
  }
}

void Connection::choose_transport(char first_byte) {
  transport_chosen_ = true;
  constexpr char kTlsHandshakeRecord = 0x16;
  const auto& context = server_.options().tls;
  if (context && first_byte == kTlsHandshakeRecord) {
    tls_ = std::make_unique<TlsSession>(static_cast<SSL_CTX*>(context->native_handle()));
  }
}

void Connection::receive_tls(const char* data, size_t len) {
  tls_plain_.clear();
  std::string wire;
  const bool ok = tls_->receive(data, len, &tls_plain_, &wire);
  write_wire(std::move(wire));
  if (!ok) {
    // A broken handshake or record: nothing more can be read; end once the alert is written.
    parsing_ = false;
    last_request_ = true;
    maybe_finish();
    return;
  }
  if (!tls_plain_.empty()) parse(tls_plain_.data(), tls_plain_.size());
}

void Connection::handle_eof() {
  eof_ = true;
  parsing_ = false;
  last_request_ = true;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  if (shutting_) {
    close_now();  // the peer closed during our linger
    return;
  }
  // The peer may only have half-closed and still read what it is owed (see connection.h).
  eof_at_ = uv_now(server_.loop());
  if (!slots_.empty()) {
    const uint64_t grace = server_.options().half_closed_grace_ms;
    if (grace == 0) {
      close_now();
      return;
    }
    schedule_check(eof_at_ + grace);
  }
  maybe_finish();
}

void Connection::parse(const char* data, size_t len) {
  size_t parsed = http_parser_execute(&parser_, &parser_settings(), data, len);
  if (closed_ || !parsing_) return;  // we stopped on purpose (last request) or closed meanwhile
  if (read_paused_ && HTTP_PARSER_ERRNO(&parser_) == HPE_PAUSED) {
    // Back-pressure stopped us mid-read: keep the rest (the read buffer is shared) for later.
    http_parser_pause(&parser_, 0);
    unparsed_.assign(data + parsed, len - parsed);
    return;
  }
  if (HTTP_PARSER_ERRNO(&parser_) != HPE_OK || (parsed != len && !parser_.upgrade)) {
    Response bad;
    bad.status = 400;
    reject(serialize_response(std::move(bad), ConnHeader::kClose));
  } else if (parser_.upgrade) {
    // Protocol switches are not offered; answer what was received and end the connection.
    parsing_ = false;
    last_request_ = true;
    maybe_finish();
  }
}

const http_parser_settings& Connection::parser_settings() {
  static const http_parser_settings settings = [] {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_message_begin = on_message_begin;
    s.on_url = on_url;
    s.on_header_field = on_header_field;
    s.on_header_value = on_header_value;
    s.on_headers_complete = on_headers_complete;
    s.on_body = on_body;
    s.on_message_complete = on_message_complete;
    return s;
  }();
  return settings;
}

int Connection::on_message_begin(http_parser* p) {
  Connection* c = from_parser(p);
  // The previous request's strings are cleared, not freed: a keep-alive client sends the same
  // headers each time, so their buffers are reused (a handler that moved a string out leaves it
  // empty, which is fine too).
  Request& req = c->request_;
  req.method.clear();
  req.path.clear();
  req.query.clear();
  req.body.clear();
  if (req.body.capacity() > kKeptBodyCapacity) std::string().swap(req.body);
  c->headers_used_ = 0;
  c->url_.clear();
  c->header_value_last_ = false;
  c->expect_continue_ = false;
  c->in_request_ = true;
  c->request_started_ = uv_now(c->server_.loop());
  const uint64_t timeout = c->server_.options().request_timeout_ms;
  if (timeout > 0) c->schedule_check(c->request_started_ + timeout);
  return 0;
}

int Connection::on_url(http_parser* p, const char* at, size_t len) {
  from_parser(p)->url_.append(at, len);
  return 0;
}

int Connection::on_header_field(http_parser* p, const char* at, size_t len) {
  Connection* c = from_parser(p);
  auto& headers = c->request_.headers;
  if (c->headers_used_ == 0 || c->header_value_last_) {
    if (c->headers_used_ == headers.size()) headers.emplace_back();
    auto& slot = headers[c->headers_used_++];
    slot.first.clear();
    slot.second.clear();
  }
  c->header_value_last_ = false;
  lowercase_append(headers[c->headers_used_ - 1].first, at, len);
  return 0;
}

int Connection::on_header_value(http_parser* p, const char* at, size_t len) {
  Connection* c = from_parser(p);
  auto& headers = c->request_.headers;
  if (c->headers_used_ == 0) {
    if (headers.empty()) headers.emplace_back();
    headers[0].first.clear();
    headers[0].second.clear();
    c->headers_used_ = 1;
  }
  c->header_value_last_ = true;
  headers[c->headers_used_ - 1].second.append(at, len);
  return 0;
}

int Connection::on_headers_complete(http_parser* p) {
  Connection* c = from_parser(p);
  Request& req = c->request_;
  req.headers.resize(c->headers_used_);  // drops only slots the previous request used beyond ours
  req.method = http_method_str(static_cast<http_method>(p->method));
  req.secure = c->tls_ != nullptr;
  req.peer_ip = c->peer_ip_;
  split_target(c->url_, req);

  const ServerOptions& options = c->server_.options();
  c->body_limit_ = options.body_limit ? options.body_limit(req) : options.max_body_bytes;
  const size_t max_body = c->body_limit_;
  const bool has_length = (p->flags & F_CONTENTLENGTH) != 0 && (p->flags & F_CHUNKED) == 0;
  if (has_length && p->content_length > max_body) {
    c->reject_too_large();
    return 0;
  }
  if (has_length && p->content_length > 0) req.body.reserve(static_cast<size_t>(p->content_length));

  const std::string* expect = req.header("expect");
  if (expect != nullptr && iequals(*expect, "100-continue") && p->http_major == 1 && p->http_minor >= 1) {
    // Interim answers queue like final ones, so an earlier pipelined response is never split.
    c->fill(c->push_slot(Slot{}), continue_slot());
  }
  return 0;
}

int Connection::on_body(http_parser* p, const char* at, size_t len) {
  Connection* c = from_parser(p);
  if (c->request_.body.size() + len > c->body_limit_) {
    c->reject_too_large();
    return 0;
  }
  c->request_.body.append(at, len);
  return 0;
}

int Connection::on_message_complete(http_parser* p) {
  Connection* c = from_parser(p);
  c->in_request_ = false;
  const bool keep_alive = http_should_keep_alive(p) != 0 && !c->server_.draining();
  ConnHeader ch = ConnHeader::kNone;
  if (!keep_alive) {
    ch = ConnHeader::kClose;
  } else if (p->http_major == 1 && p->http_minor == 0) {
    ch = ConnHeader::kKeepAlive;
  }
  uint64_t seq = c->push_slot(Slot{});
  if (!keep_alive) {
    c->parsing_ = false;
    c->last_request_ = true;
    http_parser_pause(p, 1);
  }
  auto responder =
      std::make_shared<ResponderImpl>(c->server_.hub(), c->weak_from_this(), seq, ch, p->method == HTTP_HEAD,
                                      p->http_major == 1 && p->http_minor == 0, c->server_.options().max_output_bytes);
  try {
    c->server_.handler()(std::move(c->request_), responder);
  } catch (const std::exception&) {
    Response r;
    r.status = 500;
    responder->respond(std::move(r));
  }
  if (c->parsing_ && !c->closed_ && c->over_limits()) {
    // Parse no further in this read: the rest waits in unparsed_ (see parse()).
    c->apply_back_pressure();
    http_parser_pause(p, 1);
  }
  return 0;
}

uint64_t Connection::push_slot(Slot slot) {
  slots_.push_back(std::move(slot));
  return head_seq_ + slots_.size() - 1;
}

void Connection::reject(Slot slot) {
  uint64_t seq = push_slot(Slot{});
  parsing_ = false;
  last_request_ = true;
  in_request_ = false;
  if (HTTP_PARSER_ERRNO(&parser_) == HPE_OK) http_parser_pause(&parser_, 1);  // inside a callback
  fill(seq, std::move(slot));
}

void Connection::reject_too_large() {
  const auto& make = server_.options().on_too_large;
  Response r;
  if (make) {
    r = make(request_);
  } else {
    r.status = 413;
  }
  reject(serialize_response(std::move(r), ConnHeader::kClose));
}

}  // namespace sluice::api::http::detail
