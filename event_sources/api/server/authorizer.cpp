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

// aws:CurrentTime and aws:EpochTime of the second `epoch_ms` falls in. They change once a second,
// and formatting them (gmtime_r, strftime) cost more than the rest of a request's context, so each
// thread keeps the last second's texts.
struct SecondTexts {
  int64_t second = -1;
  std::string iso8601;
  std::string epoch;
};

const SecondTexts& second_texts(int64_t epoch_ms) {
  thread_local SecondTexts texts;
  const int64_t second = epoch_ms / 1000;
  if (texts.second != second || texts.epoch.empty()) {
    const auto seconds = static_cast<std::time_t>(second);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    texts.iso8601 = out;
    texts.epoch = std::to_string(second);
    texts.second = second;
  }
  return texts;
}

bool same_principal_keys(const identity::Principal& a, const identity::Principal& b) {
  return a.kind == b.kind && a.arn == b.arn && a.account_id == b.account_id && a.user_id == b.user_id &&
         a.name == b.name;
}

}  // namespace

void add_request_keys(identity::ConditionContext& context, const CallContext& ctx, int64_t now_ms) {
  const SecondTexts& now = second_texts(now_ms);
  context.set("aws:SecureTransport", ctx.secure_transport ? "true" : "false");
  context.set("aws:CurrentTime", now.iso8601);
  context.set("aws:EpochTime", now.epoch);
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
    if (auto it = own_.find(principal.arn); it != own_.end() && it->second->generation == generation &&
                                            same_principal_keys(it->second->principal, principal)) {
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
  own->principal = principal;
  identity::add_principal_keys(own->principal_keys, principal);
  common::MutexLock lock(mu_);
  if (own_.size() >= kMaxCachedPrincipals) own_.clear();
  own_[principal.arn] = own;
  return own;
}

// The principal's own policies are evaluated where the cache keeps them (a view, no copy); only
// the session and resource policies of this request are looked up.
identity::Decision Authorizer::evaluate(const identity::AuthorizationRequest& request, std::string_view access_key_id,
                                        const identity::NamedPolicy* resource,
                                        std::shared_ptr<const OwnPolicies> own) const {
  identity::PolicyView view;
  // `own` keeps the view's policies alive.
  if (request.principal != nullptr && options_.policies &&
      request.principal->kind != identity::Principal::Kind::Anonymous) {
    if (!own) own = own_policies(*request.principal);
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
  // The principal's keys are its cached policies' (built once); the request's are set on top.
  std::shared_ptr<const OwnPolicies> own;
  if (options_.policies && principal.kind != identity::Principal::Kind::Anonymous) own = own_policies(principal);
  if (own) request.context.inherit(&own->principal_keys);
  else identity::add_principal_keys(request.context, principal);
  add_request_keys(request.context, call.ctx, options_.wall_clock->now_ms());
  for (const auto& [key, values] : target.condition_keys) request.context.set_all(key, values);

  identity::PolicyPtr resource_policy;
  if (!resource.resource_policy.empty()) {
    auto policy = cache_.get(resource.resource_policy);
    if (policy) resource_policy = *policy;
  }
  DecisionQuestion question;
  // The generation of the policies this request is judged by: when they were looked up above, theirs
  // (a change since then must not file a decision made with the older ones under the newer one).
  question.generation = own ? own->generation : options_.policies ? options_.policies->generation() : 0;
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
    identity::Decision made = evaluate(request, call.ctx.access_key_id, named ? &*named : nullptr, own);
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
