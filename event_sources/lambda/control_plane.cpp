// The control plane (see control_plane.h). Records live in a map under one mutex and in the
// store; a change is stored before it is answered. Code is unpacked outside the lock. The
// deployer thread takes jobs (deploy a function's current record, or retire a deleted one) in
// order and reports the outcome back into the record, the way Lambda moves State and
// LastUpdateStatus.

#include "sluice/lambda/control_plane.h"

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "alias_rules.h"
#include "async_invocations.h"
#include "code_archive.h"
#include "function_rules.h"
#include "function_store.h"
#include "mappings.h"
#include "policies.h"
#include "sluice/common/crypto.h"
#include "sluice/common/mutex.h"
#include "sluice/common/sqlite.h"
#include "versions.h"

namespace sluice::lambda {
namespace {

namespace fs = std::filesystem;
using detail::function_not_found;

constexpr const char* kBeingCreated = "The function is being created.";
constexpr const char* kHotReloadBucket = "hot-reload";
constexpr int64_t kDefaultMaxItems = 50;
constexpr int64_t kAccountConcurrency = 1000;
constexpr int64_t kMinimumUnreserved = 100;

struct Job {
  enum class Kind { Deploy, Retire, StartMappings } kind;
  std::string name;
  std::string discard_code;         // a code directory no longer used once this job is done
  std::string version = "$LATEST";  // or the published version the job deploys or retires
};

// Whether a published version already holds what $LATEST has (PublishVersion then publishes
// nothing new).
bool same_code_and_settings(const FunctionRecord& a, const FunctionRecord& b) {
  return a.code_sha256 == b.code_sha256 && a.runtime == b.runtime && a.role == b.role && a.handler == b.handler &&
         a.timeout_s == b.timeout_s && a.memory_size_mb == b.memory_size_mb && a.environment == b.environment &&
         a.dead_letter_target_arn == b.dead_letter_target_arn;
}

// Description's length rule, as UpdateFunctionConfiguration checks it.
std::optional<AwsError> check_description(const std::optional<std::string>& description) {
  UpdateConfigurationInput input;
  input.description = description;
  return detail::validate_update(input);
}

std::optional<AwsError> check_max_items(std::optional<int64_t> max_items) {
  if (!max_items || (*max_items >= 1 && *max_items <= 10000)) return std::nullopt;
  return aws_error(AwsErrorCode::Validation,
                   "1 validation error detected: Value '" + std::to_string(*max_items) +
                       "' at 'maxItems' failed to satisfy constraint: Member must have value " +
                       (*max_items < 1 ? "greater than or equal to 1" : "less than or equal to 10000"));
}

class ControlPlaneImpl final : public ControlPlane {
 public:
  ControlPlaneImpl(ControlPlaneOptions options, std::unique_ptr<detail::FunctionStore> store, std::string code_root,
                   bool temporary_code_root)
      : options_(std::move(options)),
        code_root_(std::move(code_root)),
        temporary_code_root_(temporary_code_root),
        store_(std::move(store)),
        versions_(*store_),
        policies_(*store_),
        mappings_(*options_.executor, *store_, options_.clock,
                  [this](std::string_view name_or_arn) { return get_function(name_or_arn); }),
        async_(
            *options_.executor, *store_, options_.clock,
            [this](std::string_view name_or_arn) { return get_function(name_or_arn); }, options_.dead_letters,
            options_.async_dispatchers) {
    {
      MutexLock lock(mu_);
      for (auto& function : store_->load_all()) {
        const std::string name = function.name;
        functions_.emplace(name, std::move(function));
        jobs_.push_back({Job::Kind::Deploy, name, ""});
      }
      versions_.load(store_->load_versions(), store_->load_aliases());
      policies_.load(store_->load_policies());
      for (const FunctionRecord& version : versions_.all_versions())
        jobs_.push_back({Job::Kind::Deploy, version.name, "", version.version});
      // Mappings start once their functions are deployed.
      mappings_.load(store_->load_mappings());
      // So do stored Event invocations.
      jobs_.push_back({Job::Kind::StartMappings, "", ""});
    }
    deployer_ = std::thread([this] { run_deployer(); });
  }

