// IAM's managed policy actions: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, the version
// actions (CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion,
// SetDefaultPolicyVersion) and ListEntitiesForPolicy. Customer managed policies live in the
// account; AWS managed policies are the catalogue (aws_managed_policies.h), readable and
// attachable in every account but not changeable. Quotas: 5 versions per policy, 6,144
// characters per document (whitespace not counted).

#include <algorithm>

#include "iam_kit.h"
#include "sluice/common/clock.h"
#include "sluice/identity/aws_managed_policies.h"
#include "sluice/identity/policy_grammar.h"
#include "sluice/identity/principal.h"

namespace sluice::api::iam_wire::detail {
namespace {

using namespace identity;

constexpr size_t kPolicyNameMax = 128;

// What GetPolicy and ListPolicies show of a policy, customer or AWS managed.
struct PolicyView {
  std::string name;
  std::string path;
  std::string arn;
  std::string description;
  std::string default_version_id;
  std::string created;
  std::string updated;
  const IamTags* tags = nullptr;
};

PolicyView view_of(const IamAccount& account, const IamManagedPolicy& policy) {
  return {policy.name,
          policy.path,
          iam_policy_arn(account.account_id, policy),
          policy.description,
          policy.default_version_id,
          common::format_iso8601_ms(policy.created_ms),
          common::format_iso8601_ms(policy.updated_ms),
          &policy.tags};
}

PolicyView view_of(const AwsManagedPolicy& policy) {
  return {std::string(policy.name),
          std::string(policy.path),
          aws_managed_policy_arn(policy),
          std::string(policy.description),
          std::string(policy.default_version_id),
          std::string(policy.created),
          std::string(policy.updated),
          nullptr};
}

size_t attachment_count(const IamAccount& account, const std::string& arn) {
  auto holds = [&](const IamAttachments& a) {
    return std::find(a.managed_policy_arns.begin(), a.managed_policy_arns.end(), arn) != a.managed_policy_arns.end();
  };
  size_t count = 0;
  for (const auto& [k, user] : account.users) count += holds(user.policies) ? 1 : 0;
  for (const auto& [k, group] : account.groups) count += holds(group.policies) ? 1 : 0;
  for (const auto& [k, role] : account.roles) count += holds(role.policies) ? 1 : 0;
  return count;
}

size_t boundary_count(const IamAccount& account, const std::string& arn) {
  size_t count = 0;
  for (const auto& [k, user] : account.users) count += user.permissions_boundary_arn == arn ? 1 : 0;
  for (const auto& [k, role] : account.roles) count += role.permissions_boundary_arn == arn ? 1 : 0;
  return count;
}

void write_policy(query::XmlWriter& w, const IamAccount& account, const PolicyView& p, bool with_tags) {
  w.element("PolicyName", p.name)
      .element("PolicyId", unique_id("ANPA", p.arn))
      .element("Arn", p.arn)
      .element("Path", p.path)
      .element("DefaultVersionId", p.default_version_id)
      .raw_element("AttachmentCount", std::to_string(attachment_count(account, p.arn)))
      .raw_element("PermissionsBoundaryUsageCount", std::to_string(boundary_count(account, p.arn)))
      .raw_element("IsAttachable", "true");
  if (!p.description.empty()) w.element("Description", p.description);
  w.element("CreateDate", p.created).element("UpdateDate", p.updated);
  if (with_tags && p.tags != nullptr && !p.tags->empty()) write_tags(w, *p.tags);
}

std::string policy_answer(const IamAccount& account, const PolicyView& view) {
  std::string out;
  query::XmlWriter w(out);
  w.open("Policy");
  write_policy(w, account, view, true);
  w.close("Policy");
  return out;
}

// PolicyArn, checked for length and form.
common::Outcome<std::string> read_policy_arn(const server::Call& call, query::Validation& validation) {
  const std::string_view* arn = form_value(call, "PolicyArn");
  validation.not_null("policyArn", arn != nullptr);
  if (arn != nullptr) validation.length("policyArn", *arn, 20, 2048);
  if (auto error = validation.error()) return *error;
  if (!arn->starts_with("arn:aws:iam::") || arn->find(":policy/") == std::string_view::npos) {
    return common::aws_error(common::AwsErrorCode::InvalidInput, "ARN " + std::string(*arn) + " is not valid.");
  }
  return std::string(*arn);
}

std::optional<common::AwsError> check_managed_document(std::string_view document) {
  if (auto error = check_identity_policy(document)) return error;
  if (policy_size(document) > kManagedPolicySize) return quota("PolicySize", kManagedPolicySize);
  return std::nullopt;
}

common::AwsError no_such_version(std::string_view arn, std::string_view version) {
  return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                           "Policy " + std::string(arn) + " version " + std::string(version) + " does not exist.");
}

std::optional<bool> read_bool(const server::Call& call, std::string_view param) {
  const std::string_view* text = form_value(call, param);
  if (text == nullptr) return std::nullopt;
  return *text == "true";
}

void write_version(query::XmlWriter& w, const std::string* document, std::string_view id, bool is_default,
                   std::string_view created) {
  if (document != nullptr) w.element("Document", url_encode(*document));
  w.element("VersionId", id)
      .raw_element("IsDefaultVersion", is_default ? "true" : "false")
      .element("CreateDate", created);
}

}  // namespace

