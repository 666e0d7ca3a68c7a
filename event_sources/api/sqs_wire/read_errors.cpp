// ReadErrors: see read_errors.h. A handful of entries at most, kept unsorted; first() scans them.

#include "read_errors.h"

#include <algorithm>
#include <string>

namespace sluice::api::sqs_wire::detail {

void ReadErrors::set(ErrorKey key, common::AwsError error) {
  for (auto& [at, filed] : errors_) {
    if (at == key.value) {
      filed = std::move(error);
      return;
    }
  }
  errors_.emplace_back(key.value, std::move(error));
}

void ReadErrors::set_if_absent(ErrorKey key, common::AwsError error) {
  if (!has(key)) errors_.emplace_back(key.value, std::move(error));
}

void ReadErrors::clear_filed(ErrorKey key) {
  std::erase_if(errors_, [&](const auto& e) { return e.first >= key.value && e.first - key.value < key.span; });
}

bool ReadErrors::has(ErrorKey key) const {
  return std::any_of(errors_.begin(), errors_.end(), [&](const auto& e) { return e.first == key.value; });
}

const common::AwsError* ReadErrors::first() const {
  const std::pair<uint64_t, common::AwsError>* best = nullptr;
  for (const auto& e : errors_) {
    if (best == nullptr || e.first < best->first) best = &e;
  }
  return best == nullptr ? nullptr : &best->second;
}

bool ReadErrors::first_is_below(ErrorKey key) const {
  return std::any_of(errors_.begin(), errors_.end(), [&](const auto& e) { return e.first < key.value; });
}

common::AwsError missing_parameter(std::string_view name) {
  return common::aws_error(common::AwsErrorCode::MissingParameter,
                           "The request must contain the parameter " + std::string(name) + ".");
}

common::AwsError serialization_error(std::string_view name, std::string_view expected) {
  return common::aws_error(
      common::AwsErrorCode::SerializationException,
      "Value for parameter " + std::string(name) + " is not of the expected type " + std::string(expected) + ".");
}

common::AwsError invalid_json_body() {
  return common::aws_error(common::AwsErrorCode::SerializationException, "The request body is not valid JSON.");
}

common::AwsError json_body_not_an_object() {
  return common::aws_error(common::AwsErrorCode::SerializationException, "The request body must be a JSON object.");
}

}  // namespace sluice::api::sqs_wire::detail
