#pragma once
// Shared pieces of the queue-management action files: one function per action with a common
// signature, and the helpers they use (resolving the queue a request names, which the typed
// message codecs use too).

#include <boost/json.hpp>

#include "json_input.h"
#include "sqs_api.h"

namespace sluice::api::sqs_wire::detail {

using Engine = sluice::sqs::Engine;
using QueueAddress = sluice::sqs::QueueAddress;
using ActionFn = common::Outcome<json::object> (*)(Engine&, const json::object&, const CallContext&);

// The queue a request names: its QueueUrl member, else the request path (/<account>/<name>).
common::Outcome<QueueAddress> queue_from_input(const json::object& in, const CallContext& ctx);
// The same from an already read QueueUrl member.
common::Outcome<QueueAddress> queue_named(const std::optional<std::string>& queue_url, const CallContext& ctx);
// Turns Status into an empty answer object.
common::Outcome<json::object> empty_or_error(const common::Status& status);

// Queue family (actions_queues.cpp)
common::Outcome<json::object> create_queue(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> get_queue_url(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> list_queues(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> delete_queue(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> purge_queue(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> get_queue_attributes(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> set_queue_attributes(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> tag_queue(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> untag_queue(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> list_queue_tags(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> add_permission(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> remove_permission(Engine&, const json::object&, const CallContext&);

// Dead-letter family (actions_dlq.cpp)
common::Outcome<json::object> list_dead_letter_source_queues(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> start_message_move_task(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> list_message_move_tasks(Engine&, const json::object&, const CallContext&);
common::Outcome<json::object> cancel_message_move_task(Engine&, const json::object&, const CallContext&);

// Pagination shared by ListQueues and ListDeadLetterSourceQueues: names sorted; MaxResults 1..1000;
// a NextToken only when MaxResults was given and more names follow.
common::Outcome<json::object> paginate_urls(const std::vector<std::string>& sorted_names, const json::object& in,
                                            const CallContext& ctx, const std::string& account,
                                            const std::string& region, std::string_view list_member);

}  // namespace sluice::api::sqs_wire::detail
