#pragma once
// Internal: IAM's actions. Each reads the Query form of a call and answers the inner XML of its
// <ActionResult> element (empty for actions that answer only ResponseMetadata), or IAM's error.

#include <string>
#include <string_view>
#include <vector>

#include "sluice/api/server/server.h"
#include "sluice/identity/identity.h"

namespace sluice::api::iam_wire::detail {

struct IamContext {
  identity::Directory& directory;
  int64_t now_ms;
};

// The last value of a scalar parameter, or null.
const std::string_view* form_value(const server::Call& call, std::string_view name);
// A list parameter's members ("<name>.member.N"), in order of N.
std::vector<std::string> form_list(const server::Call& call, std::string_view name);
// A tag list ("<name>.member.N.Key/Value"), in order of N.
std::vector<std::pair<std::string, std::string>> form_tags(const server::Call& call, std::string_view name);

// OpenID Connect providers (oidc_provider_actions.cpp).
Outcome<std::string> create_oidc_provider(const server::Call& call, IamContext& iam);
Outcome<std::string> get_oidc_provider(const server::Call& call, IamContext& iam);
Outcome<std::string> list_oidc_providers(const server::Call& call, IamContext& iam);
Outcome<std::string> delete_oidc_provider(const server::Call& call, IamContext& iam);
Outcome<std::string> add_client_id(const server::Call& call, IamContext& iam);
Outcome<std::string> remove_client_id(const server::Call& call, IamContext& iam);
Outcome<std::string> update_thumbprint(const server::Call& call, IamContext& iam);
Outcome<std::string> tag_oidc_provider(const server::Call& call, IamContext& iam);
Outcome<std::string> untag_oidc_provider(const server::Call& call, IamContext& iam);
Outcome<std::string> list_oidc_provider_tags(const server::Call& call, IamContext& iam);

}  // namespace sluice::api::iam_wire::detail
