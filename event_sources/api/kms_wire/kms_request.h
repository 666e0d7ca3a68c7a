#pragma once
// Reading a KMS request body (a JSON object) and writing the shapes KMS answers with.
//
// A member of the wrong JSON type is a SerializationException, as AWS's JSON protocols answer it;
// a value outside its constraints goes into validation() and becomes one ValidationException with
// AWS's "N validation errors detected" text. Members are named in the texts as KMS names them
// (lowerCamelCase: keyId, pendingWindowInDays).

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/api/query/validation.h"
#include "sluice/common/aws_error.h"
#include "sluice/kms/kms.h"

namespace sluice::api::kms_wire::detail {

class KmsRequest {
 public:
  // The body parsed, or SerializationException when it is not a JSON object.
  static common::Outcome<KmsRequest> parse(std::string_view body);

  std::optional<std::string> string(std::string_view name);
  std::optional<int64_t> integer(std::string_view name);
  std::optional<bool> boolean(std::string_view name);
  // A base64 blob member, decoded.
  std::optional<std::string> blob(std::string_view name);
  std::optional<kms::EncryptionContext> context(std::string_view name);
  std::optional<kms::Tags> tags(std::string_view name);
  std::optional<std::vector<std::string>> strings(std::string_view name);

  // A required KeyId (1..2048 characters), checked into validation().
  std::string key_id(std::string_view name = "KeyId");

  query::Validation& validation() { return validation_; }
  // The first type error, else the validation error (as KMS's ValidationException).
  std::optional<common::AwsError> error() const;

 private:
  const boost::json::value* member(std::string_view name);
  void type_error(std::string_view name, std::string_view expected);

  boost::json::object body_;
  query::Validation validation_;
  std::optional<common::AwsError> type_error_;
};

// "keyId" for "KeyId": the member's name as validation texts give it.
std::string field_name(std::string_view member);

// Epoch seconds with milliseconds, KMS's timestamp form in JSON.
boost::json::value timestamp(int64_t epoch_ms);
boost::json::object key_metadata_json(const kms::KeyMetadata& meta);
boost::json::array tags_json(const kms::Tags& tags);

}  // namespace sluice::api::kms_wire::detail
