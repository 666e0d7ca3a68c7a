// Event-source mappings of the control plane (see mappings.h). Texts: the recordings in
// aws-recorded/test_lambda_integration_sqs (duplicate mapping, states after create and update)
// and the Lambda API reference (EventSourceArn's pattern).

#include "mappings.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "function_rules.h"
#include "sluice/common/crypto.h"
#include "sluice/common/pattern.h"
#include "sluice/common/sqlite.h"

namespace sluice::lambda::detail {
namespace {

constexpr const char* kEventSourceArnPattern =
    R"(arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*))";
constexpr int64_t kDefaultMaxItems = 100;

common::AwsError mapping_not_found() {
  return common::aws_error(common::AwsErrorCode::ResourceNotFound, "The resource you requested does not exist.");
}

std::optional<bool> enabled_in(const std::string& settings_json) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(settings_json, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const boost::json::value* enabled = parsed.get_object().if_contains("Enabled");
  if (!enabled || !enabled->is_bool()) return std::nullopt;
  return enabled->get_bool();
}

// The configuration with the State a call answers.
std::string with_state(const std::string& configuration_json, std::string_view state) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(configuration_json, ec);
  if (ec || !parsed.is_object()) return configuration_json;
  parsed.get_object()["State"] = state;
  return boost::json::serialize(parsed);
}

std::string merged(const std::string& settings_json, const std::string& changes_json) {
  boost::system::error_code ec;
  boost::json::value settings = boost::json::parse(settings_json, ec);
  if (ec || !settings.is_object()) settings = boost::json::object();
  boost::json::value changes = boost::json::parse(changes_json, ec);
  if (!ec && changes.is_object()) {
    for (const auto& member : changes.get_object()) settings.get_object()[member.key()] = member.value();
  }
  return boost::json::serialize(settings);
}

common::AwsError store_failed(const common::sqlite::Error& e) {
  return common::aws_error(common::AwsErrorCode::LambdaService, std::string("the mapping store failed: ") + e.what());
}

}  // namespace

Mappings::Mappings(Executor& executor, FunctionStore& store, std::shared_ptr<common::Clock> clock,
                   FunctionLookup functions)
    : executor_(executor), store_(store), clock_(std::move(clock)), functions_(std::move(functions)) {}

void Mappings::load(std::vector<MappingRecord> stored) {
  common::MutexLock lock(mu_);
  for (auto& mapping : stored) {
    const std::string uuid = mapping.uuid;
    records_.emplace(uuid, std::move(mapping));
  }
}

void Mappings::start_loaded() {
  // Functions are looked up without mu_ held, as create() does: the lookup takes the control
  // plane's lock, which is held while mappings are loaded, so holding mu_ across it would order
  // the two locks both ways.
  std::vector<std::pair<std::string, std::string>> wanted;  // a mapping's UUID, its function
  {
    common::MutexLock lock(mu_);
    for (const auto& entry : records_) {
      const MappingRecord& mapping = entry.second;
      // The ARN keeps the version or alias the mapping was created on.
      wanted.emplace_back(entry.first, mapping.function_arn.empty() ? mapping.function_name : mapping.function_arn);
    }
  }
  for (const auto& [uuid, function_ref] : wanted) {
    auto function = functions_(function_ref);
    common::MutexLock lock(mu_);
    auto found = records_.find(uuid);
    if (found == records_.end()) continue;  // deleted meanwhile
    const MappingRecord& mapping = found->second;
    auto started =
        function ? executor_.start_mapping(mapping, *function) : common::Outcome<std::string>(function.error());
    if (!started) {
      std::fprintf(stderr, "sluice: event source mapping %s of %s does not run: %s: %s\n", uuid.c_str(),
                   mapping.function_name.c_str(), std::string(started.error().info().json_type).c_str(),
                   started.error().message.c_str());
    }
  }
}

common::Outcome<std::string> Mappings::create(const CreateMappingInput& input) {
  static const common::Pattern arn_pattern(kEventSourceArnPattern);
  if (input.event_source_arn.empty()) {
    return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                             "Unrecognized event source, must be kafka or specify a valid event source arn");
  }
  if (!arn_pattern.matches(input.event_source_arn)) {
    return common::aws_error(
        common::AwsErrorCode::Validation,
        "1 validation error detected: Value '" + input.event_source_arn +
            "' at 'eventSourceArn' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: " +
            kEventSourceArnPattern);
  }
  auto ref = parse_function_name(input.function_name);
  if (!ref) return ref.take_error();
  auto function = functions_(input.function_name);
  if (!function) return function.take_error();
  common::MutexLock lock(mu_);
  for (const auto& [uuid, existing] : records_) {
    if (existing.event_source_arn == input.event_source_arn && existing.function_name == function->name) {
      return common::aws_error(common::AwsErrorCode::ResourceConflict,
                               "An event source mapping with SQS arn (\" " + input.event_source_arn +
                                   " \") and function (\" " + function->name +
                                   " \") already exists. Please update or delete the existing mapping with "
                                   "UUID " +
                                   uuid);
    }
  }
  MappingRecord mapping;
  mapping.uuid = common::uuid4();
  mapping.function_name = function->name;
  mapping.function_arn = function->arn;
  mapping.event_source_arn = input.event_source_arn;
  mapping.settings_json = input.settings_json.empty() ? "{}" : input.settings_json;
  mapping.created_ms = clock_->now_ms();
  auto started = executor_.start_mapping(mapping, *function);
  if (!started) return started;
  try {
    store_.put_mapping(mapping);
  } catch (const common::sqlite::Error& e) {
    executor_.stop_mapping(mapping.uuid);
    return store_failed(e);
  }
  records_.emplace(mapping.uuid, mapping);
  return with_state(*started, enabled_in(mapping.settings_json).value_or(true) ? "Creating" : "Disabled");
}

