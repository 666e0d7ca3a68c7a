// LookupEvents: the request checked as CloudTrail checks it (one lookup attribute of the eight
// keys, a start no later than the end, MaxResults 1-50, EventCategory "insight" only), the
// trail's page answered with each event's summary and its record as the CloudTrailEvent string.

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

#include "cloudtrail_actions.h"

namespace sluice::api::cloudtrail_wire::detail {
namespace {

namespace json = boost::json;

common::AwsError serialization(std::string_view member) {
  return common::aws_error(common::AwsErrorCode::SerializationException,
                           "Unexpected value type for '" + std::string(member) + "'");
}

// A JSON 1.1 timestamp: seconds since the epoch, possibly with a fraction.
common::Outcome<std::optional<int64_t>> time_member(const json::object& in, std::string_view name) {
  const json::value* v = in.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  if (!v->is_number()) return serialization(name);
  return std::optional<int64_t>(static_cast<int64_t>(std::llround(v->to_number<double>() * 1000.0)));
}

common::Outcome<audit::LookupQuery> read_query(const json::object& in) {
  audit::LookupQuery query;
  if (const json::value* attributes = in.if_contains("LookupAttributes");
      attributes != nullptr && !attributes->is_null()) {
    if (!attributes->is_array()) return serialization("LookupAttributes");
    const json::array& list = attributes->get_array();
    if (list.size() > 1) {
      return common::aws_error(common::AwsErrorCode::InvalidLookupAttributes,
                               "You can only specify one lookup attribute.");
    }
    if (list.size() == 1) {
      const json::object* attribute = list[0].if_object();
      if (attribute == nullptr) return serialization("LookupAttributes");
      const json::value* key = attribute->if_contains("AttributeKey");
      const json::value* value = attribute->if_contains("AttributeValue");
      if (key == nullptr || !key->is_string() || value == nullptr || !value->is_string()) {
        return common::aws_error(common::AwsErrorCode::InvalidLookupAttributes,
                                 "A lookup attribute needs an AttributeKey and an AttributeValue.");
      }
      query.key = audit::lookup_key_named(key->get_string());
      if (!query.key) {
        return common::aws_error(common::AwsErrorCode::InvalidLookupAttributes,
                                 "Invalid attribute key: " + std::string(key->get_string()) + ".");
      }
      query.value = std::string(value->get_string());
    }
  }
  auto start = time_member(in, "StartTime");
  if (!start) return start.error();
  auto end = time_member(in, "EndTime");
  if (!end) return end.error();
  query.start_ms = *start;
  query.end_ms = *end;
  if (query.start_ms && query.end_ms && *query.start_ms > *query.end_ms) {
    return common::aws_error(common::AwsErrorCode::InvalidTimeRange, "Start time must be before end time.");
  }
  if (const json::value* max = in.if_contains("MaxResults"); max != nullptr && !max->is_null()) {
    if (!max->is_int64() && !max->is_uint64()) return serialization("MaxResults");
    const int64_t n =
        max->is_int64() ? max->get_int64() : static_cast<int64_t>(std::min<uint64_t>(max->get_uint64(), 1000));
    if (n < 1 || n > 50) {
      return common::aws_error(common::AwsErrorCode::InvalidMaxResults, "MaxResults must be between 1 and 50.");
    }
    query.max_results = static_cast<size_t>(n);
  }
  if (const json::value* token = in.if_contains("NextToken"); token != nullptr && !token->is_null()) {
    if (!token->is_string()) return serialization("NextToken");
    query.next_token = std::string(token->get_string());
  }
  return query;
}

json::object event_summary(const audit::Event& event) {
  json::object out;
  out["EventId"] = event.event_id;
  out["EventName"] = event.event_name;
  out["ReadOnly"] = event.read_only ? "true" : "false";
  if (!event.access_key_id.empty()) out["AccessKeyId"] = event.access_key_id;
  out["EventTime"] = static_cast<double>(event.time_ms) / 1000.0;
  out["EventSource"] = event.event_source;
  if (!event.username.empty()) out["Username"] = event.username;
  json::array resources;
  for (const auto& r : event.resources)
    resources.push_back(json::object{{"ResourceType", r.type}, {"ResourceName", r.name}});
  out["Resources"] = std::move(resources);
  out["CloudTrailEvent"] = event.record;
  return out;
}

}  // namespace

common::Outcome<std::string> lookup_events(const CloudTrailCall& call) {
  auto query = read_query(call.input);
  if (!query) return query.error();
  query->account_id = call.ctx.account_id;
  query->region = call.ctx.region;
  json::object answer;
  json::array events;
  // sluice records no Insights events; any other category is CloudTrail's error.
  if (const json::value* category = call.input.if_contains("EventCategory");
      category != nullptr && !category->is_null()) {
    if (!category->is_string() || category->get_string() != "insight") {
      return common::aws_error(common::AwsErrorCode::InvalidEventCategory, "Event category is not valid.");
    }
    answer["Events"] = std::move(events);
    return json::serialize(answer);
  }
  auto page = call.trail.lookup(*query);
  if (!page) return page.error();
  for (const auto& event : page->events) events.push_back(event_summary(event));
  answer["Events"] = std::move(events);
  if (!page->next_token.empty()) answer["NextToken"] = page->next_token;
  return json::serialize(answer);
}

}  // namespace sluice::api::cloudtrail_wire::detail
