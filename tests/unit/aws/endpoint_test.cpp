// Endpoint resolution as the SDKs do it (flags, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, FIPS
// and dual-stack variants per partition), the instance metadata client's IMDSv2 token handling,
// and CompleteLifecycleAction's request, against servers on loopback.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>

#include "sluice/aws/autoscaling.h"
#include "sluice/aws/endpoint.h"
#include "sluice/aws/instance_metadata.h"
#include "test_support.h"

using namespace sluice::aws;
using sluice::aws::test::LoopbackServer;
using sluice::aws::test::ScopedEnv;

namespace {

// The endpoint variables are not among the ones ScopedEnv clears: clear them here.
struct EndpointEnv : ScopedEnv {
  EndpointEnv() {
    for (const char* name :
         {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_AUTO_SCALING", "AWS_USE_FIPS_ENDPOINT",
          "AWS_USE_DUALSTACK_ENDPOINT", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"})
      unset(name);
  }
  ~EndpointEnv() {
    for (const char* name :
         {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_AUTO_SCALING", "AWS_USE_FIPS_ENDPOINT",
          "AWS_USE_DUALSTACK_ENDPOINT", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"})
      unset(name);
  }
};

EndpointSettings sqs(const std::string& region) { return {"sqs", "SQS", region, "", std::nullopt, std::nullopt}; }

}  // namespace

TEST_CASE("the region's SQS endpoint and its FIPS and dual-stack variants") {
  EndpointEnv env;
  CHECK(resolve_endpoint(sqs("eu-west-1")) == "https://sqs.eu-west-1.amazonaws.com");
  auto fips = sqs("us-east-2");
  fips.use_fips = true;
  CHECK(resolve_endpoint(fips) == "https://sqs-fips.us-east-2.amazonaws.com");
  auto dual = sqs("us-west-2");
  dual.use_dualstack = true;
  CHECK(resolve_endpoint(dual) == "https://sqs.us-west-2.api.aws");
  auto both = sqs("us-east-1");
  both.use_fips = true;
  both.use_dualstack = true;
  CHECK(resolve_endpoint(both) == "https://sqs-fips.us-east-1.api.aws");
  CHECK(resolve_endpoint(sqs("cn-north-1")) == "https://sqs.cn-north-1.amazonaws.com.cn");
  auto china_dual = sqs("cn-northwest-1");
  china_dual.use_dualstack = true;
  CHECK(resolve_endpoint(china_dual) == "https://sqs.cn-northwest-1.api.amazonwebservices.com.cn");
  auto gov = sqs("us-gov-west-1");
  gov.use_fips = true;  // GovCloud's regional endpoint is the FIPS one
  CHECK(resolve_endpoint(gov) == "https://sqs.us-gov-west-1.amazonaws.com");
}

TEST_CASE("the variants come from the environment when no flag says") {
  EndpointEnv env;
  env.set("AWS_USE_FIPS_ENDPOINT", "true");
  CHECK(resolve_endpoint(sqs("us-east-1")) == "https://sqs-fips.us-east-1.amazonaws.com");
  env.set("AWS_USE_DUALSTACK_ENDPOINT", "TRUE");
  CHECK(resolve_endpoint(sqs("us-east-1")) == "https://sqs-fips.us-east-1.api.aws");
  auto flag_off = sqs("us-east-1");
  flag_off.use_fips = false;
  flag_off.use_dualstack = false;
  CHECK(resolve_endpoint(flag_off) == "https://sqs.us-east-1.amazonaws.com");
}

TEST_CASE("configured endpoints: explicit, then the service's variable, then the global one") {
  EndpointEnv env;
  env.set("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/");
  CHECK(resolve_endpoint(sqs("us-east-1")) == "http://127.0.0.1:4566");
  env.set("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324");
  CHECK(resolve_endpoint(sqs("us-east-1")) == "http://127.0.0.1:9324");
  CHECK(resolve_endpoint({"autoscaling", "AUTO_SCALING", "us-east-1", "", {}, {}}) == "http://127.0.0.1:4566");
  auto explicit_endpoint = sqs("us-east-1");
  explicit_endpoint.explicit_endpoint = "https://vpce.example/";
  CHECK(resolve_endpoint(explicit_endpoint) == "https://vpce.example");
  env.set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
  CHECK(resolve_endpoint(sqs("us-east-1")) == "https://sqs.us-east-1.amazonaws.com");
}

TEST_CASE("no region and nothing configured: no endpoint, and why") {
  EndpointEnv env;
  std::string error;
  CHECK(resolve_endpoint(sqs(""), &error).empty());
  CHECK(error.find("no region") != std::string::npos);
}

TEST_CASE("instance metadata: GETs carry the IMDSv2 token, which is fetched again after a 401") {
  ScopedEnv env;
  env.unset("AWS_EC2_METADATA_DISABLED");
  LoopbackServer imds;
  std::atomic<int> tokens{0};
  std::atomic<bool> revoke{false};
  imds.server.Put("/latest/api/token", [&](const httplib::Request& request, httplib::Response& response) {
    if (request.get_header_value("x-aws-ec2-metadata-token-ttl-seconds") != "21600") {
      response.status = 400;
      return;
    }
    response.set_content("token-" + std::to_string(++tokens), "text/plain");
  });
  imds.server.Get(R"(/latest/meta-data/(.*))", [&](const httplib::Request& request, httplib::Response& response) {
    const std::string token = request.get_header_value("x-aws-ec2-metadata-token");
    if (token.empty() || (revoke && token == "token-1")) {
      response.status = 401;
      return;
    }
    if (request.matches[1] == "autoscaling/target-lifecycle-state") response.set_content("InService", "text/plain");
    else response.status = 404;
  });
  imds.start();
  InstanceMetadata metadata({imds.url(), std::chrono::milliseconds(1000)});
  auto state = metadata.get("autoscaling/target-lifecycle-state");
  CHECK(state.found());
  CHECK(state.body == "InService");
  auto spot = metadata.get("spot/instance-action");
  CHECK(spot.status == 404);
  CHECK(tokens == 1);  // one token for both
  revoke = true;
  CHECK(metadata.get("autoscaling/target-lifecycle-state").found());
  CHECK(tokens == 2);
}

TEST_CASE("instance metadata: unreachable is status 0, disabled makes no call") {
  ScopedEnv env;
  env.unset("AWS_EC2_METADATA_DISABLED");
  InstanceMetadata nowhere({"http://127.0.0.1:1", std::chrono::milliseconds(500)});
  auto answer = nowhere.get("spot/instance-action");
  CHECK(answer.status == 0);
  CHECK_FALSE(answer.error.empty());
  env.set("AWS_EC2_METADATA_DISABLED", "true");
  InstanceMetadata disabled({"http://127.0.0.1:1", std::chrono::milliseconds(500)});
  CHECK(disabled.get("instance-id").error.find("disabled") != std::string::npos);
}

TEST_CASE("CompleteLifecycleAction: a signed Query form; AWS's error code and message come back") {
  ScopedEnv env;
  LoopbackServer autoscaling;
  std::mutex mu;
  std::vector<std::string> bodies, authorizations;
  std::atomic<bool> refuse{false};
  autoscaling.server.Post("/", [&](const httplib::Request& request, httplib::Response& response) {
    {
      std::lock_guard lock(mu);
      bodies.push_back(request.body);
      authorizations.push_back(request.get_header_value("Authorization"));
    }
    if (refuse) {
      response.status = 400;
      response.set_content(
          "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>No active Lifecycle Action "
          "found with instance ID i-0123456789abcdef0</Message></Error><RequestId>r</RequestId></ErrorResponse>",
          "text/xml");
      return;
    }
    response.set_content("<CompleteLifecycleActionResponse/>", "text/xml");
  });
  autoscaling.start();
  AutoScalingOptions options;
  options.region = "eu-west-1";
  options.endpoint = autoscaling.url();
  options.credentials = static_credentials({"AKIDEXAMPLE", "secret", "", std::nullopt});
  LifecycleActionCompletion completion{"fleet asg", "drain-hook", "i-0123456789abcdef0", "CONTINUE"};
  CHECK(complete_lifecycle_action(options, completion).empty());
  refuse = true;
  CHECK(complete_lifecycle_action(options, completion) ==
        "ValidationError: No active Lifecycle Action found with instance ID i-0123456789abcdef0");
  std::lock_guard lock(mu);
  REQUIRE(bodies.size() == 2);  // a 400 is not tried again
  CHECK(bodies[0] ==
        "Action=CompleteLifecycleAction&Version=2011-01-01&AutoScalingGroupName=fleet%20asg&LifecycleHookName=drain-"
        "hook&InstanceId=i-0123456789abcdef0&LifecycleActionResult=CONTINUE");
  CHECK(authorizations[0].starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
  CHECK(authorizations[0].find("/eu-west-1/autoscaling/aws4_request") != std::string::npos);
}
