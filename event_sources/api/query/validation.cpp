// Validation texts of Query services (see sluice/api/query/validation.h).

#include "sluice/api/query/validation.h"

namespace sluice::api::query {

void Validation::add(std::string_view field, std::string_view value, bool null_value, std::string_view constraint) {
  std::string problem = "Value ";
  if (null_value) {
    problem += "null";
  } else {
    problem += "'";
    problem += value;
    problem += "'";
  }
  problem += " at '";
  problem += field;
  problem += "' failed to satisfy constraint: ";
  problem += constraint;
  problems_.push_back(std::move(problem));
}

void Validation::length(std::string_view field, std::string_view value, size_t min, size_t max) {
  if (value.size() < min) {
    add(field, value, false, "Member must have length greater than or equal to " + std::to_string(min));
  } else if (value.size() > max) {
    add(field, value, false, "Member must have length less than or equal to " + std::to_string(max));
  }
}

void Validation::range(std::string_view field, std::string_view text, int64_t value, int64_t min, int64_t max) {
  if (value < min) {
    add(field, text, false, "Member must have value greater than or equal to " + std::to_string(min));
  } else if (value > max) {
    add(field, text, false, "Member must have value less than or equal to " + std::to_string(max));
  }
}

void Validation::session_name_pattern(std::string_view field, std::string_view value) {
  for (char c : value) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && std::string_view("+=,.@-").find(c) == std::string_view::npos) {
      add(field, value, false, "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
      return;
    }
  }
}

void Validation::pattern(std::string_view field, std::string_view value, bool matches, std::string_view pattern) {
  if (!matches) add(field, value, false, "Member must satisfy regular expression pattern: " + std::string(pattern));
}

void Validation::not_null(std::string_view field, bool present) {
  if (!present) add(field, "", true, "Member must not be null");
}

void Validation::one_of(std::string_view field, std::string_view value,
                        std::initializer_list<std::string_view> allowed) {
  std::string set;
  for (std::string_view name : allowed) {
    if (name == value) return;
    set += set.empty() ? "" : ", ";
    set += name;
  }
  add(field, value, false, "Member must satisfy enum value set: [" + set + "]");
}

std::optional<common::AwsError> Validation::error() const {
  if (problems_.empty()) return std::nullopt;
  std::string message = std::to_string(problems_.size()) +
                        (problems_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < problems_.size(); ++i) {
    if (i > 0) message += "; ";
    message += problems_[i];
  }
  return common::aws_error(common::AwsErrorCode::ValidationError, std::move(message));
}

}  // namespace sluice::api::query
