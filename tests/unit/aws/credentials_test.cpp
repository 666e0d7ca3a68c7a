// Credential chain order, shared files, caching, and the metadata/container endpoints against
// loopback fakes.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "sluice/aws/credentials.h"
#include "test_support.h"

namespace common = sluice::common;

using namespace sluice::aws;
using sluice::aws::test::LoopbackServer;
using sluice::aws::test::ScopedEnv;
using sluice::aws::test::TempDir;

namespace {

const char* kCredentialsJson = R"({"Code":"Success","LastUpdated":"2026-01-01T00:00:00Z","Type":"AWS-HMAC",
  "AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-token","Expiration":"2030-01-02T03:04:05Z"})";

// A fake instance metadata service. With v2 on, GETs need the token the PUT handed out.
struct FakeImds {
  LoopbackServer http;
  bool v2 = true;
  std::atomic<int> puts{0};
  std::atomic<int> gets{0};
  std::string ttl_seen;
  std::string token_seen;

  FakeImds() {
    http.server.Put("/latest/api/token", [this](const httplib::Request& req, httplib::Response& res) {
      ++puts;
      ttl_seen = req.get_header_value("x-aws-ec2-metadata-token-ttl-seconds");
      if (!v2) {
        res.status = 403;
        return;
      }
      if (ttl_seen.empty()) {
        res.status = 400;
        return;
      }
      res.set_content("TOKEN-123", "text/plain");
    });
    auto authorized = [this](const httplib::Request& req, httplib::Response& res) {
      ++gets;
      token_seen = req.get_header_value("x-aws-ec2-metadata-token");
      if (v2 && token_seen != "TOKEN-123") {
        res.status = 401;
        return false;
      }
      return true;
    };
    http.server.Get("/latest/meta-data/iam/security-credentials/",
                    [authorized](const httplib::Request& req, httplib::Response& res) {
                      if (authorized(req, res)) res.set_content("worker-role\n", "text/plain");
                    });
    http.server.Get("/latest/meta-data/iam/security-credentials/worker-role",
                    [authorized](const httplib::Request& req, httplib::Response& res) {
                      if (authorized(req, res)) res.set_content(kCredentialsJson, "application/json");
                    });
    http.server.Get("/latest/meta-data/placement/region",
                    [authorized](const httplib::Request& req, httplib::Response& res) {
                      if (authorized(req, res)) res.set_content("ap-southeast-2", "text/plain");
                    });
    http.start();
  }
};

class CountingProvider : public CredentialsProvider {
 public:
  int calls = 0;
  bool fail = false;
  std::optional<std::chrono::system_clock::time_point> expiration;
  ResolvedCredentials resolve() override {
    ++calls;
    if (fail) return {std::nullopt, "down"};
    return {Credentials{"AK" + std::to_string(calls), "secret", "token", expiration}, {}};
  }
};

}  // namespace

TEST_CASE("environment credentials") {
  ScopedEnv env;
  CHECK_FALSE(environment_credentials()->resolve().ok());
  env.set("AWS_ACCESS_KEY_ID", "AKENV");
  env.set("AWS_SECRET_ACCESS_KEY", "env-secret");
  env.set("AWS_SESSION_TOKEN", "env-token");
  auto r = environment_credentials()->resolve();
  REQUIRE(r.ok());
  CHECK(r.credentials->access_key_id == "AKENV");
  CHECK(r.credentials->secret_access_key == "env-secret");
  CHECK(r.credentials->session_token == "env-token");
}

