// The FunctionConfiguration JSON of the Lambda API, and the stored form of a function record.
// Members appear in the order Lambda answers them.

#include <boost/json.hpp>

#include "function_codec.h"
#include "sluice/common/clock.h"
#include "sluice/lambda/alias.h"
#include "sluice/lambda/function.h"

namespace sluice::lambda {
namespace {

boost::json::object string_map(const std::map<std::string, std::string>& map) {
  boost::json::object object;
  for (const auto& [key, value] : map) object[key] = value;
  return object;
}

std::map<std::string, std::string> read_string_map(const boost::json::value* value) {
  std::map<std::string, std::string> map;
  if (!value || !value->is_object()) return map;
  for (const auto& member : value->get_object())
    if (member.value().is_string()) map[std::string(member.key())] = std::string(member.value().get_string());
  return map;
}

std::string text_of(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

int64_t int_of(const boost::json::object& object, std::string_view key, int64_t fallback) {
  const boost::json::value* value = object.if_contains(key);
  return value && value->is_int64() ? value->get_int64() : fallback;
}

}  // namespace

std::string lambda_timestamp(int64_t epoch_ms) {
  std::string text = common::format_iso8601_ms(epoch_ms);  // "...T12:00:00.000Z"
  if (!text.empty() && text.back() == 'Z') text.replace(text.size() - 1, 1, "+0000");
  return text;
}

std::string deployment_name(const FunctionRecord& function) {
  return function.version == "$LATEST" ? function.name : function.name + ":" + function.version;
}

std::string configuration_json(const FunctionRecord& f) {
  boost::json::object out;
  out["FunctionName"] = f.name;
  out["FunctionArn"] = f.arn;
  out["Runtime"] = f.runtime;
  out["Role"] = f.role;
  out["Handler"] = f.handler;
  out["CodeSize"] = f.code_size;
  out["Description"] = f.description;
  out["Timeout"] = f.timeout_s;
  out["MemorySize"] = f.memory_size_mb;
  out["LastModified"] = lambda_timestamp(f.last_modified_ms);
  out["CodeSha256"] = f.code_sha256;
  out["Version"] = f.version;
  if (f.environment) out["Environment"] = {{"Variables", string_map(*f.environment)}};
  if (!f.dead_letter_target_arn.empty()) out["DeadLetterConfig"] = {{"TargetArn", f.dead_letter_target_arn}};
  out["TracingConfig"] = {{"Mode", "PassThrough"}};
  out["RevisionId"] = f.revision_id;
  out["State"] = f.state;
  if (!f.state_reason.empty()) out["StateReason"] = f.state_reason;
  if (!f.state_reason_code.empty()) out["StateReasonCode"] = f.state_reason_code;
  if (!f.last_update_status.empty()) out["LastUpdateStatus"] = f.last_update_status;
  if (!f.last_update_status_reason.empty()) out["LastUpdateStatusReason"] = f.last_update_status_reason;
  if (!f.last_update_status_reason_code.empty()) out["LastUpdateStatusReasonCode"] = f.last_update_status_reason_code;
  out["PackageType"] = "Zip";
  out["Architectures"] = boost::json::array{"x86_64"};
  out["EphemeralStorage"] = {{"Size", 512}};
  out["SnapStart"] = {{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}};
  out["LoggingConfig"] = {{"LogFormat", "Text"}, {"LogGroup", "/aws/lambda/" + f.name}};
  return boost::json::serialize(out);
}

namespace {

boost::json::object routing_json(const VersionWeights& weights) {
  boost::json::object out;
  for (const auto& [version, weight] : weights) out[version] = weight;
  return out;
}

VersionWeights read_routing(const boost::json::value* value) {
  VersionWeights weights;
  if (!value || !value->is_object()) return weights;
  for (const auto& member : value->get_object())
    if (member.value().is_number()) weights[std::string(member.key())] = member.value().to_number<double>();
  return weights;
}

}  // namespace

std::string alias_json(const AliasRecord& a) {
  boost::json::object out;
  out["AliasArn"] = a.arn;
  out["Name"] = a.name;
  out["FunctionVersion"] = a.function_version;
  out["Description"] = a.description;
  if (!a.routing.empty()) out["RoutingConfig"] = {{"AdditionalVersionWeights", routing_json(a.routing)}};
  out["RevisionId"] = a.revision_id;
  return boost::json::serialize(out);
}

namespace detail {

std::string alias_store_json(const AliasRecord& a) {
  boost::json::object out{{"function_name", a.function_name},
                          {"name", a.name},
                          {"arn", a.arn},
                          {"function_version", a.function_version},
                          {"description", a.description},
                          {"routing", routing_json(a.routing)},
                          {"revision_id", a.revision_id}};
  return boost::json::serialize(out);
}

std::optional<AliasRecord> alias_from_store_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const boost::json::object& in = parsed.get_object();
  AliasRecord a;
  a.function_name = text_of(in, "function_name");
  a.name = text_of(in, "name");
  a.arn = text_of(in, "arn");
  a.function_version = text_of(in, "function_version");
  a.description = text_of(in, "description");
  a.routing = read_routing(in.if_contains("routing"));
  a.revision_id = text_of(in, "revision_id");
  if (a.function_name.empty() || a.name.empty()) return std::nullopt;
  return a;
}

std::string policy_store_json(const PolicyDocument& policy) {
  boost::json::array statements, ids;
  for (const std::string& statement : policy.statements) statements.emplace_back(statement);
  for (const std::string& id : policy.statement_ids) ids.emplace_back(id);
  boost::json::object out{{"statements", statements}, {"statement_ids", ids}, {"revision_id", policy.revision_id}};
  return boost::json::serialize(out);
}

std::optional<PolicyDocument> policy_from_store_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const boost::json::object& in = parsed.get_object();
  PolicyDocument policy;
  policy.revision_id = text_of(in, "revision_id");
  const boost::json::value* statements = in.if_contains("statements");
  const boost::json::value* ids = in.if_contains("statement_ids");
  if (!statements || !ids || !statements->is_array() || !ids->is_array()) return std::nullopt;
  for (const auto& statement : statements->get_array())
    if (statement.is_string()) policy.statements.emplace_back(statement.get_string());
  for (const auto& id : ids->get_array())
    if (id.is_string()) policy.statement_ids.emplace_back(id.get_string());
  if (policy.statements.size() != policy.statement_ids.size()) return std::nullopt;
  return policy;
}

std::string store_json(const FunctionRecord& f) {
  boost::json::object out;
  out["name"] = f.name;
  out["arn"] = f.arn;
  out["version"] = f.version;
  out["last_published_version"] = f.last_published_version;
  out["runtime"] = f.runtime;
  out["role"] = f.role;
  out["handler"] = f.handler;
  out["description"] = f.description;
  out["timeout_s"] = f.timeout_s;
  out["memory_size_mb"] = f.memory_size_mb;
  if (f.environment) out["environment"] = string_map(*f.environment);
  out["dead_letter_target_arn"] = f.dead_letter_target_arn;
  if (f.reserved_concurrency) out["reserved_concurrency"] = *f.reserved_concurrency;
  out["code_sha256"] = f.code_sha256;
  out["code_size"] = f.code_size;
  out["code_path"] = f.code.path;
  out["code_hot_reload"] = f.code.hot_reload;
  out["last_modified_ms"] = f.last_modified_ms;
  out["revision_id"] = f.revision_id;
  out["state"] = f.state;
  out["state_reason"] = f.state_reason;
  out["state_reason_code"] = f.state_reason_code;
  out["last_update_status"] = f.last_update_status;
  out["last_update_status_reason"] = f.last_update_status_reason;
  out["last_update_status_reason_code"] = f.last_update_status_reason_code;
  out["tags"] = string_map(f.tags);
  return boost::json::serialize(out);
}

std::optional<FunctionRecord> record_from_store_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const boost::json::object& in = parsed.get_object();
  FunctionRecord f;
  f.name = text_of(in, "name");
  f.arn = text_of(in, "arn");
  if (std::string version = text_of(in, "version"); !version.empty()) f.version = version;
  f.last_published_version = int_of(in, "last_published_version", 0);
  f.runtime = text_of(in, "runtime");
  f.role = text_of(in, "role");
  f.handler = text_of(in, "handler");
  f.description = text_of(in, "description");
  f.timeout_s = int_of(in, "timeout_s", 3);
  f.memory_size_mb = int_of(in, "memory_size_mb", 128);
  if (in.contains("environment")) f.environment = read_string_map(in.if_contains("environment"));
  f.dead_letter_target_arn = text_of(in, "dead_letter_target_arn");
  if (in.contains("reserved_concurrency")) f.reserved_concurrency = int_of(in, "reserved_concurrency", 0);
  f.code_sha256 = text_of(in, "code_sha256");
  f.code_size = int_of(in, "code_size", 0);
  f.code.path = text_of(in, "code_path");
  const boost::json::value* hot = in.if_contains("code_hot_reload");
  f.code.hot_reload = hot && hot->is_bool() && hot->get_bool();
  f.last_modified_ms = int_of(in, "last_modified_ms", 0);
  f.revision_id = text_of(in, "revision_id");
  f.state = text_of(in, "state");
  f.state_reason = text_of(in, "state_reason");
  f.state_reason_code = text_of(in, "state_reason_code");
  f.last_update_status = text_of(in, "last_update_status");
  f.last_update_status_reason = text_of(in, "last_update_status_reason");
  f.last_update_status_reason_code = text_of(in, "last_update_status_reason_code");
  f.tags = read_string_map(in.if_contains("tags"));
  if (f.name.empty()) return std::nullopt;
  return f;
}

std::string mapping_store_json(const MappingRecord& m) {
  boost::json::object out{{"uuid", m.uuid},
                          {"function_name", m.function_name},
                          {"function_arn", m.function_arn},
                          {"event_source_arn", m.event_source_arn},
                          {"settings", m.settings_json},
                          {"created_ms", m.created_ms}};
  return boost::json::serialize(out);
}

std::optional<MappingRecord> mapping_from_store_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const boost::json::object& in = parsed.get_object();
  MappingRecord m;
  m.uuid = text_of(in, "uuid");
  m.function_name = text_of(in, "function_name");
  m.function_arn = text_of(in, "function_arn");
  m.event_source_arn = text_of(in, "event_source_arn");
  m.settings_json = text_of(in, "settings");
  m.created_ms = int_of(in, "created_ms", 0);
  if (m.uuid.empty()) return std::nullopt;
  return m;
}

}  // namespace detail
}  // namespace sluice::lambda