common::Outcome<std::string> create_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "PolicyName", kPolicyNameMax);
  const std::string path = read_path(call, validation, "Path");
  const auto document = read_document(call, validation, "PolicyDocument");
  const std::string_view* description = form_value(call, "Description");
  if (description != nullptr) validation.length("description", *description, 0, 1000);
  const IamTags tags = read_tags(call, validation);
  if (auto error = validation.error()) return *error;
  if (auto error = check_managed_document(*document)) return *error;
  if (tags.size() > kTagsPerResource) return quota("TagsPerPolicy", kTagsPerResource);

  IamManagedPolicy created;
  created.name = *name;
  created.path = path;
  created.description = description != nullptr ? std::string(*description) : std::string();
  created.created_ms = created.updated_ms = iam.now_ms;
  created.versions.push_back({"v1", *document, iam.now_ms});
  created.default_version_id = "v1";
  created.tags = tags;
  IamAccount after;
  auto changed = change_account(call, iam, [&](IamAccount& account) -> common::Status {
    if (account.policies.count(iam_key(created.name)) != 0) {
      return common::aws_error(common::AwsErrorCode::EntityAlreadyExists,
                               "A policy called " + created.name + " already exists. Duplicate names are not allowed.");
    }
    account.policies.emplace(iam_key(created.name), created);
    after = account;
    return common::ok_status();
  });
  if (!changed) return changed;
  return policy_answer(after, view_of(after, created));
}

common::Outcome<std::string> get_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto arn = read_policy_arn(call, validation);
  if (!arn) return arn;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  if (const AwsManagedPolicy* aws = find_aws_managed_policy(*arn)) return policy_answer(account, view_of(*aws));
  const IamManagedPolicy* policy = find_customer_policy(account, *arn);
  if (policy == nullptr) return no_such_policy(*arn);
  return policy_answer(account, view_of(account, *policy));
}

common::Outcome<std::string> list_policies(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string prefix = read_path_prefix(call, validation);
  const std::string_view* scope = form_value(call, "Scope");
  if (scope != nullptr && *scope != "All" && *scope != "AWS" && *scope != "Local") {
    validation.pattern("scope", *scope, false, "[All, AWS, Local]");
  }
  if (auto error = validation.error()) return *error;
  const bool only_attached = read_bool(call, "OnlyAttached").value_or(false);
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  std::vector<PolicyView> views;
  if (scope == nullptr || *scope != "AWS") {
    for (const auto& [key, policy] : account.policies) views.push_back(view_of(account, policy));
  }
  if (scope == nullptr || *scope != "Local") {
    for (const AwsManagedPolicy& policy : aws_managed_policies()) views.push_back(view_of(policy));
  }
  std::erase_if(views, [&](const PolicyView& v) {
    return !v.path.starts_with(prefix) ||
           (only_attached && attachment_count(account, v.arn) == 0 && boundary_count(account, v.arn) == 0);
  });
  return paged_list(call, "Policies", views,
                    [&](query::XmlWriter& w, const PolicyView& view) { write_policy(w, account, view, false); });
}

