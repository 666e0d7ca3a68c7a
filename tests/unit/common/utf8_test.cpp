// Well-formed UTF-8 in what sluice writes as JSON: the checker against RFC 3629's table, the
// repair (each ill-formed byte becomes U+FFFD), and a fuzz-style run of random bytes through
// append_json_string, whose output must always be JSON a strict parser (Boost.JSON validates
// UTF-8) reads back as the repaired text.

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <random>
#include <string>

#include "sluice/common/json_escape.h"
#include "sluice/common/utf8.h"

using namespace sluice;

TEST_CASE("well-formed UTF-8 is recognised and kept") {
  for (const char* text : {"", "plain ascii text that is longer than eight bytes", "h\xC3\xA9llo", "\xE2\x82\xAC",
                           "\xF0\x9F\x98\x80 emoji", "\xEF\xBF\xBD", "\xF4\x8F\xBF\xBF"}) {
    CAPTURE(text);
    CHECK(common::is_well_formed_utf8(text));
    CHECK(common::well_formed_utf8(text) == text);
  }
}

TEST_CASE("each byte that begins no well-formed sequence becomes U+FFFD") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(common::well_formed_utf8("a\xFF"
                                 "b") == "a" + fffd + "b");
  CHECK(common::well_formed_utf8("\xC0\xAF") == fffd + fffd);                        // overlong '/'
  CHECK(common::well_formed_utf8("\xED\xA0\x80") == fffd + fffd + fffd);             // a surrogate
  CHECK(common::well_formed_utf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // past U+10FFFF
  CHECK(common::well_formed_utf8("ok \xE2\x82") == "ok " + fffd + fffd);             // truncated at the end
  CHECK(common::well_formed_utf8("\x80\xC3\xA9") == fffd + "\xC3\xA9");              // a stray continuation byte
  std::string in_place = "tag \xFE value";
  common::make_well_formed_utf8(in_place);
  CHECK(in_place == "tag " + fffd + " value");
}

TEST_CASE("append_json_string always writes JSON that reads back as the repaired text (random bytes)") {
  std::mt19937 random(20261207);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    const int n = length(random);
    for (int i = 0; i < n; ++i) {
      // Mostly ASCII and high bytes, so that both valid and broken sequences turn up.
      int b = byte(random);
      if (round % 3 == 0 && b < 128) b = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"[b % 9] & 0xFF;
      text.push_back(static_cast<char>(b));
    }
    std::string out;
    common::append_json_string(out, text);
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(out, ec);
    REQUIRE_MESSAGE(!ec, "not JSON for round " << round);
    REQUIRE(parsed.is_string());
    CHECK(std::string(parsed.get_string()) == common::well_formed_utf8(text));
  }
}
