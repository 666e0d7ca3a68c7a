// Refreshing: a refresh in progress does not hold up callers while the old credentials are valid,
// and the instance metadata token is kept for its TTL and renewed when the service refuses it.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

#include "sluice/aws/credentials.h"
#include "test_support.h"

namespace common = sluice::common;

using namespace sluice::aws;
using sluice::aws::test::LoopbackServer;
using sluice::aws::test::ScopedEnv;

namespace {

// Answers "AK<n>" expiring an hour after t0; with `hold` set, waits for release() first.
class GatedProvider : public CredentialsProvider {
 public:
  explicit GatedProvider(std::chrono::system_clock::time_point expiration) : expiration_(expiration) {}

  ResolvedCredentials resolve() override {
    std::unique_lock lock(mu_);
    int n = ++calls_;
    entered_.notify_all();
    cv_.wait(lock, [&] { return !hold_; });
    return {Credentials{"AK" + std::to_string(n), "s", "t", expiration_ + std::chrono::hours(n - 1)}, {}};
  }
  void hold() {
    std::lock_guard lock(mu_);
    hold_ = true;
  }
  void release() {
    std::lock_guard lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  void wait_for_call(int n) {
    std::unique_lock lock(mu_);
    REQUIRE(entered_.wait_for(lock, std::chrono::seconds(30), [&] { return calls_ >= n; }));
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable entered_;
  bool hold_ = false;
  int calls_ = 0;
  std::chrono::system_clock::time_point expiration_;
};

}  // namespace

TEST_CASE("a refresh in the refresh window does not block callers that still have valid credentials") {
  auto t0 = std::chrono::system_clock::from_time_t(1'800'000'000);
  auto clock = std::make_shared<common::ManualClock>(1'800'000'000'000);
  auto inner = std::make_shared<GatedProvider>(t0 + std::chrono::hours(1));
  auto cache = caching_provider(inner, clock);
  CHECK(cache->resolve().credentials->access_key_id == "AK1");

  clock->advance_s(57 * 60);  // within 5 minutes of the expiration
  inner->hold();
  auto refresher = std::async(std::launch::async, [&] { return cache->resolve(); });
  inner->wait_for_call(2);
  // The refresh is stuck in the provider; another caller gets the still-valid credentials at once.
  auto meanwhile = cache->resolve();
  REQUIRE(meanwhile.ok());
  CHECK(meanwhile.credentials->access_key_id == "AK1");
  CHECK(inner->calls() == 2);  // and did not start a second refresh
  inner->release();
  CHECK(refresher.get().credentials->access_key_id == "AK2");
  CHECK(cache->resolve().credentials->access_key_id == "AK2");
  CHECK(inner->calls() == 2);
}

TEST_CASE("callers without valid credentials wait for the one refresh") {
  auto t0 = std::chrono::system_clock::from_time_t(1'800'000'000);
  auto clock = std::make_shared<common::ManualClock>(1'800'000'000'000);
  auto inner = std::make_shared<GatedProvider>(t0 + std::chrono::hours(1));
  auto cache = caching_provider(inner, clock);
  inner->hold();
  auto first = std::async(std::launch::async, [&] { return cache->resolve(); });
  inner->wait_for_call(1);
  auto second = std::async(std::launch::async, [&] { return cache->resolve(); });
  CHECK(second.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
  inner->release();
  CHECK(first.get().credentials->access_key_id == "AK1");
  CHECK(second.get().credentials->access_key_id == "AK1");
  CHECK(inner->calls() == 1);
}

TEST_CASE("IMDSv2: the session token is reused, and renewed when the service answers 401") {
  ScopedEnv env;
  env.unset("AWS_EC2_METADATA_DISABLED");
  LoopbackServer http;
  std::mutex mu;
  int token_number = 0;
  std::string current;
  std::atomic<int> puts{0};
  http.server.Put("/latest/api/token", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(mu);
    ++puts;
    current = "TOKEN-" + std::to_string(++token_number);
    res.set_content(current, "text/plain");
  });
  auto authorized = [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    if (req.get_header_value("x-aws-ec2-metadata-token") != current) {
      res.status = 401;
      return false;
    }
    return true;
  };
  http.server.Get("/latest/meta-data/iam/security-credentials/",
                  [&](const httplib::Request& req, httplib::Response& res) {
                    if (authorized(req, res)) res.set_content("role\n", "text/plain");
                  });
  http.server.Get("/latest/meta-data/iam/security-credentials/role",
                  [&](const httplib::Request& req, httplib::Response& res) {
                    if (authorized(req, res)) {
                      res.set_content(R"({"Code":"Success","AccessKeyId":"ASIAI","SecretAccessKey":"s","Token":"t",)"
                                      R"("Expiration":"2031-01-01T00:00:00Z"})",
                                      "application/json");
                    }
                  });
  http.start();
  auto imds = imds_credentials({http.url(), std::chrono::milliseconds(2000)});
  REQUIRE(imds->resolve().ok());
  REQUIRE(imds->resolve().ok());
  CHECK(puts == 1);
  {
    std::lock_guard lock(mu);
    current = "REVOKED";  // the service forgot the token
  }
  auto after = imds->resolve();
  REQUIRE_MESSAGE(after.ok(), after.error);
  CHECK(puts == 2);

  // Without v2 and with v1 forbidden, nothing is fetched.
  LoopbackServer v1_only;
  v1_only.server.Put("/latest/api/token", [](const httplib::Request&, httplib::Response& res) { res.status = 403; });
  v1_only.start();
  env.set("AWS_EC2_METADATA_V1_DISABLED", "true");
  auto refused = imds_credentials({v1_only.url(), std::chrono::milliseconds(2000)})->resolve();
  CHECK(refused.error.find("AWS_EC2_METADATA_V1_DISABLED forbids IMDSv1") != std::string::npos);
}
