// The audit trail's capture at the front door (see audit_capture.h). The request's parameters are
// the members it sent: a Query form's in the shape of the operation's JSON form
// (audit_parameters.h), a JSON body as it came, a REST call's JSON body and the function its path
// names. The answer's
// elements are the Query <...Result> or the JSON body; an error's code and message are read from
// the answer in the request's protocol.

#include "audit_capture.h"

#include "audit_parameters.h"

#include <boost/json.hpp>

#include <atomic>

namespace sluice::api::server::detail {
namespace {

namespace json = boost::json;

// Lambda's paths name the function: /2015-03-31/functions/NAME/...
std::string rest_parameters(const std::string& path, const std::string& body) {
  json::object out;
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (!ec && parsed.is_object()) out = std::move(parsed.get_object());
  constexpr std::string_view kFunctions = "/functions/";
  if (const size_t at = path.find(kFunctions); at != std::string::npos) {
    std::string_view rest = std::string_view(path).substr(at + kFunctions.size());
    rest = rest.substr(0, rest.find('/'));
    if (!rest.empty()) out["FunctionName"] = rest;
  }
  return out.empty() ? std::string() : json::serialize(out);
}

// {"<Action>Response": {"<Action>Result": {...}}} -> the Result's members.
std::string query_result(std::string_view xml) {
  auto text = query::document_to_json(xml, {});
  if (!text) return {};
  boost::system::error_code ec;
  json::value doc = json::parse(*text, ec);
  if (ec || !doc.is_object()) return {};
  for (const auto& response : doc.get_object()) {
    if (!response.value().is_object()) continue;
    for (const auto& part : response.value().get_object()) {
      if (part.key() != "ResponseMetadata" && part.value().is_object()) return json::serialize(part.value());
    }
  }
  return {};
}

std::string_view member(const json::object& o, std::string_view a, std::string_view b) {
  for (std::string_view name : {a, b}) {
    if (const json::value* v = o.if_contains(name); v != nullptr && v->is_string()) {
      return std::string_view(v->get_string().data(), v->get_string().size());
    }
  }
  return {};
}

// An error answer's code and message, in whichever form the service wrote it.
void read_error(Protocol protocol, const std::string& body, const std::string& error_type, audit::ApiCall& call) {
  boost::system::error_code ec;
  if (protocol == Protocol::Query) {
    auto text = query::document_to_json(body, {});
    if (!text) return;
    json::value doc = json::parse(*text, ec);
    if (ec || !doc.is_object()) return;
    if (const json::value* error = doc.get_object().if_contains("Error"); error != nullptr && error->is_object()) {
      call.error_code = std::string(member(error->get_object(), "Code", "Code"));
      call.error_message = std::string(member(error->get_object(), "Message", "message"));
    }
    return;
  }
  json::value doc = json::parse(body, ec);
  if (!ec && doc.is_object()) {
    std::string_view type = member(doc.get_object(), "__type", "Type");
    if (const size_t hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
    call.error_code = std::string(type);
    call.error_message = std::string(member(doc.get_object(), "message", "Message"));
  }
  // REST services name the error in a header.
  if (!error_type.empty()) call.error_code = error_type.substr(0, error_type.find(':'));
}

class AuditResponder final : public http::Responder {
 public:
  AuditResponder(http::ResponderPtr inner, std::shared_ptr<audit::Trail> trail, const Call& call, std::string service,
                 std::string event_name, bool rest, const query::ActionSpec* query_spec)
      : inner_(std::move(inner)),
        trail_(std::move(trail)),
        protocol_(call.ctx.protocol),
        rest_(rest),
        query_spec_(query_spec) {
    const CallContext& ctx = call.ctx;
    keep_answer_ = trail_->keeps_answer(service, event_name);
    record_.service = std::move(service);
    record_.event_name = std::move(event_name);
    record_.region = ctx.region;
    record_.account_id = ctx.account_id;
    record_.principal = ctx.principal;
    record_.access_key_id = ctx.access_key_id;
    record_.source_ip = ctx.source_ip;
    record_.request_id = ctx.request_id;
    if (const std::string* agent = call.request.header("user-agent")) record_.user_agent = *agent;
    // The request's text is copied now (the service takes the request); it is read in the lane.
    request_query_ = call.request.query;
    request_body_ = call.request.body;
    request_path_ = call.request.path;
  }

  void respond(http::Response response) override {
    // Only the first answer counts (Responder's rule); a later one is passed on and ignored there.
    if (answered_.exchange(true)) {
      inner_->respond(std::move(response));
      return;
    }
    audit::ApiCall record = take_record(response);
    inner_->respond(std::move(response));
    trail_->record(std::move(record));
  }

  // A streamed answer is recorded by its head: the events it carries later are not kept.
  http::BodyStreamPtr respond_stream(http::Response head) override {
    if (answered_.exchange(true)) return inner_->respond_stream(std::move(head));
    audit::ApiCall record = take_record(head);
    auto stream = inner_->respond_stream(std::move(head));
    trail_->record(std::move(record));
    return stream;
  }

  void on_cancel(std::function<void()> cancelled) override { inner_->on_cancel(std::move(cancelled)); }

 private:
  // The call's record, with what it needs of the answer copied (the answer itself goes on).
  audit::ApiCall take_record(const http::Response& response) {
    audit::ApiCall record = std::move(record_);
    const bool failed = response.status >= 300;
    std::string answer;
    std::string error_type;
    if (failed || keep_answer_) answer = response.body;
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-ErrorType" || name == "X-Amzn-ErrorType") error_type = value;
    }
    record.decode = [protocol = protocol_, rest = rest_, spec = query_spec_, query_string = std::move(request_query_),
                     body = std::move(request_body_), path = std::move(request_path_), answer = std::move(answer),
                     error_type = std::move(error_type), failed](audit::ApiCall& call) {
      if (rest) {
        call.request_parameters = rest_parameters(path, body);
      } else if (protocol == Protocol::Query) {
        call.request_parameters = query_request_parameters(query_string, body, spec);
      } else if (protocol == Protocol::Json) {
        call.request_parameters = body;
      }
      if (failed) {
        read_error(rest ? Protocol::Json : protocol, answer, error_type, call);
        if (call.error_code.empty()) call.error_code = "InternalFailure";
      } else if (!answer.empty()) {
        call.response_elements = protocol == Protocol::Query && !rest ? query_result(answer) : answer;
      }
    };
    return record;
  }

  http::ResponderPtr inner_;
  std::shared_ptr<audit::Trail> trail_;
  Protocol protocol_;
  bool rest_ = false;
  const query::ActionSpec* query_spec_;  // a static model table, or null
  bool keep_answer_ = false;
  std::atomic<bool> answered_{false};
  audit::ApiCall record_;
  std::string request_query_;
  std::string request_body_;
  std::string request_path_;
};

}  // namespace

http::ResponderPtr audit_responder(http::ResponderPtr inner, std::shared_ptr<audit::Trail> trail, const Call& call,
                                   std::string service, std::string event_name, bool rest,
                                   const query::ActionSpec* query_spec) {
  return std::make_shared<AuditResponder>(std::move(inner), std::move(trail), call, std::move(service),
                                          std::move(event_name), rest, query_spec);
}

}  // namespace sluice::api::server::detail
