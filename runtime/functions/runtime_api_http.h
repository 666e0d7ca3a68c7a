#pragma once
// The HTTP side of one environment's Runtime API listener: requests read from loopback
// connections with http_parser (Content-Length and chunked bodies alike), answers written back.
//
// Only the environment's own runtime connects, one request at a time per connection (keep-alive
// or not), so this is a small blocking-free reader driven by the environment's poll loop, not a
// general server.

#include <http_parser.h>

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <string_view>

namespace sluice::functions::detail {

struct ApiRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bool body_too_large = false;  // the body passed the reader's cap: `body` is cut

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class ApiConnection {
 public:
  // `max_body_bytes`: bodies beyond it are cut and flagged (the Runtime API answers 413).
  ApiConnection(int fd, size_t max_body_bytes);
  ~ApiConnection();
  ApiConnection(const ApiConnection&) = delete;
  ApiConnection& operator=(const ApiConnection&) = delete;

  int fd() const { return fd_; }
  // Reads what the socket has; false when the peer closed or sent something that is not HTTP.
  bool read_available();
  // The next complete request, if any.
  bool next_request(ApiRequest& out);
  // Writes an answer (blocking briefly: answers are small, the peer is local and waiting).
  bool answer(int status, std::string_view body, const std::map<std::string, std::string>& headers = {});
  bool closed() const { return fd_ < 0; }

 private:
  static int on_url(http_parser* p, const char* at, size_t n);
  static int on_header_field(http_parser* p, const char* at, size_t n);
  static int on_header_value(http_parser* p, const char* at, size_t n);
  static int on_body(http_parser* p, const char* at, size_t n);
  static int on_message_complete(http_parser* p);
  void close();

  int fd_;
  const size_t max_body_bytes_;
  http_parser parser_;
  http_parser_settings settings_;
  ApiRequest current_;
  std::string field_;
  bool in_value_ = false;
  bool keep_alive_ = true;
  std::deque<ApiRequest> ready_;
};

}  // namespace sluice::functions::detail
