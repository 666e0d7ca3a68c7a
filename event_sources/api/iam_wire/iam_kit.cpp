// What IAM's entity actions share (see iam_kit.h).

#include "iam_kit.h"

#include <algorithm>

#include "sluice/common/clock.h"
#include "sluice/identity/aws_managed_policies.h"
#include "sluice/identity/policy_grammar.h"
#include "sluice/identity/principal.h"

namespace sluice::api::iam_wire::detail {
namespace {

using namespace identity;

constexpr size_t kMaxDocumentLength = 131072;

bool name_characters(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return word || std::string_view("+=,.@-").find(c) != std::string_view::npos;
  });
}

// "/" or "/" + printable ASCII + "/".
bool path_form(std::string_view path) {
  if (path == "/") return true;
  if (path.size() < 3 || path.front() != '/' || path.back() != '/') return false;
  return std::all_of(path.begin(), path.end(), [](char c) { return c >= 0x21 && c <= 0x7E; });
}

std::string date(int64_t ms) { return common::format_iso8601_ms(ms); }

// A trust policy of "" (a declared role without one) trusts its own account: shown as such.
std::string shown_trust_policy(const IamAccount& account, const IamRole& role) {
  if (!role.trust_policy.empty()) return role.trust_policy;
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" +
         account.account_id + R"(:root"},"Action":"sts:AssumeRole"}]})";
}

}  // namespace

std::string field_name(std::string_view param) {
  std::string field(param);
  if (!field.empty()) field[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(field[0])));
  return field;
}

std::optional<std::string> read_name(const server::Call& call, query::Validation& validation, std::string_view param,
                                     size_t max_length, bool required) {
  const std::string_view* value = form_value(call, param);
  const std::string field = field_name(param);
  if (required) validation.not_null(field, value != nullptr);
  if (value == nullptr) return std::nullopt;
  validation.length(field, *value, 1, max_length);
  validation.pattern(field, *value, name_characters(*value), kNamePattern);
  return std::string(*value);
}

std::string read_path(const server::Call& call, query::Validation& validation, std::string_view param) {
  const std::string_view* value = form_value(call, param);
  if (value == nullptr) return "/";
  const std::string field = field_name(param);
  validation.length(field, *value, 1, 512);
  validation.pattern(field, *value, path_form(*value), kPathPattern);
  return std::string(*value);
}

std::string read_path_prefix(const server::Call& call, query::Validation& validation) {
  const std::string_view* value = form_value(call, "PathPrefix");
  if (value == nullptr) return "/";
  validation.length("pathPrefix", *value, 1, 512);
  const bool form = value->starts_with("/") &&
                    std::all_of(value->begin(), value->end(), [](char c) { return c >= 0x21 && c <= 0x7E; });
  validation.pattern("pathPrefix", *value, form, "\\u002F[\\u0021-\\u007F]*");
  return std::string(*value);
}

std::optional<std::string> read_document(const server::Call& call, query::Validation& validation,
                                         std::string_view param) {
  const std::string_view* value = form_value(call, param);
  const std::string field = field_name(param);
  validation.not_null(field, value != nullptr);
  if (value == nullptr) return std::nullopt;
  validation.length(field, *value, 1, kMaxDocumentLength);
  return std::string(*value);
}

IamTags read_tags(const server::Call& call, query::Validation& validation) {
  IamTags tags = form_tags(call, "Tags");
  for (const auto& [key, value] : tags) {
    validation.length("tags.member.key", key, 1, 128);
    validation.length("tags.member.value", value, 0, 256);
  }
  return tags;
}

std::vector<std::string> read_tag_keys(const server::Call& call, query::Validation& validation) {
  std::vector<std::string> keys = form_list(call, "TagKeys");
  validation.not_null("tagKeys", !keys.empty());
  for (const std::string& key : keys) validation.length("tagKeys.member", key, 1, 128);
  return keys;
}

std::optional<common::AwsError> check_identity_policy(std::string_view document) {
  if (auto problem = policy_grammar_problem(document, PolicyKind::Identity)) {
    return common::aws_error(common::AwsErrorCode::MalformedPolicyDocument, *problem);
  }
  return std::nullopt;
}

std::optional<common::AwsError> check_trust_policy(std::string_view document) {
  if (auto problem = policy_grammar_problem(document, PolicyKind::Trust)) {
    return common::aws_error(common::AwsErrorCode::MalformedPolicyDocument, *problem);
  }
  if (policy_size(document) > kTrustPolicySize) {
    return quota("ACLSizePerRole", kTrustPolicySize);
  }
  return std::nullopt;
}

bool policy_exists(const IamAccount& account, std::string_view arn) {
  return find_aws_managed_policy(arn) != nullptr || find_customer_policy(account, arn) != nullptr;
}

common::AwsError no_such_user(std::string_view name) {
  return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                           "The user with name " + std::string(name) + " cannot be found.");
}
common::AwsError no_such_role(std::string_view name) {
  return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                           "The role with name " + std::string(name) + " cannot be found.");
}
common::AwsError no_such_group(std::string_view name) {
  return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                           "The group with name " + std::string(name) + " cannot be found.");
}
common::AwsError no_such_policy(std::string_view arn) {
  return common::aws_error(common::AwsErrorCode::NoSuchEntity, "Policy " + std::string(arn) + " was not found.");
}
common::AwsError not_attachable(std::string_view arn) {
  return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                           "Policy " + std::string(arn) + " does not exist or is not attachable.");
}
common::AwsError quota(std::string_view name, size_t limit) {
  return common::aws_error(common::AwsErrorCode::IamLimitExceeded,
                           "Cannot exceed quota for " + std::string(name) + ": " + std::to_string(limit));
}

