// IAM's OpenID Connect provider actions. Limits are IAM's quotas (100 providers per account, 100
// client ids and 5 thumbprints per provider, 50 tags per resource); lengths and texts follow the
// IAM API reference. One divergence, for local issuers: an http:// URL is accepted when its host
// is a loopback address, localhost or a *.localhost name (AWS accepts https:// only), so that
// sluice's own issuer can be registered without --tls.

#include <algorithm>

#include "iam_actions.h"
#include "sluice/api/query/query.h"
#include "sluice/api/query/validation.h"
#include "sluice/common/clock.h"

namespace sluice::api::iam_wire::detail {
namespace {

using identity::OidcProvider;

constexpr size_t kProvidersPerAccount = 100;
constexpr size_t kClientIdsPerProvider = 100;
constexpr size_t kThumbprintsPerProvider = 5;
constexpr size_t kTagsPerResource = 50;

common::AwsError quota(std::string_view name, size_t limit) {
  return common::aws_error(common::AwsErrorCode::IamLimitExceeded,
                           "Cannot exceed quota for " + std::string(name) + ": " + std::to_string(limit));
}

bool loopback_host(std::string_view host_and_path) {
  std::string_view host = host_and_path.substr(0, host_and_path.find('/'));
  if (host.starts_with("[")) return host.starts_with("[::1]");
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.");
}

std::optional<common::AwsError> check_url(std::string_view url) {
  constexpr std::string_view kHttps = "https://";
  constexpr std::string_view kHttp = "http://";
  std::string_view rest;
  if (url.starts_with(kHttps)) rest = url.substr(kHttps.size());
  else if (url.starts_with(kHttp) && loopback_host(url.substr(kHttp.size()))) rest = url.substr(kHttp.size());
  else return common::aws_error(common::AwsErrorCode::InvalidInput, "Invalid Url: URL must begin with https://");
  if (rest.empty() || rest.front() == '/' || rest.find_first_of("?#") != std::string_view::npos) {
    return common::aws_error(common::AwsErrorCode::InvalidInput, "Invalid Url: " + std::string(url));
  }
  return std::nullopt;
}

void check_thumbprints(query::Validation& validation, const std::vector<std::string>& thumbprints) {
  for (const std::string& t : thumbprints) validation.length("thumbprintList.member", t, 40, 40);
}

void check_tags(query::Validation& validation, const std::vector<std::pair<std::string, std::string>>& tags) {
  for (const auto& [key, value] : tags) {
    validation.length("tags.member.key", key, 1, 128);
    validation.length("tags.member.value", value, 0, 256);
  }
}

// The provider named by OpenIDConnectProviderArn, in the caller's account.
common::Outcome<OidcProvider> provider_of(const server::Call& call, IamContext& iam, std::string* arn_out = nullptr) {
  const std::string_view* arn = form_value(call, "OpenIDConnectProviderArn");
  query::Validation validation;
  validation.not_null("openIDConnectProviderArn", arn != nullptr);
  if (arn != nullptr) validation.length("openIDConnectProviderArn", *arn, 20, 2048);
  if (auto error = validation.error()) return *error;
  if (!arn->starts_with("arn:aws:iam::") || arn->find(":oidc-provider/") == std::string_view::npos) {
    return common::aws_error(common::AwsErrorCode::InvalidInput, "ARN " + std::string(*arn) + " is not valid.");
  }
  if (arn_out != nullptr) *arn_out = std::string(*arn);
  auto provider = iam.directory.find_oidc_provider(*arn);
  if (!provider || provider->account_id != call.ctx.account_id) {
    return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                             "OpenIDConnect Provider not found for arn " + std::string(*arn));
  }
  return std::move(*provider);
}

void write_tags(query::XmlWriter& w, const std::vector<std::pair<std::string, std::string>>& tags) {
  w.open("Tags");
  for (const auto& [key, value] : tags) {
    w.open("member").element("Key", key).element("Value", value).close("member");
  }
  w.close("Tags");
}

void write_list(query::XmlWriter& w, std::string_view name, const std::vector<std::string>& items) {
  w.open(name);
  for (const std::string& item : items) w.element("member", item);
  w.close(name);
}

// Tags with the same key replace the old value, as IAM's TagX actions do.
void merge_tags(std::vector<std::pair<std::string, std::string>>& into,
                const std::vector<std::pair<std::string, std::string>>& tags) {
  for (const auto& tag : tags) {
    auto it = std::find_if(into.begin(), into.end(), [&](const auto& t) { return t.first == tag.first; });
    if (it != into.end()) it->second = tag.second;
    else into.push_back(tag);
  }
}

}  // namespace

