#pragma once
// Internal: policy evaluation at the front door (see the note on authorization in server.h).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "decision_cache.h"
#include "sluice/api/server/server.h"
#include "sluice/common/mutex.h"
#include "sluice/identity/evaluation.h"
#include "sluice/identity/identity.h"
#include "sluice/identity/policy.h"

namespace sluice::api::server::detail {

struct AuthorizerOptions {
  identity::AuthMode mode = identity::AuthMode::Off;
  std::shared_ptr<identity::Directory> directory;          // session policies of temporary credentials
  std::shared_ptr<const identity::PolicySource> policies;  // identity policies and boundaries
  std::shared_ptr<common::Clock> wall_clock;               // aws:CurrentTime
  std::function<void(std::string_view line)> audit_log;
};

class Authorizer {
 public:
  explicit Authorizer(AuthorizerOptions options);

  // The AccessDenied error AWS would answer for `call` to `target`, or nullopt. In Audit mode the
  // refusal is logged and nullopt returned.
  std::optional<common::AwsError> authorize(const Call& call, const AuthorizationTarget& target) const;

  // The decision for a request, with the policies the front door would use (sluice explain).
  identity::Decision decide(const identity::AuthorizationRequest& request, std::string_view access_key_id,
                            std::string_view resource_policy) const;

 private:
  // A principal's own policies, compiled, as of a generation of the PolicySource, and its condition
  // keys (aws:PrincipalArn, aws:userid, ...), which its requests' contexts inherit.
  struct OwnPolicies {
    uint64_t generation = 0;
    std::vector<identity::NamedPolicy> identity;
    std::optional<identity::NamedPolicy> boundary;
    identity::Principal principal;  // the one principal_keys were made from
    identity::ConditionContext principal_keys;
  };
  std::shared_ptr<const OwnPolicies> own_policies(const identity::Principal& principal) const;
  // authorize() for one resource: the target's own or one of its `also`.
  struct ResourceView {
    const std::string& action;
    const std::string& resource;
    const std::string& resource_account;
    const std::string& resource_policy;
    bool key_policy;
  };
  std::optional<common::AwsError> authorize_resource(const Call& call, const AuthorizationTarget& target,
                                                     const ResourceView& resource) const;
  // The decision with the resource's policy already compiled (null: none). `own`: the principal's
  // policies when the caller has them already (null: looked up).
  identity::Decision evaluate(const identity::AuthorizationRequest& request, std::string_view access_key_id,
                              const identity::NamedPolicy* resource,
                              std::shared_ptr<const OwnPolicies> own = nullptr) const;
  // `document` compiled (through the cache) under `name`; nullopt, logged, when it does not compile.
  std::optional<identity::NamedPolicy> compiled(std::string name, std::string_view document) const;

  AuthorizerOptions options_;
  identity::PolicyCache cache_;
  mutable DecisionCache decisions_;
  mutable common::Mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const OwnPolicies>> own_ GUARDED_BY(mu_);  // by principal ARN
};

// The condition keys of a call besides the principal's: aws:SecureTransport, aws:CurrentTime,
// aws:EpochTime, aws:RequestedRegion, aws:SourceIp (the TCP peer's address).
void add_request_keys(identity::ConditionContext& context, const CallContext& ctx, int64_t now_ms);

}  // namespace sluice::api::server::detail
