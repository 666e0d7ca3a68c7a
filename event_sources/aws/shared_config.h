#pragma once
// The shared config and credentials files as the AWS SDKs read them. A profile is the union of
// "[profile NAME]" (or "[default]") in the config file and "[NAME]" in the credentials file, the
// credentials file winning on a key both name. "[sso-session NAME]" and "[services NAME]" sections
// are kept apart; an indented "key = value" under a key with an empty value is a sub-setting and is
// stored as "parent.key" (how "[services]" sections name a service's endpoint_url).

#include <map>
#include <optional>
#include <string>

#include "sluice/aws/credentials.h"

namespace sluice::aws::detail {

using Section = std::map<std::string, std::string>;

struct SharedConfig {
  std::string profile_name;  // the selected profile: options, else AWS_PROFILE, else "default"
  std::string config_file;
  std::string credentials_file;
  std::map<std::string, Section> profiles;
  std::map<std::string, Section> sso_sessions;
  std::map<std::string, Section> services;

  const Section* profile(const std::string& name) const;
  const Section* selected() const { return profile(profile_name); }
  // "the config file X or the credentials file Y", for error texts.
  std::string files() const;
};

SharedConfig load_shared_config(const ProfileOptions& options);

// The value of `key`, empty when absent.
std::string setting(const Section& section, const std::string& key);
std::string setting(const Section* section, const std::string& key);

std::optional<Credentials> static_credentials_in(const Section& section);

std::string expand_home(const std::string& path);

}  // namespace sluice::aws::detail
