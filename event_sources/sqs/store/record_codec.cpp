// Varint-framed encoding; every reader checks lengths against what is left, so a damaged row
// decodes to nullopt instead of reading past the end.

#include "store/record_codec.h"

#include <cstdint>

namespace sluice::sqs::detail {
namespace {

constexpr char kFormatVersion = 1;

void put_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  bool varint(uint64_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (rest_.empty()) return false;
      auto byte = static_cast<uint8_t>(rest_.front());
      rest_.remove_prefix(1);
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *value = result;
        return true;
      }
    }
    return false;
  }

  bool string(std::string* out) {
    uint64_t size = 0;
    if (!varint(&size) || size > rest_.size()) return false;
    out->assign(rest_.substr(0, size));
    rest_.remove_prefix(size);
    return true;
  }

  bool byte(char* out) {
    if (rest_.empty()) return false;
    *out = rest_.front();
    rest_.remove_prefix(1);
    return true;
  }

  std::string_view rest() const { return rest_; }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// Each entry count must be plausible for the bytes left (every entry takes at least one byte per
// string), which stops a damaged count from driving a huge loop.
bool read_header(Reader& reader, uint64_t strings_per_entry, uint64_t* count) {
  char version = 0;
  if (!reader.byte(&version) || version != kFormatVersion) return false;
  if (!reader.varint(count)) return false;
  return *count <= reader.rest().size() / strings_per_entry;
}

}  // namespace

std::string encode_attributes(const MessageAttributes& attributes) {
  std::string out;
  if (attributes.empty()) return out;
  out.push_back(kFormatVersion);
  put_varint(out, attributes.size());
  for (const auto& [name, value] : attributes) {
    put_string(out, name);
    put_string(out, value.data_type);
    put_string(out, value.string_value);
    put_string(out, value.binary_value);
  }
  return out;
}

std::optional<MessageAttributes> decode_attributes(std::string_view bytes) {
  MessageAttributes result;
  if (bytes.empty()) return result;
  Reader reader(bytes);
  uint64_t count = 0;
  if (!read_header(reader, 4, &count)) return std::nullopt;
  for (uint64_t i = 0; i < count; ++i) {
    std::string name;
    MessageAttribute value;
    if (!reader.string(&name) || !reader.string(&value.data_type) || !reader.string(&value.string_value) ||
        !reader.string(&value.binary_value)) {
      return std::nullopt;
    }
    result.emplace(std::move(name), std::move(value));
  }
  if (!reader.done()) return std::nullopt;
  return result;
}

std::string encode_string_map(const std::map<std::string, std::string>& map) {
  std::string out;
  if (map.empty()) return out;
  out.push_back(kFormatVersion);
  put_varint(out, map.size());
  for (const auto& [key, value] : map) {
    put_string(out, key);
    put_string(out, value);
  }
  return out;
}

std::optional<std::map<std::string, std::string>> decode_string_map(std::string_view bytes) {
  std::map<std::string, std::string> result;
  if (bytes.empty()) return result;
  Reader reader(bytes);
  uint64_t count = 0;
  if (!read_header(reader, 2, &count)) return std::nullopt;
  for (uint64_t i = 0; i < count; ++i) {
    std::string key;
    std::string value;
    if (!reader.string(&key) || !reader.string(&value)) return std::nullopt;
    result.emplace(std::move(key), std::move(value));
  }
  if (!reader.done()) return std::nullopt;
  return result;
}

std::string join_payload(std::string_view body, std::string_view encoded_attributes) {
  std::string out;
  out.reserve(body.size() + encoded_attributes.size() + 10);
  put_string(out, body);
  out.append(encoded_attributes);
  return out;
}

bool split_payload(std::string_view payload, std::string* body, std::string* encoded_attributes) {
  Reader reader(payload);
  if (!reader.string(body)) return false;
  encoded_attributes->assign(reader.rest());
  return true;
}

}  // namespace sluice::sqs::detail
