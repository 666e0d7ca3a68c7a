#pragma once
// A console over real in-memory components on one manual clock (SQS engine, SNS, CloudWatch
// metrics and alarms, CloudWatch Logs), and functions that call its Service as the front door does.

#include <boost/json.hpp>

#include <memory>
#include <string>

#include "sluice/api/server/server.h"
#include "sluice/cloudwatch/alarms.h"
#include "sluice/console/console.h"
#include "sluice/logs/logs.h"
#include "sluice/metrics/metrics.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

namespace sluice::console::testing {

constexpr int64_t kT0 = 1'700'000'040'000;

struct Answer {
  int status = 0;
  std::string body;
  api::http::Response response;
  boost::json::value json() const { return boost::json::parse(body); }
};

struct ConsoleFixture {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>(kT0);
  std::unique_ptr<sqs::Engine> engine;
  std::unique_ptr<sns::Service> topics;
  std::shared_ptr<metrics::Registry> metrics = std::make_shared<metrics::Registry>(clock);
  std::shared_ptr<sns::NotificationCounts> notification_counts = std::make_shared<sns::NotificationCounts>();
  std::shared_ptr<cloudwatch::Alarms> alarms;
  std::shared_ptr<logs::LogStore> logs;
  std::shared_ptr<api::server::Service> console;

  // `adjust` may change the options (auth, principal) before the service is made.
  explicit ConsoleFixture(const std::function<void(ConsoleOptions&)>& adjust = nullptr);

  sqs::QueueAddress queue(const std::string& name) const {
    return {common::kDefaultAccountId, common::kDefaultRegion, name};
  }
  // GET of a page or file (Service::get), with optional If-None-Match.
  Answer get_file(const std::string& path, const std::string& if_none_match = "");
  // The session token of a fresh page load.
  std::string token();
  Answer get(const std::string& endpoint, const std::string& query = "");
  // POST with the token (none when `token` is "-").
  Answer post(const std::string& endpoint, const std::string& body, const std::string& token);
};

}  // namespace sluice::console::testing
