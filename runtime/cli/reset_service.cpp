#include "reset_service.h"

#include "lambda_config.h"
#include "reset_stores.h"

#include <boost/json.hpp>

#include <algorithm>
#include <iterator>
#include <optional>

namespace sluice::cli {
namespace {

namespace json = boost::json;
namespace http = api::http;
using api::server::Call;
using api::server::Protocol;

constexpr std::string_view kPath = "/_sluice/reset";

http::Response json_response(int status, const json::object& body) {
  http::Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = json::serialize(body);
  return response;
}

http::Response error_answer(const common::AwsError& error, std::string_view request_id) {
  http::Response response = json_response(error.info().http_status,
                                          json::object{{"__type", error.info().json_type}, {"message", error.message}});
  response.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  return response;
}

// The value of `name` in a raw query string ("a=b&c=d"), or "".
std::string query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.substr(0, pair.find('=')) == name)
      return pair.find('=') == std::string_view::npos ? "" : std::string(pair.substr(pair.find('=') + 1));
  }
  return "";
}

class ResetService final : public api::server::Service {
 public:
  explicit ResetService(ResetOptions options) : options_(std::move(options)) {}

  const Routes& routes() const override {
    static const Routes kRoutes{"sluice", "sluice", "", "", ""};
    return kRoutes;
  }
  // Emptying stores blocks on their commits: off the loop.
  Execution execution() const override { return Execution::Workers; }
  bool has_action(std::string_view action) const override { return action == "Reset"; }
  bool claims_rest(const http::Request& request) const override { return path_of(request) == kPath; }

  void handle(Call call, http::ResponderPtr responder) override { responder->respond(answer(call)); }

  http::Response error_response(Protocol, const common::AwsError& error, std::string_view request_id) const override {
    return error_answer(error, request_id);
  }

 private:
  static std::string_view path_of(const http::Request& request) { return request.path; }

  bool allowed(const identity::Principal& caller) const {
    if (options_.auth != identity::AuthMode::Enforce) return true;
    if (!caller.authenticated) return false;
    if (caller.kind == identity::Principal::Kind::Root) return true;
    return std::find(options_.allowed_principals.begin(), options_.allowed_principals.end(), caller.arn) !=
           options_.allowed_principals.end();
  }

  http::Response answer(const Call& call) {
    const std::string& id = call.ctx.request_id;
    if (path_of(call.request) != kPath || call.request.method != "POST")
      return error_answer(common::aws_error(common::AwsErrorCode::InvalidAction, "Use POST /_sluice/reset."), id);
    if (!allowed(call.ctx.principal))
      return error_answer(
          common::aws_error(common::AwsErrorCode::AccessDenied,
                            "User: " + call.ctx.principal.arn +
                                " is not allowed to reset sluice (an account root or a principal given with "
                                "--allow-reset is)."),
          id);
    std::string only = query_value(call.request.query, "service");
    static constexpr std::string_view kServices[] = {"sqs", "sns",  "lambda",     "iam",
                                                     "kms", "logs", "cloudwatch", "cloudtrail"};
    if (!only.empty() && std::find(std::begin(kServices), std::end(kServices), only) == std::end(kServices))
      return error_answer(common::aws_error(common::AwsErrorCode::InvalidParameterValue,
                                            "service must be sqs, sns, lambda, iam, kms, logs, cloudwatch or "
                                            "cloudtrail, got '" +
                                                only + "'."),
                          id);
    const std::string& account = call.ctx.account_id;
    const std::string& region = call.ctx.region;
    const Config* declared = account == options_.account_id && region == options_.region ? options_.config : nullptr;
    json::object counts;
    json::array done;
    if (only.empty() || only == "lambda") {  // mappings first: they poll the queues that go next
      auto removed = reset_lambda();
      if (!removed) return error_answer(removed.error(), id);
      counts["functions"] = removed->first;
      counts["eventSourceMappings"] = removed->second;
      done.emplace_back("lambda");
    }
    if (only.empty() || only == "sns") {
      auto removed = reset_topics(sns::CallContext(account, region));
      if (!removed) return error_answer(removed.error(), id);
      counts["topics"] = *removed;
      std::string error;
      if (declared && !apply_topics(*declared, *options_.topics, account, region, &error))
        return error_answer(
            common::aws_error(common::AwsErrorCode::InternalError, "declaring the configuration's topics: " + error),
            id);
      done.emplace_back("sns");
    }
    if (only.empty() || only == "sqs") {
      auto removed = options_.engine->reset_queues(account, region);
      if (!removed) return error_answer(removed.error(), id);
      counts["queues"] = *removed;
      std::string error;
      if (declared && !apply_config(*declared, *options_.engine, account, region, &error))
        return error_answer(
            common::aws_error(common::AwsErrorCode::InternalError, "declaring the configuration's queues: " + error),
            id);
      done.emplace_back("sqs");
    }
    // The configuration's functions and mappings come back once their queues are there again.
    if (declared && (only.empty() || only == "lambda")) {
      std::string error;
      if (!apply_lambda_config(*declared, *options_.functions, account, &error))
        return error_answer(
            common::aws_error(common::AwsErrorCode::InternalError, "declaring the configuration's functions: " + error),
            id);
    }
    if (auto failed = reset_other_services(only, account, region, counts, done)) return error_answer(*failed, id);
    counts["reset"] = std::move(done);
    return json_response(200, counts);
  }

