// SNS's developer endpoints (see developer_endpoints.h): the SMS and platform outboxes as JSON,
// grouped by phone number or endpoint ARN in the order the messages were sent, the opt-out
// list's one way in, and a push service's rejection of a device token.

#include "developer_endpoints.h"

#include <boost/json.hpp>

#include "sluice/common/crypto.h"

namespace sluice::api::sns_wire::detail {

namespace json = boost::json;
using sluice::sns::OutboxFilter;
using sluice::sns::OutboxMessage;

namespace {

std::string param(const query::FormParams& query, std::string_view name) {
  for (const auto& [n, v] : query) {
    if (n == name) return std::string(v);
  }
  return {};
}

http::Response json_response(int status, const json::value& body) {
  http::Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = json::serialize(body);
  return response;
}

http::Response error_response(int status, std::string_view text) {
  return json_response(status, json::object{{"error", text}});
}

json::value optional_text(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

json::object attributes_json(const sluice::sns::PublishAttributes& attributes) {
  json::object out;
  for (const auto& [name, a] : attributes) {
    json::object value{{"DataType", a.data_type}};
    if (a.string_value) value["StringValue"] = *a.string_value;
    if (a.binary_value) value["BinaryValue"] = common::base64_encode(*a.binary_value);
    out[name] = std::move(value);
  }
  return out;
}

json::object sms_json(const OutboxMessage& m) {
  return json::object{{"PhoneNumber", m.target},
                      {"TopicArn", optional_text(m.topic_arn)},
                      {"SubscriptionArn", optional_text(m.subscription_arn)},
                      {"MessageId", m.message_id},
                      {"Message", m.message},
                      {"MessageAttributes", attributes_json(m.message_attributes)},
                      {"MessageStructure", optional_text(m.message_structure)},
                      {"Subject", optional_text(m.subject)}};
}

json::object platform_json(const OutboxMessage& m) {
  json::value attributes =
      m.message_attributes.empty() ? json::value(nullptr) : json::value(attributes_json(m.message_attributes));
  return json::object{{"TargetArn", m.target},
                      {"MessageId", m.message_id},
                      {"Message", m.message},
                      {"MessageAttributes", std::move(attributes)},
                      {"MessageStructure", optional_text(m.message_structure)},
                      {"Subject", optional_text(m.subject)}};
}

// GET or DELETE of one outbox.
template <typename Read, typename Clear, typename Render>
http::Response outbox(const http::Request& request, const OutboxFilter& filter, std::string_view list_name, Read read,
                      Clear clear, Render render) {
  if (request.method == "DELETE") {
    clear(filter);
    http::Response response;
    response.status = 204;
    return response;
  }
  if (request.method != "GET") return error_response(405, "use GET or DELETE");
  json::object grouped;
  for (const OutboxMessage& m : read(filter)) {
    json::value& list = grouped[m.target];
    if (!list.is_array()) list = json::array();
    list.as_array().push_back(render(m));
  }
  return json_response(200, json::object{{list_name, std::move(grouped)}, {"region", filter.region}});
}

http::Response opt_out(sluice::sns::Mobile& mobile, const http::Request& request, const query::FormParams& query,
                       const std::string& default_account) {
  if (request.method != "POST") return error_response(405, "use POST");
  std::string phone = param(query, "phoneNumber");
  std::string account = param(query, "accountId");
  if (!request.body.empty()) {
    boost::system::error_code ec;
    json::value body = json::parse(request.body, ec);
    if (ec || !body.is_object()) return error_response(400, "the body must be a JSON object");
    if (const auto* p = body.as_object().if_contains("phoneNumber"); p != nullptr && p->is_string()) {
      phone = std::string(p->as_string());
    }
    if (const auto* a = body.as_object().if_contains("accountId"); a != nullptr && a->is_string()) {
      account = std::string(a->as_string());
    }
  }
  if (phone.empty()) return error_response(400, "phoneNumber is required");
  if (account.empty()) account = default_account;
  auto st = mobile.opt_out_phone_number(account, phone);
  if (!st) return error_response(400, st.error().message);
  http::Response response;
  response.status = 204;
  return response;
}

// POST {"endpointArn": ...} (or ?endpointArn=): the push service rejects that endpoint's token
// on the next delivery (Mobile::reject_platform_token).
http::Response reject_token(sluice::sns::Mobile& mobile, const http::Request& request, const query::FormParams& query) {
  if (request.method != "POST") return error_response(405, "use POST");
  std::string endpoint = param(query, "endpointArn");
  if (!request.body.empty()) {
    boost::system::error_code ec;
    json::value body = json::parse(request.body, ec);
    if (ec || !body.is_object()) return error_response(400, "the body must be a JSON object");
    if (const auto* e = body.as_object().if_contains("endpointArn"); e != nullptr && e->is_string()) {
      endpoint = std::string(e->as_string());
    }
  }
  if (endpoint.empty()) return error_response(400, "endpointArn is required");
  auto st = mobile.reject_platform_token(endpoint);
  if (!st) return error_response(404, st.error().message);
  http::Response response;
  response.status = 204;
  return response;
}

}  // namespace

http::Response answer_developer_request(sluice::sns::Mobile& mobile, const http::Request& request,
                                        const query::FormParams& query, const std::string& account_id,
                                        const std::string& region) {
  const std::string_view what = std::string_view(request.path).substr(kDeveloperPrefix.size());
  OutboxFilter filter;
  filter.account_id = param(query, "accountId");
  if (filter.account_id.empty()) filter.account_id = account_id;
  filter.region = param(query, "region");
  if (filter.region.empty()) filter.region = region;
  if (what == "sms-messages") {
    filter.target = param(query, "phoneNumber");
    return outbox(
        request, filter, "sms_messages", [&](const OutboxFilter& f) { return mobile.sms_messages(f); },
        [&](const OutboxFilter& f) { mobile.clear_sms_messages(f); }, sms_json);
  }
  if (what == "platform-endpoint-messages") {
    filter.target = param(query, "endpointArn");
    return outbox(
        request, filter, "platform_endpoint_messages",
        [&](const OutboxFilter& f) { return mobile.platform_messages(f); },
        [&](const OutboxFilter& f) { mobile.clear_platform_messages(f); }, platform_json);
  }
  if (what == "phone-opt-outs") return opt_out(mobile, request, query, account_id);
  if (what == "platform-token-rejections") return reject_token(mobile, request, query);
  return error_response(404, "no such SNS developer endpoint");
}

}  // namespace sluice::api::sns_wire::detail
