// Versions and aliases of the control plane, with a scripted Executor.

#include <doctest/doctest.h>

#include <filesystem>

#include "lambda_test_support.h"
#include "sluice/lambda/control_plane.h"

using namespace sluice;
using namespace sluice::lambda;

namespace {

struct Fixture {
  explicit Fixture(std::string data_dir = "") {
    ControlPlaneOptions options;
    options.account_id = "123456789012";
    options.region = "eu-west-1";
    options.data_dir = std::move(data_dir);
    options.clock = clock;
    options.executor = &executor;
    plane = std::move(ControlPlane::open(options).value());
  }
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>(1'700'000'000'000);
  lambda_test::ScriptedExecutor executor;
  std::unique_ptr<ControlPlane> plane;
};

constexpr const char* kArn = "arn:aws:lambda:eu-west-1:123456789012:function:orders";

void create_active(Fixture& f, const std::string& code = "code") {
  CreateFunctionInput input;
  input.function_name = "orders";
  input.runtime = "provided.al2023";
  input.handler = "handler";
  input.role = "arn:aws:iam::123456789012:role/r";
  input.code.zip_file = lambda_test::make_zip({{"handler.so", code}});
  REQUIRE(f.plane->create_function(input));
  f.plane->wait_idle();
}

void change_timeout(Fixture& f, int64_t timeout) {
  UpdateConfigurationInput input;
  input.timeout_s = timeout;
  REQUIRE(f.plane->update_function_configuration("orders", input));
  f.plane->wait_idle();
}

AliasInput alias_to(const std::string& name, const std::string& version, VersionWeights routing = {}) {
  AliasInput input;
  input.name = name;
  input.function_version = version;
  input.routing = std::move(routing);
  return input;
}

}  // namespace

TEST_CASE("a published version keeps its code and settings and is deployed under its own name") {
  Fixture f;
  create_active(f);
  auto v1 = f.plane->publish_version("orders", {});
  REQUIRE(v1);
  CHECK(v1->version == "1");
  CHECK(v1->arn == std::string(kArn) + ":1");
  CHECK(v1->state == "Active");
  CHECK(deployment_name(*v1) == "orders:1");
  CHECK(f.executor.deployed_now().back().version == "1");

  auto unchanged = f.plane->publish_version("orders", {});
  CHECK(unchanged->version == "1");

  UpdateConfigurationInput timeout;
  timeout.timeout_s = 30;
  REQUIRE(f.plane->update_function_configuration("orders", timeout));
  f.plane->wait_idle();
  CodeInput code;
  code.zip_file = lambda_test::make_zip({{"handler.so", "newer"}});
  REQUIRE(f.plane->update_function_code("orders", code));
  f.plane->wait_idle();
  auto frozen = f.plane->get_function("orders:1");
  REQUIRE(frozen);
  CHECK(frozen->timeout_s == 3);
  CHECK(frozen->code_sha256 == v1->code_sha256);
  CHECK(std::filesystem::exists(std::filesystem::path(frozen->code.path) / "handler.so"));
  auto v2 = f.plane->publish_version("orders", {});
  CHECK(v2->version == "2");
  CHECK(v2->timeout_s == 30);

  auto invoked = f.plane->invoke("orders", "1", {"{}", "", false, ""});
  REQUIRE(invoked);
  CHECK(invoked->executed_version == "1");

  auto page = f.plane->list_versions("orders", "", 2);
  REQUIRE(page);
  REQUIRE(page->versions.size() == 2);
  CHECK(page->versions[0].arn == std::string(kArn) + ":$LATEST");
  CHECK(page->next_marker == "1");
  CHECK(f.plane->list_versions("orders", "1", std::nullopt)->versions.front().version == "2");
}

TEST_CASE("PublishVersion checks CodeSha256 and RevisionId") {
  Fixture f;
  create_active(f);
  auto latest = f.plane->get_function("orders");
  PublishVersionInput wrong_sha;
  wrong_sha.code_sha256 = "abc";
  auto refused = f.plane->publish_version("orders", wrong_sha);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == common::AwsErrorCode::LambdaInvalidParameterValue);
  CHECK(refused.error().message == "CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST (" +
                                       latest->code_sha256 + "). Please try again with the CodeSHA256 in $LATEST.");
  PublishVersionInput stale;
  stale.revision_id = "old";
  CHECK(f.plane->publish_version("orders", stale).error().code == common::AwsErrorCode::LambdaPreconditionFailed);
  PublishVersionInput right;
  right.code_sha256 = latest->code_sha256;
  right.revision_id = latest->revision_id;
  CHECK(f.plane->publish_version("orders", right));
}

