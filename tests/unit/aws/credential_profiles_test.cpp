// Profiles resolved as the AWS SDKs do: the shared files' layout, roles through STS (a loopback
// fake that records what it was asked and who signed), role chains and loops, web identity,
// credential_process, IAM Identity Center, STS endpoint selection, and the default chain's order.
// Reads the internal headers of event_sources/aws (its folder is on this suite's include path).

#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <vector>

#include "shared_config.h"
#include "sluice/aws/credentials.h"
#include "sts_client.h"
#include "test_support.h"

using namespace sluice::aws;
using sluice::aws::test::LoopbackServer;
using sluice::aws::test::ScopedEnv;
using sluice::aws::test::TempDir;

namespace {

// What one STS request carried.
struct StsCall {
  std::string action;
  std::string role_arn;
  std::string session_name;
  std::string external_id;
  std::string duration;
  std::string token;
  std::string authorization;  // empty: unsigned
};

// A fake STS: answers every AssumeRole* with credentials whose key id names the role and the call
// number ("ASIA-deployer-1"), or an AccessDenied for roles named "denied".
struct FakeSts {
  LoopbackServer http;
  std::mutex mu;
  std::vector<StsCall> calls;

  FakeSts() {
    http.server.Post("/", [this](const httplib::Request& req, httplib::Response& res) {
      StsCall call{req.get_param_value("Action"),          req.get_param_value("RoleArn"),
                   req.get_param_value("RoleSessionName"), req.get_param_value("ExternalId"),
                   req.get_param_value("DurationSeconds"), req.get_param_value("WebIdentityToken"),
                   req.get_header_value("Authorization")};
      std::string role = call.role_arn.substr(call.role_arn.rfind('/') + 1);
      size_t n = 0;
      {
        std::lock_guard lock(mu);
        calls.push_back(call);
        n = calls.size();
      }
      if (role == "denied") {
        res.status = 403;
        res.set_content(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
            "<Code>AccessDenied</Code><Message>not trusted &amp; not allowed</Message></Error></ErrorResponse>",
            "text/xml");
        return;
      }
      res.set_content("<" + call.action + "Response><" + call.action + "Result><Credentials><AccessKeyId>ASIA-" + role +
                          "-" + std::to_string(n) + "</AccessKeyId><SecretAccessKey>secret/" + role +
                          "</SecretAccessKey><SessionToken>token&amp;" + role +
                          "</SessionToken><Expiration>2031-02-03T04:05:06.789Z</Expiration></Credentials></" +
                          call.action + "Result></" + call.action + "Response>",
                      "text/xml");
    });
    http.start();
  }

  StsCall call(size_t i) {
    std::lock_guard lock(mu);
    REQUIRE(i < calls.size());
    return calls[i];
  }
  size_t count() {
    std::lock_guard lock(mu);
    return calls.size();
  }
};

bool signed_by(const StsCall& call, const std::string& key_id) {
  return call.authorization.find("Credential=" + key_id + "/") != std::string::npos;
}

ResolvedCredentials resolve_profile(const std::string& name) { return profile_credentials({name, "", ""})->resolve(); }

}  // namespace

TEST_CASE("shared files: profiles merge both files, sso-session and services sections, sub-settings") {
  ScopedEnv env;
  TempDir dir;
  env.set("AWS_CONFIG_FILE", dir.write("config",
                                       "[default]\nregion = us-west-2\n"
                                       "[profile default]\noutput = json\n"
                                       "[profile dev]\nregion = eu-west-1\naws_access_key_id = AKCONFIG\n"
                                       "services = local\n"
                                       "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                                       "sso_region = eu-central-1\n"
                                       "[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n"
                                       "sqs =\n\tendpoint_url = http://127.0.0.1:2\n"));
  env.set("AWS_SHARED_CREDENTIALS_FILE",
          dir.write("credentials", "[dev]\naws_access_key_id = AKCREDS\naws_secret_access_key = s\n"));
  detail::SharedConfig config = detail::load_shared_config({"dev", "", ""});
  REQUIRE(config.selected() != nullptr);
  CHECK(detail::setting(config.selected(), "aws_access_key_id") == "AKCREDS");  // the credentials file wins
  CHECK(detail::setting(config.selected(), "region") == "eu-west-1");
  CHECK(detail::setting(config.profile("default"), "region") == "us-west-2");
  CHECK(detail::setting(config.profile("default"), "output") == "json");
  CHECK(detail::setting(config.sso_sessions.at("corp"), "sso_region") == "eu-central-1");
  CHECK(detail::setting(config.services.at("local"), "sts.endpoint_url") == "http://127.0.0.1:1");
  CHECK(detail::setting(config.services.at("local"), "sqs.endpoint_url") == "http://127.0.0.1:2");
  CHECK(detail::configured_endpoint(&config, config.selected(), "STS", "sts") == "http://127.0.0.1:1");
  env.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:3");
  CHECK(detail::configured_endpoint(&config, config.selected(), "STS", "sts") == "http://127.0.0.1:3");
  env.set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
  CHECK(detail::configured_endpoint(&config, config.selected(), "STS", "sts").empty());
}

