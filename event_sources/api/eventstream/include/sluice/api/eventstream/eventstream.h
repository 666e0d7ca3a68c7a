#pragma once
// The AWS event stream encoding (content type application/vnd.amazon.eventstream): the framing of
// the messages a streaming operation's answer carries, one after another, in its body.
//
// A message is a prelude (total length and headers length, 4 bytes big-endian each), the prelude's
// CRC32, the headers, the payload, and the CRC32 of everything before it. A header is its name's
// length (1 byte), the name, a value type (1 byte) and the value; sluice writes string values (type
// 7: a 2-byte big-endian length, then UTF-8). CRC32 is the gzip one (zlib's crc32).
//
// What a message says is in its headers: `:message-type` is "event" (with `:event-type` naming the
// event member of the stream, and `:content-type` its payload's), "exception" (with
// `:exception-type` naming a modeled exception; the payload is its members), or "error" (with
// `:error-code` and `:error-message`, and no payload).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::api::eventstream {

// A string-valued header. Names are at most 255 bytes, values at most 32,767: the callers' own
// names and texts, never a client's input unchecked.
struct Header {
  std::string_view name;
  std::string_view value;
};

// One message with these headers, in this order, and this payload.
std::string encode(const std::vector<Header>& headers, std::string_view payload);

// An event of the stream: `event_type` names the member ("sessionUpdate", or "initial-response" for
// the JSON protocol's first message, which carries the operation's other output members).
std::string event(std::string_view event_type, std::string_view payload,
                  std::string_view content_type = "application/json");

// A modeled exception of the stream (a member with the error trait), its members as the payload.
std::string exception(std::string_view exception_type, std::string_view payload,
                      std::string_view content_type = "application/json");

// An unmodeled error: a code and a message in headers, no payload.
std::string error(std::string_view code, std::string_view message);

}  // namespace sluice::api::eventstream
