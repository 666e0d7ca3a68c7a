// See sealed_payload.h.

#include "store/sealed_payload.h"

#include "store/record_codec.h"

namespace sluice::sqs::detail {
namespace {

std::string row_binding(int64_t seq, int64_t queue_id) {
  std::string out(16, '\0');
  for (int i = 0; i < 8; ++i) {
    out[static_cast<size_t>(i)] = static_cast<char>(static_cast<uint64_t>(seq) >> (56 - 8 * i));
    out[static_cast<size_t>(8 + i)] = static_cast<char>(static_cast<uint64_t>(queue_id) >> (56 - 8 * i));
  }
  return out;
}

}  // namespace

std::string seal_payload(const AtRestCipher& cipher, std::string_view body, std::string_view encoded_attributes,
                         int64_t seq, int64_t queue_id) {
  return cipher.seal(join_payload(body, encoded_attributes), row_binding(seq, queue_id));
}

std::optional<OpenedPayload> open_payload(const AtRestCipher& cipher, std::string_view sealed, int64_t seq,
                                          int64_t queue_id) {
  auto plain = cipher.open(sealed, row_binding(seq, queue_id));
  OpenedPayload out;
  std::string encoded_attributes;
  if (!plain || !split_payload(*plain, &out.body, &encoded_attributes)) return std::nullopt;
  auto attributes = decode_attributes(encoded_attributes);
  if (!attributes) return std::nullopt;
  out.attributes = std::move(*attributes);
  return out;
}

}  // namespace sluice::sqs::detail