TEST_CASE("STS endpoint: regional by default, global for legacy regions when asked, overrides first") {
  ScopedEnv env;
  detail::Section profile{{"region", "eu-west-1"}};
  auto regional = detail::sts_endpoint(nullptr, &profile);
  CHECK(regional.url == "https://sts.eu-west-1.amazonaws.com");
  CHECK(regional.region == "eu-west-1");
  profile["sts_regional_endpoints"] = "legacy";
  auto legacy = detail::sts_endpoint(nullptr, &profile);
  CHECK(legacy.url == "https://sts.amazonaws.com");
  CHECK(legacy.region == "us-east-1");
  CHECK(detail::sts_endpoint(nullptr, &profile, "af-south-1").url == "https://sts.af-south-1.amazonaws.com");
  CHECK(detail::sts_endpoint(nullptr, &profile, "cn-north-1").url == "https://sts.cn-north-1.amazonaws.com.cn");
  CHECK(detail::sts_endpoint(nullptr, nullptr).url == "https://sts.amazonaws.com");  // no region at all
  env.set("AWS_REGION", "ap-south-1");
  env.set("AWS_STS_REGIONAL_ENDPOINTS", "regional");
  CHECK(detail::sts_endpoint(nullptr, &profile).url == "https://sts.ap-south-1.amazonaws.com");
  env.set("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
  auto overridden = detail::sts_endpoint(nullptr, &profile);
  CHECK(overridden.url == "http://127.0.0.1:9");
  CHECK(overridden.region == "ap-south-1");
}

TEST_CASE("role_arn + source_profile: AssumeRole signed with the source's keys, with the profile's settings") {
  ScopedEnv env;
  TempDir dir;
  FakeSts sts;
  env.set("AWS_ENDPOINT_URL_STS", sts.http.url());
  env.set("AWS_CONFIG_FILE", dir.write("config",
                                       "[profile deploy]\nrole_arn = arn:aws:iam::111122223333:role/deployer\n"
                                       "source_profile = base\nrole_session_name = nightly\nexternal_id = ext-42\n"
                                       "duration_seconds = 1800\nregion = eu-west-1\n"));
  env.set("AWS_SHARED_CREDENTIALS_FILE",
          dir.write("credentials", "[base]\naws_access_key_id = AKBASE\naws_secret_access_key = base-secret\n"));
  auto r = resolve_profile("deploy");
  REQUIRE_MESSAGE(r.ok(), r.error);
  CHECK(r.credentials->access_key_id == "ASIA-deployer-1");
  CHECK(r.credentials->secret_access_key == "secret/deployer");
  CHECK(r.credentials->session_token == "token&deployer");
  REQUIRE(r.credentials->expiration);
  CHECK(format_amz_date(*r.credentials->expiration) == "20310203T040506Z");
  StsCall call = sts.call(0);
  CHECK(call.action == "AssumeRole");
  CHECK(call.role_arn == "arn:aws:iam::111122223333:role/deployer");
  CHECK(call.session_name == "nightly");
  CHECK(call.external_id == "ext-42");
  CHECK(call.duration == "1800");
  CHECK(signed_by(call, "AKBASE"));
  CHECK(call.authorization.find("/eu-west-1/sts/aws4_request") != std::string::npos);
}

TEST_CASE("roles chain through source profiles; a source with keys gives its keys; loops are errors") {
  ScopedEnv env;
  TempDir dir;
  FakeSts sts;
  env.set("AWS_ENDPOINT_URL_STS", sts.http.url());
  env.set("AWS_CONFIG_FILE",
          dir.write("config",
                    "[profile second]\nrole_arn = arn:aws:iam::111122223333:role/chained\nsource_profile = first\n"
                    "[profile first]\nrole_arn = arn:aws:iam::111122223333:role/deployer\nsource_profile = keys\n"
                    "[profile keys]\naws_access_key_id = AKKEYS\naws_secret_access_key = k\n"
                    "role_arn = arn:aws:iam::111122223333:role/ignored\nsource_profile = keys\n"
                    "[profile self]\naws_access_key_id = AKSELF\naws_secret_access_key = s\n"
                    "role_arn = arn:aws:iam::111122223333:role/own\nsource_profile = self\n"
                    "[profile loop-a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = loop-b\n"
                    "[profile loop-b]\nrole_arn = arn:aws:iam::111122223333:role/b\nsource_profile = loop-a\n"
                    "[profile both]\nrole_arn = arn:aws:iam::111122223333:role/x\nsource_profile = keys\n"
                    "credential_source = Environment\n"
                    "[profile orphan]\nrole_arn = arn:aws:iam::111122223333:role/x\n"
                    "[profile denied]\nrole_arn = arn:aws:iam::111122223333:role/denied\nsource_profile = keys\n"));

  auto chained = resolve_profile("second");
  REQUIRE_MESSAGE(chained.ok(), chained.error);
  CHECK(chained.credentials->access_key_id == "ASIA-chained-2");
  REQUIRE(sts.count() == 2);
  CHECK(sts.call(0).role_arn == "arn:aws:iam::111122223333:role/deployer");
  CHECK(signed_by(sts.call(0), "AKKEYS"));  // "keys" has a role_arn too, but its keys win
  CHECK(signed_by(sts.call(1), "ASIA-deployer-1"));

  auto self = resolve_profile("self");
  REQUIRE_MESSAGE(self.ok(), self.error);
  CHECK(self.credentials->access_key_id == "ASIA-own-3");
  CHECK(signed_by(sts.call(2), "AKSELF"));

  auto loop = resolve_profile("loop-a");
  CHECK_FALSE(loop.ok());
  CHECK(loop.error.find("source_profile loop loop-a -> loop-b -> loop-a") != std::string::npos);
  auto both = resolve_profile("both");
  CHECK(both.error == "profile both: source_profile and credential_source are both set; a role takes one");
  auto orphan = resolve_profile("orphan");
  CHECK(orphan.error == "profile orphan: role_arn needs source_profile or credential_source");
  auto denied = resolve_profile("denied");
  CHECK_FALSE(denied.ok());
  CHECK(denied.error.find("profile denied: AssumeRole arn:aws:iam::111122223333:role/denied at " + sts.http.url() +
                          ": AccessDenied: not trusted & not allowed") == 0);
  CHECK(sts.count() == 4);  // no call for the loop or the misconfigured profiles
}

TEST_CASE("credential_source: Environment, EcsContainer; an unknown value is named") {
  ScopedEnv env;
  TempDir dir;
  FakeSts sts;
  env.set("AWS_ENDPOINT_URL", sts.http.url());  // the generic override reaches STS too
  env.set("AWS_CONFIG_FILE", dir.write("config",
                                       "[profile from-env]\nrole_arn = arn:aws:iam::111122223333:role/r\n"
                                       "credential_source = Environment\n"
                                       "[profile from-ecs]\nrole_arn = arn:aws:iam::111122223333:role/r\n"
                                       "credential_source = EcsContainer\n"
                                       "[profile odd]\nrole_arn = arn:aws:iam::111122223333:role/r\n"
                                       "credential_source = Laptop\n"));
  auto missing = resolve_profile("from-env");
  CHECK(missing.error.find("profile from-env: credential_source Environment: AWS_ACCESS_KEY_ID") == 0);
  env.set("AWS_ACCESS_KEY_ID", "AKENV");
  env.set("AWS_SECRET_ACCESS_KEY", "env-secret");
  auto r = resolve_profile("from-env");
  REQUIRE_MESSAGE(r.ok(), r.error);
  CHECK(signed_by(sts.call(0), "AKENV"));

  LoopbackServer ecs;
  ecs.server.Get("/creds", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        R"({"AccessKeyId":"ASIAECS","SecretAccessKey":"e","Token":"t","Expiration":"2031-01-01T00:00:00Z"})",
        "application/json");
  });
  ecs.start();
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds");
  auto from_ecs = resolve_profile("from-ecs");
  REQUIRE_MESSAGE(from_ecs.ok(), from_ecs.error);
  CHECK(signed_by(sts.call(1), "ASIAECS"));

  auto odd = resolve_profile("odd");
  CHECK(odd.error ==
        "profile odd: credential_source Laptop is not one of Environment, Ec2InstanceMetadata, EcsContainer");
}

