#pragma once
// Reading an action's input object (internal), from either protocol: JSON 1.0 carries numbers,
// booleans and epoch-second timestamps as JSON; Query carries every value as a string (numbers in
// decimal, booleans "true"/"false", timestamps in ISO 8601). A value of the wrong kind is
// CloudWatch's InvalidParameterValue; a missing required one its MissingParameter.

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/metrics/metrics.h"

namespace sluice::api::cloudwatch_wire::detail {

class Input {
 public:
  // `path` names the object in errors ("MetricData.member.1."), "" at the top.
  Input(const boost::json::object& object, std::string path = {}) : object_(object), path_(std::move(path)) {}

  std::optional<std::string> string(std::string_view name);
  std::optional<double> number(std::string_view name);
  std::optional<int64_t> integer(std::string_view name);
  std::optional<bool> boolean(std::string_view name);
  std::optional<int64_t> timestamp_ms(std::string_view name);
  std::vector<std::string> strings(std::string_view name);
  std::vector<double> numbers(std::string_view name);
  // The objects of a list member, each with its path for errors.
  std::vector<Input> objects(std::string_view name);
  std::optional<Input> object(std::string_view name);
  // Dimensions [{Name, Value}]; a Value may be absent where `value_optional`.
  std::vector<std::pair<std::string, std::optional<std::string>>> dimension_filters(std::string_view name);
  metrics::Dimensions dimensions(std::string_view name);
  bool has(std::string_view name) const;

  // Records MissingParameter for `name` unless present.
  template <typename T>
  T require(std::optional<T> value, std::string_view name) {
    if (!value) missing(name);
    return value ? std::move(*value) : T{};
  }
  void missing(std::string_view name);
  void invalid(std::string_view name, std::string_view reason);
  void fail(common::AwsError error);

  // The first problem found (shared by nested readers).
  const std::optional<common::AwsError>& error() const { return *error_; }
  std::string path_of(std::string_view name) const { return path_ + std::string(name); }

 private:
  Input(const boost::json::object& object, std::string path, std::shared_ptr<std::optional<common::AwsError>> error)
      : object_(object), path_(std::move(path)), error_(std::move(error)) {}
  const boost::json::value* find(std::string_view name) const;

  const boost::json::object& object_;
  std::string path_;
  std::shared_ptr<std::optional<common::AwsError>> error_ = std::make_shared<std::optional<common::AwsError>>();
};

// ISO 8601 ("2026-12-07T06:00:00Z", with fraction or an offset) to epoch milliseconds.
std::optional<int64_t> parse_iso8601_ms(std::string_view text);

}  // namespace sluice::api::cloudwatch_wire::detail
