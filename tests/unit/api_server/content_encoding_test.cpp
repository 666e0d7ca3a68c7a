// Gzip request bodies (content_encoding.h): inflated in place with the header gone and the sent
// bytes' SHA-256 kept, several members read as one body, and the refusals: a body that inflates
// past the limit (a decompression bomb), bytes that are not gzip, a member cut short.

#include <doctest/doctest.h>

#include <zlib.h>

#include "content_encoding.h"
#include "sluice/common/crypto.h"

using namespace sluice;
using namespace sluice::api;
using sluice::api::server::detail::decode_content_encoding;

namespace {

std::string gzip(const std::string& plain) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, plain.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

http::Request request(std::string body, std::string encoding = "gzip") {
  http::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"content-type", "application/x-www-form-urlencoded"}, {"content-encoding", std::move(encoding)}};
  r.body = std::move(body);
  return r;
}

const std::string kForm =
    "Action=PutMetricData&Version=2010-08-01&Namespace=Shop&MetricData.member.1.MetricName=Orders";

}  // namespace

TEST_CASE("a gzip body is inflated in place; the header goes and the sent bytes' hash stays") {
  const std::string sent = gzip(kForm);
  auto r = request(sent, " GZip ");
  std::string sha;
  CHECK_FALSE(decode_content_encoding(r, 1024, &sha));
  CHECK(r.body == kForm);
  CHECK(r.header("content-encoding") == nullptr);
  CHECK(r.header("content-type") != nullptr);
  CHECK(sha == common::sha256_hex(sent));
}

TEST_CASE("gzip members one after the other are one body") {
  auto r = request(gzip("Action=PutMetricData&") + gzip("Version=2010-08-01"));
  std::string sha;
  CHECK_FALSE(decode_content_encoding(r, 1024, &sha));
  CHECK(r.body == "Action=PutMetricData&Version=2010-08-01");
}

TEST_CASE("a body that inflates past the limit is refused as too large, whatever its own size") {
  const std::string bomb = gzip(std::string(16 * 1024 * 1024, '0'));
  REQUIRE(bomb.size() < 64 * 1024);
  auto r = request(bomb);
  std::string sha;
  auto refusal = decode_content_encoding(r, 1024 * 1024, &sha);
  REQUIRE(refusal);
  CHECK(refusal->code == common::AwsErrorCode::RequestEntityTooLarge);
  CHECK(refusal->info().http_status == 413);
  CHECK(sha.empty());
  CHECK(r.body == bomb);  // left as it came

  auto exact = request(gzip(std::string(1024, 'x')));
  CHECK_FALSE(decode_content_encoding(exact, 1024, &sha));  // the limit itself is allowed
  CHECK(exact.body.size() == 1024);
}

TEST_CASE("bytes that are not gzip, or a member cut short, are refused") {
  std::string sha;
  auto plain = request(kForm);
  auto refusal = decode_content_encoding(plain, 1024, &sha);
  REQUIRE(refusal);
  CHECK(refusal->code == common::AwsErrorCode::SerializationException);
  const std::string whole = gzip(kForm);
  auto cut = request(whole.substr(0, whole.size() - 10));
  refusal = decode_content_encoding(cut, 1024, &sha);
  REQUIRE(refusal);
  CHECK(refusal->code == common::AwsErrorCode::SerializationException);
}

TEST_CASE("other requests are left alone") {
  std::string sha;
  auto identity = request(kForm, "identity");
  CHECK_FALSE(decode_content_encoding(identity, 1024, &sha));
  CHECK(identity.body == kForm);
  CHECK(identity.header("content-encoding") != nullptr);
  http::Request none;
  none.body = kForm;
  CHECK_FALSE(decode_content_encoding(none, 1024, &sha));
  CHECK(none.body == kForm);
  CHECK(sha.empty());
}
