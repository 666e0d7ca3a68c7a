#pragma once
// Receipt handles name one receive of one message: queue, message sequence and the receive count
// at the time. A new receive makes a new handle, and whether an old handle still works is decided
// by comparing its receive count with the message's (standard and FIFO queues differ; see
// queue.cpp). Handles survive restarts because everything in them is durable state. A checksum
// tells garbage from handles sluice made.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::sqs::detail {

struct ReceiptHandle {
  int64_t queue_id = 0;
  int64_t seq = 0;
  int32_t receive_count = 0;
};

std::string encode_receipt_handle(const ReceiptHandle& handle);
std::optional<ReceiptHandle> decode_receipt_handle(std::string_view text);

}  // namespace sluice::sqs::detail
