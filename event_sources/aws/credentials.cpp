// Local credential sources (explicit, environment, shared files), the chain and the cache. The
// network sources (container, instance metadata) live in credentials_remote.cpp.

#include <fstream>
#include <map>
#include <mutex>

#include "http_util.h"
#include "sluice/aws/credentials.h"

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

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

using IniFile = std::map<std::string, std::map<std::string, std::string>>;

// INI as the AWS CLI writes it: [section], key = value, '#' and ';' comment lines.
std::optional<IniFile> read_ini(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  IniFile out;
  std::string section;
  std::string line;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = trim(std::string_view(t).substr(1, t.size() - 2));
      out[section];
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    out[section][trim(std::string_view(t).substr(0, eq))] = trim(std::string_view(t).substr(eq + 1));
  }
  return out;
}

std::string expand_home(const std::string& path) {
  if (path.empty() || path[0] != '~') return path;
  return env_or("HOME") + path.substr(1);
}

struct ResolvedProfile {
  std::string name;
  std::string credentials_file;
  std::string config_file;
};

ResolvedProfile resolve_profile(const ProfileOptions& options) {
  ResolvedProfile out;
  out.name = !options.profile.empty() ? options.profile : env_or("AWS_PROFILE", "default");
  out.credentials_file =
      expand_home(!options.credentials_file.empty() ? options.credentials_file
                                                    : env_or("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"));
  out.config_file =
      expand_home(!options.config_file.empty() ? options.config_file : env_or("AWS_CONFIG_FILE", "~/.aws/config"));
  return out;
}

// The config file names profiles "[profile NAME]", except "[default]".
const std::map<std::string, std::string>* config_section(const IniFile& config, const std::string& profile) {
  auto it = config.find("profile " + profile);
  if (it == config.end() && profile == "default") it = config.find("default");
  return it == config.end() ? nullptr : &it->second;
}

std::optional<Credentials> credentials_in(const std::map<std::string, std::string>& section) {
  auto get = [&](const char* key) {
    auto it = section.find(key);
    return it == section.end() ? std::string() : it->second;
  };
  Credentials c{get("aws_access_key_id"), get("aws_secret_access_key"), get("aws_session_token"), std::nullopt};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) return std::nullopt;
  return c;
}

class ProfileProvider final : public CredentialsProvider {
 public:
  explicit ProfileProvider(ProfileOptions options) : options_(std::move(options)) {}

  ResolvedCredentials resolve() override {
    ResolvedProfile p = resolve_profile(options_);
    if (auto file = read_ini(p.credentials_file)) {
      auto it = file->find(p.name);
      if (it != file->end()) {
        if (auto c = credentials_in(it->second)) return {std::move(c), {}};
      }
    }
    if (auto config = read_ini(p.config_file)) {
      if (const auto* section = config_section(*config, p.name)) {
        if (auto c = credentials_in(*section)) return {std::move(c), {}};
      }
    }
    return {std::nullopt, "no keys for profile " + p.name + " in " + p.credentials_file + " or " + p.config_file};
  }

 private:
  ProfileOptions options_;
};

class ChainProvider final : public CredentialsProvider {
 public:
  explicit ChainProvider(std::vector<std::shared_ptr<CredentialsProvider>> providers)
      : providers_(std::move(providers)) {}

  ResolvedCredentials resolve() override {
    std::string errors;
    for (const auto& provider : providers_) {
      ResolvedCredentials r = provider->resolve();
      if (r.ok()) return r;
      if (!errors.empty()) errors += "; ";
      errors += r.error;
    }
    return {std::nullopt, "Unable to locate credentials (" + errors + ")"};
  }

 private:
  std::vector<std::shared_ptr<CredentialsProvider>> providers_;
};

class CachingProvider final : public CredentialsProvider {
 public:
  CachingProvider(std::shared_ptr<CredentialsProvider> inner, std::shared_ptr<Clock> clock)
      : inner_(std::move(inner)), clock_(clock ? std::move(clock) : system_clock()) {}

  ResolvedCredentials resolve() override {
    // One resolver at a time: concurrent callers wait for the same refresh instead of all
    // hitting the metadata service.
    std::lock_guard lock(mu_);
    // Expiration is a wall time; the clock's milliseconds are too.
    const std::chrono::system_clock::time_point now{std::chrono::milliseconds(clock_->now_ms())};
    if (cached_ && (!cached_->expiration || now < *cached_->expiration - kRefreshAhead)) return {cached_, {}};
    ResolvedCredentials fresh = inner_->resolve();
    if (fresh.ok()) {
      cached_ = fresh.credentials;
      return fresh;
    }
    if (cached_ && cached_->expiration && now < *cached_->expiration) return {cached_, {}};
    cached_.reset();
    return fresh;
  }

 private:
  std::shared_ptr<CredentialsProvider> inner_;
  const std::shared_ptr<Clock> clock_;
  std::mutex mu_;
  std::optional<Credentials> cached_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> static_credentials(Credentials credentials) {
  return std::make_shared<StaticProvider>(std::move(credentials));
}

std::shared_ptr<CredentialsProvider> environment_credentials() { return std::make_shared<EnvironmentProvider>(); }

std::shared_ptr<CredentialsProvider> profile_credentials(ProfileOptions options) {
  return std::make_shared<ProfileProvider>(std::move(options));
}

std::shared_ptr<CredentialsProvider> provider_chain(std::vector<std::shared_ptr<CredentialsProvider>> providers) {
  return std::make_shared<ChainProvider>(std::move(providers));
}

std::shared_ptr<CredentialsProvider> caching_provider(std::shared_ptr<CredentialsProvider> inner,
                                                      std::shared_ptr<Clock> clock) {
  return std::make_shared<CachingProvider>(std::move(inner), std::move(clock));
}

std::shared_ptr<CredentialsProvider> default_credentials_chain(DefaultChainOptions options) {
  std::vector<std::shared_ptr<CredentialsProvider>> providers;
  if (options.explicit_credentials) providers.push_back(static_credentials(*options.explicit_credentials));
  if (options.profile.empty()) providers.push_back(environment_credentials());
  providers.push_back(profile_credentials(ProfileOptions{options.profile, {}, {}}));
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
  ResolvedProfile p = resolve_profile(profile);
  if (auto config = read_ini(p.config_file)) {
    if (const auto* section = config_section(*config, p.name)) {
      auto it = section->find("region");
      if (it != section->end() && !it->second.empty()) return it->second;
    }
  }
  return detail::imds_region(imds);
}

}  // namespace sluice::aws
