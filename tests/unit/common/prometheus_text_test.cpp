// The Prometheus text exposition writer: family headers, labels and their escapes, value forms.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "sluice/common/prometheus_text.h"

using namespace sluice;

TEST_CASE("a family is its HELP and TYPE lines, then one line per sample") {
  std::string text;
  common::PrometheusText out(text);
  out.family("sluice_things_total", "counter", "Things seen.\nSecond line \\ with a backslash.");
  out.sample("sluice_things_total", {{"queue", "orders"}, {"status", "200"}}, 3);
  out.sample("sluice_things_total", common::PrometheusLabels{}, 0);
  CHECK(text ==
        "# HELP sluice_things_total Things seen.\\nSecond line \\\\ with a backslash.\n"
        "# TYPE sluice_things_total counter\n"
        "sluice_things_total{queue=\"orders\",status=\"200\"} 3\n"
        "sluice_things_total 0\n");
}

TEST_CASE("label values escape backslashes, quotes and newlines") {
  std::string text;
  common::PrometheusText(text).sample("m", common::PrometheusLabels{{"v", "a\\b\"c\nd"}}, 1);
  CHECK(text == "m{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST_CASE("values: whole numbers as integers, fractions exactly, infinities and NaN by name") {
  std::string text;
  common::PrometheusText out(text);
  out.sample("a", common::PrometheusLabels{}, 1234567);
  out.sample("b", common::PrometheusLabels{}, 0.25);
  out.sample("c", common::PrometheusLabels{}, std::numeric_limits<double>::infinity());
  out.sample("d", common::PrometheusLabels{}, -std::numeric_limits<double>::infinity());
  out.sample("e", common::PrometheusLabels{}, std::nan(""));
  out.sample("f", common::PrometheusLabels{}, -2);
  CHECK(text == "a 1234567\nb 0.25\nc +Inf\nd -Inf\ne NaN\nf -2\n");
}
