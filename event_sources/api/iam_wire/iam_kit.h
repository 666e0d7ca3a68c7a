#pragma once
// Internal: what IAM's entity actions share — reading names, paths and documents with IAM's
// validation texts, IAM's NoSuchEntity/EntityAlreadyExists texts, writing entities in IAM's XML
// shapes (policy documents URL-encoded, as IAM sends them), and Marker/MaxItems pagination.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam_actions.h"
#include "sluice/api/query/query.h"
#include "sluice/api/query/validation.h"
#include "sluice/identity/iam_entities.h"

namespace sluice::api::iam_wire::detail {

using identity::IamAccount;

// IAM's quotas (IAM User Guide, "IAM and AWS STS quotas"; defaults).
constexpr size_t kTagsPerResource = 50;
constexpr size_t kManagedPoliciesPerEntity = 10;
constexpr size_t kVersionsPerPolicy = 5;
constexpr size_t kAccessKeysPerUser = 2;
constexpr size_t kGroupsPerUser = 10;
constexpr size_t kRolesPerInstanceProfile = 1;
constexpr size_t kManagedPolicySize = 6144;
constexpr size_t kTrustPolicySize = 2048;

// Name patterns and their texts in IAM's validation messages.
constexpr std::string_view kNamePattern = "[\\w+=,.@-]+";
constexpr std::string_view kPathPattern = "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)";

// A required name parameter (UserName, RoleName, ...): present, of length min..max, of IAM's
// name characters. Problems go to `validation`; the value, when present.
std::optional<std::string> read_name(const server::Call& call, query::Validation& validation, std::string_view param,
                                     size_t max_length, bool required = true);
// An optional Path-like parameter ("/" when absent).
std::string read_path(const server::Call& call, query::Validation& validation, std::string_view param);
// An optional PathPrefix ("/" when absent).
std::string read_path_prefix(const server::Call& call, query::Validation& validation);
// A required policy document: present, 1..131072 characters. Its grammar is checked separately.
std::optional<std::string> read_document(const server::Call& call, query::Validation& validation,
                                         std::string_view param);
// Tags ("Tags.member.N.Key/Value") with IAM's length checks.
identity::IamTags read_tags(const server::Call& call, query::Validation& validation);
// TagKeys.member.N with IAM's length checks.
std::vector<std::string> read_tag_keys(const server::Call& call, query::Validation& validation);
// The lower-camel field name IAM's validation messages use for a parameter ("UserName" -> "userName").
std::string field_name(std::string_view param);

// MalformedPolicyDocument when IAM would not store the document.
std::optional<common::AwsError> check_identity_policy(std::string_view document);
std::optional<common::AwsError> check_trust_policy(std::string_view document);

// True when the ARN names an AWS managed policy or a customer managed policy of `account`.
bool policy_exists(const IamAccount& account, std::string_view arn);

common::AwsError no_such_user(std::string_view name);
common::AwsError no_such_role(std::string_view name);
common::AwsError no_such_group(std::string_view name);
common::AwsError no_such_policy(std::string_view arn);        // "Policy ARN was not found."
common::AwsError not_attachable(std::string_view arn);        // "Policy ARN does not exist or is not attachable."
common::AwsError quota(std::string_view name, size_t limit);  // "Cannot exceed quota for NAME: LIMIT"

// Adds tags (same key replaces), refusing more than kTagsPerResource with `quota_name`.
common::Status merge_tags(identity::IamTags& into, const identity::IamTags& tags, std::string_view quota_name);
void remove_tags(identity::IamTags& from, const std::vector<std::string>& keys);

// Runs `change` on the caller's account (Directory::change_iam) and answers `answer` after it,
// or the change's error.
common::Outcome<std::string> change_account(const server::Call& call, IamContext& iam,
                                            const std::function<common::Status(IamAccount&)>& change,
                                            std::string answer = {});

// Percent-encodes a policy document as IAM does in its XML answers.
std::string url_encode(std::string_view text);

void write_user(query::XmlWriter& w, const IamAccount& account, const identity::IamUser& user, bool with_details);
void write_group(query::XmlWriter& w, const IamAccount& account, const identity::IamGroup& group);
void write_role(query::XmlWriter& w, const IamAccount& account, const identity::IamRole& role, bool with_details);
void write_instance_profile(query::XmlWriter& w, const IamAccount& account,
                            const identity::IamInstanceProfile& profile);
void write_tags(query::XmlWriter& w, const identity::IamTags& tags);
void write_boundary(query::XmlWriter& w, const std::string& arn);

// Marker/MaxItems pagination (MaxItems 1..1000, default 100; the marker is the index of the next
// item). The page's [begin, end) into a list of `total` items, or IAM's error.
struct Page {
  size_t begin = 0;
  size_t end = 0;
  size_t total = 0;
};
common::Outcome<Page> read_page(const server::Call& call, size_t total);
// <IsTruncated> and, when truncated, <Marker>.
void write_page_end(query::XmlWriter& w, const Page& page);

// Writes <list_name><member>...</member>...</list_name> for one page of `items`, then the page end.
template <typename T, typename WriteMember>
common::Outcome<std::string> paged_list(const server::Call& call, std::string_view list_name,
                                        const std::vector<T>& items, WriteMember write_member) {
  auto page = read_page(call, items.size());
  if (!page) return page.take_error();
  std::string out;
  query::XmlWriter w(out);
  w.open(list_name);
  for (size_t i = page->begin; i < page->end; ++i) {
    w.open("member");
    write_member(w, items[i]);
    w.close("member");
  }
  w.close(list_name);
  write_page_end(w, *page);
  return out;
}

}  // namespace sluice::api::iam_wire::detail