  // IAM, KMS, CloudWatch's alarms and metrics, the audit trail and CloudWatch Logs
  // (reset_stores.h); the log store only for the server's own account and region, the one it holds.
  std::optional<common::AwsError> reset_other_services(const std::string& only, const std::string& account,
                                                       const std::string& region, json::object& counts,
                                                       json::array& done) {
    const bool own = account == options_.account_id && region == options_.region;
    auto wanted = [&](std::string_view service) { return only.empty() || only == service; };
    if (wanted("iam") && options_.identities) {
      auto declared = options_.declared_iam.find(account);
      auto removed = reset_iam(*options_.identities, account,
                               declared == options_.declared_iam.end() ? identity::IamAccount{} : declared->second);
      if (!removed) return removed.error();
      counts["iamEntities"] = *removed;
      done.emplace_back("iam");
    }
    if (wanted("kms") && options_.kms) {
      counts["kmsKeys"] = options_.kms->reset(kms::Scope{account, region});
      done.emplace_back("kms");
    }
    if (wanted("cloudwatch") && options_.alarms) {
      auto alarms = reset_alarms(*options_.alarms, account, region);
      if (!alarms) return alarms.error();
      counts["alarms"] = *alarms;
      if (options_.metrics_store) {
        counts["metrics"] = options_.metrics_store->reset(account, region);
      } else if (options_.metrics) {
        counts["metrics"] = metrics::reset_metrics(*options_.metrics, account, region);
      }
      done.emplace_back("cloudwatch");
    }
    if (wanted("cloudtrail") && options_.audit_trail) {
      counts["auditEvents"] = audit::reset_events(*options_.audit_trail, account, region);
      done.emplace_back("cloudtrail");
    }
    if (wanted("logs") && options_.logs && own) {
      auto groups = reset_log_groups(*options_.logs);
      if (!groups) return groups.error();
      counts["logGroups"] = *groups;
      done.emplace_back("logs");
    }
    return std::nullopt;
  }

  common::Outcome<size_t> reset_topics(const sns::CallContext& ctx) {
    size_t removed = 0;
    for (;;) {  // each pass deletes the first page, until none is left
      auto page = options_.topics->list_topics(ctx, std::nullopt);
      if (!page) return page.error();
      if (page->items.empty()) return removed;
      for (const std::string& arn : page->items) {
        if (auto deleted = options_.topics->delete_topic(ctx, arn); !deleted) return deleted.error();
        ++removed;
      }
    }
  }

  common::Outcome<std::pair<size_t, size_t>> reset_lambda() {
    size_t functions = 0, mappings = 0;
    for (;;) {
      auto page = options_.functions->list_event_source_mappings(lambda::MappingFilter{});
      if (!page) return page.error();
      if (page->configurations.empty()) break;
      for (const std::string& configuration : page->configurations) {
        const json::value parsed = json::parse(configuration);
        const std::string uuid(parsed.as_object().at("UUID").as_string());
        if (auto deleted = options_.functions->delete_event_source_mapping(uuid); !deleted) return deleted.error();
        ++mappings;
      }
    }
    for (;;) {
      auto page = options_.functions->list_functions("", std::nullopt);
      if (!page) return page.error();
      if (page->functions.empty()) break;
      for (const auto& function : page->functions) {
        if (auto deleted = options_.functions->delete_function(function.name); !deleted) return deleted.error();
        ++functions;
      }
    }
    return std::pair{functions, mappings};
  }

  ResetOptions options_;
};

}  // namespace

std::shared_ptr<api::server::Service> make_reset_service(ResetOptions options) {
  return std::make_shared<ResetService>(std::move(options));
}

}  // namespace sluice::cli
