// CloudWatch's wire pieces: wrapped Query lists, XML answers, input readers, metric math.

#include <doctest/doctest.h>

#include "input.h"
#include "metric_math.h"
#include "wire_codec.h"

using namespace sluice;
using namespace sluice::api;
using namespace sluice::api::cloudwatch_wire::detail;
namespace bj = boost::json;

TEST_CASE("a Query form with wrapped lists becomes the JSON input object") {
  auto form = query::parse_form(
      "Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.2.MetricName=B"
      "&MetricData.member.1.MetricName=A&MetricData.member.1.Dimensions.member.1.Name=Host"
      "&MetricData.member.1.Dimensions.member.1.Value=h1&MetricData.member.1.Value=1.5"
      "&MetricData.member.1.Values.member.1=3&MetricData.member.1.Values.member.2=4&AlarmNames=");
  REQUIRE(form.ok());
  bj::object o = form_to_object(form->params());
  CHECK(bj::serialize(o) ==
        R"({"Namespace":"App","MetricData":[{"MetricName":"A","Dimensions":[{"Name":"Host","Value":"h1"}],)"
        R"("Value":"1.5","Values":["3","4"]},{"MetricName":"B"}],"AlarmNames":""})");

  Input in(o);
  std::vector<Input> data = in.objects("MetricData");
  REQUIRE(data.size() == 2);
  CHECK(*data[0].number("Value") == 1.5);
  CHECK(data[0].numbers("Values") == std::vector<double>{3, 4});
  CHECK(data[0].dimensions("Dimensions") == metrics::Dimensions{{"Host", "h1"}});
  CHECK(in.strings("AlarmNames").empty());
  CHECK_FALSE(data[1].number("Value").has_value());
  data[1].require(data[1].number("Value"), "Value");
  REQUIRE(in.error().has_value());
  CHECK(in.error()->code == common::AwsErrorCode::CloudWatchMissingParameter);
  CHECK(in.error()->message == "The parameter MetricData.member.2.Value is required.");
}

TEST_CASE("a result object becomes Query XML with <member> lists") {
  bj::object result{{"Label", "L"},
                    {"Datapoints", bj::array{bj::object{{"Sum", 2.0}, {"Average", 0.5}, {"Unit", "Count"}}}},
                    {"Empty", bj::array()},
                    {"Flag", true}};
  CHECK(object_to_xml(result) ==
        "<Label>L</Label><Datapoints><member><Sum>2.0</Sum><Average>0.5</Average><Unit>Count</Unit></member>"
        "</Datapoints><Empty></Empty><Flag>true</Flag>");
}

TEST_CASE("timestamps in either protocol's form") {
  CHECK(*parse_iso8601_ms("2023-11-14T22:14:00Z") == 1'700'000'040'000);
  CHECK(*parse_iso8601_ms("2023-11-14T22:14:00.250Z") == 1'700'000'040'250);
  CHECK(*parse_iso8601_ms("2023-11-14T23:14:00+01:00") == 1'700'000'040'000);
  CHECK_FALSE(parse_iso8601_ms("yesterday").has_value());
  bj::object o{{"A", 1700000040.5}, {"B", "2023-11-14T22:14:00Z"}, {"C", "soon"}};
  Input in(o);
  CHECK(*in.timestamp_ms("A") == 1'700'000'040'500);
  CHECK(*in.timestamp_ms("B") == 1'700'000'040'000);
  CHECK_FALSE(in.timestamp_ms("C").has_value());
  CHECK(in.error()->code == common::AwsErrorCode::CloudWatchInvalidParameterValue);
}

TEST_CASE("metric math over series and numbers") {
  TimeSeries e{{1000, 5}, {2000, 0}};
  TimeSeries r{{1000, 50}, {2000, 0}, {3000, 10}};
  SeriesLookup lookup = [&](std::string_view id) -> std::optional<TimeSeries> {
    if (id == "e") return e;
    if (id == "r") return r;
    return std::nullopt;
  };
  auto rate = evaluate_expression("100 * e / r", lookup);
  REQUIRE(rate.ok());
  CHECK(*rate == TimeSeries{{1000, 10}});  // 0/0 at 2000 is dropped; 3000 is not in both
  CHECK(*evaluate_expression("SUM([e, r])", lookup) == TimeSeries{{1000, 55}, {2000, 0}, {3000, 10}});
  CHECK(*evaluate_expression("MAX([e, r]) - 1", lookup) == TimeSeries{{1000, 49}, {2000, -1}, {3000, 9}});
  CHECK(*evaluate_expression("ABS(-(e))", lookup) == e);
  CHECK(*evaluate_expression("(e + 1) * 2", lookup) == TimeSeries{{1000, 12}, {2000, 2}});
  auto unknown = evaluate_expression("e + x", lookup);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == common::AwsErrorCode::ValidationError);
  CHECK_FALSE(evaluate_expression("FILL(e, 0)", lookup).ok());
  CHECK_FALSE(evaluate_expression("42", lookup).ok());  // not a time series
  CHECK_FALSE(evaluate_expression("e +", lookup).ok());
}
