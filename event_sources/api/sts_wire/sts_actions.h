#pragma once
// Internal: STS's actions. Each reads the Query form of a call and answers the inner XML of its
// <ActionResult> element, or the error AWS gives.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sluice/api/query/query.h"
#include "sluice/api/server/server.h"
#include "sluice/identity/conditions.h"
#include "sluice/identity/identity.h"
#include "sluice/identity/oidc_issuer.h"

namespace sluice::api::sts_wire::detail {

struct StsContext {
  identity::Directory& directory;
  identity::AuthMode mode;
  int64_t now_ms;
  const std::function<void(std::string_view line)>& audit_log;
  const identity::OidcIssuer* issuer = nullptr;  // sluice's own issuer, when served
};

// The condition keys every STS request has: aws:CurrentTime, aws:EpochTime, aws:SecureTransport,
// sts:RoleSessionName, aws:RequestTag/KEY and aws:TagKeys from Tags.member.N.
identity::ConditionContext request_context(const server::Call& call, const StsContext& sts);
void write_credentials(query::XmlWriter& w, const identity::SessionCredentials& credentials);
// arn:aws:iam::ACCOUNT:role/[PATH/]NAME -> account and name.
bool parse_role_arn(std::string_view arn, std::string* account, std::string* name);
const std::string_view* form_value(const server::Call& call, std::string_view name);

common::Outcome<std::string> get_caller_identity(const server::Call& call, StsContext& sts);
common::Outcome<std::string> assume_role(const server::Call& call, StsContext& sts);
common::Outcome<std::string> get_session_token(const server::Call& call, StsContext& sts);
// web_identity.cpp
common::Outcome<std::string> assume_role_with_web_identity(const server::Call& call, StsContext& sts);

}  // namespace sluice::api::sts_wire::detail
