// Resource policies of the control plane (AddPermission, GetPolicy, RemovePermission).

#include <doctest/doctest.h>

#include <boost/json.hpp>

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
    options.executor = &executor;
    plane = std::move(ControlPlane::open(options).value());
    CreateFunctionInput input;
    input.function_name = "orders";
    input.runtime = "provided.al2023";
    input.handler = "handler";
    input.role = "arn:aws:iam::123456789012:role/r";
    input.code.zip_file = lambda_test::make_zip({{"handler.so", "code"}});
    (void)plane->create_function(input);
    plane->wait_idle();
  }
  lambda_test::ScriptedExecutor executor;
  std::unique_ptr<ControlPlane> plane;
};

constexpr const char* kArn = "arn:aws:lambda:eu-west-1:123456789012:function:orders";

AddPermissionInput permission(const std::string& id, const std::string& principal) {
  AddPermissionInput input;
  input.statement_id = id;
  input.action = "lambda:InvokeFunction";
  input.principal = principal;
  return input;
}

}  // namespace

TEST_CASE("AddPermission writes statements as AWS does; GetPolicy answers the policy document") {
  Fixture f;
  CHECK(f.plane->get_policy("orders", "").error().message == "The resource you requested does not exist.");
  AddPermissionInput from_sns = permission("sns", "sns.amazonaws.com");
  from_sns.source_arn = "arn:aws:sns:eu-west-1:123456789012:orders";
  from_sns.source_account = "123456789012";
  auto statement = f.plane->add_permission("orders", "", from_sns);
  REQUIRE(statement);
  auto parsed = boost::json::parse(*statement).as_object();
  CHECK(parsed["Sid"].as_string() == "sns");
  CHECK(parsed["Effect"].as_string() == "Allow");
  CHECK(parsed["Principal"].as_object()["Service"].as_string() == "sns.amazonaws.com");
  CHECK(parsed["Resource"].as_string() == kArn);
  CHECK(parsed["Condition"].as_object()["ArnLike"].as_object()["AWS:SourceArn"].as_string() ==
        "arn:aws:sns:eu-west-1:123456789012:orders");
  CHECK(parsed["Condition"].as_object()["StringEquals"].as_object()["AWS:SourceAccount"].as_string() == "123456789012");
  auto account = boost::json::parse(*f.plane->add_permission("orders", "", permission("acct", "210987654321")));
  CHECK(account.as_object()["Principal"].as_object()["AWS"].as_string() == "arn:aws:iam::210987654321:root");

  auto duplicate = f.plane->add_permission("orders", "", permission("sns", "*"));
  REQUIRE_FALSE(duplicate);
  CHECK(duplicate.error().code == common::AwsErrorCode::ResourceConflict);
  CHECK(duplicate.error().message ==
        "The statement id (sns) provided already exists. Please provide a new statement id, or remove the existing "
        "statement.");
  CHECK(f.plane->add_permission("orders", "", permission("bad id!", "*")).error().code ==
        common::AwsErrorCode::Validation);
  AddPermissionInput bad_action = permission("x", "*");
  bad_action.action = "sqs:SendMessage";
  CHECK(f.plane->add_permission("orders", "", bad_action).error().code == common::AwsErrorCode::Validation);

  auto policy = f.plane->get_policy(kArn, "");
  REQUIRE(policy);
  auto document = boost::json::parse(policy_json(*policy)).as_object();
  CHECK(document["Version"].as_string() == "2012-10-17");
  CHECK(document["Id"].as_string() == "default");
  CHECK(document["Statement"].as_array().size() == 2);

  CHECK(f.plane->remove_permission("orders", "", "acct", std::string("old")).error().code ==
        common::AwsErrorCode::LambdaPreconditionFailed);
  REQUIRE(f.plane->remove_permission("orders", "", "acct", policy->revision_id));
  CHECK(f.plane->remove_permission("orders", "", "acct", std::nullopt).error().message ==
        "Statement acct is not found in resource policy.");
  CHECK(f.plane->get_policy("orders", "")->statements.size() == 1);
  CHECK(f.plane->add_permission("nope", "", permission("x", "*")).error().code ==
        common::AwsErrorCode::ResourceNotFound);
}

TEST_CASE("versions and aliases have policies of their own; policies are durable and go with the function") {
  const auto dir = lambda_test::fresh_temp_dir("sluice-policy-test-");
  {
    Fixture f(dir.string());
    REQUIRE(f.plane->publish_version("orders", {}));
    auto on_version = f.plane->add_permission("orders", "1", permission("v1", "*"));
    REQUIRE(on_version);
    CHECK(boost::json::parse(*on_version).as_object()["Resource"].as_string() == std::string(kArn) + ":1");
    CHECK_FALSE(f.plane->get_policy("orders", ""));
    CHECK(f.plane->add_permission("orders", "7", permission("v7", "*")).error().code ==
          common::AwsErrorCode::ResourceNotFound);
    REQUIRE(f.plane->add_permission("orders", "", permission("all", "*")));
  }
  {
    Fixture f(dir.string());
    CHECK(f.plane->get_policy("orders:1", "")->statement_ids == std::vector<std::string>{"v1"});
    CHECK(f.plane->get_policy("orders", "")->statement_ids == std::vector<std::string>{"all"});
    REQUIRE(f.plane->delete_function("orders"));
    f.plane->wait_idle();
  }
  {
    Fixture f(dir.string());  // created again: no policy left from before
    CHECK_FALSE(f.plane->get_policy("orders", ""));
  }
  std::filesystem::remove_all(dir);
}
