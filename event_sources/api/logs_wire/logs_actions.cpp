// CloudWatch Logs' operations over the log store. Inputs are checked as CloudWatch Logs checks
// them: a missing or malformed member is InvalidParameterException with AWS's "N validation
// error(s) detected" text; the store answers ResourceNotFound/AlreadyExists itself.

#include <boost/json.hpp>

#include <algorithm>
#include <iterator>

#include "logs_actions.h"

namespace sluice::api::logs_wire::detail {
namespace {

namespace json = boost::json;

common::AwsError invalid(std::string message) {
  return common::aws_error(common::AwsErrorCode::LogsInvalidParameter, std::move(message));
}
common::AwsError constraint(std::string_view value, std::string_view member, std::string_view rule) {
  return invalid("1 validation error detected: Value " + std::string(value) + " at '" + std::string(member) +
                 "' failed to satisfy constraint: " + std::string(rule));
}
common::AwsError serialization(std::string_view member) {
  return common::aws_error(common::AwsErrorCode::SerializationException,
                           "Unexpected value type for '" + std::string(member) + "'");
}

// The reading helpers return an error for a member of the wrong type, which AWS answers as a
// SerializationException.
common::Outcome<std::optional<std::string>> optional_string(const json::object& in, std::string_view name) {
  const json::value* v = in.if_contains(name);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return serialization(name);
  return std::optional<std::string>(std::string(v->get_string()));
}
common::Outcome<std::optional<int64_t>> optional_int(const json::object& in, std::string_view name) {
  const json::value* v = in.if_contains(name);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->get_int64());
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return std::optional<int64_t>(static_cast<int64_t>(v->get_uint64()));
  if (v->is_double() && v->get_double() == static_cast<double>(static_cast<int64_t>(v->get_double())))
    return std::optional<int64_t>(static_cast<int64_t>(v->get_double()));
  return serialization(name);
}
common::Outcome<bool> optional_bool(const json::object& in, std::string_view name, bool fallback) {
  const json::value* v = in.if_contains(name);
  if (!v || v->is_null()) return fallback;
  if (!v->is_bool()) return serialization(name);
  return v->get_bool();
}

bool is_group_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '/' || c == '#';
}

// A required name member, checked against CloudWatch Logs' length and pattern constraints.
common::Outcome<std::string> name_member(const json::object& in, std::string_view member, bool group) {
  auto value = optional_string(in, member);
  if (!value) return value.error();
  if (!*value) return constraint("null", member, "Member must not be null");
  const std::string& name = **value;
  if (name.empty() || name.size() > 512) {
    return constraint("'" + name + "'", member,
                      name.empty() ? "Member must have length greater than or equal to 1"
                                   : "Member must have length less than or equal to 512");
  }
  const bool valid =
      group ? std::all_of(name.begin(), name.end(), is_group_name_char) : name.find_first_of(":*") == std::string::npos;
  if (!valid) {
    return constraint("'" + name + "'", member,
                      group ? "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
                            : "Member must satisfy regular expression pattern: [^:*]*");
  }
  return name;
}

// The log stream an action names: its group, then the stream, each checked in that order.
struct StreamName {
  std::string group;
  std::string stream;
};

common::Outcome<StreamName> stream_member(const json::object& in) {
  auto group = name_member(in, "logGroupName", true);
  if (!group) return group.error();
  auto stream = name_member(in, "logStreamName", false);
  if (!stream) return stream.error();
  return StreamName{std::move(*group), std::move(*stream)};
}

common::Outcome<int64_t> limit_member(const json::object& in, int64_t fallback, int64_t most) {
  auto limit = optional_int(in, "limit");
  if (!limit) return limit.error();
  if (!*limit) return fallback;
  if (**limit < 1)
    return constraint("'" + std::to_string(**limit) + "'", "limit",
                      "Member must have value greater than or equal to 1");
  if (**limit > most)
    return constraint("'" + std::to_string(**limit) + "'", "limit",
                      "Member must have value less than or equal to " + std::to_string(most));
  return **limit;
}