TEST_CASE("web identity: from a profile and from the environment, unsigned, token file read each time") {
  ScopedEnv env;
  TempDir dir;
  FakeSts sts;
  env.set("AWS_ENDPOINT_URL_STS", sts.http.url());
  std::string token_file = dir.write("token", "eyJ.first.token\n");
  env.set("AWS_CONFIG_FILE", dir.write("config",
                                       "[profile irsa]\nrole_arn = arn:aws:iam::111122223333:role/web\n"
                                       "web_identity_token_file = " +
                                           token_file + "\nrole_session_name = pod-7\n"));
  auto r = resolve_profile("irsa");
  REQUIRE_MESSAGE(r.ok(), r.error);
  CHECK(r.credentials->access_key_id == "ASIA-web-1");
  CHECK(sts.call(0).action == "AssumeRoleWithWebIdentity");
  CHECK(sts.call(0).token == "eyJ.first.token");
  CHECK(sts.call(0).session_name == "pod-7");
  CHECK(sts.call(0).authorization.empty());

  dir.write("token", "eyJ.rotated.token");
  env.set("AWS_WEB_IDENTITY_TOKEN_FILE", token_file);
  env.set("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/env-web");
  CHECK_FALSE(environment_credentials()->resolve().ok());
  auto from_env = web_identity_environment_credentials()->resolve();
  REQUIRE_MESSAGE(from_env.ok(), from_env.error);
  CHECK(sts.call(1).token == "eyJ.rotated.token");
  CHECK(sts.call(1).session_name.rfind("sluice-session-", 0) == 0);
  env.set("AWS_ROLE_SESSION_NAME", "named");
  web_identity_environment_credentials()->resolve();
  CHECK(sts.call(2).session_name == "named");

  env.set("AWS_WEB_IDENTITY_TOKEN_FILE", dir.path() + "/absent");
  auto unreadable = web_identity_environment_credentials()->resolve();
  CHECK(unreadable.error.find("web identity: cannot read the token file") == 0);
}