  ~ControlPlaneImpl() override {
    {
      MutexLock lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    deployer_.join();  // first: the deployer is what starts the event dispatchers
    async_.stop();
    if (temporary_code_root_) {
      std::error_code ec;
      fs::remove_all(code_root_, ec);
    }
  }

  Outcome<FunctionRecord> create_function(const CreateFunctionInput& input) override {
    auto ref = detail::parse_function_name(input.function_name);
    if (!ref) return ref.take_error();
    if (auto error = detail::validate_create(input)) return *error;
    FunctionRecord function;
    function.name = ref->name;
    function.arn = arn_of(ref->name);
    auto code = store_code(function.name, input.code, &function);
    if (!code) return code.take_error();
    function.runtime = input.runtime;
    function.role = input.role;
    function.handler = input.handler;
    function.description = input.description;
    function.timeout_s = input.timeout_s.value_or(3);
    function.memory_size_mb = input.memory_size_mb.value_or(128);
    function.environment = input.environment;
    function.dead_letter_target_arn = input.dead_letter_target_arn;
    function.tags = input.tags;
    function.state = "Pending";
    function.state_reason = kBeingCreated;
    function.state_reason_code = "Creating";
    touch(function);
    {
      MutexLock lock(mu_);
      if (functions_.count(function.name) == 0) {
        if (auto stored = persist(function); !stored) return stored.take_error();
        functions_.emplace(function.name, function);
        enqueue({Job::Kind::Deploy, function.name, ""});
        return function;
      }
    }
    discard_code(function.code);
    return detail::function_exists(function.name);
  }

  Outcome<FunctionRecord> get_function(std::string_view name_or_arn) const override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    MutexLock lock(mu_);
    return find_qualified(*ref, false);
  }

  Outcome<FunctionPage> list_functions(std::string_view marker, std::optional<int64_t> max_items) const override {
    if (auto error = check_max_items(max_items)) return *error;
    const int64_t limit = std::min<int64_t>(max_items.value_or(kDefaultMaxItems), kDefaultMaxItems);
    FunctionPage page;
    MutexLock lock(mu_);
    auto it = marker.empty() ? functions_.begin() : functions_.upper_bound(marker);
    for (; it != functions_.end(); ++it) {
      if (static_cast<int64_t>(page.functions.size()) == limit) {
        page.next_marker = page.functions.back().name;
        break;
      }
      page.functions.push_back(it->second);
    }
    return page;
  }

  Status delete_function(std::string_view name_or_arn) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    MutexLock lock(mu_);
    if (!ref->qualifier.empty() && ref->qualifier != "$LATEST") return delete_version(*ref);
    if (ref->qualifier == "$LATEST") {
      return aws_error(AwsErrorCode::LambdaInvalidParameterValue,
                       "$LATEST version cannot be deleted without deleting the function.");
    }
    auto found = find(*ref);
    if (!found) return found.take_error();
    auto versions = versions_.erase_function(found->name);
    if (!versions) return versions.take_error();
    if (auto forgotten = policies_.forget(found->arn); !forgotten) return forgotten;
    try {
      store_->erase(found->name);
    } catch (const sqlite::Error& e) {
      return store_failed(e);
    }
    functions_.erase(found->name);
    enqueue({Job::Kind::Retire, found->name, found->code.hot_reload ? "" : found->code.path});
    for (const FunctionRecord& version : *versions) {
      const bool shared = version.code.hot_reload || version.code.path == found->code.path;
      enqueue({Job::Kind::Retire, version.name, shared ? "" : version.code.path, version.version});
    }
    return ok_status();
  }

  Outcome<FunctionRecord> update_function_code(std::string_view name_or_arn, const CodeInput& code) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    {
      MutexLock lock(mu_);
      auto found = find_updatable(*ref);
      if (!found) return found.take_error();
    }
    FunctionRecord fresh;
    auto stored = store_code(ref->name, code, &fresh);
    if (!stored) return stored.take_error();
    MutexLock lock(mu_);
    auto found = find_updatable(*ref);
    if (!found) {
      discard_code(fresh.code);
      return found.take_error();
    }
    if (code.revision_id && *code.revision_id != found->revision_id) {
      discard_code(fresh.code);
      return detail::revision_mismatch();
    }
    FunctionRecord function = *found;
    const CodeLocation old_code = function.code;
    function.code = fresh.code;
    function.code_sha256 = fresh.code_sha256;
    function.code_size = fresh.code_size;
    begin_update(function);
    if (auto persisted = persist(function); !persisted) {
      discard_code(fresh.code);
      return persisted.take_error();
    }
    functions_[function.name] = function;
    const bool keep_old = old_code.hot_reload || versions_.code_in_use(old_code.path);
    enqueue({Job::Kind::Deploy, function.name, keep_old ? "" : old_code.path});
    return function;
  }