common::Outcome<std::string> delete_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto arn = read_policy_arn(call, validation);
  if (!arn) return arn;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    IamManagedPolicy* policy = find_customer_policy(account, *arn);
    if (policy == nullptr) return no_such_policy(*arn);
    if (attachment_count(account, *arn) != 0 || boundary_count(account, *arn) != 0) {
      return common::aws_error(common::AwsErrorCode::DeleteConflict, "Cannot delete a policy attached to entities.");
    }
    if (policy->versions.size() > 1) {
      return common::aws_error(common::AwsErrorCode::DeleteConflict,
                               "This policy has more than one version. Before you delete a policy, you must delete the "
                               "policy's versions. The default version is deleted with the policy.");
    }
    account.policies.erase(iam_key(policy->name));
    return common::ok_status();
  });
}

common::Outcome<std::string> create_policy_version(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto document = read_document(call, validation, "PolicyDocument");
  auto arn = read_policy_arn(call, validation);
  if (!arn) return arn;
  if (auto error = check_managed_document(*document)) return *error;
  const bool set_default = read_bool(call, "SetAsDefault").value_or(false);
  IamPolicyVersion created;
  auto changed = change_account(call, iam, [&](IamAccount& account) -> common::Status {
    IamManagedPolicy* policy = find_customer_policy(account, *arn);
    if (policy == nullptr) return no_such_policy(*arn);
    if (policy->versions.size() >= kVersionsPerPolicy) {
      return common::aws_error(
          common::AwsErrorCode::IamLimitExceeded,
          "A managed policy can have up to 5 versions. Before you create a new version, you must delete "
          "an existing version.");
    }
    created = {"v" + std::to_string(policy->next_version++), *document, iam.now_ms};
    policy->versions.push_back(created);
    policy->updated_ms = iam.now_ms;
    if (set_default) policy->default_version_id = created.version_id;
    return common::ok_status();
  });
  if (!changed) return changed;
  std::string out;
  query::XmlWriter w(out);
  w.open("PolicyVersion");
  write_version(w, nullptr, created.version_id, set_default, common::format_iso8601_ms(created.created_ms));
  w.close("PolicyVersion");
  return out;
}

common::Outcome<std::string> get_policy_version(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string_view* version = form_value(call, "VersionId");
  validation.not_null("versionId", version != nullptr);
  auto arn = read_policy_arn(call, validation);
  if (!arn) return arn;
  std::string out;
  query::XmlWriter w(out);
  if (const AwsManagedPolicy* aws = find_aws_managed_policy(*arn)) {
    if (*version != aws->default_version_id) return no_such_version(*arn, *version);
    const std::string document(aws->document);
    w.open("PolicyVersion");
    write_version(w, &document, aws->default_version_id, true, aws->updated);
    w.close("PolicyVersion");
    return out;
  }
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  const IamManagedPolicy* policy = find_customer_policy(account, *arn);
  if (policy == nullptr) return no_such_policy(*arn);
  for (const IamPolicyVersion& v : policy->versions) {
    if (v.version_id != *version) continue;
    w.open("PolicyVersion");
    write_version(w, &v.document, v.version_id, v.version_id == policy->default_version_id,
                  common::format_iso8601_ms(v.created_ms));
    w.close("PolicyVersion");
    return out;
  }
  return no_such_version(*arn, *version);
}

