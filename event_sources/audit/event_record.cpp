// CloudTrail records: the fields in the order CloudTrail writes them (see the CloudTrail user
// guide, "CloudTrail record contents"), userIdentity by the kind of principal, the resources a
// call names, and the summary LookupEvents answers with.

#include "event_record.h"

#include <boost/json.hpp>

#include <ctime>

#include "classification.h"
#include "redaction.h"
#include "sluice/common/crypto.h"

namespace sluice::audit::detail {
namespace {

namespace json = boost::json;
using identity::Principal;

json::value parse_object(std::string_view text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return nullptr;
  return value;
}

std::string_view string_member(const json::value& object, std::string_view name) {
  const auto* o = object.if_object();
  if (o == nullptr) return {};
  const json::value* v = o->if_contains(name);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// A member's name as CloudTrail writes it: the first letter lower case ("QueueUrl" -> "queueUrl").
std::string camel(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

// Members whose value is a map keyed by the caller's own names (queue attributes, tags, an
// encryption context, message attributes, environment variables): CloudTrail writes those keys as
// they were sent, and camel-cases the members of the structures inside.
constexpr std::string_view kCallerKeyedMaps[] = {"attributes",        "tags",      "encryptionContext",
                                                 "messageAttributes", "variables", "messageSystemAttributes"};

bool caller_keyed(std::string_view member) {
  for (std::string_view name : kCallerKeyedMaps) {
    if (name == member) return true;
  }
  return false;
}

// A copy with every member name camel-cased as CloudTrail writes requests and answers ("QueueUrl"
// -> "queueUrl", "Credentials.AccessKeyId" -> "credentials.accessKeyId"), at any depth, except the
// keys of caller-keyed maps; and redacted (redaction.h) on those names as it is copied, so a
// message body is never copied only to be hidden.
json::value camel_case(const json::value& value, bool keys_are_callers = false) {
  if (const auto* a = value.if_array()) {
    json::array out;
    out.reserve(a->size());
    for (const auto& element : *a) out.push_back(camel_case(element));
    return out;
  }
  const auto* o = value.if_object();
  if (o == nullptr) return value;
  json::object out;
  out.reserve(o->size());
  for (const auto& member : *o) {
    std::string name = keys_are_callers ? std::string(member.key()) : camel(member.key());
    switch (redaction_of(name)) {
      case Redaction::Drop:
        continue;
      case Redaction::Hide:
        out[name] = kHidden.data();  // a literal: its text ends in a NUL
        continue;
      case Redaction::Keep:
        break;
    }
    const bool map = !keys_are_callers && caller_keyed(name);
    out[name] = camel_case(member.value(), map);
  }
  return out;
}

json::value camel_members(const json::value& value) {
  if (!value.is_object()) return nullptr;
  return camel_case(value);
}

bool is_key_id(std::string_view id) { return id.size() == 36 && id[8] == '-' && id[13] == '-'; }

// The resources a call names, by ARN where one can be told: queue URLs, topic ARNs, KMS keys
// (an ARN, a key id, or the ARN KMS answered with), IAM users and roles, Lambda functions.
std::vector<EventResource> resources_of(const ApiCall& call, const json::value& params, const json::value& answer) {
  std::vector<EventResource> out;
  auto add = [&out](std::string type, std::string name) {
    if (name.empty()) return;
    for (const auto& r : out) {
      if (r.type == type && r.name == name) return;
    }
    out.push_back({std::move(type), std::move(name)});
  };
  const std::string& account = call.account_id;
  const std::string& region = call.region;
  auto queue_arn = [&](std::string_view url) {
    // http://host/ACCOUNT/NAME
    const size_t name_at = url.rfind('/');
    if (name_at == std::string_view::npos || name_at == 0) return std::string(url);
    const size_t account_at = url.rfind('/', name_at - 1);
    if (account_at == std::string_view::npos) return std::string(url);
    return "arn:aws:sqs:" + region + ":" + std::string(url.substr(account_at + 1, name_at - account_at - 1)) + ":" +
           std::string(url.substr(name_at + 1));
  };
  auto key_arn = [&](std::string_view id) {
    if (id.substr(0, 4) == "arn:") return std::string(id);
    if (is_key_id(id)) return "arn:aws:kms:" + region + ":" + account + ":key/" + std::string(id);
    return std::string();
  };
  for (const json::value* v : {&params, &answer}) {
    add("AWS::SQS::Queue",
        std::string(string_member(*v, "queueUrl")).empty() ? std::string() : queue_arn(string_member(*v, "queueUrl")));
    add("AWS::SNS::Topic", std::string(string_member(*v, "topicArn")));
    add("AWS::KMS::Key", key_arn(string_member(*v, "keyId")));
    if (const auto* o = v->if_object(); o != nullptr && o->contains("keyMetadata")) {
      add("AWS::KMS::Key", std::string(string_member(o->at("keyMetadata"), "arn")));  // camel-cased like every member
    }
  }
  if (std::string_view user = string_member(params, "userName"); !user.empty()) {
    add("AWS::IAM::User", "arn:aws:iam::" + account + ":user/" + std::string(user));
  }
  if (std::string_view role = string_member(params, "roleName"); !role.empty()) {
    add("AWS::IAM::Role", "arn:aws:iam::" + account + ":role/" + std::string(role));
  }
  if (std::string_view fn = string_member(params, "functionName"); !fn.empty()) {
    add("AWS::Lambda::Function", fn.substr(0, 4) == "arn:"
                                     ? std::string(fn)
                                     : "arn:aws:lambda:" + region + ":" + account + ":function:" + std::string(fn));
  }
  return out;
}

json::object user_identity(const ApiCall& call) {
  const Principal& p = call.principal;
  json::object id;
  switch (p.kind) {
    case Principal::Kind::Root:
      id["type"] = "Root";
      break;
    case Principal::Kind::User:
      id["type"] = "IAMUser";
      break;
    case Principal::Kind::AssumedRole:
      id["type"] = "AssumedRole";
      break;
    case Principal::Kind::Anonymous:
      id["type"] = "Unknown";
      break;
  }
  if (p.kind != Principal::Kind::Anonymous) {
    id["principalId"] = p.user_id;
    id["arn"] = p.arn;
    id["accountId"] = p.account_id;
  }
  if (!call.access_key_id.empty()) id["accessKeyId"] = call.access_key_id;
  if (p.kind == Principal::Kind::User) id["userName"] = p.name;
  if (p.kind == Principal::Kind::AssumedRole) {
    const std::string role = identity::role_arn(p.account_id, p.name);
    json::object issuer;
    issuer["type"] = "Role";
    issuer["principalId"] = identity::unique_id("AROA", role);
    issuer["arn"] = role;
    issuer["accountId"] = p.account_id;
    issuer["userName"] = p.name;
    json::object attributes;
    attributes["mfaAuthenticated"] = "false";
    json::object session;
    session["sessionIssuer"] = std::move(issuer);
    session["attributes"] = std::move(attributes);
    id["sessionContext"] = std::move(session);
  }
  return id;
}

std::string username_of(const Principal& p) {
  switch (p.kind) {
    case Principal::Kind::Root:
      return "root";
    case Principal::Kind::User:
      return p.name;
    case Principal::Kind::AssumedRole:
      return p.session_name;
    case Principal::Kind::Anonymous:
      return {};
  }
  return {};
}

}  // namespace

std::string iso_time(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::optional<int64_t> parse_iso_time(std::string_view text) {
  std::tm utc{};
  const std::string copy(text);
  const char* end = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&utc)) * 1000;
}

Event build_event(const ApiCall& call, uint64_t sequence) {
  Event event;
  event.sequence = sequence;
  event.event_id = common::uuid4();
  event.event_name = std::string(recorded_event_name(call.service, call.event_name));
  event.event_source = std::string(event_source(call.service));
  event.read_only = is_read_only(call.service, call.event_name);
  event.management = !is_data_event(call.service, call.event_name);
  event.access_key_id = call.access_key_id;
  event.time_ms = call.time_ms;
  event.username = username_of(call.principal);

  json::value params = camel_members(parse_object(call.request_parameters));
  if (carries_payload(call.service, call.event_name) && params.is_object()) {
    // The payload is the caller's data: only the function it was for is written.
    json::object named;
    if (const json::value* fn = params.get_object().if_contains("functionName")) named["functionName"] = *fn;
    params = std::move(named);
  }
  json::value answer = camel_members(parse_object(call.response_elements));
  event.resources = resources_of(call, params, answer);
  if (params.is_object() && params.get_object().empty()) params = nullptr;
  // CloudTrail keeps the answers of calls that change something; a read's answer is not written.
  if (!keeps_answer(call.service, call.event_name) || !call.error_code.empty() ||
      (answer.is_object() && answer.get_object().empty())) {
    answer = nullptr;
  }

  json::object record;
  record["eventVersion"] = kEventVersion;
  record["userIdentity"] = user_identity(call);
  record["eventTime"] = iso_time(call.time_ms);
  record["eventSource"] = event.event_source;
  record["eventName"] = event.event_name;
  event.region = std::string(event_region(call.service, call.region));
  event.account_id = call.account_id;
  record["awsRegion"] = event.region;
  record["sourceIPAddress"] = call.source_ip;
  record["userAgent"] = call.user_agent;
  if (!call.error_code.empty()) {
    record["errorCode"] = call.error_code;
    record["errorMessage"] = call.error_message;
  }
  record["requestParameters"] = std::move(params);
  record["responseElements"] = std::move(answer);
  record["requestID"] = call.request_id;
  record["eventID"] = event.event_id;
  record["readOnly"] = event.read_only;
  if (!event.resources.empty()) {
    json::array resources;
    for (const auto& r : event.resources) {
      resources.push_back(json::object{{"accountId", call.account_id}, {"type", r.type}, {"ARN", r.name}});
    }
    record["resources"] = std::move(resources);
  }
  record["eventType"] = "AwsApiCall";
  record["managementEvent"] = event.management;
  record["recipientAccountId"] = call.account_id;
  record["eventCategory"] = event.management ? "Management" : "Data";
  event.record = json::serialize(record);
  return event;
}

bool recorded_for(std::string_view text, std::string_view account_id, std::string_view region) {
  const json::value record = parse_object(text);
  return record.is_object() && string_member(record, "recipientAccountId") == account_id &&
         string_member(record, "awsRegion") == region;
}

std::optional<Event> read_event(std::string_view text, uint64_t sequence) {
  const json::value record = parse_object(text);
  if (!record.is_object()) return std::nullopt;
  const json::object& o = record.get_object();
  Event event;
  event.sequence = sequence;
  event.event_id = std::string(string_member(record, "eventID"));
  event.event_name = std::string(string_member(record, "eventName"));
  event.event_source = std::string(string_member(record, "eventSource"));
  event.account_id = std::string(string_member(record, "recipientAccountId"));
  event.region = std::string(string_member(record, "awsRegion"));
  const auto time = parse_iso_time(string_member(record, "eventTime"));
  if (event.event_id.empty() || event.event_name.empty() || !time) return std::nullopt;
  event.time_ms = *time;
  const json::value* read_only = o.if_contains("readOnly");
  event.read_only = read_only != nullptr && read_only->is_bool() && read_only->get_bool();
  const json::value* management = o.if_contains("managementEvent");
  event.management = management == nullptr || !management->is_bool() || management->get_bool();
  if (const json::value* id = o.if_contains("userIdentity")) {
    event.access_key_id = std::string(string_member(*id, "accessKeyId"));
    const std::string_view type = string_member(*id, "type");
    const std::string_view arn = string_member(*id, "arn");
    if (type == "Root") event.username = "root";
    if (type == "IAMUser") event.username = std::string(string_member(*id, "userName"));
    if (type == "AssumedRole") event.username = std::string(arn.substr(arn.rfind('/') + 1));
  }
  if (const json::value* resources = o.if_contains("resources"); resources != nullptr && resources->is_array()) {
    for (const auto& r : resources->get_array()) {
      event.resources.push_back({std::string(string_member(r, "type")), std::string(string_member(r, "ARN"))});
    }
  }
  event.record = std::string(text);
  return event;
}

}  // namespace sluice::audit::detail
