// INI as the AWS CLI writes it: [section], key = value, '#' and ';' comment lines, and indented
// sub-settings under a key whose value is empty.

#include "shared_config.h"

#include <fstream>

#include "http_util.h"

namespace sluice::aws::detail {
namespace {

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

using IniFile = std::map<std::string, Section>;

IniFile read_ini(const std::string& path) {
  IniFile out;
  std::ifstream in(path);
  if (!in) return out;
  std::string section;
  std::string parent;  // the key an indented line belongs to
  std::string line;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = trim(std::string_view(t).substr(1, t.size() - 2));
      out[section];
      parent.clear();
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    std::string key = trim(std::string_view(t).substr(0, eq));
    std::string value = trim(std::string_view(t).substr(eq + 1));
    bool indented = line[0] == ' ' || line[0] == '\t';
    if (indented && !parent.empty()) {
      out[section][parent + "." + key] = value;
      continue;
    }
    out[section][key] = value;
    parent = value.empty() ? key : std::string();
  }
  return out;
}

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

std::string expand_home(const std::string& path) {
  if (path.empty() || path[0] != '~') return path;
  return env_or("HOME") + path.substr(1);
}

SharedConfig load_shared_config(const ProfileOptions& options) {
  SharedConfig out;
  out.profile_name = !options.profile.empty() ? options.profile : env_or("AWS_PROFILE", "default");
  out.credentials_file =
      expand_home(!options.credentials_file.empty() ? options.credentials_file
                                                    : env_or("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"));
  out.config_file =
      expand_home(!options.config_file.empty() ? options.config_file : env_or("AWS_CONFIG_FILE", "~/.aws/config"));

  for (auto& [name, section] : read_ini(out.config_file)) {
    if (name == "default") {
      out.profiles["default"].merge(section);
    } else if (starts_with(name, "profile ")) {
      // "[profile default]" is accepted too, and wins over "[default]".
      Section& into = out.profiles[trim(std::string_view(name).substr(8))];
      for (auto& [key, value] : section) into[key] = value;
    } else if (starts_with(name, "sso-session ")) {
      out.sso_sessions[trim(std::string_view(name).substr(12))] = std::move(section);
    } else if (starts_with(name, "services ")) {
      out.services[trim(std::string_view(name).substr(9))] = std::move(section);
    }
  }
  for (auto& [name, section] : read_ini(out.credentials_file)) {
    Section& into = out.profiles[name];
    for (auto& [key, value] : section) into[key] = value;
  }
  return out;
}

const Section* SharedConfig::profile(const std::string& name) const {
  auto it = profiles.find(name);
  return it == profiles.end() ? nullptr : &it->second;
}

std::string SharedConfig::files() const { return config_file + " or " + credentials_file; }

std::string setting(const Section& section, const std::string& key) {
  auto it = section.find(key);
  return it == section.end() ? std::string() : it->second;
}

std::string setting(const Section* section, const std::string& key) {
  return section == nullptr ? std::string() : setting(*section, key);
}

std::optional<Credentials> static_credentials_in(const Section& section) {
  Credentials c{setting(section, "aws_access_key_id"), setting(section, "aws_secret_access_key"),
                setting(section, "aws_session_token"), std::nullopt};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) return std::nullopt;
  return c;
}

}  // namespace sluice::aws::detail
