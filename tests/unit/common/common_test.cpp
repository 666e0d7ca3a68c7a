#include <doctest/doctest.h>

#include "sluice/common/clock.h"
#include "sluice/common/crypto.h"

using namespace sluice;

TEST_CASE("digests and encodings") {
  CHECK(common::md5_hex("msg") == "6e2baaf3b97dbeef01c0043275f9a0e7");
  CHECK(common::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(common::base64_encode("") == "");
  CHECK(common::base64_encode("f") == "Zg==");
  CHECK(common::base64_encode("fo") == "Zm8=");
  CHECK(common::base64_encode("foo") == "Zm9v");
  CHECK(common::base64_decode("Zm9vYmFy").value() == "foobar");
  CHECK(common::base64_decode("Zg==").value() == "f");
  CHECK_FALSE(common::base64_decode("Zm9v!").has_value());
  CHECK_FALSE(common::base64_decode("Z").has_value());
  CHECK_FALSE(common::base64_decode("Zg==Zg").has_value());
}

TEST_CASE("uuid4 has the canonical shape and differs each time") {
  auto a = common::uuid4(), b = common::uuid4();
  CHECK(a.size() == 36);
  CHECK(a[14] == '4');
  CHECK(a != b);
}

TEST_CASE("manual clock moves only when told") {
  common::ManualClock clock(1000);
  CHECK(clock.now_ms() == 1000);
  clock.advance_s(2);
  CHECK(clock.now_ms() == 3000);
  CHECK_FALSE(clock.real_delay_ms(1000).has_value());
}
