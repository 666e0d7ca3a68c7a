// The input readers (see input.h).

#include "input.h"

#include <charconv>
#include <cmath>
#include <ctime>

namespace sluice::api::cloudwatch_wire::detail {
namespace {

namespace bj = boost::json;

std::optional<double> parse_double(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

bool digits(std::string_view text, size_t pos, size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<int64_t> parse_iso8601_ms(std::string_view text) {
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, &year) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, &month) ||
      text[7] != '-' || !digits(text, 8, 2, &day)) {
    return std::nullopt;
  }
  size_t pos = 10;
  int64_t millis = 0;
  int64_t offset_s = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    if (!digits(text, pos + 1, 2, &hour) || text.size() < pos + 9 || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, &minute) || text[pos + 6] != ':' || !digits(text, pos + 7, 2, &second)) {
      return std::nullopt;
    }
    pos += 9;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int64_t scale = 100;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        millis += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
    }
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
      ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      int oh = 0, om = 0;
      if (!digits(text, pos + 1, 2, &oh)) return std::nullopt;
      size_t mpos = pos + 3;
      if (mpos < text.size() && text[mpos] == ':') ++mpos;
      if (!digits(text, mpos, 2, &om)) return std::nullopt;
      offset_s = (text[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      pos = mpos + 2;
    }
  }
  if (pos != text.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return (static_cast<int64_t>(timegm(&tm)) - offset_s) * 1000 + millis;
}

const bj::value* Input::find(std::string_view name) const {
  auto it = object_.find(name);
  if (it == object_.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

bool Input::has(std::string_view name) const { return find(name) != nullptr; }

void Input::fail(common::AwsError error) {
  if (!*error_) *error_ = std::move(error);
}

void Input::missing(std::string_view name) {
  fail(common::aws_error(common::AwsErrorCode::CloudWatchMissingParameter,
                         "The parameter " + path_of(name) + " is required."));
}

void Input::invalid(std::string_view name, std::string_view reason) {
  fail(common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                         "The parameter " + path_of(name) + " " + std::string(reason)));
}

std::optional<std::string> Input::string(std::string_view name) {
  const bj::value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    invalid(name, "must be a string.");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<double> Input::number(std::string_view name) {
  const bj::value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) return v->to_number<double>();
  if (v->is_string()) {
    if (auto d = parse_double(v->get_string())) return d;
  }
  invalid(name, "must be a number.");
  return std::nullopt;
}

std::optional<int64_t> Input::integer(std::string_view name) {
  const bj::value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(v->get_uint64());
  if (v->is_double() && v->get_double() == std::trunc(v->get_double()) && std::fabs(v->get_double()) < 9e18) {
    return static_cast<int64_t>(v->get_double());
  }
  if (v->is_string()) {
    int64_t out = 0;
    std::string_view s = v->get_string();
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty()) return out;
  }
  invalid(name, "must be an integer.");
  return std::nullopt;
}

std::optional<bool> Input::boolean(std::string_view name) {
  const bj::value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  if (v->is_string() && (v->get_string() == "true" || v->get_string() == "false")) return v->get_string() == "true";
  invalid(name, "must be a boolean.");
  return std::nullopt;
}

std::optional<int64_t> Input::timestamp_ms(std::string_view name) {
  const bj::value* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) return static_cast<int64_t>(std::llround(v->to_number<double>() * 1000));
  if (v->is_string()) {
    std::string_view s = v->get_string();
    if (auto ms = parse_iso8601_ms(s)) return ms;
    if (auto seconds = parse_double(s)) return static_cast<int64_t>(std::llround(*seconds * 1000));
  }
  invalid(name, "must be a timestamp.");
  return std::nullopt;
}

std::vector<std::string> Input::strings(std::string_view name) {
  std::vector<std::string> out;
  const bj::value* v = find(name);
  if (v == nullptr || !v->is_array()) return out;
  for (const bj::value& e : v->get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

std::vector<double> Input::numbers(std::string_view name) {
  std::vector<double> out;
  const bj::value* v = find(name);
  if (v == nullptr || !v->is_array()) return out;
  for (const bj::value& e : v->get_array()) {
    if (e.is_number()) {
      out.push_back(e.to_number<double>());
    } else if (auto d = e.is_string() ? parse_double(e.get_string()) : std::nullopt) {
      out.push_back(*d);
    } else {
      invalid(name, "must be a list of numbers.");
      return {};
    }
  }
  return out;
}

std::vector<Input> Input::objects(std::string_view name) {
  std::vector<Input> out;
  const bj::value* v = find(name);
  if (v == nullptr || !v->is_array()) return out;
  size_t i = 0;
  for (const bj::value& e : v->get_array()) {
    ++i;
    if (!e.is_object()) continue;
    out.push_back(Input(e.get_object(), path_of(name) + ".member." + std::to_string(i) + ".", error_));
  }
  return out;
}

std::optional<Input> Input::object(std::string_view name) {
  const bj::value* v = find(name);
  if (v == nullptr || !v->is_object()) return std::nullopt;
  return Input(v->get_object(), path_of(name) + ".", error_);
}

std::vector<std::pair<std::string, std::optional<std::string>>> Input::dimension_filters(std::string_view name) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  for (Input d : objects(name)) {
    std::string dim_name = d.require(d.string("Name"), "Name");
    out.emplace_back(std::move(dim_name), d.string("Value"));
  }
  return out;
}

metrics::Dimensions Input::dimensions(std::string_view name) {
  metrics::Dimensions out;
  for (Input d : objects(name)) {
    std::string dim_name = d.require(d.string("Name"), "Name");
    std::string value = d.require(d.string("Value"), "Value");
    out.push_back({std::move(dim_name), std::move(value)});
  }
  if (out.size() > 30) invalid(name, "must have at most 30 dimensions.");
  return out;
}

}  // namespace sluice::api::cloudwatch_wire::detail
