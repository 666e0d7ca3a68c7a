#include "console_fixture.h"

#include <doctest/doctest.h>

namespace sluice::console::testing {
namespace {

namespace http = api::http;

class CapturingResponder final : public http::Responder {
 public:
  void respond(http::Response response) override {
    if (!answered) captured = std::move(response);
    answered = true;
  }
  http::Response captured;
  bool answered = false;
};

Answer answer_of(http::Response response) {
  Answer out;
  out.status = response.status;
  out.body = response.body;
  out.response = std::move(response);
  return out;
}

}  // namespace

ConsoleFixture::ConsoleFixture(const std::function<void(ConsoleOptions&)>& adjust) {
  sqs::EngineOptions engine_options;
  engine_options.in_memory = true;
  engine_options.clock = clock;
  engine_options.background_housekeeping = false;
  std::string error;
  engine = sqs::Engine::open(engine_options, &error);
  REQUIRE_MESSAGE(engine, error);
  sns::ServiceOptions sns_options;
  sns_options.in_memory = true;
  sns_options.sqs = engine.get();
  sns_options.clock = clock;
  sns_options.notification_counts = notification_counts;
  topics = sns::Service::open(sns_options, &error);
  REQUIRE_MESSAGE(topics, error);
  cloudwatch::AlarmsOptions alarm_options;
  alarm_options.registry = metrics;
  alarm_options.clock = clock;
  alarm_options.background = false;
  alarm_options.notify = [](const std::string&, const std::string&, const std::string&, const std::string&,
                            const std::string&) { return true; };
  auto opened_alarms = cloudwatch::Alarms::open(alarm_options);
  REQUIRE(opened_alarms.ok());
  alarms = std::move(*opened_alarms);
  logs::LogStoreOptions log_options;
  log_options.clock = clock;
  auto opened_logs = logs::LogStore::open(log_options);
  REQUIRE(opened_logs.ok());
  logs = std::move(*opened_logs);

  ConsoleOptions options;
  options.account_id = common::kDefaultAccountId;
  options.region = common::kDefaultRegion;
  options.engine = engine.get();
  options.topics = topics.get();
  options.logs = logs;
  options.alarms = alarms;
  options.metrics = metrics;
  options.notification_counts = notification_counts;
  if (adjust) adjust(options);
  console = make_console_service(std::move(options));
}

Answer ConsoleFixture::get_file(const std::string& path, const std::string& if_none_match) {
  http::Request request;
  request.method = "GET";
  request.path = path;
  request.headers.emplace_back("host", "127.0.0.1:9324");
  if (!if_none_match.empty()) request.headers.emplace_back("if-none-match", if_none_match);
  auto response = console->get(request);
  REQUIRE_MESSAGE(response.has_value(), "the console does not serve GET " << path);
  return answer_of(std::move(*response));
}

std::string ConsoleFixture::token() {
  const std::string page = get_file("/_sluice/").body;
  const std::string marker = R"(name="sluice-console-token" content=")";
  const size_t at = page.find(marker);
  REQUIRE(at != std::string::npos);
  const size_t start = at + marker.size();
  return page.substr(start, page.find('"', start) - start);
}

Answer ConsoleFixture::get(const std::string& endpoint, const std::string& query) {
  http::Request request;
  request.method = "GET";
  request.path = "/_sluice/console/api/" + endpoint;
  request.query = query;
  request.headers.emplace_back("host", "127.0.0.1:9324");
  REQUIRE(console->claims_rest(request));
  // The front door leaves JSON endpoints to handle(): get() must not answer them on the loop.
  REQUIRE_FALSE(console->get(request).has_value());
  auto responder = std::make_shared<CapturingResponder>();
  console->handle(api::server::decode_call(std::move(request), {}), responder);
  REQUIRE(responder->answered);
  return answer_of(std::move(responder->captured));
}

Answer ConsoleFixture::post(const std::string& endpoint, const std::string& body, const std::string& token) {
  http::Request request;
  request.method = "POST";
  request.path = "/_sluice/console/api/" + endpoint;
  request.headers.emplace_back("host", "127.0.0.1:9324");
  request.headers.emplace_back("content-type", "application/json");
  if (token != "-") request.headers.emplace_back("x-sluice-console-token", token);
  request.body = body;
  REQUIRE(console->claims_rest(request));
  auto responder = std::make_shared<CapturingResponder>();
  console->handle(api::server::decode_call(std::move(request), {}), responder);
  REQUIRE(responder->answered);
  return answer_of(std::move(responder->captured));
}

}  // namespace sluice::console::testing
