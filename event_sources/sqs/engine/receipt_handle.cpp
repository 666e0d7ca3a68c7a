#include "engine/receipt_handle.h"

#include <array>

namespace sluice::sqs::detail {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kBytes = 1 + 8 + 8 + 4 + 4;

uint32_t checksum(const uint8_t* data, size_t n) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (size_t i = 0; i < n; ++i) h = (h ^ data[i]) * 16777619u;
  return h;
}

void put(uint8_t* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v & 0xFF);
    v >>= 8;
  }
}

uint64_t get(const uint8_t* in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in[i];
  return v;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string encode_receipt_handle(const ReceiptHandle& handle) {
  std::array<uint8_t, kBytes> raw{};
  raw[0] = kVersion;
  put(&raw[1], static_cast<uint64_t>(handle.queue_id), 8);
  put(&raw[9], static_cast<uint64_t>(handle.seq), 8);
  put(&raw[17], static_cast<uint32_t>(handle.receive_count), 4);
  put(&raw[21], checksum(raw.data(), 21), 4);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(kBytes * 2, '0');
  for (size_t i = 0; i < kBytes; ++i) {
    out[2 * i] = kDigits[raw[i] >> 4];
    out[2 * i + 1] = kDigits[raw[i] & 15];
  }
  return out;
}

std::optional<ReceiptHandle> decode_receipt_handle(std::string_view text) {
  if (text.size() != kBytes * 2) return std::nullopt;
  std::array<uint8_t, kBytes> raw{};
  for (size_t i = 0; i < kBytes; ++i) {
    int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    raw[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  if (raw[0] != kVersion || get(&raw[21], 4) != checksum(raw.data(), 21)) return std::nullopt;
  ReceiptHandle handle;
  handle.queue_id = static_cast<int64_t>(get(&raw[1], 8));
  handle.seq = static_cast<int64_t>(get(&raw[9], 8));
  handle.receive_count = static_cast<int32_t>(get(&raw[17], 4));
  return handle;
}

}  // namespace sluice::sqs::detail
