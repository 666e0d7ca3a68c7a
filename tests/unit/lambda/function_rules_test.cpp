#include <doctest/doctest.h>

#include <filesystem>

#include "code_archive.h"
#include "function_rules.h"
#include "lambda_test_support.h"

using namespace sluice;
using namespace sluice::lambda;

TEST_CASE("FunctionName takes a name, a full or partial ARN, with a qualifier") {
  CHECK(detail::parse_function_name("orders")->name == "orders");
  auto full = detail::parse_function_name("arn:aws:lambda:us-east-1:123456789012:function:orders:prod");
  CHECK(full->name == "orders");
  CHECK(full->qualifier == "prod");
  CHECK(detail::parse_function_name("123456789012:function:orders")->name == "orders");
  CHECK(detail::parse_function_name("orders:$LATEST")->qualifier == "$LATEST");

  // Each optional prefix of the pattern is taken when the rest still matches, as the regular
  // expression takes it.
  auto gov = detail::parse_function_name("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:orders:7");
  CHECK(gov->name == "orders");
  CHECK(gov->qualifier == "7");
  CHECK(detail::parse_function_name("us-east-1:orders")->name == "orders");
  CHECK(detail::parse_function_name("function:orders")->name == "orders");
  CHECK(detail::parse_function_name("123456789012:orders:live")->qualifier == "live");
  CHECK(detail::parse_function_name("arn:aws:lambda:us-east-1:123456789012:function")->name == "function");
  CHECK(detail::parse_function_name("ab-cd-1")->name == "ab-cd-1");
  CHECK(detail::parse_function_name("ab-cd-1:x")->name == "x");  // a region, then the name
  CHECK(detail::parse_function_name("orders:my_alias-2")->qualifier == "my_alias-2");
  for (const char* refused :
       {"orders:", ":orders", "orders:v1:x", "orders:$LATES", "arn:aws:sqs:orders:x:y", "orders/1", "function:"})
    CHECK_FALSE(detail::parse_function_name(refused));

  auto bad = detail::parse_function_name("has space");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == common::AwsErrorCode::Validation);
  CHECK(bad.error().message.rfind("1 validation error detected: Value 'has space' at 'functionName' failed to "
                                  "satisfy constraint: Member must satisfy regular expression pattern: ",
                                  0) == 0);
  auto long_name = detail::parse_function_name(std::string(65, 'a'));
  REQUIRE_FALSE(long_name);
  CHECK(long_name.error().message.find("Member must have length less than or equal to 64") != std::string::npos);
}

TEST_CASE("CreateFunction's checks and texts") {
  CreateFunctionInput input;
  input.function_name = "f";
  input.runtime = "provided.al2023";
  input.handler = "echo";
  input.role = "arn:aws:iam::123456789012:role/r";
  CHECK_FALSE(detail::validate_create(input));

  auto no_role = input;
  no_role.role.clear();
  CHECK(detail::validate_create(no_role)->message ==
        "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null");

  auto bad_role = input;
  bad_role.role = "admin";
  CHECK(detail::validate_create(bad_role)->code == common::AwsErrorCode::Validation);

  auto small = input;
  small.memory_size_mb = 64;
  CHECK(detail::validate_create(small)->message ==
        "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value "
        "greater than or equal to 128");
  auto zero = input;
  zero.timeout_s = 0;
  CHECK(detail::validate_create(zero)->message.find("at 'timeout'") != std::string::npos);

  auto no_handler = input;
  no_handler.handler.clear();
  auto error = detail::validate_create(no_handler);
  CHECK(error->code == common::AwsErrorCode::LambdaInvalidParameterValue);
  CHECK(error->message ==
        "Runtime and Handler are mandatory parameters for functions created with deployment packages.");
}

TEST_CASE("a zip is unpacked with its entries; anything else is AWS's unzip error") {
  const auto dir = lambda_test::fresh_temp_dir("sluice-unzip-");
  const std::string zip = lambda_test::make_zip({{"lib/handler.so", "ELF"}, {"bootstrap", "#!/bin/sh"}});
  REQUIRE(detail::unpack_zip(zip, dir.string()));
  CHECK(std::filesystem::file_size(dir / "lib" / "handler.so") == 3);
  CHECK(std::filesystem::exists(dir / "bootstrap"));
  std::filesystem::remove_all(dir);

  auto garbage = detail::unpack_zip("not a zip at all", dir.string());
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code == common::AwsErrorCode::LambdaInvalidParameterValue);
  CHECK(garbage.error().message == "Could not unzip uploaded file. Please check your file, then try to upload again.");
  CHECK_FALSE(std::filesystem::exists(dir));

  auto escaping = detail::unpack_zip(lambda_test::make_zip({{"../escaped", "x"}}), dir.string());
  CHECK_FALSE(escaping);
  CHECK_FALSE(std::filesystem::exists(dir.parent_path() / "escaped"));
}
