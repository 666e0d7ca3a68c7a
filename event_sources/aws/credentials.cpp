// Local credential sources (explicit, environment), the chain, the cache and the default chain.
// Profiles are resolved in credentials_profile.cpp, STS's providers live in credentials_sts.cpp and
// the network sources (container, instance metadata) in credentials_remote.cpp.

#include <condition_variable>

#include "http_util.h"
#include "shared_config.h"
#include "sluice/aws/credentials.h"
#include "sluice/common/mutex.h"

namespace sluice::aws {
namespace {

using detail::env_or;

class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(Credentials credentials) : credentials_(std::move(credentials)) {}
  ResolvedCredentials resolve() override { return {credentials_, {}}; }

 private:
  Credentials credentials_;
};

class EnvironmentProvider final : public CredentialsProvider {
 public:
  ResolvedCredentials resolve() override {
    Credentials c;
    c.access_key_id = env_or("AWS_ACCESS_KEY_ID");
    c.secret_access_key = env_or("AWS_SECRET_ACCESS_KEY");
    c.session_token = env_or("AWS_SESSION_TOKEN");
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      return {std::nullopt, "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY not set"};
    }
    return {std::move(c), {}};
  }
};

class ChainProvider final : public CredentialsProvider {
 public:
  explicit ChainProvider(std::vector<std::shared_ptr<CredentialsProvider>> providers)
      : providers_(std::move(providers)) {}

  ResolvedCredentials resolve() override {
    std::string errors;
    for (const auto& provider : providers_) {
      ResolvedCredentials r = provider->resolve();
      if (r.ok() || r.stop_chain) return r;
      if (!errors.empty()) errors += "; ";
      errors += r.error;
    }
    return {std::nullopt, "Unable to locate credentials (" + errors + ")"};
  }

 private:
  std::vector<std::shared_ptr<CredentialsProvider>> providers_;
};

// One caller at a time refreshes. While the cached credentials are still valid, everyone else
// keeps using them instead of waiting; only callers that have nothing valid wait for the refresh.
class CachingProvider final : public CredentialsProvider {
 public:
  CachingProvider(std::shared_ptr<CredentialsProvider> inner, std::shared_ptr<common::Clock> clock)
      : inner_(std::move(inner)), clock_(clock ? std::move(clock) : common::system_clock()) {}

  ResolvedCredentials resolve() override {
    common::MutexLock lock(mu_);
    for (;;) {
      // Expiration is a wall time; the clock's milliseconds are too.
      const std::chrono::system_clock::time_point now{std::chrono::milliseconds(clock_->now_ms())};
      bool valid = cached_ && (!cached_->expiration || now < *cached_->expiration);
      bool fresh = valid && (!cached_->expiration || now < *cached_->expiration - kRefreshAhead);
      if (fresh || (valid && refreshing_)) return {cached_, {}};
      if (!refreshing_) break;
      mu_.wait(refreshed_);
    }
    refreshing_ = true;
    lock.unlock();
    ResolvedCredentials answer = inner_->resolve();
    lock.lock();
    refreshing_ = false;
    refreshed_.notify_all();
    const std::chrono::system_clock::time_point now{std::chrono::milliseconds(clock_->now_ms())};
    if (answer.ok()) {
      cached_ = answer.credentials;
      return answer;
    }
    // A failed refresh rides on the old credentials while they last.
    if (cached_ && cached_->expiration && now < *cached_->expiration) return {cached_, {}};
    cached_.reset();
    return answer;
  }

 private:
  std::shared_ptr<CredentialsProvider> inner_;
  const std::shared_ptr<common::Clock> clock_;
  common::Mutex mu_;
  std::condition_variable refreshed_;
  bool refreshing_ GUARDED_BY(mu_) = false;
  std::optional<Credentials> cached_ GUARDED_BY(mu_);
};

}  // namespace

std::shared_ptr<CredentialsProvider> static_credentials(Credentials credentials) {
  return std::make_shared<StaticProvider>(std::move(credentials));
}

std::shared_ptr<CredentialsProvider> environment_credentials() { return std::make_shared<EnvironmentProvider>(); }

std::shared_ptr<CredentialsProvider> provider_chain(std::vector<std::shared_ptr<CredentialsProvider>> providers) {
  return std::make_shared<ChainProvider>(std::move(providers));
}

std::shared_ptr<CredentialsProvider> caching_provider(std::shared_ptr<CredentialsProvider> inner,
                                                      std::shared_ptr<common::Clock> clock) {
  return std::make_shared<CachingProvider>(std::move(inner), std::move(clock));
}

std::shared_ptr<CredentialsProvider> default_credentials_chain(DefaultChainOptions options) {
  std::vector<std::shared_ptr<CredentialsProvider>> providers;
  if (options.explicit_credentials) providers.push_back(static_credentials(*options.explicit_credentials));
  if (options.profile.empty()) providers.push_back(environment_credentials());
  providers.push_back(web_identity_environment_credentials());
  providers.push_back(profile_credentials(ProfileOptions{options.profile, {}, {}}, options.imds));
  providers.push_back(container_credentials());
  providers.push_back(imds_credentials(options.imds));
  return caching_provider(provider_chain(std::move(providers)));
}

namespace detail {
std::optional<std::string> imds_region(const ImdsOptions& options);  // credentials_remote.cpp
}

std::optional<std::string> resolve_region(const ProfileOptions& profile, const ImdsOptions& imds) {
  if (auto r = env_or("AWS_REGION"); !r.empty()) return r;
  if (auto r = env_or("AWS_DEFAULT_REGION"); !r.empty()) return r;
  detail::SharedConfig config = detail::load_shared_config(profile);
  if (auto r = detail::setting(config.selected(), "region"); !r.empty()) return r;
  return detail::imds_region(imds);
}

}  // namespace sluice::aws
