// The control plane (see control_plane.h and control_plane_impl.h): opening it, and the lookups
// and persistence its actions share.

#include "sluice/lambda/control_plane.h"

#include "control_plane_impl.h"
#include "sluice/common/crypto.h"

namespace sluice::lambda::detail {

namespace fs = std::filesystem;

std::optional<common::AwsError> check_description(const std::optional<std::string>& description) {
  UpdateConfigurationInput input;
  input.description = description;
  return validate_update(input);
}

std::optional<common::AwsError> check_max_items(std::optional<int64_t> max_items) {
  if (!max_items || (*max_items >= 1 && *max_items <= 10000)) return std::nullopt;
  return common::aws_error(common::AwsErrorCode::Validation,
                           "1 validation error detected: Value '" + std::to_string(*max_items) +
                               "' at 'maxItems' failed to satisfy constraint: Member must have value " +
                               (*max_items < 1 ? "greater than or equal to 1" : "less than or equal to 10000"));
}

ControlPlaneImpl::ControlPlaneImpl(ControlPlaneOptions options, std::unique_ptr<FunctionStore> store,
                                   std::string code_root, bool temporary_code_root)
    : options_(std::move(options)),
      code_root_(std::move(code_root)),
      temporary_code_root_(temporary_code_root),
      store_(std::move(store)),
      versions_(*store_),
      policies_(*store_),
      event_configs_(*store_),
      mappings_(*options_.executor, *store_, options_.clock,
                [this](std::string_view name_or_arn) { return get_function(name_or_arn); }),
      async_(*options_.executor, *store_, options_.clock,
             AsyncHooks{[this](std::string_view name_or_arn) { return get_function(name_or_arn); },
                        [this](const std::string& invoked_arn) {
                          common::MutexLock lock(mu_);
                          return event_configs_.settings(invoked_arn);
                        },
                        [this](const std::string& destination, const std::string& record) {
                          return send_record(destination, record);
                        },
                        options_.dead_letters, [this](const FunctionRecord& function) { return enter(function); },
                        [this](const FunctionRecord& function) { leave(function.name); }, options_.meter},
             options_.work_pool, options_.async_dispatchers) {
  {
    common::MutexLock lock(mu_);
    for (auto& function : store_->load_all()) {
      const std::string name = function.name;
      functions_.emplace(name, std::move(function));
      jobs_.push_back({Job::Kind::Deploy, name, ""});
    }
    versions_.load(store_->load_versions(), store_->load_aliases());
    policies_.load(store_->load_policies());
    event_configs_.load(store_->load_event_invoke_configs());
    for (const FunctionRecord& version : versions_.all_versions())
      jobs_.push_back({Job::Kind::Deploy, version.name, "", version.version});
    // Mappings start once their functions are deployed.
    mappings_.load(store_->load_mappings());
    // So do stored Event invocations.
    jobs_.push_back({Job::Kind::StartMappings, "", ""});
  }
  deployer_ = std::thread([this] { run_deployer(); });
}

ControlPlaneImpl::~ControlPlaneImpl() {
  {
    common::MutexLock lock(mu_);
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

std::string ControlPlaneImpl::arn_of(const std::string& name) const {
  return "arn:aws:lambda:" + options_.region + ":" + options_.account_id + ":function:" + name;
}

common::Outcome<FunctionRecord> ControlPlaneImpl::find(const FunctionRef& ref) const {
  auto found = functions_.find(ref.name);
  if (found == functions_.end() || (!ref.qualifier.empty() && ref.qualifier != "$LATEST")) {
    return function_not_found(arn_of(ref.name) + (ref.qualifier.empty() ? "" : ":" + ref.qualifier));
  }
  return found->second;
}

// The record a qualified name runs: $LATEST, a version, or the version an alias names (with
// the alias's ARN). `route` picks by the alias's routing weights, as an invocation does.
common::Outcome<FunctionRecord> ControlPlaneImpl::find_qualified(const FunctionRef& ref, bool route) const {
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
  } else if (const FunctionRecord* published = versions_.version(ref.name, version_number(version))) {
    record = *published;
  } else {
    return function_not_found(qualified_arn);
  }
  record.arn = qualified_arn;
  return record;
}

// AWS refuses changes while a function is being created or updated.
common::Outcome<FunctionRecord> ControlPlaneImpl::find_updatable(const FunctionRef& ref) const {
  auto found = find(ref);
  if (!found) return found;
  if (found->state == "Pending") return state_conflict(*found);
  if (found->last_update_status == "InProgress") {
    return common::aws_error(
        common::AwsErrorCode::ResourceConflict,
        "The operation cannot be performed at this time. An update is in progress for resource: " + found->arn);
  }
  return found;
}

common::AwsError ControlPlaneImpl::state_conflict(const FunctionRecord& function) {
  return common::aws_error(common::AwsErrorCode::ResourceConflict,
                           "The operation cannot be performed at this time. The function is currently in the following "
                           "state: " +
                               function.state);
}

common::AwsError ControlPlaneImpl::store_failed(const common::sqlite::Error& e) {
  return common::aws_error(common::AwsErrorCode::LambdaService, std::string("the function store failed: ") + e.what());
}

common::Status ControlPlaneImpl::persist(const FunctionRecord& function) {
  try {
    store_->put(function);
  } catch (const common::sqlite::Error& e) {
    return store_failed(e);
  }
  return common::ok_status();
}

void ControlPlaneImpl::touch(FunctionRecord& function) const {
  function.last_modified_ms = options_.clock->now_ms();
  function.revision_id = common::uuid4();
}

void ControlPlaneImpl::begin_update(FunctionRecord& function) const {
  touch(function);
  function.last_update_status = "InProgress";
  function.last_update_status_reason = kBeingCreated;
  function.last_update_status_reason_code = "Creating";
}

}  // namespace sluice::lambda::detail

namespace sluice::lambda {

namespace fs = std::filesystem;

common::Outcome<std::unique_ptr<ControlPlane>, std::string> ControlPlane::open(ControlPlaneOptions options) {
  using Result = common::Outcome<std::unique_ptr<ControlPlane>, std::string>;
  if (!options.executor) return Result::failure("the Lambda control plane needs an executor");
  if (!options.clock) options.clock = common::system_clock();
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
    return std::unique_ptr<ControlPlane>(std::make_unique<detail::ControlPlaneImpl>(
        std::move(options), std::move(store), std::move(code_root), temporary));
  } catch (const common::sqlite::Error& e) {
    return Result::failure(std::string("cannot open the Lambda store: ") + e.what());
  }
}

}  // namespace sluice::lambda
