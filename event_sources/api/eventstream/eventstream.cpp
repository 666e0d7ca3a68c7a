// The event stream encoder: see eventstream.h.

#include "sluice/api/eventstream/eventstream.h"

#include <zlib.h>

#include <cstdint>

namespace sluice::api::eventstream {
namespace {

constexpr uint8_t kStringType = 7;
constexpr size_t kPreludeBytes = 8;
constexpr size_t kCrcBytes = 4;

void append_be32(std::string& out, uint32_t value) {
  out.push_back(static_cast<char>((value >> 24) & 0xff));
  out.push_back(static_cast<char>((value >> 16) & 0xff));
  out.push_back(static_cast<char>((value >> 8) & 0xff));
  out.push_back(static_cast<char>(value & 0xff));
}

uint32_t crc32_of(std::string_view bytes, uint32_t crc = 0) {
  return static_cast<uint32_t>(
      ::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

size_t header_bytes(const Header& h) { return 1 + h.name.size() + 1 + 2 + h.value.size(); }

}  // namespace

std::string encode(const std::vector<Header>& headers, std::string_view payload) {
  size_t headers_length = 0;
  for (const Header& h : headers) headers_length += header_bytes(h);
  const size_t total = kPreludeBytes + kCrcBytes + headers_length + payload.size() + kCrcBytes;

  std::string out;
  out.reserve(total);
  append_be32(out, static_cast<uint32_t>(total));
  append_be32(out, static_cast<uint32_t>(headers_length));
  append_be32(out, crc32_of(out));
  for (const Header& h : headers) {
    out.push_back(static_cast<char>(h.name.size()));
    out.append(h.name);
    out.push_back(static_cast<char>(kStringType));
    out.push_back(static_cast<char>((h.value.size() >> 8) & 0xff));
    out.push_back(static_cast<char>(h.value.size() & 0xff));
    out.append(h.value);
  }
  out.append(payload);
  append_be32(out, crc32_of(out));
  return out;
}

std::string event(std::string_view event_type, std::string_view payload, std::string_view content_type) {
  return encode({{":event-type", event_type}, {":content-type", content_type}, {":message-type", "event"}}, payload);
}

std::string exception(std::string_view exception_type, std::string_view payload, std::string_view content_type) {
  return encode({{":exception-type", exception_type}, {":content-type", content_type}, {":message-type", "exception"}},
                payload);
}

std::string error(std::string_view code, std::string_view message) {
  return encode({{":error-code", code}, {":error-message", message}, {":message-type", "error"}}, "");
}

}  // namespace sluice::api::eventstream