TEST_CASE("credential_process: Version 1 output, expiration, failures named") {
  ScopedEnv env;
  TempDir dir;
  std::string ok = dir.write("ok.sh",
                             "echo '{\"Version\": 1, \"AccessKeyId\": \"AKPROC\", \"SecretAccessKey\": \"p\", "
                             "\"SessionToken\": \"pt\", \"Expiration\": \"2031-05-06T07:08:09Z\"}'\n");
  env.set("AWS_CONFIG_FILE", dir.write("config", "[profile proc]\ncredential_process = sh " + ok +
                                                     "\n[profile failing]\ncredential_process = sh -c 'exit 3'\n"
                                                     "[profile v2]\ncredential_process = echo "
                                                     "'{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
                                                     "\"B\"}'\n"
                                                     "[profile nothing]\nregion = us-east-1\n"));
  auto r = resolve_profile("proc");
  REQUIRE_MESSAGE(r.ok(), r.error);
  CHECK(r.credentials->access_key_id == "AKPROC");
  CHECK(r.credentials->session_token == "pt");
  REQUIRE(r.credentials->expiration);
  CHECK(format_amz_date(*r.credentials->expiration) == "20310506T070809Z");

  auto failing = resolve_profile("failing");
  CHECK(failing.error == "profile failing: credential_process \"sh -c 'exit 3'\": exited with status 3");
  auto v2 = resolve_profile("v2");
  CHECK(v2.error.find("unsupported Version (1 expected)") != std::string::npos);
  auto nothing = resolve_profile("nothing");
  CHECK(nothing.error.find("profile nothing: no credentials") == 0);
}

