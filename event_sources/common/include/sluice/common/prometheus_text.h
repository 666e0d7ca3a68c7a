#pragma once
// Writing the Prometheus text exposition format (version 0.0.4, what GET /metrics answers with
// Content-Type "text/plain; version=0.0.4"): a family's # HELP and # TYPE lines, then its samples,
// `name{label="value",...} value`, one per line. Label values are escaped (\\, \", \n) and help
// texts (\\, \n) as the format requires; values are written as integers when they are whole,
// else with 17 significant digits, and +Inf / -Inf / NaN by their names.
//
// Hand-written rather than Debian's prometheus-cpp: sluice takes a snapshot of its state at scrape
// time (10,000 queues are read, not kept as 30,000 live gauge objects), so only the serializer of
// such a library would be used, and it is these few lines.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::common {

using PrometheusLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  explicit PrometheusText(std::string& out) : out_(out) {}

  // type: counter, gauge, histogram, summary or untyped. Once per family, before its samples.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
              double value);
  void sample(std::string_view name, const PrometheusLabels& labels, double value);

 private:
  void label(std::string_view name, std::string_view value, bool first);
  void end_sample(double value);

  std::string& out_;
};

}  // namespace sluice::common
