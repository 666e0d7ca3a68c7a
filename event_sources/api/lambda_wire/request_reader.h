#pragma once
// Reading Lambda request bodies (internal to lambda_wire): a JSON object whose members are taken
// by name and type. A body that is not a JSON object, or a member of the wrong type, is the
// SerializationException AWS's REST-JSON services answer; the first problem is kept.

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/common/aws_error.h"

namespace sluice::api::lambda_wire {

class RequestReader {
 public:
  // An empty body reads as {}.
  explicit RequestReader(std::string_view body);

  std::optional<std::string> string(std::string_view name);
  std::optional<int64_t> integer(std::string_view name);
  std::optional<bool> boolean(std::string_view name);
  // An object of strings ({"k": "v"}), e.g. Tags or Environment.Variables.
  std::optional<std::map<std::string, std::string>> string_map(std::string_view name);
  // An object of numbers ({"2": 0.5}), e.g. RoutingConfig.AdditionalVersionWeights.
  std::optional<std::map<std::string, double>> number_map(std::string_view name);
  // A nested object as its own reader (empty when absent).
  std::optional<RequestReader> object(std::string_view name);

  // The first problem, or nullopt.
  const std::optional<common::AwsError>& error() const { return error_; }

 private:
  explicit RequestReader(boost::json::object object) : object_(std::move(object)) {}
  const boost::json::value* member(std::string_view name) { return object_.if_contains(name); }
  void wrong_type(std::string_view name, std::string_view expected);

  boost::json::object object_;
  std::optional<common::AwsError> error_;
};

}  // namespace sluice::api::lambda_wire