common::Status merge_tags(IamTags& into, const IamTags& tags, std::string_view quota_name) {
  for (const auto& tag : tags) {
    auto it = std::find_if(into.begin(), into.end(), [&](const auto& t) { return t.first == tag.first; });
    if (it != into.end()) it->second = tag.second;
    else into.push_back(tag);
  }
  if (into.size() > kTagsPerResource) return quota(quota_name, kTagsPerResource);
  return common::ok_status();
}

void remove_tags(IamTags& from, const std::vector<std::string>& keys) {
  std::erase_if(from, [&](const auto& t) { return std::find(keys.begin(), keys.end(), t.first) != keys.end(); });
}

common::Outcome<std::string> change_account(const server::Call& call, IamContext& iam,
                                            const std::function<common::Status(IamAccount&)>& change,
                                            std::string answer) {
  if (common::Status changed = iam.directory.change_iam(call.ctx.account_id, change); !changed)
    return changed.take_error();
  return answer;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 2);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~';
    if (keep) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

void write_tags(query::XmlWriter& w, const IamTags& tags) {
  w.open("Tags");
  for (const auto& [key, value] : tags) w.open("member").element("Key", key).element("Value", value).close("member");
  w.close("Tags");
}

void write_boundary(query::XmlWriter& w, const std::string& arn) {
  if (arn.empty()) return;
  w.open("PermissionsBoundary")
      .raw_element("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
      .element("PermissionsBoundaryArn", arn)
      .close("PermissionsBoundary");
}

void write_user(query::XmlWriter& w, const IamAccount& account, const IamUser& user, bool with_details) {
  const Principal principal = user_principal(account.account_id, user.name, user.path);
  w.element("Path", user.path)
      .element("UserName", user.name)
      .element("UserId", principal.user_id)
      .element("Arn", principal.arn)
      .element("CreateDate", date(user.created_ms));
  if (!with_details) return;
  write_boundary(w, user.permissions_boundary_arn);
  if (!user.tags.empty()) write_tags(w, user.tags);
}

void write_group(query::XmlWriter& w, const IamAccount& account, const IamGroup& group) {
  const std::string arn = iam_group_arn(account.account_id, group);
  w.element("Path", group.path)
      .element("GroupName", group.name)
      .element("GroupId", unique_id("AGPA", arn))
      .element("Arn", arn)
      .element("CreateDate", date(group.created_ms));
}

void write_role(query::XmlWriter& w, const IamAccount& account, const IamRole& role, bool with_details) {
  w.element("Path", role.path)
      .element("RoleName", role.name)
      .element("RoleId", unique_id("AROA", role_arn(account.account_id, role.name)))
      .element("Arn", iam_role_arn(account.account_id, role))
      .element("CreateDate", date(role.created_ms))
      .element("AssumeRolePolicyDocument", url_encode(shown_trust_policy(account, role)));
  if (!role.description.empty()) w.element("Description", role.description);
  w.raw_element("MaxSessionDuration", std::to_string(role.max_session_duration_s));
  if (!with_details) return;
  write_boundary(w, role.permissions_boundary_arn);
  if (!role.tags.empty()) write_tags(w, role.tags);
  w.raw("<RoleLastUsed/>");
}

void write_instance_profile(query::XmlWriter& w, const IamAccount& account, const IamInstanceProfile& profile) {
  const std::string arn = iam_instance_profile_arn(account.account_id, profile);
  w.element("Path", profile.path)
      .element("InstanceProfileName", profile.name)
      .element("InstanceProfileId", unique_id("AIPA", arn))
      .element("Arn", arn)
      .element("CreateDate", date(profile.created_ms));
  w.open("Roles");
  for (const std::string& key : profile.role_keys) {
    auto role = account.roles.find(key);
    if (role == account.roles.end()) continue;
    w.open("member");
    write_role(w, account, role->second, false);
    w.close("member");
  }
  w.close("Roles");
  if (!profile.tags.empty()) write_tags(w, profile.tags);
}

common::Outcome<Page> read_page(const server::Call& call, size_t total) {
  int64_t max_items = 100;
  query::Validation validation;
  if (const std::string_view* text = form_value(call, "MaxItems")) {
    if (!query::parse_form_integer(*text, &max_items)) return query::form_integer_error("MaxItems", *text);
    validation.range("maxItems", *text, max_items, 1, 1000);
  }
  Page page;
  page.total = total;
  if (const std::string_view* marker = form_value(call, "Marker")) {
    validation.length("marker", *marker, 1, 320);
    int64_t index = 0;
    if (!marker->empty() && (!query::parse_form_integer(*marker, &index) || index < 0)) {
      return common::aws_error(common::AwsErrorCode::InvalidInput, "Invalid Marker.");
    }
    page.begin = std::min(total, static_cast<size_t>(index));
  }
  if (auto error = validation.error()) return *error;
  page.end = std::min(total, page.begin + static_cast<size_t>(max_items));
  return page;
}

void write_page_end(query::XmlWriter& w, const Page& page) {
  const bool truncated = page.end < page.total;
  w.raw_element("IsTruncated", truncated ? "true" : "false");
  if (truncated) w.element("Marker", std::to_string(page.end));
}

}  // namespace sluice::api::iam_wire::detail
