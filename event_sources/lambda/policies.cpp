// Resource policies (see policies.h). A statement is written the way AWS answers it: Sid, Effect
// Allow, Principal (a service, an account's root ARN, an ARN, or "*"), Action, Resource, and the
// conditions AddPermission's SourceArn, SourceAccount, EventSourceToken, PrincipalOrgID and
// FunctionUrlAuthType stand for.

#include "policies.h"

#include <boost/json.hpp>

#include <algorithm>

#include "sluice/common/crypto.h"
#include "sluice/common/pattern.h"
#include "sluice/common/sqlite.h"

namespace sluice::lambda {

std::string policy_json(const PolicyDocument& policy) {
  std::string out = R"({"Version":"2012-10-17","Id":"default","Statement":[)";
  for (size_t i = 0; i < policy.statements.size(); ++i) out += (i ? "," : "") + policy.statements[i];
  return out + "]}";
}

namespace detail {
namespace {

constexpr const char* kStatementIdPattern = "([a-zA-Z0-9-_]+)";
constexpr const char* kActionPattern = "(lambda:[*]|lambda:[a-zA-Z]+|[*])";

common::AwsError validation(const std::string& text) {
  return common::aws_error(common::AwsErrorCode::Validation, "1 validation error detected: " + text);
}

std::optional<common::AwsError> check(const AddPermissionInput& input) {
  static const common::Pattern statement_id(kStatementIdPattern);
  static const common::Pattern action(kActionPattern);
  if (input.statement_id.empty() || input.statement_id.size() > 100 || !statement_id.matches(input.statement_id)) {
    return validation("Value '" + input.statement_id +
                      "' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression "
                      "pattern: " +
                      kStatementIdPattern);
  }
  if (!action.matches(input.action)) {
    return validation("Value '" + input.action +
                      "' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
                      kActionPattern);
  }
  if (input.principal.empty()) {
    return validation("Value null at 'principal' failed to satisfy constraint: Member must not be null");
  }
  return std::nullopt;
}

boost::json::value principal_json(const std::string& principal) {
  if (principal == "*") return "*";
  if (principal.find(".amazonaws.com") != std::string::npos) return boost::json::object{{"Service", principal}};
  if (principal.size() == 12 &&
      std::all_of(principal.begin(), principal.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return boost::json::object{{"AWS", "arn:aws:iam::" + principal + ":root"}};
  return boost::json::object{{"AWS", principal}};
}

std::string statement_json(const std::string& resource_arn, const AddPermissionInput& input) {
  boost::json::object statement;
  statement["Sid"] = input.statement_id;
  statement["Effect"] = "Allow";
  statement["Principal"] = principal_json(input.principal);
  statement["Action"] = input.action;
  statement["Resource"] = resource_arn;
  boost::json::object condition;
  auto add = [&condition](const char* op, const char* key, const std::string& value) {
    if (value.empty()) return;
    if (!condition.contains(op)) condition[op] = boost::json::object();
    condition[op].as_object()[key] = value;
  };
  add("StringEquals", "AWS:SourceAccount", input.source_account);
  add("StringEquals", "lambda:EventSourceToken", input.event_source_token);
  add("StringEquals", "aws:PrincipalOrgID", input.principal_org_id);
  add("StringEquals", "lambda:FunctionUrlAuthType", input.function_url_auth_type);
  add("ArnLike", "AWS:SourceArn", input.source_arn);
  if (!condition.empty()) statement["Condition"] = std::move(condition);
  return boost::json::serialize(statement);
}

common::AwsError policy_revision_mismatch() {
  return common::aws_error(common::AwsErrorCode::LambdaPreconditionFailed,
                           "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to "
                           "retrieve the latest Revision Id");
}

common::AwsError no_policy() {
  return common::aws_error(common::AwsErrorCode::ResourceNotFound, "The resource you requested does not exist.");
}

}  // namespace

common::Outcome<std::string> Policies::add(const std::string& resource_arn, const AddPermissionInput& input) {
  if (auto error = check(input)) return *error;
  PolicyDocument policy;
  if (auto found = policies_.find(resource_arn); found != policies_.end()) policy = found->second;
  if (input.revision_id && *input.revision_id != policy.revision_id) return policy_revision_mismatch();
  if (std::find(policy.statement_ids.begin(), policy.statement_ids.end(), input.statement_id) !=
      policy.statement_ids.end()) {
    return common::aws_error(common::AwsErrorCode::ResourceConflict,
                             "The statement id (" + input.statement_id +
                                 ") provided already exists. Please provide a new statement id, or remove the existing "
                                 "statement.");
  }
  std::string statement = statement_json(resource_arn, input);
  policy.statements.push_back(statement);
  policy.statement_ids.push_back(input.statement_id);
  policy.revision_id = common::uuid4();
  if (auto saved = save(resource_arn, policy); !saved) return saved.take_error();
  return statement;
}

common::Outcome<PolicyDocument> Policies::get(const std::string& resource_arn) const {
  auto found = policies_.find(resource_arn);
  if (found == policies_.end() || found->second.statements.empty()) return no_policy();
  return found->second;
}

common::Status Policies::remove(const std::string& resource_arn, const std::string& statement_id,
                                const std::optional<std::string>& revision_id) {
  auto found = policies_.find(resource_arn);
  if (found == policies_.end()) return no_policy();
  PolicyDocument policy = found->second;
  if (revision_id && *revision_id != policy.revision_id) return policy_revision_mismatch();
  auto at = std::find(policy.statement_ids.begin(), policy.statement_ids.end(), statement_id);
  if (at == policy.statement_ids.end()) {
    return common::aws_error(common::AwsErrorCode::ResourceNotFound,
                             "Statement " + statement_id + " is not found in resource policy.");
  }
  const auto index = at - policy.statement_ids.begin();
  policy.statement_ids.erase(at);
  policy.statements.erase(policy.statements.begin() + index);
  policy.revision_id = common::uuid4();
  return save(resource_arn, policy);
}

common::Status Policies::forget(const std::string& function_arn) {
  for (auto it = policies_.begin(); it != policies_.end();) {
    const std::string& arn = it->first;
    const bool of_function = arn == function_arn || arn.rfind(function_arn + ":", 0) == 0;
    if (!of_function) {
      ++it;
      continue;
    }
    try {
      store_.erase_policy(arn);
    } catch (const common::sqlite::Error& e) {
      return common::aws_error(common::AwsErrorCode::LambdaService,
                               std::string("the policy store failed: ") + e.what());
    }
    it = policies_.erase(it);
  }
  return common::ok_status();
}

common::Status Policies::save(const std::string& resource_arn, const PolicyDocument& policy) {
  try {
    if (policy.statements.empty()) {
      store_.erase_policy(resource_arn);
    } else {
      store_.put_policy(resource_arn, policy);
    }
  } catch (const common::sqlite::Error& e) {
    return common::aws_error(common::AwsErrorCode::LambdaService, std::string("the policy store failed: ") + e.what());
  }
  if (policy.statements.empty()) {
    policies_.erase(resource_arn);
  } else {
    policies_[resource_arn] = policy;
  }
  return common::ok_status();
}

}  // namespace detail
}  // namespace sluice::lambda
