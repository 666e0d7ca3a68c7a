// The shared error table (every service's rows) and the one value-or-error type.

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "sluice/common/aws_error.h"

using namespace sluice;

namespace {

const std::vector<AwsErrorCode>& all_codes() {
  static const std::vector<AwsErrorCode> codes = {
#define X(service, id, status, query, json, fault) AwsErrorCode::id,
#include "sluice/common/aws_error_codes.def"
#undef X
  };
  return codes;
}

// A service answers with its own rows and the Common ones.
bool answered_by(const AwsErrorInfo& info, AwsService service) {
  return info.service == service || info.service == AwsService::Common;
}

}  // namespace

TEST_CASE("error table rows carry the query code, JSON type and status") {
  CHECK(error_info(AwsErrorCode::QueueDoesNotExist).query_code == "AWS.SimpleQueueService.NonExistentQueue");
  CHECK(error_info(AwsErrorCode::QueueDoesNotExist).json_type == "QueueDoesNotExist");
  CHECK(error_info(AwsErrorCode::PurgeQueueInProgress).http_status == 403);
  CHECK(error_info(AwsErrorCode::QueueNameExists).query_code == "QueueAlreadyExists");
  CHECK(error_info(AwsErrorCode::MissingParameter).json_type == "MissingRequiredParameterException");
  CHECK(error_name(AwsErrorCode::InvalidParameterValue) == "InvalidParameterValue");
}

TEST_CASE("each row names the service that answers with it") {
  CHECK(error_info(AwsErrorCode::QueueDoesNotExist).service == AwsService::Sqs);
  CHECK(error_info(AwsErrorCode::InvalidAction).service == AwsService::Common);
  CHECK(error_info(AwsErrorCode::MissingAction).service == AwsService::Common);
  CHECK(error_info(AwsErrorCode::MalformedQueryString).service == AwsService::Common);
  CHECK(error_info(AwsErrorCode::MalformedPolicyDocument).service == AwsService::Common);  // STS and IAM

  const AwsErrorInfo& not_found = error_info(AwsErrorCode::NotFound);
  CHECK(not_found.service == AwsService::Sns);
  CHECK(not_found.http_status == 404);
  CHECK(not_found.query_code == "NotFound");

  // Same name, different answers: SQS keeps the plain enumerator, SNS's row has the prefix.
  const AwsErrorInfo& sqs_batch = error_info(AwsErrorCode::TooManyEntriesInBatchRequest);
  const AwsErrorInfo& sns_batch = error_info(AwsErrorCode::SnsTooManyEntriesInBatchRequest);
  CHECK(sqs_batch.service == AwsService::Sqs);
  CHECK(sqs_batch.query_code == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
  CHECK(sns_batch.service == AwsService::Sns);
  CHECK(sns_batch.query_code == "TooManyEntriesInBatchRequest");
  CHECK(error_info(AwsErrorCode::SnsResourceNotFound).query_code == "ResourceNotFound");
  CHECK(error_info(AwsErrorCode::ResourceNotFound).query_code == "ResourceNotFoundException");
  CHECK(error_info(AwsErrorCode::InternalError).fault == Fault::Receiver);

  const AwsErrorInfo& conflict = error_info(AwsErrorCode::ResourceConflict);
  CHECK(conflict.service == AwsService::Lambda);
  CHECK(conflict.http_status == 409);
  CHECK(conflict.json_type == "ResourceConflictException");
  CHECK(error_info(AwsErrorCode::LambdaInvalidParameterValue).json_type == "InvalidParameterValueException");
  CHECK(error_info(AwsErrorCode::Validation).json_type == "ValidationException");
}

TEST_CASE("KMS's rows, and SQS's and SNS's answers when KMS refuses") {
  const AwsErrorInfo& disabled = error_info(AwsErrorCode::KmsKeyDisabled);
  CHECK(disabled.service == AwsService::Kms);
  CHECK(disabled.json_type == "DisabledException");
  CHECK(error_info(AwsErrorCode::KmsKeyInvalidState).json_type == "KMSInvalidStateException");
  const AwsErrorInfo& sqs = error_info(AwsErrorCode::KmsDisabled);
  CHECK(sqs.service == AwsService::Sqs);
  CHECK(sqs.query_code == "KMS.DisabledException");
  CHECK(sqs.json_type == "KmsDisabled");
  CHECK(sqs.http_status == 400);
  const AwsErrorInfo& sns = error_info(AwsErrorCode::SnsKmsDisabled);
  CHECK(sns.service == AwsService::Sns);
  CHECK(sns.query_code == "KMSDisabled");
}

TEST_CASE("within one service a wire code names exactly one row") {
  for (AwsService service : {AwsService::Sqs, AwsService::Sns, AwsService::Lambda, AwsService::Kms}) {
    for (AwsErrorCode a : all_codes()) {
      for (AwsErrorCode b : all_codes()) {
        if (a == b || !answered_by(error_info(a), service) || !answered_by(error_info(b), service)) continue;
        INFO(error_name(a), " / ", error_name(b));
        CHECK(error_info(a).query_code != error_info(b).query_code);
        CHECK(error_info(a).json_type != error_info(b).json_type);
      }
    }
  }
}

TEST_CASE("Outcome holds a value or an error") {
  Outcome<int> good = 5;
  CHECK(good.ok());
  CHECK(*good == 5);
  Outcome<int> bad = aws_error(AwsErrorCode::OverLimit, "too many");
  CHECK_FALSE(bad.ok());
  CHECK_FALSE(bad);
  CHECK(bad.error().message == "too many");
  AwsError taken = bad.take_error();
  CHECK(taken.code == AwsErrorCode::OverLimit);
  CHECK(taken.message == "too many");
}

TEST_CASE("Outcome reaches into its value") {
  Outcome<std::vector<int>> list = std::vector<int>{1, 2, 3};
  CHECK(list->size() == 3);
  list->push_back(4);
  CHECK(list.value().back() == 4);
  Outcome<std::unique_ptr<int>> owned = std::make_unique<int>(7);
  std::unique_ptr<int> moved = std::move(*owned);
  CHECK(*moved == 7);
}

TEST_CASE("Outcome with another error type, also when value and error share a type") {
  Outcome<int, std::string> parsed = 42;
  CHECK(parsed.ok());
  Outcome<int, std::string> refused = std::string("not a number");
  CHECK_FALSE(refused.ok());
  CHECK(refused.error() == "not a number");

  Outcome<std::string, std::string> path = std::string("/a/b");
  CHECK(path.ok());
  CHECK(*path == "/a/b");
  auto failed = Outcome<std::string, std::string>::failure("cannot copy");
  CHECK_FALSE(failed.ok());
  CHECK(failed.error() == "cannot copy");
}

TEST_CASE("Status is an Outcome without a value") {
  Status done = ok_status();
  CHECK(done.ok());
  Status refused = aws_error(AwsErrorCode::InvalidParameter, "Invalid parameter: Name");
  CHECK_FALSE(refused.ok());
  CHECK(refused.error().info().query_code == "InvalidParameter");
}
