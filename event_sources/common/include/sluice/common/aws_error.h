#pragma once
// Errors are values: an AwsError carries one row of the error table (aws_error_codes.def) and the
// message text AWS would send. Outcome<T> is either a T or an AwsError; its success path
// allocates nothing beyond the T itself.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sluice {

enum class AwsErrorCode {
#define X(id, status, query, json, fault) id,
#include "sluice/common/aws_error_codes.def"
#undef X
};

enum class Fault { Sender, Receiver };

// Static facts about one error code, straight from the table.
struct AwsErrorInfo {
  int http_status;
  std::string_view query_code;
  std::string_view json_type;
  Fault fault;
};

const AwsErrorInfo& error_info(AwsErrorCode code);
std::string_view error_name(AwsErrorCode code);

struct AwsError {
  AwsErrorCode code;
  std::string message;

  const AwsErrorInfo& info() const { return error_info(code); }
};

inline AwsError aws_error(AwsErrorCode code, std::string message) { return {code, std::move(message)}; }

// Result of an operation that can fail with an AWS error.
template <typename T>
class Outcome {
 public:
  Outcome(T value) : v_(std::move(value)) {}         // NOLINT: implicit on purpose
  Outcome(AwsError error) : v_(std::move(error)) {}  // NOLINT: implicit on purpose

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const AwsError& error() const { return std::get<1>(v_); }
  AwsError take_error() { return std::move(std::get<1>(v_)); }

 private:
  std::variant<T, AwsError> v_;
};

// For operations with no result value.
struct Done {};
using Status = Outcome<Done>;
inline Status ok_status() { return Done{}; }

}  // namespace sluice
