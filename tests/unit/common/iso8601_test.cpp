// format_iso8601_ms: UTC, always three millisecond digits, calendar arithmetic across leap days.

#include <doctest/doctest.h>

#include "sluice/common/clock.h"

namespace common = sluice::common;

TEST_CASE("the epoch and AWS's millisecond form") {
  CHECK(common::format_iso8601_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(common::format_iso8601_ms(1796575318123) == "2026-12-06T16:41:58.123Z");
  CHECK(common::format_iso8601_ms(1796575318000) == "2026-12-06T16:41:58.000Z");
  CHECK(common::format_iso8601_ms(1796575318007) == "2026-12-06T16:41:58.007Z");
  CHECK(common::format_iso8601_ms(1796575318999) == "2026-12-06T16:41:58.999Z");
}

TEST_CASE("leap days") {
  CHECK(common::format_iso8601_ms(1709251199999) == "2024-02-29T23:59:59.999Z");
  CHECK(common::format_iso8601_ms(1709251200000) == "2024-03-01T00:00:00.000Z");
  CHECK(common::format_iso8601_ms(951782400000) == "2000-02-29T00:00:00.000Z");   // divisible by 400: leap
  CHECK(common::format_iso8601_ms(4107542400000) == "2100-03-01T00:00:00.000Z");  // divisible by 100 only: not
  CHECK(common::format_iso8601_ms(4107542400000 - 1) == "2100-02-28T23:59:59.999Z");
}

TEST_CASE("an instant before 1970 keeps a positive millisecond part") {
  CHECK(common::format_iso8601_ms(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(common::format_iso8601_ms(-1000) == "1969-12-31T23:59:59.000Z");
}
