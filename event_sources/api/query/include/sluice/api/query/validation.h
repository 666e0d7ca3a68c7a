#pragma once
// Input validation of Query services (STS, IAM), worded as AWS words it ("1 validation error detected: Value
// '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or
// equal to 900"; several are joined with "; " under "N validation errors detected").

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/aws_error.h"

namespace sluice::api::query {

class Validation {
 public:
  void length(std::string_view field, std::string_view value, size_t min, size_t max);
  void range(std::string_view field, std::string_view text, int64_t value, int64_t min, int64_t max);
  // [\w+=,.@-]* : letters, digits, '_' and + = , . @ -
  void session_name_pattern(std::string_view field, std::string_view value);
  void not_null(std::string_view field, bool present);
  // A constraint checked by the caller, reported as "Member must satisfy regular expression
  // pattern: <pattern>" when `matches` is false.
  void pattern(std::string_view field, std::string_view value, bool matches, std::string_view pattern);
  // One of `allowed`: "Member must satisfy enum value set: [A, B]".
  void one_of(std::string_view field, std::string_view value, std::initializer_list<std::string_view> allowed);
  std::optional<common::AwsError> error() const;

 private:
  void add(std::string_view field, std::string_view value, bool null_value, std::string_view constraint);
  std::vector<std::string> problems_;
};

}  // namespace sluice::api::query
