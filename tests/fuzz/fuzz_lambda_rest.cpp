// Fuzzes Lambda's REST-JSON API as the front door runs it (sluice/api/lambda_wire/lambda_service.h):
// route matching on method and path, path parameters and query strings, the request bodies'
// reader, and every operation's validation, over an in-memory control plane whose executor only
// records (what runs functions is the runtime's, not under test here).
//
// Input: a first line "METHOD TARGET" (TARGET is the path, optionally "?query"), then the body.
// Invariants: the service answers every call exactly once before handle() returns (it runs on a
// worker thread and never parks), with an HTTP status AWS uses, a JSON body, and on an error the
// x-amzn-ErrorType header.

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "lambda_test_support.h"
#include "sluice/api/lambda_wire/lambda_service.h"
#include "sluice/api/server/server.h"
#include "sluice/lambda/control_plane.h"

namespace {

namespace http = sluice::api::http;
namespace server = sluice::api::server;

class CapturingResponder final : public http::Responder {
 public:
  void respond(http::Response response) override {
    if (answers++ == 0) answer = std::move(response);
  }
  int answers = 0;
  http::Response answer;
};

// The control plane keeps what the calls create, so a long run starts afresh now and then.
struct World {
  lambda_test::ScriptedExecutor executor;
  std::unique_ptr<sluice::lambda::ControlPlane> control_plane;
  std::shared_ptr<server::Service> service;
  int calls = 0;

  World() {
    sluice::lambda::ControlPlaneOptions options;
    options.account_id = "123456789012";
    options.region = "us-east-1";
    options.executor = &executor;
    options.async_dispatchers = 1;
    auto opened = sluice::lambda::ControlPlane::open(options);
    if (!opened) std::abort();
    control_plane = std::move(opened.value());
    service = sluice::api::lambda_wire::make_lambda_service(*control_plane);
  }
};

http::Request request_of(std::string_view input) {
  http::Request request;
  const size_t line_end = input.find('\n');
  const std::string_view line = input.substr(0, line_end);
  if (line_end != std::string_view::npos) request.body = std::string(input.substr(line_end + 1));
  const size_t space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  const std::string_view target = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
  const size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.headers = {{"host", "localhost:9324"}, {"content-type", "application/json"}};
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<World> world;
  if (!world || ++world->calls > 2000) {
    world.reset();
    world = std::make_unique<World>();
  }
  http::Request request = request_of(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!world->service->claims_rest(request)) return 0;
  (void)world->service->max_body_bytes(request);

  server::Call call = server::decode_call(std::move(request), server::CallDefaults{"123456789012", "us-east-1", ""});
  auto responder = std::make_shared<CapturingResponder>();
  world->service->handle(std::move(call), responder);

  if (responder->answers != 1) std::abort();  // answered once, before handle() returned
  const http::Response& answer = responder->answer;
  if (answer.status < 200 || answer.status > 599) std::abort();
  boost::json::error_code ec;
  const boost::json::value body = boost::json::parse(answer.body, ec);
  if (answer.status >= 400) {
    if (ec || !body.is_object()) std::abort();  // errors are JSON objects
    bool typed = false;
    for (const auto& [name, value] : answer.headers) typed = typed || (name == "x-amzn-ErrorType" && !value.empty());
    if (!typed) std::abort();
  }
  return 0;
}
