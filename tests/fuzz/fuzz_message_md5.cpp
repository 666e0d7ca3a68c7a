// Fuzzes the MD5 digests SQS answers with, against OpenSSL's one-shot MD5 and against AWS's
// documented layout of MD5OfMessageAttributes written out again here:
//   - body_md5 (per-thread reuse of the MD5 state of a prefix shared with the last body),
//   - body_md5_many (eight digests at once in AVX2 lanes, where the CPU has them),
//   - md5_lanes directly, and md5_of_body,
//   - md5_of_message_attributes: for each attribute in name order, the name, the data type (each
//     a 4-byte big-endian length and the bytes), one transport byte (1 String/Number, 2 Binary)
//     and the value (length and bytes).
//
// Input: byte 0 says how often the envelope repeats, then NUL-separated segments; segment 0 is the
// envelope, and each later segment makes a body (envelope repeated, then the segment) and an
// attribute (named after the segment, typed by its first byte). Long shared prefixes are what the
// prefix reuse keys on, so the bodies share one on purpose.
//
// The envelope is cut at kMaxEnvelope bytes: sixteen blocks are four times the shortest prefix the
// reuse keeps a state for, and an envelope repeated up to 96 KB let one input hash megabytes (six
// passes over sixteen bodies). It bounds the worst input; most inputs are far smaller, and what an
// ordinary one costs is ASan's allocator (the bodies, the attributes, the reference digests).

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/body_md5.h"
#include "engine/md5_lanes.h"
#include "message_rules/message_rules.h"
#include "sluice/common/crypto.h"

namespace {

namespace detail = sluice::sqs::detail;

std::array<uint8_t, 16> reference(std::string_view bytes) {
  const std::string raw = sluice::common::md5_raw(bytes);
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(raw[i]);
  return out;
}

void append_field(std::string& out, std::string_view bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  out += static_cast<char>(n >> 24);
  out += static_cast<char>(n >> 16);
  out += static_cast<char>(n >> 8);
  out += static_cast<char>(n);
  out += bytes;
}

std::string attributes_reference(const sluice::sqs::MessageAttributes& attributes) {
  std::string layout;
  for (const auto& [name, attribute] : attributes) {  // std::map: in name order
    const std::string_view type = attribute.data_type;
    const bool binary = type == "Binary" || type.starts_with("Binary.");
    append_field(layout, name);
    append_field(layout, type);
    layout += static_cast<char>(binary ? 2 : 1);
    append_field(layout, binary ? attribute.binary_value : attribute.string_value);
  }
  return sluice::common::md5_hex(layout);
}

constexpr size_t kMaxEnvelope = 16 * 64;  // MD5 blocks of 64 bytes

constexpr std::string_view kTypes[] = {"String",     "Number",  "Binary",  "String.label",
                                       "Binary.gif", "Binaryx", "Number.7"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t repeat = 1 + data[0] % 24;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string_view> segments;
  for (size_t at = rest.find('\0'); at != std::string_view::npos; at = rest.find('\0')) {
    segments.push_back(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  segments.push_back(rest);

  std::string envelope;
  for (size_t i = 0; i < repeat && envelope.size() < kMaxEnvelope; ++i) envelope += segments[0];
  if (envelope.size() > kMaxEnvelope) envelope.resize(kMaxEnvelope);
  std::vector<std::string> bodies;
  sluice::sqs::MessageAttributes attributes;
  for (size_t i = 1; i < segments.size() && i <= 16; ++i) {
    const std::string_view segment = segments[i];
    bodies.push_back(envelope + std::string(segment));
    sluice::sqs::MessageAttribute attribute;
    attribute.data_type = kTypes[segment.empty() ? 0 : static_cast<uint8_t>(segment[0]) % std::size(kTypes)];
    attribute.string_value = std::string(segment);
    attribute.binary_value = envelope;
    attributes[std::string(segment)] = attribute;
  }
  if (bodies.empty()) bodies.push_back(envelope);

  for (const std::string& body : bodies) {
    if (detail::body_md5(body) != reference(body)) std::abort();
    if (detail::md5_of_body(body) != sluice::common::md5_hex(body)) std::abort();
  }
  std::vector<std::string_view> views(bodies.begin(), bodies.end());
  std::vector<std::array<uint8_t, 16>> digests(views.size());
  detail::body_md5_many(views.data(), views.size(), digests.data());
  for (size_t i = 0; i < views.size(); ++i) {
    if (digests[i] != reference(views[i])) std::abort();
  }
  const size_t lanes = std::min(views.size(), detail::kMd5Lanes);
  std::array<std::array<uint8_t, 16>, detail::kMd5Lanes> lane_out{};
  if (detail::md5_lanes(views.data(), lanes, lane_out.data())) {
    for (size_t i = 0; i < lanes; ++i) {
      if (lane_out[i] != reference(views[i])) std::abort();
    }
  }

  const auto digest = detail::md5_of_message_attributes(attributes);
  if (attributes.empty() != !digest.has_value()) std::abort();
  if (digest && *digest != attributes_reference(attributes)) std::abort();
  return 0;
}
