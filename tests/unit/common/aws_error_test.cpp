// The shared error table (every service's rows) and the one value-or-error type.

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "sluice/common/aws_error.h"

using namespace sluice;

namespace {

const std::vector<common::AwsErrorCode>& all_codes() {
  static const std::vector<common::AwsErrorCode> codes = {
#define X(service, id, status, query, json, fault) common::AwsErrorCode::id,
#include "sluice/common/aws_error_codes.def"
#undef X
  };
  return codes;
}

// A service answers with its own rows and the Common ones.
bool answered_by(const common::AwsErrorInfo& info, common::AwsService service) {
  return info.service == service || info.service == common::AwsService::Common;
}

}  // namespace

TEST_CASE("error table rows carry the query code, JSON type and status") {
  CHECK(common::error_info(common::AwsErrorCode::QueueDoesNotExist).query_code ==
        "AWS.SimpleQueueService.NonExistentQueue");
  CHECK(common::error_info(common::AwsErrorCode::QueueDoesNotExist).json_type == "QueueDoesNotExist");
  CHECK(common::error_info(common::AwsErrorCode::PurgeQueueInProgress).http_status == 403);
  CHECK(common::error_info(common::AwsErrorCode::QueueNameExists).query_code == "QueueAlreadyExists");
  CHECK(common::error_info(common::AwsErrorCode::MissingParameter).json_type == "MissingRequiredParameterException");
  CHECK(common::error_name(common::AwsErrorCode::InvalidParameterValue) == "InvalidParameterValue");
}

TEST_CASE("each row names the service that answers with it") {
  CHECK(common::error_info(common::AwsErrorCode::QueueDoesNotExist).service == common::AwsService::Sqs);
  CHECK(common::error_info(common::AwsErrorCode::InvalidAction).service == common::AwsService::Common);
  CHECK(common::error_info(common::AwsErrorCode::MissingAction).service == common::AwsService::Common);
  CHECK(common::error_info(common::AwsErrorCode::MalformedQueryString).service == common::AwsService::Common);
  CHECK(common::error_info(common::AwsErrorCode::MalformedPolicyDocument).service ==
        common::AwsService::Common);  // STS and IAM

  const common::AwsErrorInfo& not_found = common::error_info(common::AwsErrorCode::NotFound);
  CHECK(not_found.service == common::AwsService::Sns);
  CHECK(not_found.http_status == 404);
  CHECK(not_found.query_code == "NotFound");

  // Same name, different answers: SQS keeps the plain enumerator, SNS's row has the prefix.
  const common::AwsErrorInfo& sqs_batch = common::error_info(common::AwsErrorCode::TooManyEntriesInBatchRequest);
  const common::AwsErrorInfo& sns_batch = common::error_info(common::AwsErrorCode::SnsTooManyEntriesInBatchRequest);
  CHECK(sqs_batch.service == common::AwsService::Sqs);
  CHECK(sqs_batch.query_code == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
  CHECK(sns_batch.service == common::AwsService::Sns);
  CHECK(sns_batch.query_code == "TooManyEntriesInBatchRequest");
  CHECK(common::error_info(common::AwsErrorCode::SnsResourceNotFound).query_code == "ResourceNotFound");
  CHECK(common::error_info(common::AwsErrorCode::ResourceNotFound).query_code == "ResourceNotFoundException");
  CHECK(common::error_info(common::AwsErrorCode::InternalError).fault == common::Fault::Receiver);

  const common::AwsErrorInfo& conflict = common::error_info(common::AwsErrorCode::ResourceConflict);
  CHECK(conflict.service == common::AwsService::Lambda);
  CHECK(conflict.http_status == 409);
  CHECK(conflict.json_type == "ResourceConflictException");
  CHECK(common::error_info(common::AwsErrorCode::LambdaInvalidParameterValue).json_type ==
        "InvalidParameterValueException");
  CHECK(common::error_info(common::AwsErrorCode::Validation).json_type == "ValidationException");
}

TEST_CASE("KMS's rows, and SQS's and SNS's answers when KMS refuses") {
  const common::AwsErrorInfo& disabled = common::error_info(common::AwsErrorCode::KmsKeyDisabled);
  CHECK(disabled.service == common::AwsService::Kms);
  CHECK(disabled.json_type == "DisabledException");
  CHECK(common::error_info(common::AwsErrorCode::KmsKeyInvalidState).json_type == "KMSInvalidStateException");
  const common::AwsErrorInfo& sqs = common::error_info(common::AwsErrorCode::KmsDisabled);
  CHECK(sqs.service == common::AwsService::Sqs);
  CHECK(sqs.query_code == "KMS.DisabledException");
  CHECK(sqs.json_type == "KmsDisabled");
  CHECK(sqs.http_status == 400);
  const common::AwsErrorInfo& sns = common::error_info(common::AwsErrorCode::SnsKmsDisabled);
  CHECK(sns.service == common::AwsService::Sns);
  CHECK(sns.query_code == "KMSDisabled");
}

TEST_CASE("within one service a wire code names exactly one row") {
  for (common::AwsService service :
       {common::AwsService::Sqs, common::AwsService::Sns, common::AwsService::Lambda, common::AwsService::Kms}) {
    for (common::AwsErrorCode a : all_codes()) {
      for (common::AwsErrorCode b : all_codes()) {
        if (a == b || !answered_by(common::error_info(a), service) || !answered_by(common::error_info(b), service))
          continue;
        INFO(common::error_name(a), " / ", common::error_name(b));
        CHECK(common::error_info(a).query_code != common::error_info(b).query_code);
        CHECK(common::error_info(a).json_type != common::error_info(b).json_type);
      }
    }
  }
}

TEST_CASE("Outcome holds a value or an error") {
  common::Outcome<int> good = 5;
  CHECK(good.ok());
  CHECK(*good == 5);
  common::Outcome<int> bad = common::aws_error(common::AwsErrorCode::OverLimit, "too many");
  CHECK_FALSE(bad.ok());
  CHECK_FALSE(bad);
  CHECK(bad.error().message == "too many");
  common::AwsError taken = bad.take_error();
  CHECK(taken.code == common::AwsErrorCode::OverLimit);
  CHECK(taken.message == "too many");
}

TEST_CASE("Outcome reaches into its value") {
  common::Outcome<std::vector<int>> list = std::vector<int>{1, 2, 3};
  CHECK(list->size() == 3);
  list->push_back(4);
  CHECK(list.value().back() == 4);
  common::Outcome<std::unique_ptr<int>> owned = std::make_unique<int>(7);
  std::unique_ptr<int> moved = std::move(*owned);
  CHECK(*moved == 7);
}

TEST_CASE("Outcome with another error type, also when value and error share a type") {
  common::Outcome<int, std::string> parsed = 42;
  CHECK(parsed.ok());
  common::Outcome<int, std::string> refused = std::string("not a number");
  CHECK_FALSE(refused.ok());
  CHECK(refused.error() == "not a number");

  common::Outcome<std::string, std::string> path = std::string("/a/b");
  CHECK(path.ok());
  CHECK(*path == "/a/b");
  auto failed = common::Outcome<std::string, std::string>::failure("cannot copy");
  CHECK_FALSE(failed.ok());
  CHECK(failed.error() == "cannot copy");
}

TEST_CASE("Status is an Outcome without a value") {
  common::Status done = common::ok_status();
  CHECK(done.ok());
  common::Status refused = common::aws_error(common::AwsErrorCode::InvalidParameter, "Invalid parameter: Name");
  CHECK_FALSE(refused.ok());
  CHECK(refused.error().info().query_code == "InvalidParameter");
}
