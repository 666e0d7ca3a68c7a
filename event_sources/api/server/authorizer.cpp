// Policy evaluation for every authenticated call (see server.h): the caller's policies come from
// the PolicySource and its credentials (session policies), the resource's from the service, all
// through one cache of compiled documents, so a request parses no JSON once its policies were
// seen. A document that does not compile is skipped with a log line: IAM would have refused to
// store it, and sluice's own stores validate what they accept.

#include "authorizer.h"

#include <chrono>
#include <ctime>
#include <span>

namespace sluice::api::server::detail {
namespace {

constexpr size_t kMaxCachedPrincipals = 4096;

std::string iso8601(int64_t epoch_ms) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

}  // namespace

void add_request_keys(identity::ConditionContext& context, const CallContext& ctx, int64_t now_ms) {
  context.set("aws:SecureTransport", ctx.secure_transport ? "true" : "false");
  context.set("aws:CurrentTime", iso8601(now_ms));
  context.set("aws:EpochTime", std::to_string(now_ms / 1000));
  context.set("aws:RequestedRegion", ctx.region);
  if (!ctx.source_ip.empty()) context.set("aws:SourceIp", ctx.source_ip);
}

Authorizer::Authorizer(AuthorizerOptions options) : options_(std::move(options)) {
  if (!options_.policies) options_.policies = options_.directory;
  if (!options_.wall_clock) options_.wall_clock = common::system_clock();
}

std::optional<identity::NamedPolicy> Authorizer::compiled(std::string name, std::string_view document) const {
  auto policy = cache_.get(document);
  if (!policy) {
    if (options_.audit_log) options_.audit_log("sluice: policy " + name + " ignored: " + policy.error());
    return std::nullopt;
  }
  return identity::NamedPolicy{std::move(name), *policy};
}

// Kept per principal until the source's generation moves: a request then costs a map lookup, not
// a copy and a hash of every document.
std::shared_ptr<const Authorizer::OwnPolicies> Authorizer::own_policies(const identity::Principal& principal) const {
  const uint64_t generation = options_.policies->generation();
  {
    common::MutexLock lock(mu_);
    if (auto it = own_.find(principal.arn); it != own_.end() && it->second->generation == generation) {
      return it->second;
    }
  }
  auto own = std::make_shared<OwnPolicies>();
  own->generation = generation;
  identity::PolicyDocuments documents = options_.policies->policies_for(principal);
  for (const identity::PolicyDocument& document : documents.identity) {
    if (auto named = compiled(document.name, document.document)) own->identity.push_back(std::move(*named));
  }
  if (documents.boundary) own->boundary = compiled(documents.boundary->name, documents.boundary->document);
  common::MutexLock lock(mu_);
  if (own_.size() >= kMaxCachedPrincipals) own_.clear();
  own_[principal.arn] = own;
  return own;
}

// The principal's own policies are evaluated where the cache keeps them (a view, no copy); only
// the session and resource policies of this request are looked up.
identity::Decision Authorizer::evaluate(const identity::AuthorizationRequest& request, std::string_view access_key_id,
                                        const identity::NamedPolicy* resource) const {
  identity::PolicyView view;
  std::shared_ptr<const OwnPolicies> own;  // keeps the view's policies alive
  if (request.principal != nullptr && options_.policies &&
      request.principal->kind != identity::Principal::Kind::Anonymous) {
    own = own_policies(*request.principal);
    view.identity = own->identity;
    view.boundary = own->boundary ? &*own->boundary : nullptr;
  }
  std::optional<identity::NamedPolicy> session;
  if (!access_key_id.empty() && options_.directory) {
    if (auto key = options_.directory->find_key(access_key_id); key && !key->session_policy.empty()) {
      session = compiled("session policy of " + std::string(access_key_id), key->session_policy);
    }
  }
  if (session) view.session = std::span<const identity::NamedPolicy>(&*session, 1);
  view.resource = resource;
  return identity::evaluate(request, view);
}

identity::Decision Authorizer::decide(const identity::AuthorizationRequest& request, std::string_view access_key_id,
                                      std::string_view resource_policy) const {
  std::optional<identity::NamedPolicy> resource;
  if (!resource_policy.empty()) resource = compiled("policy of " + request.resource, resource_policy);
  return evaluate(request, access_key_id, resource ? &*resource : nullptr);
}

// Decisions are kept (decision_cache.h): a request that asks what an earlier one asked, with the
// same values of the condition keys that decision read, is answered without evaluating again.
std::optional<common::AwsError> Authorizer::authorize(const Call& call, const AuthorizationTarget& target) const {
  if (options_.mode == identity::AuthMode::Off || !call.ctx.principal.authenticated) return std::nullopt;
  auto refusal = authorize_resource(
      call, target,
      ResourceView{target.action, target.resource, target.resource_account, target.resource_policy, target.key_policy});
  for (const AuthorizedResource& more : target.also) {
    if (refusal) break;
    refusal = authorize_resource(call, target,
                                 ResourceView{more.action.empty() ? target.action : more.action, more.resource,
                                              more.resource_account, more.resource_policy, more.key_policy});
  }
  return refusal;
}

std::optional<common::AwsError> Authorizer::authorize_resource(const Call& call, const AuthorizationTarget& target,
                                                               const ResourceView& resource) const {
  const identity::Principal& principal = call.ctx.principal;
  identity::AuthorizationRequest request;
  request.principal = &principal;
  request.action = resource.action;
  request.resource = resource.resource;
  request.resource_account = resource.resource_account;
  request.key_policy = resource.key_policy;
  identity::add_principal_keys(request.context, principal);
  add_request_keys(request.context, call.ctx, options_.wall_clock->now_ms());
  for (const auto& [key, values] : target.condition_keys) request.context.set_all(key, values);

  identity::PolicyPtr resource_policy;
  if (!resource.resource_policy.empty()) {
    auto policy = cache_.get(resource.resource_policy);
    if (policy) resource_policy = *policy;
  }
  DecisionQuestion question;
  question.generation = options_.policies ? options_.policies->generation() : 0;
  question.principal = &principal;
  question.access_key_id = call.ctx.access_key_id;
  question.resource_policy = &resource_policy;
  question.request = &request;
  std::shared_ptr<const identity::Decision> decision = decisions_.find(question);
  if (!decision) {
    std::optional<identity::NamedPolicy> named;
    if (resource_policy) named = identity::NamedPolicy{"policy of " + request.resource, resource_policy};
    else if (!resource.resource_policy.empty())
      (void)compiled("policy of " + request.resource, resource.resource_policy);
    std::vector<std::string> reads;
    request.context.log_reads(&reads);
    identity::Decision made = evaluate(request, call.ctx.access_key_id, named ? &*named : nullptr);
    request.context.log_reads(nullptr);
    decisions_.remember(question, reads, made);
    decision = std::make_shared<const identity::Decision>(std::move(made));
  }
  if (decision->allowed()) return std::nullopt;
  std::string message = identity::access_denied_message(request, *decision);
  if (options_.mode == identity::AuthMode::Audit) {
    if (options_.audit_log) {
      options_.audit_log("sluice auth audit: would refuse " + request.action + " (request " + call.ctx.request_id +
                         "): AccessDenied: " + message + " (" + decision->explanation() + ")");
    }
    return std::nullopt;
  }
  return common::aws_error(common::AwsErrorCode::AccessDenied, std::move(message));
}

}  // namespace sluice::api::server::detail
