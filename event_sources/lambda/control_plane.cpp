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
#include <thread>

#include "async_invocations.h"
#include "code_archive.h"
#include "function_rules.h"
#include "function_store.h"
#include "mappings.h"
#include "sluice/common/crypto.h"
#include "sluice/common/mutex.h"
#include "sluice/common/sqlite.h"

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
  std::string discard_code;  // a code directory no longer used once this job is done
};

class ControlPlaneImpl final : public ControlPlane {
 public:
  ControlPlaneImpl(ControlPlaneOptions options, std::unique_ptr<detail::FunctionStore> store, std::string code_root,
                   bool temporary_code_root)
      : options_(std::move(options)),
        code_root_(std::move(code_root)),
        temporary_code_root_(temporary_code_root),
        store_(std::move(store)),
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
    return find(*ref);
  }

  Outcome<FunctionPage> list_functions(std::string_view marker, std::optional<int64_t> max_items) const override {
    if (max_items && (*max_items < 1 || *max_items > 10000)) {
      return aws_error(AwsErrorCode::Validation,
                       "1 validation error detected: Value '" + std::to_string(*max_items) +
                           "' at 'maxItems' failed to satisfy constraint: Member must have "
                           "value " +
                           (*max_items < 1 ? "greater than or equal to 1" : "less than or equal to 10000"));
    }
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
    auto found = find(*ref);
    if (!found) return found.take_error();
    try {
      store_->erase(found->name);
    } catch (const sqlite::Error& e) {
      return store_failed(e);
    }
    functions_.erase(found->name);
    enqueue({Job::Kind::Retire, found->name, found->code.hot_reload ? "" : found->code.path});
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
    enqueue({Job::Kind::Deploy, function.name, old_code.hot_reload ? "" : old_code.path});
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

  Outcome<InvokeOutput> invoke(std::string_view name_or_arn, std::string_view qualifier,
                               const InvokeInput& input) override {
    auto ref = detail::parse_function_name(name_or_arn);
    if (!ref) return ref.take_error();
    if (!qualifier.empty()) ref->qualifier = std::string(qualifier);
    FunctionRecord function;
    {
      MutexLock lock(mu_);
      auto found = find(*ref);
      if (!found) return found.take_error();
      function = std::move(*found);
    }
    if (function.state != "Active") return state_conflict(function);
    if (!enter(function)) {
      return aws_error(AwsErrorCode::LambdaTooManyRequests, "Rate Exceeded.");
    }
    auto output = options_.executor->invoke(function, input);
    leave(function.name);
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
      auto found = find(*ref);
      if (!found) return found.take_error();
      if (found->state != "Active") return state_conflict(*found);
      name = found->name;
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
      options_.executor->retire(job.name);
      discard_code({job.discard_code, false});
      return;
    }
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