TEST_CASE("IAM Identity Center: the cached token by the session's SHA-1, then GetRoleCredentials") {
  ScopedEnv env;
  TempDir home;
  env.set("HOME", home.path());
  LoopbackServer portal;
  std::string bearer_seen;
  std::string query_seen;
  portal.server.Get("/federation/credentials", [&](const httplib::Request& req, httplib::Response& res) {
    bearer_seen = req.get_header_value("x-amz-sso_bearer_token");
    query_seen = req.get_param_value("account_id") + "/" + req.get_param_value("role_name");
    if (bearer_seen != "sso-access-token") {
      res.status = 401;
      res.set_header("x-amzn-ErrorType", "UnauthorizedException:http://internal.amazon.com/coral/");
      res.set_content(R"({"message":"Session token not found or invalid"})", "application/json");
      return;
    }
    res.set_content(R"({"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso-secret",)"
                    R"("sessionToken":"sso-token","expiration":1924992000000}})",
                    "application/json");
  });
  portal.start();
  env.set("AWS_ENDPOINT_URL_SSO", portal.url());
  env.set("AWS_CONFIG_FILE", home.write(".aws/config",
                                        "[profile dev]\nsso_session = my-sso\n"
                                        "sso_account_id = 111122223333\nsso_role_name = Dev\n"
                                        "[sso-session my-sso]\nsso_region = us-east-1\n"
                                        "sso_start_url = https://my-sso.awsapps.com/start\n"));
  // sha1("my-sso")
  const std::string cache = ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json";
  auto missing = resolve_profile("dev");
  CHECK(missing.error.find("profile dev: SSO: no cached token in") == 0);
  CHECK(missing.error.find("run aws sso login --sso-session my-sso") != std::string::npos);

  home.write(cache, R"({"startUrl":"https://my-sso.awsapps.com/start","region":"us-east-1",)"
                    R"("accessToken":"sso-access-token","expiresAt":"2031-01-01T00:00:00Z"})");
  auto r = resolve_profile("dev");
  REQUIRE_MESSAGE(r.ok(), r.error);
  CHECK(r.credentials->access_key_id == "ASIASSO");
  CHECK(r.credentials->session_token == "sso-token");
  REQUIRE(r.credentials->expiration);
  CHECK(format_amz_date(*r.credentials->expiration) == "20310101T000000Z");
  CHECK(bearer_seen == "sso-access-token");
  CHECK(query_seen == "111122223333/Dev");

  home.write(cache, R"({"accessToken":"revoked","expiresAt":"2031-01-01T00:00:00Z"})");
  auto refused = resolve_profile("dev");
  CHECK(refused.error.find("HTTP 401 UnauthorizedException: Session token not found or invalid") != std::string::npos);
  home.write(cache, R"({"accessToken":"sso-access-token","expiresAt":"2020-01-01T00:00:00Z"})");
  auto expired = resolve_profile("dev");
  CHECK(expired.error.find("has expired") != std::string::npos);
}

TEST_CASE("default chain order: environment, then web identity, then the profile") {
  ScopedEnv env;
  TempDir dir;
  FakeSts sts;
  env.set("AWS_ENDPOINT_URL_STS", sts.http.url());
  env.set("AWS_SHARED_CREDENTIALS_FILE",
          dir.write("credentials", "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = f\n"));
  CHECK(default_credentials_chain()->resolve().credentials->access_key_id == "AKFILE");
  env.set("AWS_WEB_IDENTITY_TOKEN_FILE", dir.write("token", "jwt"));
  env.set("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/web");
  CHECK(default_credentials_chain()->resolve().credentials->access_key_id == "ASIA-web-1");
  env.set("AWS_ACCESS_KEY_ID", "AKENV");
  env.set("AWS_SECRET_ACCESS_KEY", "e");
  CHECK(default_credentials_chain()->resolve().credentials->access_key_id == "AKENV");
  CHECK(sts.count() == 1);
}
