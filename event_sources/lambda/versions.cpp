// Versions and aliases (see versions.h): two maps keyed by function, mirrored in the store.

#include "versions.h"

#include <algorithm>

#include "sluice/common/sqlite.h"

namespace sluice::lambda::detail {
namespace {

common::AwsError store_failed(const common::sqlite::Error& e) {
  return common::aws_error(common::AwsErrorCode::LambdaService, std::string("the version store failed: ") + e.what());
}

template <typename Write>
common::Status stored(Write write) {
  try {
    write();
  } catch (const common::sqlite::Error& e) {
    return store_failed(e);
  }
  return common::ok_status();
}

}  // namespace

int64_t version_number(const std::string& text) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return 0;
  return std::stoll(text);
}

void Versions::load(std::vector<FunctionRecord> versions, std::vector<AliasRecord> aliases) {
  for (auto& version : versions) {
    const int64_t number = version_number(version.version);
    if (number > 0) versions_[version.name][number] = std::move(version);
  }
  for (auto& alias : aliases) aliases_[alias.function_name][alias.name] = std::move(alias);
}

const FunctionRecord* Versions::version(const std::string& function, int64_t number) const {
  auto of = versions_.find(function);
  if (of == versions_.end()) return nullptr;
  auto found = of->second.find(number);
  return found == of->second.end() ? nullptr : &found->second;
}

FunctionRecord* Versions::mutable_version(const std::string& function, int64_t number) {
  return const_cast<FunctionRecord*>(std::as_const(*this).version(function, number));
}

std::vector<FunctionRecord> Versions::versions_of(const std::string& function) const {
  std::vector<FunctionRecord> out;
  if (auto of = versions_.find(function); of != versions_.end())
    for (const auto& [number, version] : of->second) out.push_back(version);
  return out;
}

std::vector<FunctionRecord> Versions::all_versions() const {
  std::vector<FunctionRecord> out;
  for (const auto& [function, numbered] : versions_)
    for (const auto& [number, version] : numbered) out.push_back(version);
  return out;
}

const FunctionRecord* Versions::newest(const std::string& function) const {
  auto of = versions_.find(function);
  if (of == versions_.end() || of->second.empty()) return nullptr;
  return &of->second.rbegin()->second;
}

common::Status Versions::put_version(const FunctionRecord& version) {
  if (auto done = stored([&] { store_.put_version(version); }); !done) return done;
  versions_[version.name][version_number(version.version)] = version;
  return common::ok_status();
}

common::Status Versions::erase_version(const std::string& function, int64_t number) {
  if (auto done = stored([&] { store_.erase_version(function, number); }); !done) return done;
  if (auto of = versions_.find(function); of != versions_.end()) {
    of->second.erase(number);
    if (of->second.empty()) versions_.erase(of);
  }
  return common::ok_status();
}

bool Versions::code_in_use(const std::string& path) const {
  for (const auto& [function, numbered] : versions_)
    for (const auto& [number, version] : numbered)
      if (version.code.path == path) return true;
  return false;
}

const AliasRecord* Versions::alias(const std::string& function, const std::string& name) const {
  auto of = aliases_.find(function);
  if (of == aliases_.end()) return nullptr;
  auto found = of->second.find(name);
  return found == of->second.end() ? nullptr : &found->second;
}

std::vector<AliasRecord> Versions::aliases_of(const std::string& function) const {
  std::vector<AliasRecord> out;
  if (auto of = aliases_.find(function); of != aliases_.end())
    for (const auto& [name, alias] : of->second) out.push_back(alias);
  return out;
}

common::Status Versions::put_alias(const AliasRecord& alias) {
  if (auto done = stored([&] { store_.put_alias(alias); }); !done) return done;
  aliases_[alias.function_name][alias.name] = alias;
  return common::ok_status();
}

common::Status Versions::erase_alias(const std::string& function, const std::string& name) {
  if (auto done = stored([&] { store_.erase_alias(function, name); }); !done) return done;
  if (auto of = aliases_.find(function); of != aliases_.end()) {
    of->second.erase(name);
    if (of->second.empty()) aliases_.erase(of);
  }
  return common::ok_status();
}

std::vector<std::string> Versions::aliases_using(const std::string& function, const std::string& version) const {
  std::vector<std::string> names;
  for (const AliasRecord& alias : aliases_of(function)) {
    if (alias.function_version == version || alias.routing.count(version) != 0) names.push_back(alias.name);
  }
  return names;
}

common::Outcome<std::vector<FunctionRecord>> Versions::erase_function(const std::string& function) {
  std::vector<FunctionRecord> versions = versions_of(function);
  auto done = stored([&] {
    for (const FunctionRecord& version : versions) store_.erase_version(function, version_number(version.version));
    for (const AliasRecord& alias : aliases_of(function)) store_.erase_alias(function, alias.name);
  });
  if (!done) return done.take_error();
  versions_.erase(function);
  aliases_.erase(function);
  return versions;
}

}  // namespace sluice::lambda::detail
