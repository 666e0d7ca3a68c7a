// SqsActions: the dispatch table of the queue-management actions and the helpers every action
// shares. Each action reads its JSON-protocol members (json_input.h), resolves the queue, calls
// the engine once and renders the engine's answer in the JSON-protocol shape. The message actions
// have typed codecs instead (message_actions.h).

#include <algorithm>
#include <array>
#include <utility>

#include "actions_internal.h"
#include "message_actions.h"
#include "queue_url.h"

namespace sluice::api::sqs_wire {
namespace detail {
namespace {

constexpr std::array<std::pair<std::string_view, ActionFn>, 16> kActions = {{
    {"AddPermission", add_permission},
    {"CancelMessageMoveTask", cancel_message_move_task},
    {"CreateQueue", create_queue},
    {"DeleteQueue", delete_queue},
    {"GetQueueAttributes", get_queue_attributes},
    {"GetQueueUrl", get_queue_url},
    {"ListDeadLetterSourceQueues", list_dead_letter_source_queues},
    {"ListMessageMoveTasks", list_message_move_tasks},
    {"ListQueueTags", list_queue_tags},
    {"ListQueues", list_queues},
    {"PurgeQueue", purge_queue},
    {"RemovePermission", remove_permission},
    {"SetQueueAttributes", set_queue_attributes},
    {"StartMessageMoveTask", start_message_move_task},
    {"TagQueue", tag_queue},
    {"UntagQueue", untag_queue},
}};

ActionFn find_action(std::string_view name) {
  auto it = std::lower_bound(kActions.begin(), kActions.end(), name,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it == kActions.end() || it->first != name) return nullptr;
  return it->second;
}

common::AwsError queue_does_not_exist() {
  return common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist.");
}

}  // namespace

common::Outcome<QueueAddress> queue_from_input(const json::object& in, const CallContext& ctx) {
  auto url = opt_string(in, "QueueUrl");
  if (!url) return url.take_error();
  return queue_named(*url, ctx);
}

common::Outcome<QueueAddress> queue_named(const std::optional<std::string>& queue_url, const CallContext& ctx) {
  if (queue_url) return resolve_queue_url(*queue_url, ctx);
  if (auto path = parse_queue_path(ctx.request_path)) {
    return QueueAddress{path->account_id, path->region.value_or(ctx.default_region), path->name};
  }
  return missing_parameter("QueueUrl");
}

common::Outcome<json::object> empty_or_error(const common::Status& status) {
  if (!status) return status.error();
  return json::object{};
}

common::Outcome<json::object> paginate_urls(const std::vector<std::string>& sorted_names, const json::object& in,
                                            const CallContext& ctx, const std::string& account,
                                            const std::string& region, std::string_view list_member) {
  auto max_results = opt_int(in, "MaxResults");
  if (!max_results) return max_results.take_error();
  auto next_token = opt_string(in, "NextToken");
  if (!next_token) return next_token.take_error();
  if (max_results->has_value() && (**max_results < 1 || **max_results > 1000)) {
    return common::aws_error(
        common::AwsErrorCode::InvalidParameterValue,
        "Value " + std::to_string(**max_results) +
            " for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.");
  }
  size_t start = 0;
  if (next_token->has_value()) {
    auto last = decode_page_token(**next_token);
    if (!last) return common::aws_error(common::AwsErrorCode::InvalidParameterValue, "Invalid NextToken value.");
    start =
        static_cast<size_t>(std::upper_bound(sorted_names.begin(), sorted_names.end(), *last) - sorted_names.begin());
  }
  // Without MaxResults AWS answers at most 1000 queues and no token.
  size_t limit = max_results->has_value() ? static_cast<size_t>(**max_results) : 1000;
  size_t end = std::min(sorted_names.size(), start + limit);
  json::array urls;
  for (size_t i = start; i < end; ++i) {
    urls.emplace_back(make_queue_url(ctx, QueueAddress{account, region, sorted_names[i]}));
  }
  json::object out;
  out[list_member] = std::move(urls);
  if (max_results->has_value() && end < sorted_names.size() && end > start) {
    out["NextToken"] = encode_page_token(sorted_names[end - 1]);
  }
  return out;
}

}  // namespace detail

common::Outcome<sluice::sqs::QueueAddress> resolve_queue_url(std::string_view url, const CallContext& ctx) {
  auto parsed = detail::parse_queue_url(url);
  if (!parsed) {
    // AWS also takes a bare queue name where a URL is expected: the caller's account and region.
    if (detail::is_queue_name(url)) return sluice::sqs::QueueAddress{ctx.account_id, ctx.region, std::string(url)};
    return detail::queue_does_not_exist();
  }
  // A URL without a region names a queue of the default region, whoever asks.
  return sluice::sqs::QueueAddress{parsed->account_id, parsed->region.value_or(ctx.default_region), parsed->name};
}

std::string make_queue_url(const CallContext& ctx, const sluice::sqs::QueueAddress& queue) {
  std::string base = ctx.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (queue.region != ctx.default_region) base += "/" + queue.region;
  return base + "/" + queue.account_id + "/" + queue.name;
}

bool SqsActions::is_action(std::string_view action) {
  // The message actions first: they are most of the calls, and their table is the short one.
  return detail::message_action(action).has_value() || detail::find_action(action) != nullptr;
}

common::Outcome<boost::json::object> SqsActions::call(std::string_view action, const boost::json::object& input,
                                                      const CallContext& ctx) {
  detail::ActionFn fn = detail::find_action(action);
  if (fn == nullptr) {
    return common::aws_error(common::AwsErrorCode::InvalidAction,
                             "The action " + std::string(action) + " is not valid for this endpoint.");
  }
  return fn(engine_, input, ctx);
}

}  // namespace sluice::api::sqs_wire
