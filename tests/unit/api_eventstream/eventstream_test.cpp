// The event stream encoder: byte-exact against the encoding's published test vectors, and the
// message kinds (event, exception, error) read back with their headers.

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sluice/api/eventstream/eventstream.h"

namespace es = sluice::api::eventstream;

namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

uint32_t be32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8) | static_cast<uint8_t>(s[at + 3]);
}

// Reads a message's string headers and payload back (lengths checked, CRCs not: the vectors do that).
struct Decoded {
  std::map<std::string, std::string> headers;
  std::string payload;
};
Decoded decode(const std::string& message) {
  Decoded d;
  REQUIRE(message.size() >= 16);
  const uint32_t total = be32(message, 0);
  const uint32_t headers_length = be32(message, 4);
  REQUIRE(total == message.size());
  size_t at = 12;
  const size_t headers_end = at + headers_length;
  while (at < headers_end) {
    const size_t name_length = static_cast<uint8_t>(message[at++]);
    std::string name = message.substr(at, name_length);
    at += name_length;
    REQUIRE(static_cast<uint8_t>(message[at++]) == 7);
    const size_t value_length =
        (static_cast<size_t>(static_cast<uint8_t>(message[at])) << 8) | static_cast<uint8_t>(message[at + 1]);
    at += 2;
    d.headers[name] = message.substr(at, value_length);
    at += value_length;
  }
  REQUIRE(at == headers_end);
  d.payload = message.substr(at, total - 4 - at);
  return d;
}

}  // namespace

TEST_CASE("an empty message is the 16 bytes of the empty_message test vector") {
  CHECK(es::encode({}, "") ==
        bytes({0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff}));
}

TEST_CASE("a payload with one string header is the payload_one_str_header test vector") {
  const std::string expected = bytes({0, 0, 0, 62, 0, 0, 0, 32, 64, 93, 249, 70, 12}) + "content-type" +
                               bytes({7, 0, 16}) + "application/json" + "{\"foo\": \"bar\"}" +
                               bytes({111, 162, 191, 59});
  CHECK(es::encode({{"content-type", "application/json"}}, "{\"foo\": \"bar\"}") == expected);
}

TEST_CASE("a changed byte changes the message CRC") {
  const std::string a = es::encode({}, "{}");
  const std::string b = es::encode({}, "[]");
  CHECK(a.substr(0, 12) == b.substr(0, 12));  // same lengths, same prelude
  CHECK(a.substr(a.size() - 4) != b.substr(b.size() - 4));
}

TEST_CASE("an event names its type, its content type and the message type") {
  const Decoded d = decode(es::event("sessionUpdate", "{\"sessionResults\":[]}"));
  CHECK(d.headers.at(":message-type") == "event");
  CHECK(d.headers.at(":event-type") == "sessionUpdate");
  CHECK(d.headers.at(":content-type") == "application/json");
  CHECK(d.payload == "{\"sessionResults\":[]}");
}

TEST_CASE("an exception names its modeled type; an error carries code and message in headers") {
  const Decoded ex = decode(es::exception("SessionTimeoutException", "{\"message\":\"over\"}"));
  CHECK(ex.headers.at(":message-type") == "exception");
  CHECK(ex.headers.at(":exception-type") == "SessionTimeoutException");
  CHECK(ex.payload == "{\"message\":\"over\"}");
  const Decoded err = decode(es::error("InternalFailure", "it broke"));
  CHECK(err.headers.at(":message-type") == "error");
  CHECK(err.headers.at(":error-code") == "InternalFailure");
  CHECK(err.headers.at(":error-message") == "it broke");
  CHECK(err.payload.empty());
}