TEST_CASE("shared files: profiles, config fallback, region") {
  ScopedEnv env;
  TempDir dir;
  env.set("AWS_SHARED_CREDENTIALS_FILE", dir.write("credentials",
                                                   "# comment\n[default]\naws_access_key_id = AKDEFAULT\n"
                                                   "aws_secret_access_key = default-secret\n\n"
                                                   "[ci]\naws_access_key_id=AKCI\naws_secret_access_key=ci-secret\n"
                                                   "aws_session_token=ci-token\n"));
  env.set("AWS_CONFIG_FILE", dir.write("config",
                                       "[default]\nregion = us-west-2\n[profile cfg]\n"
                                       "aws_access_key_id = AKCFG\naws_secret_access_key = cfg-secret\n"
                                       "region = eu-central-1\n"));
  auto def = profile_credentials()->resolve();
  REQUIRE(def.ok());
  CHECK(def.credentials->access_key_id == "AKDEFAULT");
  CHECK(def.credentials->session_token.empty());

  env.set("AWS_PROFILE", "ci");
  auto ci = profile_credentials()->resolve();
  REQUIRE(ci.ok());
  CHECK(ci.credentials->access_key_id == "AKCI");
  CHECK(ci.credentials->session_token == "ci-token");

  auto cfg = profile_credentials({"cfg", "", ""})->resolve();  // explicit profile beats AWS_PROFILE
  REQUIRE(cfg.ok());
  CHECK(cfg.credentials->access_key_id == "AKCFG");

  auto missing = profile_credentials({"nope", "", ""})->resolve();
  CHECK_FALSE(missing.ok());
  CHECK(missing.error.find("nope") != std::string::npos);

  CHECK(resolve_region({"cfg", "", ""}) == "eu-central-1");
  env.unset("AWS_PROFILE");
  CHECK(resolve_region() == "us-west-2");
  env.set("AWS_DEFAULT_REGION", "sa-east-1");
  CHECK(resolve_region() == "sa-east-1");
  env.set("AWS_REGION", "ca-central-1");
  CHECK(resolve_region() == "ca-central-1");
}

TEST_CASE("default chain order: explicit, environment, shared files") {
  ScopedEnv env;
  TempDir dir;
  env.set("AWS_SHARED_CREDENTIALS_FILE",
          dir.write("credentials",
                    "[default]\naws_access_key_id=AKFILE\naws_secret_access_key=file-secret\n"
                    "[other]\naws_access_key_id=AKOTHER\naws_secret_access_key=other-secret\n"));
  CHECK(default_credentials_chain()->resolve().credentials->access_key_id == "AKFILE");

  env.set("AWS_ACCESS_KEY_ID", "AKENV");
  env.set("AWS_SECRET_ACCESS_KEY", "env-secret");
  CHECK(default_credentials_chain()->resolve().credentials->access_key_id == "AKENV");

  DefaultChainOptions with_profile;
  with_profile.profile = "other";  // an explicit profile skips the environment
  CHECK(default_credentials_chain(with_profile)->resolve().credentials->access_key_id == "AKOTHER");

  DefaultChainOptions explicit_creds;
  explicit_creds.explicit_credentials = Credentials{"AKEXPLICIT", "x", "", std::nullopt};
  CHECK(default_credentials_chain(explicit_creds)->resolve().credentials->access_key_id == "AKEXPLICIT");
}

TEST_CASE("default chain with nothing configured explains every source") {
  ScopedEnv env;
  auto r = default_credentials_chain()->resolve();
  CHECK_FALSE(r.ok());
  CHECK(r.error.find("Unable to locate credentials") == 0);
  CHECK(r.error.find("AWS_ACCESS_KEY_ID") != std::string::npos);
  CHECK(r.error.find("metadata disabled") != std::string::npos);
}

TEST_CASE("IMDSv2: token, role, credentials; the chain reaches it through the endpoint variable") {
  ScopedEnv env;
  env.unset("AWS_EC2_METADATA_DISABLED");
  FakeImds imds;
  auto r = imds_credentials({imds.http.url(), std::chrono::milliseconds(1000)})->resolve();
  REQUIRE_MESSAGE(r.ok(), r.error);
  CHECK(r.credentials->access_key_id == "ASIAIMDS");
  CHECK(r.credentials->secret_access_key == "imds-secret");
  CHECK(r.credentials->session_token == "imds-token");
  REQUIRE(r.credentials->expiration);
  CHECK(format_amz_date(*r.credentials->expiration) == "20300102T030405Z");
  CHECK(imds.puts == 1);
  CHECK(imds.ttl_seen == "21600");
  CHECK(imds.token_seen == "TOKEN-123");

  // Disabled: no request at all.
  int gets_before = imds.gets;
  env.set("AWS_EC2_METADATA_DISABLED", "TRUE");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.http.url());
  CHECK_FALSE(default_credentials_chain()->resolve().ok());
  CHECK(imds.gets == gets_before);

  env.unset("AWS_EC2_METADATA_DISABLED");
  auto chained = default_credentials_chain()->resolve();
  REQUIRE_MESSAGE(chained.ok(), chained.error);
  CHECK(chained.credentials->access_key_id == "ASIAIMDS");
  CHECK(resolve_region() == "ap-southeast-2");
}

