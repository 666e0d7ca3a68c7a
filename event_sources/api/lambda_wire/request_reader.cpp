// See request_reader.h.

#include "request_reader.h"

namespace sluice::api::lambda_wire {

RequestReader::RequestReader(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) {
    error_ = common::aws_error(common::AwsErrorCode::SerializationException, "Could not parse request body into json");
    return;
  }
  object_ = std::move(parsed.get_object());
}

void RequestReader::wrong_type(std::string_view name, std::string_view expected) {
  if (!error_) {
    error_ = common::aws_error(
        common::AwsErrorCode::SerializationException,
        "Could not parse request body into json: " + std::string(name) + " must be " + std::string(expected));
  }
}

std::optional<std::string> RequestReader::string(std::string_view name) {
  const boost::json::value* value = member(name);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    wrong_type(name, "a string");
    return std::nullopt;
  }
  return std::string(value->get_string());
}

std::optional<int64_t> RequestReader::integer(std::string_view name) {
  const boost::json::value* value = member(name);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= INT64_MAX) return static_cast<int64_t>(value->get_uint64());
  wrong_type(name, "an integer");
  return std::nullopt;
}

std::optional<bool> RequestReader::boolean(std::string_view name) {
  const boost::json::value* value = member(name);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_bool()) {
    wrong_type(name, "a boolean");
    return std::nullopt;
  }
  return value->get_bool();
}

std::optional<std::map<std::string, std::string>> RequestReader::string_map(std::string_view name) {
  const boost::json::value* value = member(name);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_object()) {
    wrong_type(name, "an object");
    return std::nullopt;
  }
  std::map<std::string, std::string> map;
  for (const auto& entry : value->get_object()) {
    if (!entry.value().is_string()) {
      wrong_type(name, "an object of strings");
      return std::nullopt;
    }
    map[std::string(entry.key())] = std::string(entry.value().get_string());
  }
  return map;
}

std::optional<std::map<std::string, double>> RequestReader::number_map(std::string_view name) {
  const boost::json::value* value = member(name);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_object()) {
    wrong_type(name, "an object");
    return std::nullopt;
  }
  std::map<std::string, double> map;
  for (const auto& entry : value->get_object()) {
    if (!entry.value().is_number()) {
      wrong_type(name, "an object of numbers");
      return std::nullopt;
    }
    map[std::string(entry.key())] = entry.value().to_number<double>();
  }
  return map;
}

std::optional<RequestReader> RequestReader::object(std::string_view name) {
  const boost::json::value* value = member(name);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_object()) {
    wrong_type(name, "an object");
    return std::nullopt;
  }
  return RequestReader(value->get_object());
}

}  // namespace sluice::api::lambda_wire
