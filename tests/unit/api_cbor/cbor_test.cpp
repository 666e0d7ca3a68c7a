// The Smithy RPC v2 CBOR kit (sluice/api/cbor/cbor.h): bodies written by hand in CBOR's bytes
// (RFC 8949) read into JSON values, definite and indefinite lengths alike; what is refused; the
// writer's integers, floats and timestamps; the answers' headers and error shape; and a bounded
// run over random and mutated bytes that must never crash (the property the fuzzer checks at
// length).

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <cstdint>
#include <random>
#include <string>

#include "sluice/api/cbor/cbor.h"

using namespace sluice;
namespace cbor = sluice::api::cbor;
namespace http = sluice::api::http;
namespace bj = boost::json;

namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out += static_cast<char>(b);
  return out;
}

bj::object read_ok(const std::string& body) {
  auto read = cbor::read_object(body);
  REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().message));
  return *read;
}

bool refused(const std::string& body) {
  auto read = cbor::read_object(body);
  if (read.ok()) return false;
  CHECK(read.error().code == common::AwsErrorCode::SerializationException);
  return true;
}

bool is_timestamp(std::string_view member) { return member == "At"; }

}  // namespace

TEST_CASE("definite maps, arrays, text, integers, floats, booleans and null") {
  // {"a": 1, "b": [-1, -500, 4294967296], "c": "hé", "d": true, "e": null, "f": 1.5 (half), "g": 0.25 (single),
  //  "h": 2.5 (double)}
  const std::string body = bytes({0xa8, 0x61, 'a',  0x01, 0x61, 'b',  0x83, 0x20, 0x39, 0x01, 0xf3, 0x1b, 0,    0,
                                  0,    1,    0,    0,    0,    0,    0x61, 'c',  0x63, 'h',  0xc3, 0xa9, 0x61, 'd',
                                  0xf5, 0x61, 'e',  0xf6, 0x61, 'f',  0xf9, 0x3e, 0x00, 0x61, 'g',  0xfa, 0x3e, 0x80,
                                  0,    0,    0x61, 'h',  0xfb, 0x40, 0x04, 0,    0,    0,    0,    0,    0});
  const bj::object o = read_ok(body);
  CHECK(o.at("a") == 1);
  CHECK(o.at("b") == bj::array{-1, -500, int64_t{4294967296}});
  CHECK(o.at("c") == "hé");
  CHECK(o.at("d") == true);
  CHECK(o.at("e").is_null());
  CHECK(o.at("f") == 1.5);
  CHECK(o.at("g") == 0.25);
  CHECK(o.at("h") == 2.5);
}

TEST_CASE("indefinite maps, arrays and strings; byte strings as base64; tag 1 as its number") {
  // {_ "Names": [_ "x", (_ "y", "z")], "Blob": h'010203', "At": 1(1700000000), "Later": 1(1700000000.5)}
  const std::string body =
      bytes({0xbf, 0x65, 'N', 'a', 'm',  'e',  's',  0x9f, 0x61, 'x',  0x7f, 0x61, 'y',  0x61, 'z',  0xff, 0xff, 0x64,
             'B',  'l',  'o', 'b', 0x43, 1,    2,    3,    0x62, 'A',  't',  0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00, 0x65,
             'L',  'a',  't', 'e', 'r',  0xc1, 0xfb, 0x41, 0xd9, 0x54, 0xfc, 0x40, 0x20, 0x00, 0x00, 0xff});
  const bj::object o = read_ok(body);
  CHECK(o.at("Names") == bj::array{"x", "yz"});
  CHECK(o.at("Blob") == "AQID");
  CHECK(o.at("At") == 1700000000);
  CHECK(o.at("Later") == 1700000000.5);
}

TEST_CASE("an empty body is an empty input; empty containers read as such") {
  CHECK(read_ok("").empty());
  const bj::object o = read_ok(bytes({0xa2, 0x61, 'a', 0x80, 0x61, 'b', 0xa0}));
  CHECK(o.at("a") == bj::array{});
  CHECK(o.at("b") == bj::object{});
}

