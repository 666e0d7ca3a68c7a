#pragma once
// The metric math GetMetricData evaluates (internal). Supported: numbers, query ids, + - * /,
// unary minus, parentheses, ABS(e), and SUM / AVG / MIN / MAX of a list "[m1, m2, ...]" (point by
// point across the listed series). Arithmetic between two series is point by point on the
// timestamps both have; with a number, on every point. Anything else is refused with
// CloudWatch's ValidationError-style message naming the expression.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/common/aws_error.h"

namespace sluice::api::cloudwatch_wire::detail {

using TimeSeries = std::map<int64_t, double>;  // timestamp ms -> value

// A series by query id, or nullopt when no query has that id.
using SeriesLookup = std::function<std::optional<TimeSeries>(std::string_view id)>;

common::Outcome<TimeSeries> evaluate_expression(std::string_view expression, const SeriesLookup& lookup);

}  // namespace sluice::api::cloudwatch_wire::detail
