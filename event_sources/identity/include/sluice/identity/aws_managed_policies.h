#pragma once
// The AWS managed policies sluice knows, with the documents AWS publishes for their default
// versions (AWS Managed Policy Reference): the ones queue, topic and function code attaches.
// They exist in every account, cannot be changed, and are attached by ARN
// (arn:aws:iam::aws:policy/<path><name>; two live under the service-role/ path).

#include <span>
#include <string>
#include <string_view>

namespace sluice::identity {

struct AwsManagedPolicy {
  std::string_view name;
  std::string_view path;  // "/" or "/service-role/"
  std::string_view description;
  std::string_view default_version_id;
  std::string_view created;  // ISO 8601, as AWS lists them
  std::string_view updated;
  std::string_view document;
};

std::span<const AwsManagedPolicy> aws_managed_policies();
// The catalogue entry an ARN names, or null.
const AwsManagedPolicy* find_aws_managed_policy(std::string_view arn);
std::string aws_managed_policy_arn(const AwsManagedPolicy& policy);

}  // namespace sluice::identity