std::string group_arn(const LogsCall& call, const std::string& group) {
  return "arn:aws:logs:" + call.ctx.region + ":" + call.ctx.account_id + ":log-group:" + group;
}

std::string done() { return "{}"; }

common::Outcome<std::string> create_log_group(const LogsCall& call) {
  auto group = name_member(call.input, "logGroupName", true);
  if (!group) return group.error();
  if (common::Status s = call.store.create_group(*group); !s) return s.error();
  return done();
}

common::Outcome<std::string> delete_log_group(const LogsCall& call) {
  auto group = name_member(call.input, "logGroupName", true);
  if (!group) return group.error();
  if (common::Status s = call.store.delete_group(*group); !s) return s.error();
  return done();
}

common::Outcome<std::string> create_log_stream(const LogsCall& call) {
  auto named = stream_member(call.input);
  if (!named) return named.error();
  if (common::Status s = call.store.create_stream(named->group, named->stream); !s) return s.error();
  return done();
}

common::Outcome<std::string> delete_log_stream(const LogsCall& call) {
  auto named = stream_member(call.input);
  if (!named) return named.error();
  if (common::Status s = call.store.delete_stream(named->group, named->stream); !s) return s.error();
  return done();
}

common::Outcome<std::string> put_retention_policy(const LogsCall& call) {
  auto group = name_member(call.input, "logGroupName", true);
  if (!group) return group.error();
  auto days = optional_int(call.input, "retentionInDays");
  if (!days) return days.error();
  if (!*days) return constraint("null", "retentionInDays", "Member must not be null");
  if (!logs::is_retention_value(**days)) {
    return constraint("'" + std::to_string(**days) + "'", "retentionInDays",
                      "Member must satisfy enum value set: [" + logs::retention_values_text() + "]");
  }
  if (common::Status s = call.store.put_retention(*group, **days); !s) return s.error();
  return done();
}

common::Outcome<std::string> delete_retention_policy(const LogsCall& call) {
  auto group = name_member(call.input, "logGroupName", true);
  if (!group) return group.error();
  if (common::Status s = call.store.delete_retention(*group); !s) return s.error();
  return done();
}

common::Outcome<std::string> describe_log_groups(const LogsCall& call) {
  logs::GroupQuery query;
  auto prefix = optional_string(call.input, "logGroupNamePrefix");
  if (!prefix) return prefix.error();
  query.prefix = prefix->value_or("");
  auto token = optional_string(call.input, "nextToken");
  if (!token) return token.error();
  query.next_token = token->value_or("");
  auto limit = limit_member(call.input, 50, 50);
  if (!limit) return limit.error();
  query.limit = *limit;
  auto page = call.store.describe_groups(query);
  if (!page) return page.error();
  json::array groups;
  for (const auto& g : page->groups) {
    json::object o;
    o["logGroupName"] = g.name;
    o["creationTime"] = g.creation_time_ms;
    if (g.retention_days) o["retentionInDays"] = *g.retention_days;
    o["metricFilterCount"] = 0;
    o["arn"] = group_arn(call, g.name) + ":*";
    o["storedBytes"] = g.stored_bytes;
    o["logGroupClass"] = "STANDARD";
    o["logGroupArn"] = group_arn(call, g.name);
    groups.push_back(std::move(o));
  }
  json::object out;
  out["logGroups"] = std::move(groups);
  if (!page->next_token.empty()) out["nextToken"] = page->next_token;
  return json::serialize(out);
}