common::Outcome<std::string> create_oidc_provider(const server::Call& call, IamContext& iam) {
  const std::string_view* url = form_value(call, "Url");
  const std::vector<std::string> client_ids = form_list(call, "ClientIDList");
  const std::vector<std::string> thumbprints = form_list(call, "ThumbprintList");
  auto tags = form_tags(call, "Tags");
  query::Validation validation;
  validation.not_null("url", url != nullptr);
  if (url != nullptr) validation.length("url", *url, 1, 255);
  for (const std::string& id : client_ids) validation.length("clientIDList.member", id, 1, 255);
  check_thumbprints(validation, thumbprints);
  check_tags(validation, tags);
  if (auto error = validation.error()) return *error;
  if (auto error = check_url(*url)) return *error;
  if (client_ids.size() > kClientIdsPerProvider)
    return quota("ClientIdsPerOpenIdConnectProvider", kClientIdsPerProvider);
  if (thumbprints.size() > kThumbprintsPerProvider) {
    return quota("ThumbprintsPerOpenIdConnectProvider", kThumbprintsPerProvider);
  }
  if (tags.size() > kTagsPerResource) return quota("TagsPerOpenIdConnectProvider", kTagsPerResource);

  OidcProvider provider;
  provider.account_id = call.ctx.account_id;
  provider.url = std::string(*url);
  provider.arn = identity::oidc_provider_arn(provider.account_id, provider.url);
  for (const std::string& id : client_ids) {
    if (std::find(provider.client_ids.begin(), provider.client_ids.end(), id) == provider.client_ids.end())
      provider.client_ids.push_back(id);
  }
  provider.thumbprints = thumbprints;
  merge_tags(provider.tags, tags);
  provider.created_ms = iam.now_ms;
  const std::string arn = provider.arn;
  const auto kept_tags = provider.tags;
  if (common::Status added = iam.directory.add_oidc_provider(std::move(provider), kProvidersPerAccount); !added) {
    return added.take_error();
  }
  std::string out;
  query::XmlWriter w(out);
  w.element("OpenIDConnectProviderArn", arn);
  if (!kept_tags.empty()) write_tags(w, kept_tags);
  return out;
}

common::Outcome<std::string> get_oidc_provider(const server::Call& call, IamContext& iam) {
  auto provider = provider_of(call, iam);
  if (!provider) return provider.take_error();
  std::string out;
  query::XmlWriter w(out);
  write_list(w, "ThumbprintList", provider->thumbprints);
  w.element("CreateDate", common::format_iso8601_ms(provider->created_ms));
  w.element("Url", identity::oidc_issuer_id(provider->url));
  write_list(w, "ClientIDList", provider->client_ids);
  write_tags(w, provider->tags);
  return out;
}

common::Outcome<std::string> list_oidc_providers(const server::Call& call, IamContext& iam) {
  std::string out;
  query::XmlWriter w(out);
  w.open("OpenIDConnectProviderList");
  for (const OidcProvider& provider : iam.directory.oidc_providers(call.ctx.account_id)) {
    w.open("member").element("Arn", provider.arn).close("member");
  }
  w.close("OpenIDConnectProviderList");
  return out;
}

common::Outcome<std::string> delete_oidc_provider(const server::Call& call, IamContext& iam) {
  std::string arn;
  auto provider = provider_of(call, iam, &arn);
  if (!provider) return provider.take_error();
  if (common::Status removed = iam.directory.remove_oidc_provider(arn); !removed) return removed.take_error();
  return std::string();
}

common::Outcome<std::string> add_client_id(const server::Call& call, IamContext& iam) {
  std::string arn;
  auto provider = provider_of(call, iam, &arn);
  if (!provider) return provider.take_error();
  const std::string_view* client_id = form_value(call, "ClientID");
  query::Validation validation;
  validation.not_null("clientID", client_id != nullptr);
  if (client_id != nullptr) validation.length("clientID", *client_id, 1, 255);
  if (auto error = validation.error()) return *error;
  const std::string id(*client_id);
  common::Status changed = iam.directory.change_oidc_provider(arn, [&](OidcProvider& p) -> common::Status {
    if (std::find(p.client_ids.begin(), p.client_ids.end(), id) != p.client_ids.end()) return common::ok_status();
    if (p.client_ids.size() >= kClientIdsPerProvider) {
      return quota("ClientIdsPerOpenIdConnectProvider", kClientIdsPerProvider);
    }
    p.client_ids.push_back(id);
    return common::ok_status();
  });
  if (!changed) return changed.take_error();
  return std::string();
}

