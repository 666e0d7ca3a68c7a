// See sluice/common/prometheus_text.h.

#include "sluice/common/prometheus_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace sluice::common {

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  for (char c : help) {
    if (c == '\\') {
      out_ += "\\\\";
    } else if (c == '\n') {
      out_ += "\\n";
    } else {
      out_ += c;
    }
  }
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusText::label(std::string_view name, std::string_view value, bool first) {
  if (!first) out_ += ',';
  out_ += name;
  out_ += "=\"";
  for (char c : value) {
    if (c == '\\') {
      out_ += "\\\\";
    } else if (c == '"') {
      out_ += "\\\"";
    } else if (c == '\n') {
      out_ += "\\n";
    } else {
      out_ += c;
    }
  }
  out_ += '"';
}

void PrometheusText::end_sample(double value) {
  out_ += ' ';
  if (std::isnan(value)) {
    out_ += "NaN";
  } else if (std::isinf(value)) {
    out_ += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
      // Counts and depths, the common case: an integer conversion, not a printf.
      const auto written = std::to_chars(buffer, buffer + sizeof buffer, static_cast<int64_t>(value));
      out_.append(buffer, written.ptr);
    } else {
      std::snprintf(buffer, sizeof buffer, "%.17g", value);
      out_ += buffer;
    }
  }
  out_ += '\n';
}

void PrometheusText::sample(std::string_view name,
                            std::initializer_list<std::pair<std::string_view, std::string_view>> labels, double value) {
  out_ += name;
  if (labels.size() != 0) {
    out_ += '{';
    bool first = true;
    for (const auto& [key, text] : labels) {
      label(key, text, first);
      first = false;
    }
    out_ += '}';
  }
  end_sample(value);
}

void PrometheusText::sample(std::string_view name, const PrometheusLabels& labels, double value) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    bool first = true;
    for (const auto& [key, text] : labels) {
      label(key, text, first);
      first = false;
    }
    out_ += '}';
  }
  end_sample(value);
}

}  // namespace sluice::common