  Outcome<FunctionRecord> update_function_configuration(std::string_view name_or_arn,
                                                        const UpdateConfigurationInput& input) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (auto error = detail::validate_update(input)) return *error;
    MutexLock lock(mu_);
    auto found = find_updatable(*ref);
    if (!found) return found.take_error();
    if (input.revision_id && *input.revision_id != found->revision_id) return detail::revision_mismatch();
    FunctionRecord function = *found;
    if (input.runtime) function.runtime = *input.runtime;
    if (input.role) function.role = *input.role;
    if (input.handler) function.handler = *input.handler;
    if (input.description) function.description = *input.description;
    if (input.timeout_s) function.timeout_s = *input.timeout_s;
    if (input.memory_size_mb) function.memory_size_mb = *input.memory_size_mb;
    if (input.environment) function.environment = *input.environment;
    if (input.dead_letter_target_arn) function.dead_letter_target_arn = *input.dead_letter_target_arn;
    begin_update(function);
    if (auto persisted = persist(function); !persisted) return persisted.take_error();
    functions_[function.name] = function;
    enqueue({Job::Kind::Deploy, function.name, ""});
    return function;
  }

  Outcome<FunctionRecord> publish_version(std::string_view name_or_arn, const PublishVersionInput& input) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (auto error = check_description(input.description)) return *error;
    int64_t number = 0;
    {
      MutexLock lock(mu_);
      auto latest = find_updatable({ref->name, ""});
      if (!latest) return latest.take_error();
      if (input.revision_id && *input.revision_id != latest->revision_id) return detail::revision_mismatch();
      if (input.code_sha256 && *input.code_sha256 != latest->code_sha256)
        return detail::code_sha256_mismatch(*input.code_sha256, latest->code_sha256);
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
      MutexLock lock(mu_);
      const FunctionRecord* version = versions_.version(ref->name, number);
      if (version && version->state == "Pending" && !stopping_) return false;
      if (version) published = *version;
      return true;
    });
    if (!published) return function_not_found(arn_of(ref->name) + ":" + std::to_string(number));
    return *published;
  }

  Outcome<VersionPage> list_versions(std::string_view name_or_arn, std::string_view marker,
                                     std::optional<int64_t> max_items) const override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (auto error = check_max_items(max_items)) return *error;
    const size_t limit = static_cast<size_t>(std::min<int64_t>(max_items.value_or(kDefaultMaxItems), kDefaultMaxItems));
    MutexLock lock(mu_);
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

  Outcome<AliasRecord> create_alias(std::string_view name_or_arn, const AliasInput& input) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (auto error = detail::check_alias_name(input.name)) return *error;
    if (!input.function_version) {
      return aws_error(AwsErrorCode::Validation,
                       "1 validation error detected: Value null at 'functionVersion' failed to satisfy constraint: "
                       "Member must not be null");
    }
    if (auto error = detail::check_function_version(*input.function_version)) return *error;
    if (auto error = check_description(input.description)) return *error;
    const VersionWeights routing = input.routing.value_or(VersionWeights{});
    if (auto error = detail::check_routing(*input.function_version, routing)) return *error;
    MutexLock lock(mu_);
    auto latest = find({ref->name, ""});
    if (!latest) return latest.take_error();
    if (auto missing = missing_version(latest->name, *input.function_version, routing)) return *missing;
    AliasRecord alias;
    alias.function_name = latest->name;
    alias.name = input.name;
    alias.arn = latest->arn + ":" + input.name;
    if (versions_.alias(alias.function_name, alias.name)) return detail::alias_exists(alias.arn);
    alias.function_version = *input.function_version;
    alias.description = input.description.value_or("");
    alias.routing = routing;
    alias.revision_id = uuid4();
    if (auto stored = versions_.put_alias(alias); !stored) return stored.take_error();
    return alias;
  }

  Outcome<AliasRecord> get_alias(std::string_view name_or_arn, const std::string& name) const override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (auto error = detail::check_alias_name(name)) return *error;
    MutexLock lock(mu_);
    auto latest = find({ref->name, ""});
    if (!latest) return latest.take_error();
    const AliasRecord* alias = versions_.alias(latest->name, name);
    if (!alias) return detail::alias_not_found(latest->arn + ":" + name);
    return *alias;
  }

  Outcome<AliasRecord> update_alias(std::string_view name_or_arn, const AliasInput& input) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (auto error = detail::check_alias_name(input.name)) return *error;
    if (input.function_version)
      if (auto error = detail::check_function_version(*input.function_version)) return *error;
    if (auto error = check_description(input.description)) return *error;
    MutexLock lock(mu_);
    auto latest = find({ref->name, ""});
    if (!latest) return latest.take_error();
    const AliasRecord* found = versions_.alias(latest->name, input.name);
    if (!found) return detail::alias_not_found(latest->arn + ":" + input.name);
    if (input.revision_id && *input.revision_id != found->revision_id) return detail::revision_mismatch();
    AliasRecord alias = *found;
    if (input.function_version) alias.function_version = *input.function_version;
    if (input.description) alias.description = *input.description;
    if (input.routing) alias.routing = *input.routing;
    if (auto error = detail::check_routing(alias.function_version, alias.routing)) return *error;
    if (auto missing = missing_version(alias.function_name, alias.function_version, alias.routing)) return *missing;
    alias.revision_id = uuid4();
    if (auto stored = versions_.put_alias(alias); !stored) return stored.take_error();
    return alias;
  }

  Status delete_alias(std::string_view name_or_arn, const std::string& name) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (auto error = detail::check_alias_name(name)) return *error;
    MutexLock lock(mu_);
    auto latest = find({ref->name, ""});
    if (!latest) return latest.take_error();
    if (!versions_.alias(latest->name, name)) return ok_status();  // AWS answers 204 all the same
    return versions_.erase_alias(latest->name, name);
  }

  Outcome<AliasPage> list_aliases(std::string_view name_or_arn, std::string_view function_version,
                                  std::string_view marker, std::optional<int64_t> max_items) const override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (!function_version.empty())
      if (auto error = detail::check_function_version(std::string(function_version))) return *error;
    if (auto error = check_max_items(max_items)) return *error;
    const size_t limit = static_cast<size_t>(std::min<int64_t>(max_items.value_or(kDefaultMaxItems), kDefaultMaxItems));
    MutexLock lock(mu_);
    auto latest = find({ref->name, ""});
    if (!latest) return latest.take_error();
    AliasPage page;
    for (AliasRecord& alias : versions_.aliases_of(latest->name)) {
      if (!marker.empty() && alias.name <= marker) continue;
      if (!function_version.empty() && alias.function_version != function_version) continue;
      if (page.aliases.size() == limit) {
        page.next_marker = page.aliases.back().name;
        break;
      }
      page.aliases.push_back(std::move(alias));
    }
    return page;
  }

  Outcome<std::string> add_permission(std::string_view name_or_arn, std::string_view qualifier,
                                      const AddPermissionInput& input) override {
    MutexLock lock(mu_);
    auto resource = policy_resource(name_or_arn, qualifier);
    if (!resource) return resource.take_error();
    return policies_.add(*resource, input);
  }

  Outcome<PolicyDocument> get_policy(std::string_view name_or_arn, std::string_view qualifier) const override {
    MutexLock lock(mu_);
    auto resource = policy_resource(name_or_arn, qualifier);
    if (!resource) return resource.take_error();
    return policies_.get(*resource);
  }

  Status remove_permission(std::string_view name_or_arn, std::string_view qualifier, const std::string& statement_id,
                           const std::optional<std::string>& revision_id) override {
    MutexLock lock(mu_);
    auto resource = policy_resource(name_or_arn, qualifier);
    if (!resource) return resource.take_error();
    return policies_.remove(*resource, statement_id, revision_id);
  }

  Outcome<InvokeOutput> invoke(std::string_view name_or_arn, std::string_view qualifier,
                               const InvokeInput& input) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (!qualifier.empty()) ref->qualifier = std::string(qualifier);
    FunctionRecord function;
    {
      MutexLock lock(mu_);
      auto found = find_qualified(*ref, true);
      if (!found) return found.take_error();
      function = std::move(*found);
    }
    if (function.state != "Active") return state_conflict(function);
    if (!enter(function)) {
      return aws_error(AwsErrorCode::LambdaTooManyRequests, "Rate Exceeded.");
    }
    auto output = options_.executor->invoke(function, input);
    leave(function.name);
    if (output) output->executed_version = function.version;
    return output;
  }

  Outcome<FunctionRecord> put_function_concurrency(std::string_view name_or_arn, int64_t reserved) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (reserved < 0) {
      return aws_error(AwsErrorCode::Validation,
                       "1 validation error detected: Value '" + std::to_string(reserved) +
                           "' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value "
                           "greater than or equal to 0");
    }
    MutexLock lock(mu_);
    auto found = find(*ref);
    if (!found) return found.take_error();
    int64_t reserved_elsewhere = 0;
    for (const auto& [name, function] : functions_)
      if (name != found->name && function.reserved_concurrency) reserved_elsewhere += *function.reserved_concurrency;
    if (kAccountConcurrency - reserved_elsewhere - reserved < kMinimumUnreserved) {
      return aws_error(AwsErrorCode::LambdaInvalidParameterValue,
                       "Specified ReservedConcurrentExecutions for function decreases account's "
                       "UnreservedConcurrentExecution below its minimum value of [" +
                           std::to_string(kMinimumUnreserved) + "].");
    }
    FunctionRecord function = *found;
    function.reserved_concurrency = reserved;
    if (auto persisted = persist(function); !persisted) return persisted.take_error();
    functions_[function.name] = function;
    enqueue({Job::Kind::Deploy, function.name, ""});  // mappings read the limit from the runtime
    return function;
  }

  Outcome<TagMap> list_tags(std::string_view function_arn) const override {
    auto ref = tag_target(function_arn);
    if (!ref) return ref.take_error();
    MutexLock lock(mu_);
    auto found = find(*ref);
    if (!found) return found.take_error();
    return found->tags;
  }

  Status tag_resource(std::string_view function_arn, const TagMap& tags) override {
    return change_tags(function_arn, [&](TagMap& current) {
      for (const auto& [key, value] : tags) current[key] = value;
    });
  }

  Status untag_resource(std::string_view function_arn, const std::vector<std::string>& keys) override {
    return change_tags(function_arn, [&](TagMap& current) {
      for (const auto& key : keys) current.erase(key);
    });
  }

  AccountSettings account_settings() const override {
    AccountSettings settings;
    settings.concurrent_executions = kAccountConcurrency;
    settings.unreserved_concurrent_executions = kAccountConcurrency;
    MutexLock lock(mu_);
    for (const auto& [name, function] : functions_) {
      if (function.reserved_concurrency) settings.unreserved_concurrent_executions -= *function.reserved_concurrency;
      settings.total_code_size += function.code_size;
      ++settings.function_count;
    }
    return settings;
  }

  Status delete_function_concurrency(std::string_view name_or_arn) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    MutexLock lock(mu_);
    auto found = find(*ref);
    if (!found) return found.take_error();
    FunctionRecord function = *found;
    function.reserved_concurrency.reset();
    if (auto persisted = persist(function); !persisted) return persisted.take_error();
    functions_[function.name] = function;
    enqueue({Job::Kind::Deploy, function.name, ""});
    return ok_status();
  }

  Outcome<std::string> create_event_source_mapping(const CreateMappingInput& input) override {
    return mappings_.create(input);
  }
  Outcome<std::string> get_event_source_mapping(std::string_view uuid) const override { return mappings_.get(uuid); }
  Outcome<MappingPage> list_event_source_mappings(const MappingFilter& filter) const override {
    return mappings_.list(filter);
  }
  Outcome<std::string> update_event_source_mapping(std::string_view uuid, const std::string& changes_json) override {
    return mappings_.update(uuid, changes_json);
  }
  Outcome<std::string> delete_event_source_mapping(std::string_view uuid) override { return mappings_.remove(uuid); }

  Outcome<std::string> invoke_async(std::string_view name_or_arn, std::string_view qualifier,
                                    std::string payload) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (!qualifier.empty()) ref->qualifier = std::string(qualifier);
    std::string name;
    {
      MutexLock lock(mu_);
      auto found = find_qualified(*ref, true);
      if (!found) return found.take_error();
      if (found->state != "Active") return state_conflict(*found);
      // The event runs the version picked now (an alias is resolved once).
      name = found->version == "$LATEST" ? found->name : found->name + ":" + found->version;
    }
    detail::AsyncEvent event;
    event.request_id = uuid4();
    event.function_name = std::move(name);
    event.payload = std::move(payload);
    const std::string request_id = event.request_id;
    if (auto stored = async_.enqueue(std::move(event)); !stored) return stored.take_error();
    return request_id;
  }

  size_t pending_async_invocations() const override { return async_.pending(); }

  void wait_idle() override {
    std::unique_lock<std::mutex> lock(idle_mu_);
    idle_.wait(lock, [this] { return idle_now(); });
  }

 private:
  std::string arn_of(const std::string& name) const {
    return "arn:aws:lambda:" + options_.region + ":" + options_.account_id + ":function:" + name;
  }

  Outcome<FunctionRecord> find(const detail::FunctionRef& ref) const REQUIRES(mu_) {
    auto found = functions_.find(ref.name);
    if (found == functions_.end() || (!ref.qualifier.empty() && ref.qualifier != "$LATEST")) {
      return function_not_found(arn_of(ref.name) + (ref.qualifier.empty() ? "" : ":" + ref.qualifier));
    }
    return found->second;
  }

  // The record a qualified name runs: $LATEST, a version, or the version an alias names (with
  // the alias's ARN). `route` picks by the alias's routing weights, as an invocation does.
  Outcome<FunctionRecord> find_qualified(const detail::FunctionRef& ref, bool route) const REQUIRES(mu_) {
    if (ref.qualifier.empty()) return find(ref);
    auto latest = find({ref.name, ""});
    if (!latest) return latest;
    const std::string qualified_arn = latest->arn + ":" + ref.qualifier;
    std::string version = ref.qualifier;
    if (const AliasRecord* alias = versions_.alias(ref.name, ref.qualifier)) {
      version = alias->function_version;
      if (route && !alias->routing.empty()) {
        const auto& [other, weight] = *alias->routing.begin();
        if (std::uniform_real_distribution<double>(0.0, 1.0)(random_) < weight) version = other;
      }
    }
    FunctionRecord record;
    if (version == "$LATEST") {
      record = *latest;
    } else if (const FunctionRecord* published = versions_.version(ref.name, detail::version_number(version))) {
      record = *published;
    } else {
      return function_not_found(qualified_arn);
    }
    record.arn = qualified_arn;
    return record;
  }

  // The ARN whose policy a call names: the function's, or with the version or alias qualifier.
  Outcome<std::string> policy_resource(std::string_view name_or_arn, std::string_view qualifier) const REQUIRES(mu_) {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (!qualifier.empty()) ref->qualifier = std::string(qualifier);
    auto found = find_qualified(*ref, false);
    if (!found) return found.take_error();
    return arn_of(ref->name) + (ref->qualifier.empty() ? "" : ":" + ref->qualifier);
  }

  // A version an alias would name that does not exist.
  std::optional<AwsError> missing_version(const std::string& function, const std::string& version,
                                          const VersionWeights& routing) const REQUIRES(mu_) {
    std::vector<std::string> named{version};
    for (const auto& [other, weight] : routing) named.push_back(other);
    for (const std::string& v : named) {
      if (v != "$LATEST" && !versions_.version(function, detail::version_number(v)))
        return function_not_found(arn_of(function) + ":" + v);
    }
    return std::nullopt;
  }

  Status delete_version(const detail::FunctionRef& ref) REQUIRES(mu_) {
    auto latest = find({ref.name, ""});
    if (!latest) return latest.take_error();
    const int64_t number = detail::version_number(ref.qualifier);
    const FunctionRecord* version = versions_.version(ref.name, number);
    if (!version) {
      if (versions_.alias(ref.name, ref.qualifier)) {
        return aws_error(AwsErrorCode::LambdaInvalidParameterValue, "Deletion of aliases is not currently supported.");
      }
      return function_not_found(latest->arn + ":" + ref.qualifier);
    }
    if (auto users = versions_.aliases_using(ref.name, version->version); !users.empty()) {
      std::string names;
      for (const std::string& user : users) names += (names.empty() ? "" : ", ") + user;
      return aws_error(AwsErrorCode::ResourceConflict,
                       "Unable to delete version because the following aliases reference it: [" + names + "]");
    }
    const FunctionRecord retired = *version;
    if (auto erased = versions_.erase_version(ref.name, number); !erased) return erased;
    const bool shared =
        retired.code.hot_reload || retired.code.path == latest->code.path || versions_.code_in_use(retired.code.path);
    enqueue({Job::Kind::Retire, retired.name, shared ? "" : retired.code.path, retired.version});
    return ok_status();
  }

  // A published version's deployment: Pending -> Active, or Failed with the reason.
  void deploy_version(const Job& job) EXCLUDES(mu_) {
    const int64_t number = detail::version_number(job.version);
    std::optional<FunctionRecord> snapshot;
    {
      MutexLock lock(mu_);
      if (const FunctionRecord* version = versions_.version(job.name, number)) snapshot = *version;
    }
    if (!snapshot) return;
    auto deployed = options_.executor->deploy(*snapshot);
    {
      MutexLock lock(mu_);
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

  // AWS refuses changes while a function is being created or updated.
  Outcome<FunctionRecord> find_updatable(const detail::FunctionRef& ref) const REQUIRES(mu_) {
    auto found = find(ref);
    if (!found) return found;
    if (found->state == "Pending") return state_conflict(*found);
    if (found->last_update_status == "InProgress") {
      return aws_error(
          AwsErrorCode::ResourceConflict,
          "The operation cannot be performed at this time. An update is in progress for resource: " + found->arn);
    }
    return found;
  }

  // Tags name their resource by ARN; a bare name is not a resource ARN.
  static Outcome<detail::FunctionRef> tag_target(std::string_view arn) {
    if (arn.substr(0, 4) != "arn:") {
      return aws_error(AwsErrorCode::Validation,
                       "1 validation error detected: Value '" + std::string(arn) +
                           "' at 'resource' failed to satisfy constraint: Member must satisfy regular expression "
                           "pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:"
                           "(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+)");
    }
    return detail::parse_function_name(arn);
  }

  template <typename Change>
  Status change_tags(std::string_view function_arn, Change change) {
    auto ref = tag_target(function_arn);
    if (!ref) return ref.take_error();
    MutexLock lock(mu_);
    auto found = find(*ref);
    if (!found) return found.take_error();
    FunctionRecord function = *found;
    change(function.tags);
    if (auto persisted = persist(function); !persisted) return persisted;
    functions_[function.name] = std::move(function);
    return ok_status();
  }

  // Takes one of the function's concurrent executions; false when its reserved concurrency is
  // all in use (AWS throttles the invocation).
  bool enter(const FunctionRecord& function) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    int64_t& running = running_[function.name];
    if (function.reserved_concurrency && running >= *function.reserved_concurrency) return false;
    ++running;
    return true;
  }

  void leave(const std::string& name) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    if (--running_[name] <= 0) running_.erase(name);
  }

  static AwsError state_conflict(const FunctionRecord& function) {
    return aws_error(AwsErrorCode::ResourceConflict,
                     "The operation cannot be performed at this time. The function is currently in the following "
                     "state: " +
                         function.state);
  }

  static AwsError store_failed(const sqlite::Error& e) {
    return aws_error(AwsErrorCode::LambdaService, std::string("the function store failed: ") + e.what());
  }

  Status persist(const FunctionRecord& function) REQUIRES(mu_) {
    try {
      store_->put(function);
    } catch (const sqlite::Error& e) {
      return store_failed(e);
    }
    return ok_status();
  }

  void touch(FunctionRecord& function) const {
    function.last_modified_ms = options_.clock->now_ms();
    function.revision_id = uuid4();
  }

  void begin_update(FunctionRecord& function) const {
    touch(function);
    function.last_update_status = "InProgress";
    function.last_update_status_reason = kBeingCreated;
    function.last_update_status_reason_code = "Creating";
  }

  // Puts the request's code in place and fills function's code fields.
  Status store_code(const std::string& name, const CodeInput& code, FunctionRecord* function) const {
    if (code.zip_file) {
      const std::string dir = (fs::path(code_root_) / name / uuid4()).string();
      if (auto unpacked = detail::unpack_zip(*code.zip_file, dir); !unpacked) return unpacked;
      function->code = {dir, false};
      function->code_sha256 = base64_encode(sha256_raw(*code.zip_file));
      function->code_size = static_cast<int64_t>(code.zip_file->size());
      return ok_status();
    }
    if (code.s3_bucket == kHotReloadBucket) {
      std::error_code ec;
      if (code.s3_key.empty() || code.s3_key.front() != '/' || !fs::exists(code.s3_key, ec)) {
        return aws_error(AwsErrorCode::LambdaInvalidParameterValue,
                         "When using hot reloading, the S3Key must be an absolute path to an existing local "
                         "directory or file: " +
                             code.s3_key);
      }
      function->code = {code.s3_key, true};
      function->code_sha256 = base64_encode(sha256_raw(code.s3_key));
      function->code_size = 0;
      return ok_status();
    }
    if (!code.s3_bucket.empty()) {
      // No S3 here: the bucket cannot exist.
      return aws_error(AwsErrorCode::LambdaInvalidParameterValue,
                       "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified "
                       "bucket does not exist");
    }
    return aws_error(AwsErrorCode::LambdaInvalidParameterValue, "Please provide a source for function code.");
  }

  static void discard_code(const CodeLocation& code) {
    if (code.hot_reload || code.path.empty()) return;
    std::error_code ec;
    fs::remove_all(code.path, ec);
  }

  void enqueue(Job job) REQUIRES(mu_) {
    jobs_.push_back(std::move(job));
    wake_.notify_one();
  }

  bool idle_now() EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return jobs_.empty() && !busy_;
  }

  void run_deployer() {
    while (true) {
      Job job;
      {
        MutexLock lock(mu_);
        while (!stopping_ && jobs_.empty()) mu_.wait(wake_);
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
      }
      run(job);
      {
        MutexLock lock(mu_);
        busy_ = false;
      }
      std::lock_guard<std::mutex> idle_lock(idle_mu_);
      idle_.notify_all();
    }
  }

  void run(const Job& job) EXCLUDES(mu_) {
    if (job.kind == Job::Kind::StartMappings) {
      mappings_.start_loaded();
      async_.start(store_->load_events());
      return;
    }
    if (job.kind == Job::Kind::Retire) {
      options_.executor->retire(job.version == "$LATEST" ? job.name : job.name + ":" + job.version);
      discard_code({job.discard_code, false});
      return;
    }
    if (job.version != "$LATEST") return deploy_version(job);
    std::optional<FunctionRecord> snapshot;
    {
      MutexLock lock(mu_);
      if (auto found = functions_.find(job.name); found != functions_.end()) snapshot = found->second;
    }
    if (!snapshot) return;  // deleted meanwhile
    auto deployed = options_.executor->deploy(*snapshot);
    MutexLock lock(mu_);
    auto found = functions_.find(job.name);
    // A later change has its own job; only the record this job deployed is settled here.
    if (found == functions_.end() || found->second.revision_id != snapshot->revision_id) return;
    FunctionRecord& function = found->second;
    if (deployed) {
      if (function.state == "Pending") function.state = "Active";
      function.state_reason.clear();
      function.state_reason_code.clear();
      if (!function.last_update_status.empty()) {
        function.last_update_status = "Successful";
        function.last_update_status_reason.clear();
        function.last_update_status_reason_code.clear();
      }
    } else if (function.state == "Pending") {
      function.state = "Failed";
      function.state_reason = deployed.error();
      function.state_reason_code = "InvalidConfiguration";
    } else {
      function.last_update_status = "Failed";
      function.last_update_status_reason = deployed.error();
      function.last_update_status_reason_code = "InvalidConfiguration";
    }
    (void)persist(function);
    if (deployed) discard_code({job.discard_code, false});
  }

  const ControlPlaneOptions options_;
  const std::string code_root_;
  const bool temporary_code_root_;
  mutable Mutex mu_;
  const std::unique_ptr<detail::FunctionStore> store_;  // thread-safe itself
  std::map<std::string, FunctionRecord, std::less<>> functions_ GUARDED_BY(mu_);
  std::deque<Job> jobs_ GUARDED_BY(mu_);
  std::map<std::string, int64_t, std::less<>> running_ GUARDED_BY(mu_);  // synchronous invocations in flight
  bool busy_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::condition_variable wake_;
  std::mutex idle_mu_;
  std::condition_variable idle_;
  detail::Versions versions_ GUARDED_BY(mu_);
  detail::Policies policies_ GUARDED_BY(mu_);
  mutable std::mt19937_64 random_ GUARDED_BY(mu_){std::random_device{}()};
  detail::Mappings mappings_;
  detail::AsyncInvocations async_;
  std::thread deployer_;
};

}  // namespace

Outcome<std::unique_ptr<ControlPlane>, std::string> ControlPlane::open(ControlPlaneOptions options) {
  using Result = Outcome<std::unique_ptr<ControlPlane>, std::string>;
  if (!options.executor) return Result::failure("the Lambda control plane needs an executor");
  if (!options.clock) options.clock = system_clock();
  std::string code_root;
  bool temporary = false;
  std::error_code ec;
  if (options.data_dir.empty()) {
    std::string pattern = (fs::temp_directory_path(ec) / "sluice-lambda-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return Result::failure("cannot make a directory for function code");
    code_root = pattern;
    temporary = true;
  } else {
    code_root = (fs::path(options.data_dir) / "lambda-code").string();
    fs::create_directories(code_root, ec);
    if (ec) return Result::failure("cannot make " + code_root + ": " + ec.message());
  }
  try {
    auto store = detail::FunctionStore::open(options.data_dir);
    return std::unique_ptr<ControlPlane>(
        std::make_unique<ControlPlaneImpl>(std::move(options), std::move(store), std::move(code_root), temporary));
  } catch (const sqlite::Error& e) {
    return Result::failure(std::string("cannot open the Lambda store: ") + e.what());
  }
}

}  // namespace sluice::lambda
