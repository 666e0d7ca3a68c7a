// PublishVersion, ListVersionsByFunction, CreateAlias, GetAlias, UpdateAlias, DeleteAlias and
// ListAliases (Lambda API reference: 201 for what is created, 204 for a deleted alias).

#include <boost/json.hpp>

#include "function_actions.h"
#include "request_reader.h"

namespace sluice::api::lambda_wire {
namespace {

using rest_json::error_answer;
using rest_json::json_answer;

const std::string& request_id(const ActionCall& a) { return a.call.ctx.request_id; }

std::string path_value(const ActionCall& a, std::string_view name) {
  auto found = a.path.find(name);
  return found == a.path.end() ? std::string() : found->second;
}

std::string query_value(const ActionCall& a, std::string_view name) {
  auto found = a.query.find(name);
  return found == a.query.end() ? std::string() : found->second;
}

// MaxItems from the query string; an answer when it is not an integer.
std::optional<http::Response> read_max_items(const ActionCall& a, std::optional<int64_t>* max_items) {
  const std::string text = query_value(a, "MaxItems");
  if (text.empty()) return std::nullopt;
  try {
    size_t used = 0;
    *max_items = std::stoll(text, &used);
    if (used == text.size()) return std::nullopt;
  } catch (const std::exception&) {
  }
  return error_answer(common::aws_error(common::AwsErrorCode::SerializationException, "MaxItems must be an integer"),
                      request_id(a));
}

void append_marker(std::string& body, const std::string& next_marker) {
  if (!next_marker.empty()) body += ",\"NextMarker\":" + boost::json::serialize(boost::json::value(next_marker));
}

// Name, FunctionVersion, Description and RoutingConfig of CreateAlias and UpdateAlias.
common::Outcome<lambda::AliasInput> read_alias(const ActionCall& a, bool name_in_body) {
  RequestReader reader(a.call.request.body);
  lambda::AliasInput input;
  input.name = name_in_body ? reader.string("Name").value_or("") : path_value(a, "Name");
  input.function_version = reader.string("FunctionVersion");
  input.description = reader.string("Description");
  input.revision_id = reader.string("RevisionId");
  if (auto routing = reader.object("RoutingConfig")) {
    input.routing = routing->number_map("AdditionalVersionWeights").value_or(lambda::VersionWeights{});
    if (routing->error()) return *routing->error();
  }
  if (reader.error()) return *reader.error();
  return input;
}

http::Response publish_version(const ActionCall& a) {
  RequestReader reader(a.call.request.body);
  lambda::PublishVersionInput input;
  input.code_sha256 = reader.string("CodeSha256");
  input.description = reader.string("Description");
  input.revision_id = reader.string("RevisionId");
  if (reader.error()) return error_answer(*reader.error(), request_id(a));
  auto published = a.control_plane.publish_version(path_value(a, "FunctionName"), input);
  if (!published) return error_answer(published.error(), request_id(a));
  return json_answer(201, lambda::configuration_json(*published), request_id(a));
}

http::Response list_versions(const ActionCall& a) {
  std::optional<int64_t> max_items;
  if (auto refused = read_max_items(a, &max_items)) return std::move(*refused);
  auto page = a.control_plane.list_versions(path_value(a, "FunctionName"), query_value(a, "Marker"), max_items);
  if (!page) return error_answer(page.error(), request_id(a));
  std::string body = "{\"Versions\":[";
  for (size_t i = 0; i < page->versions.size(); ++i)
    body += (i ? "," : "") + lambda::configuration_json(page->versions[i]);
  body += ']';
  append_marker(body, page->next_marker);
  body += '}';
  return json_answer(200, std::move(body), request_id(a));
}

http::Response create_alias(const ActionCall& a) {
  auto input = read_alias(a, true);
  if (!input) return error_answer(input.error(), request_id(a));
  auto created = a.control_plane.create_alias(path_value(a, "FunctionName"), *input);
  if (!created) return error_answer(created.error(), request_id(a));
  return json_answer(201, lambda::alias_json(*created), request_id(a));
}

http::Response get_alias(const ActionCall& a) {
  auto found = a.control_plane.get_alias(path_value(a, "FunctionName"), path_value(a, "Name"));
  if (!found) return error_answer(found.error(), request_id(a));
  return json_answer(200, lambda::alias_json(*found), request_id(a));
}

http::Response update_alias(const ActionCall& a) {
  auto input = read_alias(a, false);
  if (!input) return error_answer(input.error(), request_id(a));
  auto updated = a.control_plane.update_alias(path_value(a, "FunctionName"), *input);
  if (!updated) return error_answer(updated.error(), request_id(a));
  return json_answer(200, lambda::alias_json(*updated), request_id(a));
}

http::Response delete_alias(const ActionCall& a) {
  auto deleted = a.control_plane.delete_alias(path_value(a, "FunctionName"), path_value(a, "Name"));
  if (!deleted) return error_answer(deleted.error(), request_id(a));
  return json_answer(204, "", request_id(a));
}

http::Response list_aliases(const ActionCall& a) {
  std::optional<int64_t> max_items;
  if (auto refused = read_max_items(a, &max_items)) return std::move(*refused);
  auto page = a.control_plane.list_aliases(path_value(a, "FunctionName"), query_value(a, "FunctionVersion"),
                                           query_value(a, "Marker"), max_items);
  if (!page) return error_answer(page.error(), request_id(a));
  std::string body = "{\"Aliases\":[";
  for (size_t i = 0; i < page->aliases.size(); ++i) body += (i ? "," : "") + lambda::alias_json(page->aliases[i]);
  body += ']';
  append_marker(body, page->next_marker);
  body += '}';
  return json_answer(200, std::move(body), request_id(a));
}

}  // namespace

std::optional<http::Response> run_version_action(std::string_view operation, const ActionCall& action) {
  if (operation == "PublishVersion") return publish_version(action);
  if (operation == "ListVersionsByFunction") return list_versions(action);
  if (operation == "CreateAlias") return create_alias(action);
  if (operation == "GetAlias") return get_alias(action);
  if (operation == "UpdateAlias") return update_alias(action);
  if (operation == "DeleteAlias") return delete_alias(action);
  if (operation == "ListAliases") return list_aliases(action);
  return std::nullopt;
}

}  // namespace sluice::api::lambda_wire