TEST_CASE("what Smithy's CBOR does not allow is refused") {
  CHECK(refused(bytes({0xa1, 0x61, 'a'})));                          // ends inside the map
  CHECK(refused(bytes({0xa1, 0x61, 'a', 0x01, 0x00})));              // bytes after the body
  CHECK(refused(bytes({0xa1, 0x01, 0x02})));                         // a key that is not text
  CHECK(refused(bytes({0xa1, 0x61, 'a', 0xc2, 0x41, 0x01})));        // a tag other than 1
  CHECK(refused(bytes({0xa1, 0x61, 'a', 0xc1, 0x61, 'x'})));         // tag 1 on text
  CHECK(refused(bytes({0x82, 0x01, 0x02})));                         // not a map
  CHECK(refused(bytes({0xa1, 0x61, 'a', 0xff})));                    // a break in a definite map
  CHECK(refused(bytes({0xbf, 0x61, 'a', 0xff})));                    // a key without its value
  CHECK(refused(bytes({0xa1, 0x61, 'a', 0x7f, 0x41, 0x01, 0xff})));  // bytes inside indefinite text
  CHECK(refused(bytes({0xa1, 0x61, 'a', 0x1c})));                    // a reserved additional value
  CHECK(refused(bytes({0xa1, 0x61, 'a', 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})));  // a lie of a length
  std::string deep = bytes({0xa1, 0x61, 'a'});
  for (int i = 0; i < cbor::kMaxDepth; ++i) deep += static_cast<char>(0x81);
  deep += static_cast<char>(0x01);
  CHECK(refused(deep));
  std::string fits = bytes({0xa1, 0x61, 'a'});
  for (int i = 0; i < cbor::kMaxDepth - 1; ++i) fits += static_cast<char>(0x81);
  fits += static_cast<char>(0x01);
  CHECK_FALSE(refused(fits));
}

TEST_CASE("the writer: integers as integers, doubles as float64, named timestamps as tag 1") {
  bj::object o;
  o["n"] = -2;
  o["u"] = uint64_t{18446744073709551615ULL};
  o["d"] = 0.5;
  o["At"] = bj::array{1.5, 2};
  const std::string out = cbor::write(o, is_timestamp);
  CHECK(out == bytes({0xa4, 0x61, 'n',  0x21, 0x61, 'u',  0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                      0xff, 0x61, 'd',  0xfb, 0x3f, 0xe0, 0,    0,    0,    0,    0,    0,    0x62, 'A',
                      't',  0x82, 0xc1, 0xfb, 0x3f, 0xf8, 0,    0,    0,    0,    0,    0,    0xc1, 0x02}));
  const bj::object back = read_ok(out);
  CHECK(back.at("n") == -2);
  CHECK(back.at("u") == uint64_t{18446744073709551615ULL});
  CHECK(back.at("At") == bj::array{1.5, 2});
}

TEST_CASE("answers carry the protocol's headers; errors are {__type, message} with the Query code") {
  auto ok = cbor::response("req-1", cbor::write(bj::object{}, nullptr));
  CHECK(ok.status == 200);
  CHECK(ok.body == bytes({0xa0}));
  auto has = [](const http::Response& r, std::string_view name, std::string_view value) {
    for (const auto& [n, v] : r.headers)
      if (n == name) return v == value;
    return false;
  };
  CHECK(has(ok, "smithy-protocol", "rpc-v2-cbor"));
  CHECK(has(ok, "Content-Type", "application/cbor"));
  CHECK(has(ok, "x-amzn-RequestId", "req-1"));
  auto error = cbor::error_response(common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue, "bad"),
                                    "req-2", {"com.amazonaws.cloudwatch#"});
  CHECK(error.status == 400);
  CHECK(has(error, "smithy-protocol", "rpc-v2-cbor"));
  CHECK(has(error, "x-amzn-query-error", "InvalidParameterValue;Sender"));
  const bj::object body = read_ok(error.body);
  CHECK(body.at("__type") == "com.amazonaws.cloudwatch#InvalidParameterValueException");
  CHECK(body.at("message") == "bad");
}

TEST_CASE("random and mutated bodies are read or refused, never crash, and what is read writes back") {
  std::mt19937 random(17);
  const std::string seed = bytes({0xbf, 0x65, 'N',  'a', 'm', 'e',  's',  0x9f, 0x61, 'x',  0x7f, 0x61, 'y',
                                  0xff, 0xff, 0x62, 'A', 't', 0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00, 0xff});
  for (int i = 0; i < 20000; ++i) {
    std::string body = seed;
    if (i % 2 == 0) {
      body.resize(random() % 40);
      for (char& c : body) c = static_cast<char>(random() % 256);
    } else {
      for (int flips = 1 + static_cast<int>(random() % 4); flips > 0; --flips)
        body[random() % body.size()] = static_cast<char>(random() % 256);
    }
    auto read = cbor::read_object(body);
    if (!read.ok()) continue;
    const std::string written = cbor::write(*read, nullptr);
    auto again = cbor::read_object(written);
    REQUIRE(again.ok());
    CHECK(cbor::write(*again, nullptr) == written);
  }
}
