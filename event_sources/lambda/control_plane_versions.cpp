// Published versions: PublishVersion, ListVersionsByFunction, deleting a version, and deploying
// one.

#include "control_plane_impl.h"

#include "alias_rules.h"
#include "sluice/common/crypto.h"

namespace sluice::lambda::detail {

namespace {

// Whether a published version already holds what $LATEST has (PublishVersion then publishes
// nothing new).
bool same_code_and_settings(const FunctionRecord& a, const FunctionRecord& b) {
  return a.code_sha256 == b.code_sha256 && a.runtime == b.runtime && a.role == b.role && a.handler == b.handler &&
         a.timeout_s == b.timeout_s && a.memory_size_mb == b.memory_size_mb && a.environment == b.environment &&
         a.dead_letter_target_arn == b.dead_letter_target_arn;
}

}  // namespace

common::Outcome<FunctionRecord> ControlPlaneImpl::publish_version(std::string_view name_or_arn,
                                                                  const PublishVersionInput& input) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (auto error = check_description(input.description)) return *error;
  int64_t number = 0;
  {
    common::MutexLock lock(mu_);
    auto latest = find_updatable({ref->name, ""});
    if (!latest) return latest.take_error();
    if (input.revision_id && *input.revision_id != latest->revision_id) return revision_mismatch();
    if (input.code_sha256 && *input.code_sha256 != latest->code_sha256)
      return code_sha256_mismatch(*input.code_sha256, latest->code_sha256);
    const FunctionRecord* newest = versions_.newest(latest->name);
    if (newest && same_code_and_settings(*newest, *latest)) return *newest;
    FunctionRecord function = *latest;
    number = ++function.last_published_version;
    FunctionRecord version = *latest;
    version.version = std::to_string(number);
    version.arn = latest->arn + ":" + version.version;
    version.last_published_version = 0;
    if (input.description) version.description = *input.description;
    touch(version);
    version.state = "Pending";
    version.state_reason = kBeingCreated;
    version.state_reason_code = "Creating";
    version.last_update_status = "Successful";
    version.last_update_status_reason.clear();
    version.last_update_status_reason_code.clear();
    if (auto persisted = persist(function); !persisted) return persisted.take_error();
    functions_[function.name] = function;
    if (auto stored = versions_.put_version(version); !stored) return stored.take_error();
    enqueue({Job::Kind::Deploy, version.name, "", version.version});
  }
  // Answered once deployed, so that the version can be invoked at once, as on AWS.
  std::unique_lock<std::mutex> idle_lock(idle_mu_);
  std::optional<FunctionRecord> published;
  idle_.wait(idle_lock, [&] {
    common::MutexLock lock(mu_);
    const FunctionRecord* version = versions_.version(ref->name, number);
    if (version && version->state == "Pending" && !stopping_) return false;
    if (version) published = *version;
    return true;
  });
  if (!published) return function_not_found(arn_of(ref->name) + ":" + std::to_string(number));
  return *published;
}

common::Outcome<VersionPage> ControlPlaneImpl::list_versions(std::string_view name_or_arn, std::string_view marker,
                                                             std::optional<int64_t> max_items) const {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (auto error = check_max_items(max_items)) return *error;
  const size_t limit = static_cast<size_t>(std::min<int64_t>(max_items.value_or(kDefaultMaxItems), kDefaultMaxItems));
  common::MutexLock lock(mu_);
  auto latest = find({ref->name, ""});
  if (!latest) return latest.take_error();
  std::vector<FunctionRecord> all{*latest};
  all.front().arn += ":$LATEST";
  for (FunctionRecord& version : versions_.versions_of(latest->name)) all.push_back(std::move(version));
  size_t start = 0;
  if (!marker.empty()) {
    while (start < all.size() && all[start].version != marker) ++start;
    start = start < all.size() ? start + 1 : all.size();
  }
  VersionPage page;
  for (size_t i = start; i < all.size(); ++i) {
    if (page.versions.size() == limit) {
      page.next_marker = page.versions.back().version;
      break;
    }
    page.versions.push_back(all[i]);
  }
  return page;
}

common::Status ControlPlaneImpl::delete_version(const FunctionRef& ref) {
  auto latest = find({ref.name, ""});
  if (!latest) return latest.take_error();
  const int64_t number = version_number(ref.qualifier);
  const FunctionRecord* version = versions_.version(ref.name, number);
  if (!version) {
    if (versions_.alias(ref.name, ref.qualifier)) {
      return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                               "Deletion of aliases is not currently supported.");
    }
    return function_not_found(latest->arn + ":" + ref.qualifier);
  }
  if (auto users = versions_.aliases_using(ref.name, version->version); !users.empty()) {
    std::string names;
    for (const std::string& user : users) names += (names.empty() ? "" : ", ") + user;
    return common::aws_error(common::AwsErrorCode::ResourceConflict,
                             "Unable to delete version because the following aliases reference it: [" + names + "]");
  }
  const FunctionRecord retired = *version;
  if (auto forgotten = event_configs_.forget(latest->arn + ":" + retired.version); !forgotten) return forgotten;
  if (auto erased = versions_.erase_version(ref.name, number); !erased) return erased;
  const bool shared =
      retired.code.hot_reload || retired.code.path == latest->code.path || versions_.code_in_use(retired.code.path);
  enqueue({Job::Kind::Retire, retired.name, shared ? "" : retired.code.path, retired.version});
  return common::ok_status();
}

// A published version's deployment: Pending -> Active, or Failed with the reason.
void ControlPlaneImpl::deploy_version(const Job& job) {
  const int64_t number = version_number(job.version);
  std::optional<FunctionRecord> snapshot;
  {
    common::MutexLock lock(mu_);
    if (const FunctionRecord* version = versions_.version(job.name, number)) snapshot = *version;
  }
  if (!snapshot) return;
  auto deployed = options_.executor->deploy(*snapshot);
  {
    common::MutexLock lock(mu_);
    if (FunctionRecord* version = versions_.mutable_version(job.name, number)) {
      FunctionRecord settled = *version;
      settled.state = deployed ? "Active" : "Failed";
      settled.state_reason = deployed ? std::string() : deployed.error();
      settled.state_reason_code = deployed ? "" : "InvalidConfiguration";
      if (auto stored = versions_.put_version(settled); !stored) *version = settled;  // in memory all the same
      return;
    }
  }
  options_.executor->retire(deployment_name(*snapshot));  // deleted meanwhile
}

common::Outcome<FunctionRecord> ControlPlaneImpl::publish_when_deployed(const std::string& name) {
  {
    std::unique_lock<std::mutex> idle_lock(idle_mu_);
    idle_.wait(idle_lock, [&] {
      common::MutexLock lock(mu_);
      auto found = functions_.find(name);
      return stopping_ || found == functions_.end() ||
             (found->second.state != "Pending" && found->second.last_update_status != "InProgress");
    });
  }
  return publish_version(name, PublishVersionInput{});
}

}  // namespace sluice::lambda::detail
