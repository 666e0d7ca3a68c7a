// Functions: CreateFunction, GetFunction, ListFunctions, DeleteFunction, UpdateFunctionCode and
// UpdateFunctionConfiguration, and where their code is put.

#include "control_plane_impl.h"

#include "alias_rules.h"
#include "code_archive.h"
#include "sluice/common/crypto.h"

namespace sluice::lambda::detail {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHotReloadBucket = "hot-reload";

}  // namespace

common::Outcome<FunctionRecord> ControlPlaneImpl::create_function(const CreateFunctionInput& input) {
  auto ref = parse_function_name(input.function_name);
  if (!ref) return ref.take_error();
  if (auto error = validate_create(input)) return *error;
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
  bool created = false;
  {
    common::MutexLock lock(mu_);
    if (functions_.count(function.name) == 0) {
      created = true;
      if (auto stored = persist(function); !stored) return stored.take_error();
      functions_.emplace(function.name, function);
      enqueue({Job::Kind::Deploy, function.name, ""});
      if (!input.code.publish) return function;
    }
  }
  if (input.code.publish && created) return publish_when_deployed(function.name);
  discard_code(function.code);
  return function_exists(function.name);
}

common::Outcome<FunctionRecord> ControlPlaneImpl::get_function(std::string_view name_or_arn) const {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  common::MutexLock lock(mu_);
  return find_qualified(*ref, false);
}

common::Outcome<FunctionPage> ControlPlaneImpl::list_functions(std::string_view marker,
                                                               std::optional<int64_t> max_items,
                                                               bool all_versions) const {
  if (auto error = check_max_items(max_items)) return *error;
  const size_t limit = static_cast<size_t>(std::min<int64_t>(max_items.value_or(kDefaultMaxItems), kDefaultMaxItems));
  FunctionPage page;
  common::MutexLock lock(mu_);
  if (!all_versions) {
    auto it = marker.empty() ? functions_.begin() : functions_.upper_bound(marker);
    for (; it != functions_.end(); ++it) {
      if (page.functions.size() == limit) {
        page.next_marker = page.functions.back().name;
        break;
      }
      page.functions.push_back(it->second);
    }
    return page;
  }
  // Every function's $LATEST (with its qualified ARN, as ListVersionsByFunction shows it), then
  // its versions; the marker names the last entry given.
  const std::string marker_name(marker.substr(0, marker.find(':')));
  const std::string marker_version(marker.find(':') == std::string_view::npos ? ""
                                                                              : marker.substr(marker.find(':') + 1));
  bool past_marker = marker.empty();
  auto it = marker.empty() ? functions_.begin() : functions_.lower_bound(marker_name);
  for (; it != functions_.end(); ++it) {
    std::vector<FunctionRecord> entries{it->second};
    entries.front().arn += ":$LATEST";
    for (FunctionRecord& version : versions_.versions_of(it->first)) entries.push_back(std::move(version));
    for (FunctionRecord& entry : entries) {
      if (!past_marker) {
        past_marker = it->first != marker_name || entry.version == marker_version;
        if (it->first == marker_name) continue;
      }
      if (page.functions.size() == limit) {
        page.next_marker = page.functions.back().name + ":" + page.functions.back().version;
        return page;
      }
      page.functions.push_back(std::move(entry));
    }
  }
  return page;
}

common::Status ControlPlaneImpl::delete_function(std::string_view name_or_arn) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  common::MutexLock lock(mu_);
  if (!ref->qualifier.empty() && ref->qualifier != "$LATEST") return delete_version(*ref);
  if (ref->qualifier == "$LATEST") {
    return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                             "$LATEST version cannot be deleted without deleting the function.");
  }
  auto found = find(*ref);
  if (!found) return found.take_error();
  auto versions = versions_.erase_function(found->name);
  if (!versions) return versions.take_error();
  if (auto forgotten = policies_.forget(found->arn); !forgotten) return forgotten;
  if (auto forgotten = event_configs_.forget_function(found->arn); !forgotten) return forgotten;
  try {
    store_->erase(found->name);
  } catch (const common::sqlite::Error& e) {
    return store_failed(e);
  }
  functions_.erase(found->name);
  enqueue({Job::Kind::Retire, found->name, found->code.hot_reload ? "" : found->code.path});
  for (const FunctionRecord& version : *versions) {
    const bool shared = version.code.hot_reload || version.code.path == found->code.path;
    enqueue({Job::Kind::Retire, version.name, shared ? "" : version.code.path, version.version});
  }
  return common::ok_status();
}

common::Outcome<FunctionRecord> ControlPlaneImpl::update_function_code(std::string_view name_or_arn,
                                                                       const CodeInput& code) {
  auto updated = replace_code(name_or_arn, code);
  if (!updated || !code.publish) return updated;
  return publish_when_deployed(updated->name);
}

common::Outcome<FunctionRecord> ControlPlaneImpl::replace_code(std::string_view name_or_arn, const CodeInput& code) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  {
    common::MutexLock lock(mu_);
    auto found = find_updatable(*ref);
    if (!found) return found.take_error();
  }
  FunctionRecord fresh;
  auto stored = store_code(ref->name, code, &fresh);
  if (!stored) return stored.take_error();
  common::MutexLock lock(mu_);
  auto found = find_updatable(*ref);
  if (!found) {
    discard_code(fresh.code);
    return found.take_error();
  }
  if (code.revision_id && *code.revision_id != found->revision_id) {
    discard_code(fresh.code);
    return revision_mismatch();
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

common::Outcome<FunctionRecord> ControlPlaneImpl::update_function_configuration(std::string_view name_or_arn,
                                                                                const UpdateConfigurationInput& input) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (auto error = validate_update(input)) return *error;
  common::MutexLock lock(mu_);
  auto found = find_updatable(*ref);
  if (!found) return found.take_error();
  if (input.revision_id && *input.revision_id != found->revision_id) return revision_mismatch();
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

// Puts the request's code in place and fills function's code fields.
common::Status ControlPlaneImpl::store_code(const std::string& name, const CodeInput& code,
                                            FunctionRecord* function) const {
  if (code.zip_file) {
    const std::string dir = (fs::path(code_root_) / name / common::uuid4()).string();
    if (auto unpacked = unpack_zip(*code.zip_file, dir); !unpacked) return unpacked;
    function->code = {dir, false};
    function->code_sha256 = common::base64_encode(common::sha256_raw(*code.zip_file));
    function->code_size = static_cast<int64_t>(code.zip_file->size());
    return common::ok_status();
  }
  if (code.s3_bucket == kHotReloadBucket) {
    std::error_code ec;
    if (code.s3_key.empty() || code.s3_key.front() != '/' || !fs::exists(code.s3_key, ec)) {
      return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                               "When using hot reloading, the S3Key must be an absolute path to an existing local "
                               "directory or file: " +
                                   code.s3_key);
    }
    function->code = {code.s3_key, true};
    function->code_sha256 = common::base64_encode(common::sha256_raw(code.s3_key));
    function->code_size = 0;
    return common::ok_status();
  }
  if (!code.s3_bucket.empty()) {
    // No S3 here: the bucket cannot exist.
    return common::aws_error(
        common::AwsErrorCode::LambdaInvalidParameterValue,
        "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified "
        "bucket does not exist");
  }
  return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                           "Please provide a source for function code.");
}

void ControlPlaneImpl::discard_code(const CodeLocation& code) {
  if (code.hot_reload || code.path.empty()) return;
  std::error_code ec;
  fs::remove_all(code.path, ec);
}

}  // namespace sluice::lambda::detail
