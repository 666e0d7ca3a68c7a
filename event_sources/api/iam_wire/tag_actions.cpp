// IAM's tag actions for users, roles, customer managed policies and instance profiles:
// Tag<X>, Untag<X>, List<X>Tags, written once as templates over the tagged kind. Tags with a
// key already present replace its value; 50 tags per resource.

#include "iam_kit.h"

namespace sluice::api::iam_wire::detail {
namespace {

using namespace identity;

struct TaggedTraits {
  std::string_view param;  // UserName, RoleName, PolicyArn, InstanceProfileName
  std::string_view quota_name;
};

constexpr TaggedTraits traits(Tagged tagged) {
  switch (tagged) {
    case Tagged::User:
      return {"UserName", "TagsPerUser"};
    case Tagged::Role:
      return {"RoleName", "TagsPerRole"};
    case Tagged::Policy:
      return {"PolicyArn", "TagsPerPolicy"};
    case Tagged::InstanceProfile:
      return {"InstanceProfileName", "TagsPerInstanceProfile"};
  }
  return {"UserName", "TagsPerUser"};
}

template <typename Map>
IamTags* tags_in(Map& map, const std::string& name) {
  auto it = map.find(iam_key(name));
  return it == map.end() ? nullptr : &it->second.tags;
}

common::Outcome<IamTags*> find_tags(IamAccount& account, Tagged tagged, const std::string& id) {
  IamTags* tags = nullptr;
  switch (tagged) {
    case Tagged::User:
      if ((tags = tags_in(account.users, id)) == nullptr) return no_such_user(id);
      break;
    case Tagged::Role:
      if ((tags = tags_in(account.roles, id)) == nullptr) return no_such_role(id);
      break;
    case Tagged::Policy: {
      IamManagedPolicy* policy = find_customer_policy(account, id);
      if (policy == nullptr) return no_such_policy(id);
      tags = &policy->tags;
      break;
    }
    case Tagged::InstanceProfile:
      if ((tags = tags_in(account.instance_profiles, id)) == nullptr) {
        return common::aws_error(common::AwsErrorCode::NoSuchEntity, "Instance Profile " + id + " cannot be found.");
      }
      break;
  }
  return tags;
}

// The name or ARN that names the tagged resource.
std::optional<std::string> read_target(const server::Call& call, query::Validation& validation, Tagged tagged) {
  const TaggedTraits t = traits(tagged);
  if (tagged != Tagged::Policy) return read_name(call, validation, t.param, 128);
  const std::string_view* arn = form_value(call, t.param);
  validation.not_null("policyArn", arn != nullptr);
  if (arn == nullptr) return std::nullopt;
  validation.length("policyArn", *arn, 20, 2048);
  return std::string(*arn);
}

}  // namespace

template <Tagged T>
common::Outcome<std::string> tag_resource(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto target = read_target(call, validation, T);
  const IamTags tags = read_tags(call, validation);
  validation.not_null("tags", !tags.empty());
  if (auto error = validation.error()) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto found = find_tags(account, T, *target);
    if (!found) return found.take_error();
    return merge_tags(**found, tags, traits(T).quota_name);
  });
}

template <Tagged T>
common::Outcome<std::string> untag_resource(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto target = read_target(call, validation, T);
  const std::vector<std::string> keys = read_tag_keys(call, validation);
  if (auto error = validation.error()) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto found = find_tags(account, T, *target);
    if (!found) return found.take_error();
    remove_tags(**found, keys);
    return common::ok_status();
  });
}

template <Tagged T>
common::Outcome<std::string> list_resource_tags(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto target = read_target(call, validation, T);
  if (auto error = validation.error()) return *error;
  IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  auto found = find_tags(account, T, *target);
  if (!found) return found.take_error();
  return paged_list(call, "Tags", **found, [](query::XmlWriter& w, const std::pair<std::string, std::string>& tag) {
    w.element("Key", tag.first).element("Value", tag.second);
  });
}

#define SLUICE_IAM_TAG_ACTIONS(T)                                                            \
  template common::Outcome<std::string> tag_resource<T>(const server::Call&, IamContext&);   \
  template common::Outcome<std::string> untag_resource<T>(const server::Call&, IamContext&); \
  template common::Outcome<std::string> list_resource_tags<T>(const server::Call&, IamContext&);
SLUICE_IAM_TAG_ACTIONS(Tagged::User)
SLUICE_IAM_TAG_ACTIONS(Tagged::Role)
SLUICE_IAM_TAG_ACTIONS(Tagged::Policy)
SLUICE_IAM_TAG_ACTIONS(Tagged::InstanceProfile)
#undef SLUICE_IAM_TAG_ACTIONS

}  // namespace sluice::api::iam_wire::detail