common::Outcome<std::string> remove_client_id(const server::Call& call, IamContext& iam) {
  std::string arn;
  auto provider = provider_of(call, iam, &arn);
  if (!provider) return provider.take_error();
  const std::string_view* client_id = form_value(call, "ClientID");
  query::Validation validation;
  validation.not_null("clientID", client_id != nullptr);
  if (client_id != nullptr) validation.length("clientID", *client_id, 1, 255);
  if (auto error = validation.error()) return *error;
  const std::string id(*client_id);
  // Removing a client id the provider does not have succeeds, as IAM documents.
  common::Status changed = iam.directory.change_oidc_provider(arn, [&](OidcProvider& p) -> common::Status {
    std::erase(p.client_ids, id);
    return common::ok_status();
  });
  if (!changed) return changed.take_error();
  return std::string();
}

common::Outcome<std::string> update_thumbprint(const server::Call& call, IamContext& iam) {
  std::string arn;
  auto provider = provider_of(call, iam, &arn);
  if (!provider) return provider.take_error();
  const std::vector<std::string> thumbprints = form_list(call, "ThumbprintList");
  query::Validation validation;
  validation.not_null("thumbprintList", !thumbprints.empty() || form_value(call, "ThumbprintList") != nullptr);
  check_thumbprints(validation, thumbprints);
  if (auto error = validation.error()) return *error;
  if (thumbprints.size() > kThumbprintsPerProvider) {
    return quota("ThumbprintsPerOpenIdConnectProvider", kThumbprintsPerProvider);
  }
  common::Status changed = iam.directory.change_oidc_provider(arn, [&](OidcProvider& p) -> common::Status {
    p.thumbprints = thumbprints;
    return common::ok_status();
  });
  if (!changed) return changed.take_error();
  return std::string();
}

common::Outcome<std::string> tag_oidc_provider(const server::Call& call, IamContext& iam) {
  std::string arn;
  auto provider = provider_of(call, iam, &arn);
  if (!provider) return provider.take_error();
  auto tags = form_tags(call, "Tags");
  query::Validation validation;
  validation.not_null("tags", !tags.empty());
  check_tags(validation, tags);
  if (auto error = validation.error()) return *error;
  common::Status changed = iam.directory.change_oidc_provider(arn, [&](OidcProvider& p) -> common::Status {
    merge_tags(p.tags, tags);
    if (p.tags.size() > kTagsPerResource) return quota("TagsPerOpenIdConnectProvider", kTagsPerResource);
    return common::ok_status();
  });
  if (!changed) return changed.take_error();
  return std::string();
}

common::Outcome<std::string> untag_oidc_provider(const server::Call& call, IamContext& iam) {
  std::string arn;
  auto provider = provider_of(call, iam, &arn);
  if (!provider) return provider.take_error();
  const std::vector<std::string> keys = form_list(call, "TagKeys");
  query::Validation validation;
  validation.not_null("tagKeys", !keys.empty());
  for (const std::string& key : keys) validation.length("tagKeys.member", key, 1, 128);
  if (auto error = validation.error()) return *error;
  common::Status changed = iam.directory.change_oidc_provider(arn, [&](OidcProvider& p) -> common::Status {
    std::erase_if(p.tags, [&](const auto& t) { return std::find(keys.begin(), keys.end(), t.first) != keys.end(); });
    return common::ok_status();
  });
  if (!changed) return changed.take_error();
  return std::string();
}

common::Outcome<std::string> list_oidc_provider_tags(const server::Call& call, IamContext& iam) {
  auto provider = provider_of(call, iam);
  if (!provider) return provider.take_error();
  int64_t max_items = 100;
  size_t start = 0;
  query::Validation validation;
  if (const std::string_view* text = form_value(call, "MaxItems")) {
    if (!query::parse_form_integer(*text, &max_items)) return query::form_integer_error("MaxItems", *text);
    validation.range("maxItems", *text, max_items, 1, 1000);
  }
  if (const std::string_view* marker = form_value(call, "Marker")) {
    int64_t index = 0;
    if (!query::parse_form_integer(*marker, &index) || index < 0) {
      return common::aws_error(common::AwsErrorCode::InvalidInput, "Invalid Marker.");
    }
    start = static_cast<size_t>(index);
  }
  if (auto error = validation.error()) return *error;
  const auto& tags = provider->tags;
  const size_t end = std::min(tags.size(), start + static_cast<size_t>(max_items));
  std::vector<std::pair<std::string, std::string>> page;
  for (size_t i = start; i < end; ++i) page.push_back(tags[i]);
  std::string out;
  query::XmlWriter w(out);
  write_tags(w, page);
  const bool truncated = end < tags.size();
  w.raw_element("IsTruncated", truncated ? "true" : "false");
  if (truncated) w.element("Marker", std::to_string(end));
  return out;
}

}  // namespace sluice::api::iam_wire::detail
