// Queue-level actions: create, look up, list, delete, purge, attributes, tags and permissions.
// Queues live in the caller's account and region (CallContext) unless a URL names others.

#include "actions_internal.h"

namespace sluice::api::sqs_wire::detail {
namespace {

json::object url_answer(const CallContext& ctx, const QueueAddress& queue) {
  json::object out;
  out["QueueUrl"] = make_queue_url(ctx, queue);
  return out;
}

json::object string_map_json(const std::map<std::string, std::string>& map) {
  json::object out;
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

}  // namespace

common::Outcome<json::object> create_queue(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto name = req_string(in, "QueueName");
  if (!name) return name.take_error();
  auto attributes = opt_string_map(in, "Attributes");
  if (!attributes) return attributes.take_error();
  auto tags = opt_string_map(in, "tags");
  if (!tags) return tags.take_error();
  QueueAddress queue{ctx.account_id, ctx.region, *name};
  auto status = engine.create_queue(queue, *attributes, *tags);
  if (!status) return status.take_error();
  return url_answer(ctx, queue);
}

common::Outcome<json::object> get_queue_url(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto name = req_string(in, "QueueName");
  if (!name) return name.take_error();
  auto owner = opt_string(in, "QueueOwnerAWSAccountId");
  if (!owner) return owner.take_error();
  QueueAddress queue{owner->value_or(ctx.account_id), ctx.region, *name};
  auto status = engine.get_queue(queue);
  if (!status) return status.take_error();
  return url_answer(ctx, queue);
}

common::Outcome<json::object> list_queues(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto prefix = opt_string(in, "QueueNamePrefix");
  if (!prefix) return prefix.take_error();
  std::vector<std::string> names = engine.list_queues(ctx.account_id, ctx.region, prefix->value_or(""));
  auto out = paginate_urls(names, in, ctx, ctx.account_id, ctx.region, "QueueUrls");
  if (!out) return out;
  // An empty listing has no QueueUrls member at all.
  if (out->at("QueueUrls").as_array().empty()) out->erase("QueueUrls");
  return out;
}

common::Outcome<json::object> delete_queue(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  return empty_or_error(engine.delete_queue(*queue));
}

common::Outcome<json::object> purge_queue(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  return empty_or_error(engine.purge_queue(*queue));
}

common::Outcome<json::object> get_queue_attributes(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto names = opt_string_list(in, "AttributeNames");
  if (!names) return names.take_error();
  auto attributes = engine.get_queue_attributes(*queue, *names);
  if (!attributes) return attributes.take_error();
  json::object out;
  if (!attributes->empty()) out["Attributes"] = string_map_json(*attributes);
  return out;
}

common::Outcome<json::object> set_queue_attributes(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto attributes = opt_string_map_present(in, "Attributes");
  if (!attributes) return attributes.take_error();
  if (!attributes->has_value()) return missing_parameter("Attributes");
  return empty_or_error(engine.set_queue_attributes(*queue, **attributes));
}

common::Outcome<json::object> tag_queue(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto tags = opt_string_map_present(in, "Tags");
  if (!tags) return tags.take_error();
  if (!tags->has_value()) return missing_parameter("Tags");
  return empty_or_error(engine.tag_queue(*queue, **tags));
}

common::Outcome<json::object> untag_queue(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto keys = opt_string_list_present(in, "TagKeys");
  if (!keys) return keys.take_error();
  if (!keys->has_value()) return missing_parameter("TagKeys");
  return empty_or_error(engine.untag_queue(*queue, **keys));
}

common::Outcome<json::object> list_queue_tags(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto tags = engine.list_queue_tags(*queue);
  if (!tags) return tags.take_error();
  json::object out;
  if (!tags->empty()) out["Tags"] = string_map_json(*tags);
  return out;
}

common::Outcome<json::object> add_permission(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto label = req_string(in, "Label");
  if (!label) return label.take_error();
  auto accounts = opt_string_list_present(in, "AWSAccountIds");
  if (!accounts) return accounts.take_error();
  if (!accounts->has_value()) return missing_parameter("AWSAccountIds");
  auto actions = opt_string_list_present(in, "Actions");
  if (!actions) return actions.take_error();
  if (!actions->has_value()) return missing_parameter("Actions");
  return empty_or_error(engine.add_permission(*queue, *label, **accounts, **actions));
}

common::Outcome<json::object> remove_permission(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto label = req_string(in, "Label");
  if (!label) return label.take_error();
  return empty_or_error(engine.remove_permission(*queue, *label));
}

}  // namespace sluice::api::sqs_wire::detail