common::Outcome<std::string> describe_log_streams(const LogsCall& call) {
  logs::StreamQuery query;
  auto group = name_member(call.input, "logGroupName", true);
  if (!group) return group.error();
  query.group = *group;
  auto prefix = optional_string(call.input, "logStreamNamePrefix");
  if (!prefix) return prefix.error();
  query.prefix = prefix->value_or("");
  auto order = optional_string(call.input, "orderBy");
  if (!order) return order.error();
  if (*order && **order != "LogStreamName" && **order != "LastEventTime")
    return constraint("'" + **order + "'", "orderBy",
                      "Member must satisfy enum value set: [LogStreamName, LastEventTime]");
  query.order_by_last_event_time = *order && **order == "LastEventTime";
  if (query.order_by_last_event_time && !query.prefix.empty())
    return invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
  auto descending = optional_bool(call.input, "descending", false);
  if (!descending) return descending.error();
  query.descending = *descending;
  auto token = optional_string(call.input, "nextToken");
  if (!token) return token.error();
  query.next_token = token->value_or("");
  auto limit = limit_member(call.input, 50, 50);
  if (!limit) return limit.error();
  query.limit = *limit;
  auto page = call.store.describe_streams(query);
  if (!page) return page.error();
  json::array streams;
  for (const auto& s : page->streams) {
    json::object o;
    o["logStreamName"] = s.name;
    o["creationTime"] = s.creation_time_ms;
    if (s.first_event_ms) o["firstEventTimestamp"] = *s.first_event_ms;
    if (s.last_event_ms) o["lastEventTimestamp"] = *s.last_event_ms;
    if (s.last_ingestion_ms) o["lastIngestionTime"] = *s.last_ingestion_ms;
    o["arn"] = group_arn(call, query.group) + ":log-stream:" + s.name;
    o["storedBytes"] = s.stored_bytes;
    streams.push_back(std::move(o));
  }
  json::object out;
  out["logStreams"] = std::move(streams);
  if (!page->next_token.empty()) out["nextToken"] = page->next_token;
  return json::serialize(out);
}

common::Outcome<std::string> put_log_events(const LogsCall& call) {
  auto named = stream_member(call.input);
  if (!named) return named.error();
  const json::value* list = call.input.if_contains("logEvents");
  if (!list || list->is_null()) return constraint("null", "logEvents", "Member must not be null");
  if (!list->is_array()) return serialization("logEvents");
  const auto& array = list->get_array();
  if (array.empty()) return constraint("'[]'", "logEvents", "Member must have length greater than or equal to 1");
  if (array.size() > 10000)
    return constraint("'[...]'", "logEvents", "Member must have length less than or equal to 10000");
  std::vector<logs::InputEvent> events;
  size_t batch_bytes = 0;
  for (const auto& item : array) {
    if (!item.is_object()) return serialization("logEvents");
    auto timestamp = optional_int(item.get_object(), "timestamp");
    if (!timestamp) return timestamp.error();
    auto message = optional_string(item.get_object(), "message");
    if (!message) return message.error();
    if (!*timestamp) return constraint("null", "logEvents.member.timestamp", "Member must not be null");
    if (!*message) return constraint("null", "logEvents.member.message", "Member must not be null");
    if ((*message)->empty())
      return constraint("''", "logEvents.member.message", "Member must have length greater than or equal to 1");
    // A batch is at most 1,048,576 bytes, counting 26 bytes per event (PutLogEvents quotas).
    batch_bytes += (*message)->size() + 26;
    events.push_back({**timestamp, std::move(**message)});
  }
  if (batch_bytes > 1048576)
    return invalid("Log event too large: the batch of log events exceeds the 1,048,576 byte maximum.");
  auto put = call.store.put_events(named->group, named->stream, events);
  if (!put) return put.error();
  json::object out;
  out["nextSequenceToken"] = "0";
  json::object rejected;
  if (put->too_new_start_index) rejected["tooNewLogEventStartIndex"] = *put->too_new_start_index;
  if (put->too_old_end_index) rejected["tooOldLogEventEndIndex"] = *put->too_old_end_index;
  if (put->expired_end_index) rejected["expiredLogEventEndIndex"] = *put->expired_end_index;
  if (!rejected.empty()) out["rejectedLogEventsInfo"] = std::move(rejected);
  return json::serialize(out);
}

