// Statistics by CloudWatch's names over an aggregated period: the five basic ones from the
// period's StatisticSet, percentiles (pNN, pNN.NN) from the raw values the period kept, by the
// nearest-rank method.

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sluice/metrics/metrics.h"

namespace sluice::metrics {

void StatisticSet::add(double value) {
  if (sample_count == 0) {
    minimum = maximum = value;
  } else {
    minimum = std::min(minimum, value);
    maximum = std::max(maximum, value);
  }
  sample_count += 1;
  sum += value;
}

void StatisticSet::merge(const StatisticSet& other) {
  if (other.sample_count <= 0) return;
  if (sample_count <= 0) {
    *this = other;
    return;
  }
  minimum = std::min(minimum, other.minimum);
  maximum = std::max(maximum, other.maximum);
  sample_count += other.sample_count;
  sum += other.sum;
}

bool is_basic_statistic(std::string_view statistic) {
  return statistic == "SampleCount" || statistic == "Average" || statistic == "Sum" || statistic == "Minimum" ||
         statistic == "Maximum";
}

namespace {

// "p99" -> 99, "p99.9" -> 99.9; nullopt unless p, 1-3 digits, optional '.' and 1-2 digits, <= 100.
std::optional<double> percentile_of(std::string_view statistic) {
  if (statistic.size() < 2 || statistic[0] != 'p') return std::nullopt;
  std::string_view digits = statistic.substr(1);
  size_t dot = digits.find('.');
  std::string_view whole = digits.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : digits.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 3 || !all_digits(whole)) return std::nullopt;
  if (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 2 || !all_digits(fraction))) {
    return std::nullopt;
  }
  double value = 0;
  auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (parsed.ec != std::errc() || value < 0 || value > 100) return std::nullopt;
  return value;
}

}  // namespace

bool is_percentile_statistic(std::string_view statistic) { return percentile_of(statistic).has_value(); }

std::optional<double> statistic_value(const Datapoint& point, std::string_view statistic) {
  const StatisticSet& s = point.stats;
  if (statistic == "SampleCount") return s.sample_count;
  if (statistic == "Sum") return s.sum;
  if (statistic == "Average") return s.average();
  if (statistic == "Minimum") return s.minimum;
  if (statistic == "Maximum") return s.maximum;
  std::optional<double> p = percentile_of(statistic);
  if (!p || point.samples.empty()) return std::nullopt;
  std::vector<double> sorted = point.samples;
  std::sort(sorted.begin(), sorted.end());
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  auto rank = static_cast<size_t>(std::ceil(*p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[rank == 0 ? 0 : rank - 1];
}

}  // namespace sluice::metrics
