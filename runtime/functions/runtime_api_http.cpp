// See runtime_api_http.h.
#include "runtime_api_http.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

namespace sluice::functions::detail {
namespace {

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Request Entity Too Large";
    default:
      return "Internal Server Error";
  }
}

ApiConnection* self(http_parser* p) { return static_cast<ApiConnection*>(p->data); }

}  // namespace

ApiConnection::ApiConnection(int fd, size_t max_body_bytes) : fd_(fd), max_body_bytes_(max_body_bytes) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
  http_parser_settings_init(&settings_);
  settings_.on_url = on_url;
  settings_.on_header_field = on_header_field;
  settings_.on_header_value = on_header_value;
  settings_.on_body = on_body;
  settings_.on_message_complete = on_message_complete;
}

ApiConnection::~ApiConnection() { close(); }

void ApiConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int ApiConnection::on_url(http_parser* p, const char* at, size_t n) {
  self(p)->current_.path.append(at, n);
  return 0;
}

int ApiConnection::on_header_field(http_parser* p, const char* at, size_t n) {
  ApiConnection* c = self(p);
  if (c->in_value_) {
    c->field_.clear();
    c->in_value_ = false;
  }
  for (size_t i = 0; i < n; ++i) c->field_ += static_cast<char>(std::tolower(static_cast<unsigned char>(at[i])));
  return 0;
}

int ApiConnection::on_header_value(http_parser* p, const char* at, size_t n) {
  ApiConnection* c = self(p);
  c->in_value_ = true;
  c->current_.headers[c->field_].append(at, n);
  return 0;
}

int ApiConnection::on_body(http_parser* p, const char* at, size_t n) {
  ApiConnection* c = self(p);
  ApiRequest& r = c->current_;
  if (r.body.size() + n > c->max_body_bytes_) {
    r.body_too_large = true;
    n = c->max_body_bytes_ - r.body.size();
  }
  r.body.append(at, n);
  return 0;
}

int ApiConnection::on_message_complete(http_parser* p) {
  ApiConnection* c = self(p);
  c->current_.method = http_method_str(static_cast<http_method>(p->method));
  c->keep_alive_ = http_should_keep_alive(p) != 0;
  c->ready_.push_back(std::move(c->current_));
  c->current_ = ApiRequest{};
  c->field_.clear();
  c->in_value_ = false;
  return 0;
}

bool ApiConnection::read_available() {
  if (fd_ < 0) return false;
  char buf[64 * 1024];
  ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
  if (n <= 0) {
    close();
    return false;
  }
  size_t parsed = http_parser_execute(&parser_, &settings_, buf, static_cast<size_t>(n));
  if (parser_.upgrade || parsed != static_cast<size_t>(n) || HTTP_PARSER_ERRNO(&parser_) != HPE_OK) {
    close();
    return false;
  }
  return true;
}

bool ApiConnection::next_request(ApiRequest& out) {
  if (ready_.empty()) return false;
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

bool ApiConnection::answer(int status, std::string_view body, const std::map<std::string, std::string>& headers) {
  if (fd_ < 0) return false;
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  if (!headers.contains("Content-Type")) out += "Content-Type: application/json\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (!keep_alive_) out += "Connection: close\r\n";
  out += "\r\n";
  out.append(body);
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close();
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  if (!keep_alive_) close();
  return true;
}

}  // namespace sluice::functions::detail