common::Outcome<std::string> Mappings::get(std::string_view uuid) const {
  common::MutexLock lock(mu_);
  if (records_.find(uuid) == records_.end()) return mapping_not_found();
  auto configuration = executor_.mapping_configuration(std::string(uuid));
  if (!configuration) return mapping_not_found();
  return *configuration;
}

common::Outcome<MappingPage> Mappings::list(const MappingFilter& filter) const {
  if (filter.max_items && (*filter.max_items < 1 || *filter.max_items > 10000)) {
    return common::aws_error(
        common::AwsErrorCode::Validation,
        "1 validation error detected: Value '" + std::to_string(*filter.max_items) +
            "' at 'maxItems' failed to satisfy constraint: Member must have value " +
            (*filter.max_items < 1 ? "greater than or equal to 1" : "less than or equal to 10000"));
  }
  std::string function_name;
  if (!filter.function_name.empty()) {
    auto ref = parse_function_name(filter.function_name);
    if (!ref) return ref.take_error();
    function_name = ref->name;
  }
  common::MutexLock lock(mu_);
  std::vector<const MappingRecord*> matching;
  for (const auto& [uuid, mapping] : records_) {
    if (!filter.event_source_arn.empty() && mapping.event_source_arn != filter.event_source_arn) continue;
    if (!function_name.empty() && mapping.function_name != function_name) continue;
    matching.push_back(&mapping);
  }
  std::sort(matching.begin(), matching.end(), [](const MappingRecord* a, const MappingRecord* b) {
    return a->created_ms != b->created_ms ? a->created_ms < b->created_ms : a->uuid < b->uuid;
  });
  size_t start = 0;
  if (!filter.marker.empty()) {
    auto at = std::find_if(matching.begin(), matching.end(),
                           [&](const MappingRecord* m) { return m->uuid == filter.marker; });
    start = at == matching.end() ? matching.size() : static_cast<size_t>(at - matching.begin()) + 1;
  }
  const size_t limit = static_cast<size_t>(filter.max_items.value_or(kDefaultMaxItems));
  MappingPage page;
  for (size_t i = start; i < matching.size(); ++i) {
    if (page.configurations.size() == limit) {
      page.next_marker = matching[i - 1]->uuid;
      break;
    }
    if (auto configuration = executor_.mapping_configuration(matching[i]->uuid))
      page.configurations.push_back(std::move(*configuration));
  }
  return page;
}

common::Outcome<std::string> Mappings::update(std::string_view uuid, const std::string& changes_json) {
  common::MutexLock lock(mu_);
  auto found = records_.find(uuid);
  if (found == records_.end()) return mapping_not_found();
  const bool was_enabled = enabled_in(found->second.settings_json).value_or(true);
  auto updated = executor_.update_mapping(found->second.uuid, changes_json);
  if (!updated) return updated;
  MappingRecord mapping = found->second;
  mapping.settings_json = merged(mapping.settings_json, changes_json);
  try {
    store_.put_mapping(mapping);
  } catch (const common::sqlite::Error& e) {
    return store_failed(e);
  }
  found->second = mapping;
  const std::optional<bool> enabling = enabled_in(changes_json);
  std::string_view state = "Updating";
  if (enabling && *enabling && !was_enabled) state = "Enabling";
  if (enabling && !*enabling && was_enabled) state = "Disabling";
  return with_state(*updated, state);
}

common::Outcome<std::string> Mappings::remove(std::string_view uuid) {
  common::MutexLock lock(mu_);
  auto found = records_.find(uuid);
  if (found == records_.end()) return mapping_not_found();
  auto configuration = executor_.mapping_configuration(found->second.uuid);
  try {
    store_.erase_mapping(found->second.uuid);
  } catch (const common::sqlite::Error& e) {
    return store_failed(e);
  }
  executor_.stop_mapping(found->second.uuid);
  records_.erase(found);
  return with_state(configuration.value_or("{}"), "Deleting");
}

}  // namespace sluice::lambda::detail
