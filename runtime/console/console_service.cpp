// The console as a front-door Service (see console.h): the page and its files from the embedded
// assets on the loop thread, the JSON endpoints in the worker lane, the session token on POSTs.

#include <string>

#include "console_api.h"
#include "console_assets.h"
#include "session_token.h"
#include "sluice/console/console.h"

namespace sluice::console {
namespace {

namespace http = api::http;
using api::server::Call;
using api::server::Protocol;

constexpr std::string_view kRoot = "/_sluice";
constexpr std::string_view kFiles = "/_sluice/console/";
constexpr std::string_view kApi = "/_sluice/console/api/";
constexpr std::string_view kTokenHeader = "x-sluice-console-token";
constexpr std::string_view kTokenPlaceholder = "__SLUICE_CONSOLE_TOKEN__";

// The page may load only its own files and talk only to its own server.
constexpr std::string_view kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

void add_page_headers(http::Response& response) {
  response.headers.emplace_back("Content-Security-Policy", std::string(kPolicy));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

http::Response json_response(const detail::ApiAnswer& answer) {
  http::Response response;
  response.status = answer.status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.body = answer.body;
  return response;
}

const detail::Asset* find_asset(std::string_view path) {
  for (const detail::Asset& asset : detail::assets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

class ConsoleService final : public api::server::Service {
 public:
  explicit ConsoleService(ConsoleOptions options) : api_(options) {}

  const Routes& routes() const override {
    static const Routes kRoutes{"console", "", "", "", ""};
    return kRoutes;
  }
  // SNS, Lambda and Logs block on their stores.
  Execution execution() const override { return Execution::Workers; }
  bool has_action(std::string_view) const override { return false; }
  // A browser does not sign: the console authorizes as its own principal (console.h).
  bool is_unsigned(std::string_view) const override { return true; }
  bool claims_rest(const http::Request& request) const override { return request.path.starts_with(kApi); }

  std::optional<http::Response> get(const http::Request& request) override {
    const std::string_view path = request.path;
    if (path == kRoot || path == std::string(kRoot) + "/") return page();
    if (!path.starts_with(kFiles) || path.starts_with(kApi)) return std::nullopt;
    const detail::Asset* asset = find_asset(path.substr(kFiles.size()));
    if (asset == nullptr || asset->path == "index.html") {
      return json_response(detail::error_answer(
          common::aws_error(common::AwsErrorCode::ResourceNotFound, "No console file " + std::string(path))));
    }
    http::Response response;
    response.headers.emplace_back("ETag", std::string(asset->etag));
    // Revalidated on every load: an upgraded binary's files are never stale.
    response.headers.emplace_back("Cache-Control", "no-cache");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    const std::string* known = request.header("if-none-match");
    if (known != nullptr && *known == asset->etag) {
      response.status = 304;
      return response;
    }
    response.headers.emplace_back("Content-Type", std::string(asset->content_type));
    response.body = std::string(asset->body);
    return response;
  }

  void handle(Call call, http::ResponderPtr responder) override {
    const http::Request& request = call.request;
    if (!request.path.starts_with(kApi)) {  // the front door routes only claimed paths here
      responder->respond(json_response(detail::error_answer(
          common::aws_error(common::AwsErrorCode::ResourceNotFound, "No console endpoint " + request.path + "."))));
      return;
    }
    const std::string_view endpoint = std::string_view(request.path).substr(kApi.size());
    if (request.method == "GET") {
      responder->respond(json_response(api_.read(endpoint, request.query)));
      return;
    }
    if (request.method != "POST") {
      responder->respond(json_response(detail::error_answer(common::aws_error(
          common::AwsErrorCode::InvalidAction, "The console's endpoints answer GET and POST only."))));
      return;
    }
    const std::string* token = request.header(kTokenHeader);
    if (token == nullptr || !tokens_.valid(*token)) {
      responder->respond(json_response(detail::error_answer(
          common::aws_error(common::AwsErrorCode::AccessDenied,
                            "The console's session token is missing or not valid: reload the page."))));
      return;
    }
    responder->respond(json_response(api_.act(endpoint, request.body)));
  }

  http::Response error_response(Protocol, const common::AwsError& error, std::string_view) const override {
    return json_response(detail::error_answer(error));
  }

 private:
  // The page, with a fresh session token in its <meta name="sluice-console-token">.
  http::Response page() const {
    const detail::Asset* index = find_asset("index.html");
    http::Response response;
    response.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
    response.headers.emplace_back("Cache-Control", "no-store");
    add_page_headers(response);
    std::string body(index->body);
    if (const size_t at = body.find(kTokenPlaceholder); at != std::string::npos)
      body.replace(at, kTokenPlaceholder.size(), tokens_.issue());
    response.body = std::move(body);
    return response;
  }

  detail::ConsoleApi api_;
  detail::SessionTokens tokens_;
};

}  // namespace

std::shared_ptr<api::server::Service> make_console_service(ConsoleOptions options) {
  return std::make_shared<ConsoleService>(std::move(options));
}

}  // namespace sluice::console