TEST_CASE("IMDSv1 fallback when the token call answers 403") {
  ScopedEnv env;
  env.unset("AWS_EC2_METADATA_DISABLED");
  FakeImds imds;
  imds.v2 = false;
  auto r = imds_credentials({imds.http.url(), std::chrono::milliseconds(1000)})->resolve();
  REQUIRE_MESSAGE(r.ok(), r.error);
  CHECK(r.credentials->access_key_id == "ASIAIMDS");
  CHECK(imds.token_seen.empty());
}

TEST_CASE("IMDS gives up after its timeout") {
  ScopedEnv env;
  env.unset("AWS_EC2_METADATA_DISABLED");
  // The token call answers only after the test has seen the client give up (declared before the
  // server, so the handler is released before the server stops).
  std::mutex mu;
  std::condition_variable cv;
  bool answer = false;
  LoopbackServer slow;
  slow.server.Put("/latest/api/token", [&](const httplib::Request&, httplib::Response& res) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return answer; });
    res.set_content("late", "text/plain");
  });
  slow.start();
  auto start = std::chrono::steady_clock::now();
  auto r = imds_credentials({slow.url(), std::chrono::milliseconds(300)})->resolve();
  auto took = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(r.ok());
  CHECK(r.error.find("metadata token") != std::string::npos);
  CHECK(took < std::chrono::milliseconds(1200));
  {
    std::lock_guard lock(mu);
    answer = true;
  }
  cv.notify_all();
}

TEST_CASE("container credentials from a full URI with an authorization token") {
  ScopedEnv env;
  LoopbackServer http;
  std::string auth_seen;
  http.server.Get("/creds", [&](const httplib::Request& req, httplib::Response& res) {
    auth_seen = req.get_header_value("Authorization");
    res.set_content(kCredentialsJson, "application/json");
  });
  http.start();
  CHECK_FALSE(container_credentials()->resolve().ok());
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", http.url() + "/creds");
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer abc");
  auto r = default_credentials_chain()->resolve();
  REQUIRE_MESSAGE(r.ok(), r.error);
  CHECK(r.credentials->access_key_id == "ASIAIMDS");
  CHECK(auth_seen == "Bearer abc");

  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10/creds");  // not loopback: refused, no request
  auto refused = container_credentials()->resolve();
  CHECK_FALSE(refused.ok());
  CHECK(refused.error.find("not allowed") != std::string::npos);
}

TEST_CASE("caching refreshes 5 minutes before expiration and rides out a failed refresh") {
  auto inner = std::make_shared<CountingProvider>();
  auto t0 = std::chrono::system_clock::from_time_t(1'800'000'000);
  auto clock = std::make_shared<common::ManualClock>(1'800'000'000'000);
  inner->expiration = t0 + std::chrono::hours(1);
  auto cache = caching_provider(inner, clock);

  CHECK(cache->resolve().credentials->access_key_id == "AK1");
  clock->advance_s(54 * 60);
  CHECK(cache->resolve().credentials->access_key_id == "AK1");
  CHECK(inner->calls == 1);

  clock->advance_s(60);  // 55 minutes: within 5 minutes of expiry
  inner->expiration = t0 + std::chrono::hours(2);
  CHECK(cache->resolve().credentials->access_key_id == "AK2");
  CHECK(inner->calls == 2);

  clock->advance_s(62 * 60);  // 117 minutes
  inner->fail = true;
  CHECK(cache->resolve().credentials->access_key_id == "AK2");  // still valid for 3 minutes
  clock->advance_s(4 * 60);                                     // 121 minutes
  CHECK_FALSE(cache->resolve().ok());

  // Long-term credentials (no expiration) are asked for once.
  auto long_term = std::make_shared<CountingProvider>();
  auto cached = caching_provider(long_term, clock);
  cached->resolve();
  clock->advance_s(100 * 3600);
  CHECK(cached->resolve().credentials->access_key_id == "AK1");
  CHECK(long_term->calls == 1);
}
