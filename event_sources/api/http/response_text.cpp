// Response serialization: status line, headers and Content-Length into one buffer. Bodies up to
// kInlineBody are appended to that buffer (one iovec entry per response); larger bodies are
// written from their own string so they are never copied.

#include "server_impl.h"

#include <http_parser.h>

#include <charconv>
#include <cstring>
#include <ctime>

namespace sluice::api::http {

const std::string* Request::header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lowercase_name) return &value;
  }
  return nullptr;
}

namespace detail {
namespace {

constexpr size_t kInlineBody = size_t{8} * 1024;

// True when `name`, lowercased, is `lowercase`.
bool equals_lowercase(std::string_view name, std::string_view lowercase) {
  if (name.size() != lowercase.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lowercase[i]) return false;
  }
  return true;
}

bool is_content_length(std::string_view name) { return equals_lowercase(name, "content-length"); }

// "Date: <IMF-fixdate>\r\n", formatted at most once per second per thread.
std::string_view date_line() {
  thread_local time_t cached_at = 0;
  thread_local char line[64];
  thread_local size_t line_len = 0;
  time_t now = time(nullptr);
  if (now != cached_at || line_len == 0) {
    struct tm tm_utc;
    gmtime_r(&now, &tm_utc);
    line_len = strftime(line, sizeof line, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm_utc);
    cached_at = now;
  }
  return {line, line_len};
}

void append_number(std::string& out, uint64_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  (void)ec;
  out.append(digits, end);
}

}  // namespace

Slot serialize_response(Response&& response, ConnHeader conn_header, bool omit_body) {
  Slot slot;
  std::string& out = slot.head;
  size_t size = 96;
  for (const auto& [name, value] : response.headers) size += name.size() + value.size() + 4;
  size += response.header_lines.size();
  const bool inline_body = response.body.size() <= kInlineBody;
  if (inline_body) size += response.body.size();
  out.reserve(size);

  const char* reason = http_status_str(static_cast<http_status>(response.status));
  if (reason == nullptr || reason[0] == '<') reason = "Unknown";
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<uint64_t>(response.status < 0 ? 500 : response.status));
  out.push_back(' ');
  out.append(reason);
  out.append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (is_content_length(name)) continue;  // ours is the only truthful one
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  out.append(response.header_lines);
  out.append("Content-Length: ");
  append_number(out, response.body.size());
  out.append("\r\n");
  out.append(date_line());
  if (conn_header == ConnHeader::kClose) {
    out.append("Connection: close\r\n");
  } else if (conn_header == ConnHeader::kKeepAlive) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
  if (omit_body) return slot;
  if (inline_body) {
    out.append(response.body);
  } else {
    slot.body = std::move(response.body);
  }
  return slot;
}

Slot serialize_stream_head(Response&& head, ConnHeader conn_header, bool chunked) {
  Slot slot;
  std::string& out = slot.head;
  const char* reason = http_status_str(static_cast<http_status>(head.status));
  if (reason == nullptr || reason[0] == '<') reason = "Unknown";
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<uint64_t>(head.status < 0 ? 500 : head.status));
  out.push_back(' ');
  out.append(reason);
  out.append("\r\n");
  for (const auto& [name, value] : head.headers) {
    // The framing is the server's to say.
    if (is_content_length(name) || equals_lowercase(name, "transfer-encoding")) continue;
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  out.append(head.header_lines);
  if (chunked) out.append("Transfer-Encoding: chunked\r\n");
  out.append(date_line());
  if (conn_header == ConnHeader::kClose) {
    out.append("Connection: close\r\n");
  } else if (conn_header == ConnHeader::kKeepAlive) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
  return slot;
}

Slot continue_slot() {
  Slot slot;
  slot.head = "HTTP/1.1 100 Continue\r\n\r\n";
  return slot;
}

}  // namespace detail
}  // namespace sluice::api::http