common::Outcome<std::string> list_policy_versions(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto arn = read_policy_arn(call, validation);
  if (!arn) return arn;
  struct Row {
    std::string id;
    bool is_default;
    std::string created;
  };
  std::vector<Row> rows;
  if (const AwsManagedPolicy* aws = find_aws_managed_policy(*arn)) {
    rows.push_back({std::string(aws->default_version_id), true, std::string(aws->updated)});
  } else {
    const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
    const IamManagedPolicy* policy = find_customer_policy(account, *arn);
    if (policy == nullptr) return no_such_policy(*arn);
    // Newest first, as IAM lists them.
    for (auto it = policy->versions.rbegin(); it != policy->versions.rend(); ++it) {
      rows.push_back(
          {it->version_id, it->version_id == policy->default_version_id, common::format_iso8601_ms(it->created_ms)});
    }
  }
  return paged_list(call, "Versions", rows, [](query::XmlWriter& w, const Row& row) {
    write_version(w, nullptr, row.id, row.is_default, row.created);
  });
}

common::Outcome<std::string> delete_policy_version(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string_view* version = form_value(call, "VersionId");
  validation.not_null("versionId", version != nullptr);
  auto arn = read_policy_arn(call, validation);
  if (!arn) return arn;
  const std::string id(*version);
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    IamManagedPolicy* policy = find_customer_policy(account, *arn);
    if (policy == nullptr) return no_such_policy(*arn);
    if (id == policy->default_version_id) {
      return common::aws_error(common::AwsErrorCode::DeleteConflict, "Cannot delete the default version of a policy.");
    }
    if (std::erase_if(policy->versions, [&](const IamPolicyVersion& v) { return v.version_id == id; }) == 0) {
      return no_such_version(*arn, id);
    }
    return common::ok_status();
  });
}

common::Outcome<std::string> set_default_policy_version(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string_view* version = form_value(call, "VersionId");
  validation.not_null("versionId", version != nullptr);
  auto arn = read_policy_arn(call, validation);
  if (!arn) return arn;
  const std::string id(*version);
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    IamManagedPolicy* policy = find_customer_policy(account, *arn);
    if (policy == nullptr) return no_such_policy(*arn);
    if (std::none_of(policy->versions.begin(), policy->versions.end(),
                     [&](const IamPolicyVersion& v) { return v.version_id == id; })) {
      return no_such_version(*arn, id);
    }
    policy->default_version_id = id;
    policy->updated_ms = iam.now_ms;
    return common::ok_status();
  });
}

common::Outcome<std::string> list_entities_for_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string prefix = read_path_prefix(call, validation);
  auto arn = read_policy_arn(call, validation);
  if (!arn) return arn;
  const std::string_view* filter = form_value(call, "EntityFilter");
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  if (find_aws_managed_policy(*arn) == nullptr && find_customer_policy(account, *arn) == nullptr) {
    return no_such_policy(*arn);
  }
  auto wanted = [&](std::string_view kind) { return filter == nullptr || *filter == kind; };
  auto holds = [&](const IamAttachments& a, const std::string& path) {
    return path.starts_with(prefix) &&
           std::find(a.managed_policy_arns.begin(), a.managed_policy_arns.end(), *arn) != a.managed_policy_arns.end();
  };
  std::string out;
  query::XmlWriter w(out);
  w.open("PolicyGroups");
  for (const auto& [key, group] : account.groups) {
    if (!wanted("Group") || !holds(group.policies, group.path)) continue;
    w.open("member")
        .element("GroupName", group.name)
        .element("GroupId", unique_id("AGPA", iam_group_arn(account.account_id, group)))
        .close("member");
  }
  w.close("PolicyGroups").open("PolicyUsers");
  for (const auto& [key, user] : account.users) {
    if (!wanted("User") || !holds(user.policies, user.path)) continue;
    w.open("member")
        .element("UserName", user.name)
        .element("UserId", user_principal(account.account_id, user.name, user.path).user_id)
        .close("member");
  }
  w.close("PolicyUsers").open("PolicyRoles");
  for (const auto& [key, role] : account.roles) {
    if (!wanted("Role") || !holds(role.policies, role.path)) continue;
    w.open("member")
        .element("RoleName", role.name)
        .element("RoleId", unique_id("AROA", role_arn(account.account_id, role.name)))
        .close("member");
  }
  w.close("PolicyRoles").raw_element("IsTruncated", "false");
  return out;
}

}  // namespace sluice::api::iam_wire::detail
