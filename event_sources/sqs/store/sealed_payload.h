#pragma once
// The sealed payload of an encrypted message row: body and encoded attributes joined
// (record_codec.h) and sealed with AES-256-GCM, the associated data binding it to its row
// (seq, queue_id) so that a payload copied into another row fails to open. The store seals rows as
// it commits them; a row sealed with a KMS data key is opened by the engine when its message is
// first read (engine_kms.cpp), since opening it needs KMS.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/sqs/engine.h"
#include "store/at_rest_cipher.h"

namespace sluice::sqs::detail {

struct OpenedPayload {
  std::string body;
  MessageAttributes attributes;
};

std::string seal_payload(const AtRestCipher& cipher, std::string_view body, std::string_view encoded_attributes,
                         int64_t seq, int64_t queue_id);
// nullopt when the payload was not sealed under this key for this row, or does not decode.
std::optional<OpenedPayload> open_payload(const AtRestCipher& cipher, std::string_view sealed, int64_t seq,
                                          int64_t queue_id);

}  // namespace sluice::sqs::detail
