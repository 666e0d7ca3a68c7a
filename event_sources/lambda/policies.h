#pragma once
// Resource policies of functions, versions and aliases (internal to event_sources/lambda): the
// statements AddPermission writes, kept by resource ARN in memory and in the store.
//
// Threading: not thread-safe; the control plane calls it under its own mutex.

#include <map>
#include <string>

#include "function_store.h"
#include "sluice/common/aws_error.h"
#include "sluice/lambda/policy.h"

namespace sluice::lambda::detail {

class Policies {
 public:
  explicit Policies(FunctionStore& store) : store_(store) {}
  void load(std::map<std::string, PolicyDocument> policies) { policies_ = std::move(policies); }

  // Adds a statement to the policy of `resource_arn` (the function's or a qualified ARN); answers
  // the statement's JSON.
  common::Outcome<std::string> add(const std::string& resource_arn, const AddPermissionInput& input);
  common::Outcome<PolicyDocument> get(const std::string& resource_arn) const;
  common::Status remove(const std::string& resource_arn, const std::string& statement_id,
                        const std::optional<std::string>& revision_id);
  // Drops the policies of a resource and its qualified ARNs (the function is deleted).
  common::Status forget(const std::string& function_arn);

 private:
  common::Status save(const std::string& resource_arn, const PolicyDocument& policy);

  FunctionStore& store_;
  std::map<std::string, PolicyDocument> policies_;
};

}  // namespace sluice::lambda::detail
