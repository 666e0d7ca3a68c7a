// See content_encoding.h. zlib's inflate with gzip framing (windowBits 15 + 16), member after
// member (a gzip file may hold several), into a buffer grown in steps up to the limit.

#include "content_encoding.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "sluice/common/crypto.h"

namespace sluice::api::server::detail {
namespace {

bool is_gzip(std::string_view value) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  if (value.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != "gzip"[i]) return false;
  return true;
}

enum class Inflated { Ok, TooLarge, Corrupt };

Inflated gunzip(const std::string& in, size_t limit, std::string* out) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return Inflated::Corrupt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(in.size());
  out->clear();
  Inflated result = Inflated::Ok;
  for (;;) {
    if (out->size() == limit + 1) {  // one byte past the limit is enough to know
      result = Inflated::TooLarge;
      break;
    }
    const size_t have = out->size();
    const size_t grow = std::min<size_t>(std::max<size_t>(have, 64 * 1024), limit + 1 - have);
    out->resize(have + grow);
    stream.next_out = reinterpret_cast<Bytef*>(out->data() + have);
    stream.avail_out = static_cast<uInt>(grow);
    const int rc = inflate(&stream, Z_NO_FLUSH);
    out->resize(have + grow - stream.avail_out);
    if (rc == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      if (inflateReset(&stream) != Z_OK) {  // another member follows
        result = Inflated::Corrupt;
        break;
      }
      continue;
    }
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) {  // the input ended inside a member
      result = Inflated::Corrupt;
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      result = Inflated::Corrupt;
      break;
    }
  }
  inflateEnd(&stream);
  if (result == Inflated::Ok && out->size() > limit) return Inflated::TooLarge;  // ended one byte past it
  return result;
}

}  // namespace

std::optional<common::AwsError> decode_content_encoding(http::Request& request, size_t limit,
                                                        std::string* sent_sha256) {
  auto header = std::find_if(request.headers.begin(), request.headers.end(),
                             [](const auto& h) { return h.first == "content-encoding"; });
  if (header == request.headers.end() || !is_gzip(header->second)) return std::nullopt;
  std::string inflated;
  switch (gunzip(request.body, limit, &inflated)) {
    case Inflated::TooLarge:
      return common::aws_error(common::AwsErrorCode::RequestEntityTooLarge,
                               "Request body must be at most " + std::to_string(limit) + " bytes once decompressed.");
    case Inflated::Corrupt:
      return common::aws_error(common::AwsErrorCode::SerializationException,
                               "The request body could not be decompressed (Content-Encoding: gzip).");
    case Inflated::Ok:
      break;
  }
  *sent_sha256 = common::sha256_hex(request.body);
  request.body = std::move(inflated);
  request.headers.erase(header);
  return std::nullopt;
}

}  // namespace sluice::api::server::detail