TEST_CASE("aliases: AWS's checks, routing by weight, and versions in use") {
  Fixture f;
  create_active(f);
  REQUIRE(f.plane->publish_version("orders", {}));
  change_timeout(f, 10);
  REQUIRE(f.plane->publish_version("orders", {}));

  auto live = f.plane->create_alias("orders", alias_to("live", "1"));
  REQUIRE(live);
  CHECK(live->arn == std::string(kArn) + ":live");
  CHECK(alias_json(*live).find("\"AliasArn\":\"" + std::string(kArn) + ":live\"") != std::string::npos);
  CHECK(f.plane->create_alias("orders", alias_to("live", "2")).error().message ==
        "Alias already exists: " + std::string(kArn) + ":live");
  CHECK(f.plane->create_alias("orders", alias_to("42", "1")).error().code == common::AwsErrorCode::Validation);
  CHECK(f.plane->create_alias("orders", alias_to("beta", "9")).error().message ==
        "Function not found: " + std::string(kArn) + ":9");
  CHECK(f.plane->create_alias("orders", alias_to("beta", "$LATEST", {{"1", 0.5}})).error().message ==
        "$LATEST is not supported for an alias pointing to more than 1 version");
  CHECK(f.plane->create_alias("orders", alias_to("beta", "1", {{"2", 1.5}})).error().code ==
        common::AwsErrorCode::Validation);
  CHECK(f.plane->create_alias("orders", alias_to("beta", "1", {{"2", 0.1}, {"3", 0.1}})).error().code ==
        common::AwsErrorCode::Validation);
  CHECK(f.plane->get_alias("orders", "nope").error().message ==
        "Cannot find alias arn: " + std::string(kArn) + ":nope");

  auto by_alias = f.plane->get_function("orders:live");
  CHECK(by_alias->version == "1");
  CHECK(by_alias->arn == std::string(kArn) + ":live");

  AliasInput all_to_two;
  all_to_two.name = "live";
  all_to_two.routing = VersionWeights{{"2", 1.0}};
  auto routed = f.plane->update_alias("orders", all_to_two);
  REQUIRE(routed);
  CHECK(routed->revision_id != live->revision_id);
  for (int i = 0; i < 5; ++i) CHECK(f.plane->invoke("orders", "live", {"{}", "", false, ""})->executed_version == "2");
  AliasInput none_to_two = all_to_two;
  none_to_two.routing = VersionWeights{{"2", 0.0}};
  REQUIRE(f.plane->update_alias("orders", none_to_two));
  for (int i = 0; i < 5; ++i) CHECK(f.plane->invoke("orders", "live", {"{}", "", false, ""})->executed_version == "1");
  AliasInput stale = none_to_two;
  stale.revision_id = "old";
  CHECK(f.plane->update_alias("orders", stale).error().code == common::AwsErrorCode::LambdaPreconditionFailed);

  auto in_use = f.plane->delete_function("orders:2");
  REQUIRE_FALSE(in_use);
  CHECK(in_use.error().code == common::AwsErrorCode::ResourceConflict);
  CHECK(f.plane->delete_function("orders:$LATEST").error().code == common::AwsErrorCode::LambdaInvalidParameterValue);
  REQUIRE(f.plane->create_alias("orders", alias_to("edge", "$LATEST")));
  auto listed = f.plane->list_aliases("orders", "", "", std::nullopt);
  REQUIRE(listed->aliases.size() == 2);
  CHECK(listed->aliases[0].name == "edge");
  CHECK(f.plane->list_aliases("orders", "1", "", std::nullopt)->aliases.size() == 1);
  CHECK(f.plane->list_aliases("orders", "", "edge", std::nullopt)->aliases.front().name == "live");

  REQUIRE(f.plane->delete_alias("orders", "live"));
  REQUIRE(f.plane->delete_function("orders:2"));
  f.plane->wait_idle();
  CHECK(f.executor.retired_now().back() == "orders:2");
  CHECK_FALSE(f.plane->get_function("orders:2"));

  REQUIRE(f.plane->delete_function("orders"));
  f.plane->wait_idle();
  CHECK(f.executor.retired_now().back() == "orders:1");
  create_active(f);
  CHECK(f.plane->list_versions("orders", "", std::nullopt)->versions.size() == 1);
  CHECK(f.plane->list_aliases("orders", "", "", std::nullopt)->aliases.empty());
}

TEST_CASE("versions and aliases are durable and deployed again at open") {
  const auto dir = lambda_test::fresh_temp_dir("sluice-versions-test-");
  std::string revision;
  {
    Fixture f(dir.string());
    create_active(f);
    REQUIRE(f.plane->publish_version("orders", {}));
    change_timeout(f, 12);
    REQUIRE(f.plane->publish_version("orders", {}));
    REQUIRE(f.plane->delete_function("orders:2"));
    revision = f.plane->create_alias("orders", alias_to("live", "1"))->revision_id;
    f.plane->wait_idle();
  }
  {
    Fixture f(dir.string());
    f.plane->wait_idle();
    CHECK(f.plane->get_alias("orders", "live")->revision_id == revision);
    auto v1 = f.plane->get_function("orders:1");
    REQUIRE(v1);
    CHECK(v1->state == "Active");
    CHECK(std::filesystem::exists(std::filesystem::path(v1->code.path) / "handler.so"));
    CHECK(f.executor.deployed_now().size() == 2);  // $LATEST and version 1
    change_timeout(f, 13);
    CHECK(f.plane->publish_version("orders", {})->version == "3");  // 2 is not given again
  }
  std::filesystem::remove_all(dir);
}