common::Outcome<std::string> get_log_events(const LogsCall& call) {
  logs::EventQuery query;
  auto named = stream_member(call.input);
  if (!named) return named.error();
  query.group = std::move(named->group);
  query.stream = std::move(named->stream);
  auto start = optional_int(call.input, "startTime");
  if (!start) return start.error();
  query.start_ms = *start;
  auto end = optional_int(call.input, "endTime");
  if (!end) return end.error();
  query.end_ms = *end;
  auto head = optional_bool(call.input, "startFromHead", false);
  if (!head) return head.error();
  query.start_from_head = *head;
  auto token = optional_string(call.input, "nextToken");
  if (!token) return token.error();
  query.token = token->value_or("");
  auto limit = limit_member(call.input, 10000, 10000);
  if (!limit) return limit.error();
  query.limit = *limit;
  auto page = call.store.get_events(query);
  if (!page) return page.error();
  json::array events;
  for (const auto& e : page->events)
    events.push_back(
        json::object{{"timestamp", e.timestamp_ms}, {"message", e.message}, {"ingestionTime", e.ingestion_time_ms}});
  json::object out;
  out["events"] = std::move(events);
  out["nextForwardToken"] = page->next_forward_token;
  out["nextBackwardToken"] = page->next_backward_token;
  return json::serialize(out);
}

common::Outcome<std::string> filter_log_events(const LogsCall& call) {
  logs::FilterQuery query;
  auto group = name_member(call.input, "logGroupName", true);
  if (!group) return group.error();
  query.group = *group;
  if (const json::value* names = call.input.if_contains("logStreamNames"); names && !names->is_null()) {
    if (!names->is_array()) return serialization("logStreamNames");
    for (const auto& n : names->get_array()) {
      if (!n.is_string()) return serialization("logStreamNames");
      query.stream_names.emplace_back(n.get_string());
    }
  }
  auto prefix = optional_string(call.input, "logStreamNamePrefix");
  if (!prefix) return prefix.error();
  query.stream_prefix = prefix->value_or("");
  if (!query.stream_names.empty() && !query.stream_prefix.empty())
    return invalid("logStreamNames and logStreamNamePrefix are mutually exclusive");
  auto start = optional_int(call.input, "startTime");
  if (!start) return start.error();
  query.start_ms = *start;
  auto end = optional_int(call.input, "endTime");
  if (!end) return end.error();
  query.end_ms = *end;
  auto pattern = optional_string(call.input, "filterPattern");
  if (!pattern) return pattern.error();
  query.pattern = pattern->value_or("");
  auto token = optional_string(call.input, "nextToken");
  if (!token) return token.error();
  query.next_token = token->value_or("");
  auto limit = limit_member(call.input, 10000, 10000);
  if (!limit) return limit.error();
  query.limit = *limit;
  auto page = call.store.filter_events(query);
  if (!page) return page.error();
  json::array events;
  for (const auto& e : page->events) {
    events.push_back(json::object{{"logStreamName", e.stream},
                                  {"timestamp", e.timestamp_ms},
                                  {"message", e.message},
                                  {"ingestionTime", e.ingestion_time_ms},
                                  {"eventId", e.event_id}});
  }
  json::object out;
  out["events"] = std::move(events);
  out["searchedLogStreams"] = json::array();
  if (!page->next_token.empty()) out["nextToken"] = page->next_token;
  return json::serialize(out);
}

// A list of strings: absent is empty; present, it has between 1 and `most` members.
common::Outcome<std::vector<std::string>> string_list(const json::object& in, std::string_view member, size_t most) {
  std::vector<std::string> out;
  const json::value* v = in.if_contains(member);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return serialization(member);
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) return serialization(member);
    out.emplace_back(item.get_string());
  }
  if (out.empty()) return constraint("'[]'", member, "Member must have length greater than or equal to 1");
  if (out.size() > most)
    return constraint("'[...]'", member, "Member must have length less than or equal to " + std::to_string(most));
  return out;
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_#+=/:,.@-").find(c) != std::string_view::npos;
}

