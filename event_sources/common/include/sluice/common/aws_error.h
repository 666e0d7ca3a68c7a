#pragma once
// Errors are values: an AwsError carries one row of the error table (aws_error_codes.def) and the
// message text AWS would send. Outcome<T, E> is either a T or an E (an AwsError unless a component
// reports something else, e.g. a sentence for the plugin host); its success path allocates nothing
// beyond the T itself. It is the one value-or-error type of the tree.

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace sluice::common {

enum class AwsErrorCode {
#define X(service, id, status, query, json, fault) id,
#include "sluice/common/aws_error_codes.def"
#undef X
};

enum class Fault { Sender, Receiver };

// Which service answers with a row; Common rows are answered alike by several.
enum class AwsService { Common, Sqs, Sns, Lambda, Sts, Iam, Logs, Kms, CloudWatch, CloudTrail };

// Static facts about one error code, straight from the table.
struct AwsErrorInfo {
  AwsService service;
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

// Result of an operation that can fail. Both constructors are implicit so that `return value;`
// and `return error;` read naturally; when T and E are the same type only failure() can make an
// error.
template <typename T, typename E = AwsError>
class Outcome {
 public:
  Outcome(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Outcome(E error)                                                    // NOLINT: implicit on purpose
      requires(!std::is_same_v<T, E>)
      : v_(std::in_place_index<1>, std::move(error)) {}
  static Outcome failure(E error) { return Outcome(std::in_place_index<1>, std::move(error)); }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& error() const { return std::get<1>(v_); }
  E take_error() { return std::move(std::get<1>(v_)); }

 private:
  template <size_t I, typename V>
  Outcome(std::in_place_index_t<I> index, V&& v) : v_(index, std::forward<V>(v)) {}
  std::variant<T, E> v_;
};

// For operations with no result value.
struct Done {};
using Status = Outcome<Done>;
inline Status ok_status() { return Done{}; }

}  // namespace sluice::common
