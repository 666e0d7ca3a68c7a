// One handler per SNS action: read the flattened parameters, call the service, render the
// result. Every handler answers either a result body (XML inside <ActionResult>) or an AwsError;
// handle() turns both into the HTTP answer.

#include <functional>
#include <unordered_map>

#include "form_reader.h"
#include "mobile_actions.h"
#include "sluice/common/crypto.h"
#include "sns_api.h"
#include "sns_xml.h"

namespace sluice::api::sns_wire {

namespace {
using detail::get;
using detail::Params;
using detail::Xml;

// nullopt body = the action has no result element.
using Body = std::optional<std::string>;
using Handler = std::function<common::Outcome<Body>(Service&, const Params&, const CallContext&)>;

std::string arg(const Params& p, const char* name) { return get(p, name).value_or(""); }

std::string attribute_entries(const AttributeMap& attrs) {
  Xml x;
  x.open("Attributes");
  for (const auto& [k, v] : attrs) x.open("entry").element("key", k).element("value", v).close("entry");
  x.close("Attributes");
  return x.out;
}

std::string subscription_members(const Page<SubscriptionSummary>& page) {
  Xml x;
  x.open("Subscriptions");
  for (const auto& s : page.items) {
    x.open("member")
        .element("SubscriptionArn", s.subscription_arn)
        .element("Owner", s.owner)
        .element("Protocol", s.protocol)
        .element("Endpoint", s.endpoint)
        .element("TopicArn", s.topic_arn)
        .close("member");
  }
  x.close("Subscriptions");
  if (page.next_token) x.element("NextToken", *page.next_token);
  return x.out;
}

common::Outcome<PublishRequest> read_publish(const Params& p) {
  PublishRequest r;
  r.id = arg(p, "Id");
  r.topic_arn = get(p, "TopicArn");
  r.target_arn = get(p, "TargetArn");
  r.phone_number = get(p, "PhoneNumber");
  r.message = get(p, "Message");
  r.subject = get(p, "Subject");
  r.message_structure = get(p, "MessageStructure");
  r.message_group_id = get(p, "MessageGroupId");
  r.message_deduplication_id = get(p, "MessageDeduplicationId");
  auto attrs = detail::read_message_attributes(p, "MessageAttributes");
  if (!attrs) return attrs.error();
  r.message_attributes = std::move(attrs.value());
  return r;
}

template <typename T, typename F>
common::Outcome<Body> then(common::Outcome<T> r, F render) {
  if (!r) return r.error();
  return Body(render(r.value()));
}

common::Outcome<Body> no_result(const common::Status& st) {
  if (!st) return st.error();
  return Body(std::nullopt);
}

const std::unordered_map<std::string, Handler>& handlers() {
  static const std::unordered_map<std::string, Handler> table = detail::with_mobile_actions({
      {"CreateTopic",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.create_topic(c, arg(p, "Name"), detail::read_attribute_map(p, "Attributes"),
                                    detail::read_tags(p, "Tags")),
                     [](const std::string& arn) { return Xml().element("TopicArn", arn).out; });
       }},
      {"DeleteTopic", [](Service& s, const Params& p,
                         const CallContext& c) { return no_result(s.delete_topic(c, arg(p, "TopicArn"))); }},
      {"ListTopics",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.list_topics(c, get(p, "NextToken")), [](const Page<std::string>& page) {
           Xml x;
           x.open("Topics");
           for (const auto& arn : page.items) x.open("member").element("TopicArn", arn).close("member");
           x.close("Topics");
           if (page.next_token) x.element("NextToken", *page.next_token);
           return x.out;
         });
       }},
      {"GetTopicAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.get_topic_attributes(c, arg(p, "TopicArn")), attribute_entries);
       }},
      {"SetTopicAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return no_result(
             s.set_topic_attributes(c, arg(p, "TopicArn"), arg(p, "AttributeName"), get(p, "AttributeValue")));
       }},
      {"AddPermission",
       [](Service& s, const Params& p, const CallContext& c) {
         return no_result(s.add_permission(c, arg(p, "TopicArn"), arg(p, "Label"), detail::read_list(p, "AWSAccountId"),
                                           detail::read_list(p, "ActionName")));
       }},
      {"RemovePermission",
       [](Service& s, const Params& p, const CallContext& c) {
         return no_result(s.remove_permission(c, arg(p, "TopicArn"), arg(p, "Label")));
       }},
      {"TagResource",
       [](Service& s, const Params& p, const CallContext& c) {
         auto st = s.tag_resource(c, arg(p, "ResourceArn"), detail::read_tags(p, "Tags"));
         if (!st) return common::Outcome<Body>(st.error());
         return common::Outcome<Body>(Body(std::string()));
       }},
      {"UntagResource",
       [](Service& s, const Params& p, const CallContext& c) {
         auto st = s.untag_resource(c, arg(p, "ResourceArn"), detail::read_list(p, "TagKeys"));
         if (!st) return common::Outcome<Body>(st.error());
         return common::Outcome<Body>(Body(std::string()));
       }},
      {"ListTagsForResource",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.list_tags_for_resource(c, arg(p, "ResourceArn")), [](const TagList& tags) {
           Xml x;
           x.open("Tags");
           for (const auto& [k, v] : tags) x.open("member").element("Key", k).element("Value", v).close("member");
           x.close("Tags");
           return x.out;
         });
       }},
      {"Subscribe",
       [](Service& s, const Params& p, const CallContext& c) {
         SubscribeRequest r{arg(p, "TopicArn"), arg(p, "Protocol"), get(p, "Endpoint"),
                            detail::read_attribute_map(p, "Attributes"), arg(p, "ReturnSubscriptionArn") == "true"};
         return then(s.subscribe(c, r),
                     [](const std::string& arn) { return Xml().element("SubscriptionArn", arn).out; });
       }},
      {"ConfirmSubscription",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.confirm_subscription(c, arg(p, "TopicArn"), arg(p, "Token")),
                     [](const std::string& arn) { return Xml().element("SubscriptionArn", arn).out; });
       }},
      {"Unsubscribe", [](Service& s, const Params& p,
                         const CallContext& c) { return no_result(s.unsubscribe(c, arg(p, "SubscriptionArn"))); }},
      {"ListSubscriptions",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.list_subscriptions(c, get(p, "NextToken")), subscription_members);
       }},
      {"ListSubscriptionsByTopic",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.list_subscriptions_by_topic(c, arg(p, "TopicArn"), get(p, "NextToken")), subscription_members);
       }},
      {"GetSubscriptionAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.get_subscription_attributes(c, arg(p, "SubscriptionArn")), attribute_entries);
       }},
      {"SetSubscriptionAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return no_result(s.set_subscription_attributes(c, arg(p, "SubscriptionArn"), arg(p, "AttributeName"),
                                                        get(p, "AttributeValue")));
       }},
      {"Publish",
       [](Service& s, const Params& p, const CallContext& c) {
         auto request = read_publish(p);
         if (!request) return common::Outcome<Body>(request.error());
         return then(s.publish(c, request.value()), [](const PublishResult& r) {
           Xml x;
           x.element("MessageId", r.message_id);
           if (r.sequence_number) x.element("SequenceNumber", *r.sequence_number);
           return x.out;
         });
       }},
      {"PublishBatch",
       [](Service& s, const Params& p, const CallContext& c) {
         std::vector<PublishRequest> entries;
         for (const auto& [n, group] : detail::indexed(p, "PublishBatchRequestEntries.member")) {
           auto entry = read_publish(group);
           if (!entry) return common::Outcome<Body>(entry.error());
           entries.push_back(std::move(entry.value()));
         }
         return then(s.publish_batch(c, arg(p, "TopicArn"), entries), [](const PublishBatchResult& r) {
           Xml x;
           x.open("Successful");
           for (const auto& e : r.successful) {
             x.open("member").element("Id", e.id).element("MessageId", e.message_id);
             if (e.sequence_number) x.element("SequenceNumber", *e.sequence_number);
             x.close("member");
           }
           x.close("Successful").open("Failed");
           for (const auto& e : r.failed) {
             x.open("member")
                 .element("Id", e.id)
                 .element("Code", e.error.info().query_code)
                 .element("Message", e.error.message)
                 .element("SenderFault", e.sender_fault ? "true" : "false")
                 .close("member");
           }
           x.close("Failed");
           return x.out;
         });
       }},
  });
  return table;
}

}  // namespace

bool SnsApi::is_sns_action(std::string_view action) { return handlers().count(std::string(action)) != 0; }

ApiResponse SnsApi::handle(const FormParams& form, const CallContext& ctx, std::string request_id) const {
  if (request_id.empty()) request_id = common::uuid4();
  Params params = detail::to_params(form);
  auto fail = [&](const common::AwsError& e) { return ApiResponse{e.info().http_status, error_xml(e, request_id)}; };
  auto action = get(params, "Action");
  if (!action || action->empty()) {
    return fail(common::aws_error(common::AwsErrorCode::MissingAction, "Missing required parameter Action"));
  }
  auto it = handlers().find(*action);
  if (it == handlers().end()) {
    return fail(common::aws_error(common::AwsErrorCode::InvalidAction,
                                  "The action " + *action + " is not valid for this web service."));
  }
  common::Outcome<Body> result = it->second(service_, params, ctx);
  if (!result) return fail(result.error());
  const Body& body = result.value();
  return ApiResponse{200, detail::document(*action, body.value_or(""), body.has_value(), request_id)};
}

}  // namespace sluice::api::sns_wire