// The log group a LogGroupIdentifier names: a name, or an ARN
// (arn:<partition>:logs:<region>:<account>:log-group:<name>, which may not end in ":*").
common::Outcome<std::string> group_of_identifier(const std::string& identifier) {
  if (identifier.empty() || identifier.size() > 2048 ||
      !std::all_of(identifier.begin(), identifier.end(), is_identifier_char)) {
    return constraint("'" + identifier + "'", "logGroupIdentifiers",
                      "Member must satisfy constraint: [Member must have length less than or equal to 2048, Member "
                      "must have length greater than or equal to 1, Member must satisfy regular expression pattern: "
                      "[\\w#+=/:,.@-]*]");
  }
  if (identifier.rfind("arn:", 0) != 0) return identifier;
  // The name is everything after the sixth colon.
  size_t colons[6] = {};
  size_t found = 0;
  for (size_t i = 0; i < identifier.size() && found < 6; ++i) {
    if (identifier[i] == ':') colons[found++] = i;
  }
  auto field = [&](size_t n) {
    return std::string_view(identifier).substr(colons[n] + 1, colons[n + 1] - colons[n] - 1);
  };
  if (found < 6 || field(1) != "logs" || field(4) != "log-group" || colons[5] + 1 == identifier.size())
    return invalid("Invalid log group ARN: " + identifier);
  return identifier.substr(colons[5] + 1);
}

struct ActionRow {
  std::string_view name;
  Action run;
};
// Sorted by name.
constexpr ActionRow kActions[] = {
    {"CreateLogGroup", create_log_group},
    {"CreateLogStream", create_log_stream},
    {"DeleteLogGroup", delete_log_group},
    {"DeleteLogStream", delete_log_stream},
    {"DeleteRetentionPolicy", delete_retention_policy},
    {"DescribeLogGroups", describe_log_groups},
    {"DescribeLogStreams", describe_log_streams},
    {"FilterLogEvents", filter_log_events},
    {"GetLogEvents", get_log_events},
    {"PutLogEvents", put_log_events},
    {"PutRetentionPolicy", put_retention_policy},
};

}  // namespace

common::Outcome<LiveTailRequest> read_live_tail_request(const LogsCall& call) {
  LiveTailRequest request;
  const json::value* groups = call.input.if_contains("logGroupIdentifiers");
  if (!groups || groups->is_null()) return constraint("null", "logGroupIdentifiers", "Member must not be null");
  auto identifiers = string_list(call.input, "logGroupIdentifiers", 10);
  if (!identifiers) return identifiers.error();
  auto names = string_list(call.input, "logStreamNames", 100);
  if (!names) return names.error();
  auto prefixes = string_list(call.input, "logStreamNamePrefixes", 100);
  if (!prefixes) return prefixes.error();
  auto pattern = optional_string(call.input, "logEventFilterPattern");
  if (!pattern) return pattern.error();
  request.pattern_text = pattern->value_or("");
  if (request.pattern_text.size() > 1024)
    return constraint("'" + request.pattern_text + "'", "logEventFilterPattern",
                      "Member must have length less than or equal to 1024");
  if (!names->empty() && !prefixes->empty())
    return invalid("logStreamNames and logStreamNamePrefixes cannot both be specified.");
  if ((!names->empty() || !prefixes->empty()) && identifiers->size() > 1)
    return invalid(
        "logStreamNames and logStreamNamePrefixes can be specified only when one log group is in "
        "logGroupIdentifiers.");
  for (const auto& identifier : *identifiers) {
    auto group = group_of_identifier(identifier);
    if (!group) return group.error();
    auto exists = call.store.group_exists(*group);
    if (!exists) return exists.error();
    if (!*exists)
      return common::aws_error(common::AwsErrorCode::LogsResourceNotFound, "The specified log group does not exist.");
    request.filter.groups.push_back({*group, identifier});
  }
  if (!request.pattern_text.empty()) {
    auto parsed = logs::FilterPattern::parse(request.pattern_text);
    if (!parsed) return invalid(parsed.error());
    request.filter.pattern = *parsed;
  }
  request.group_identifiers = std::move(*identifiers);
  request.filter.stream_names = std::move(*names);
  request.filter.stream_prefixes = std::move(*prefixes);
  return request;
}

Action find_action(std::string_view name) {
  auto it = std::lower_bound(std::begin(kActions), std::end(kActions), name,
                             [](const ActionRow& row, std::string_view n) { return row.name < n; });
  return it != std::end(kActions) && it->name == name ? it->run : nullptr;
}

}  // namespace sluice::api::logs_wire::detail
