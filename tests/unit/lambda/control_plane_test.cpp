#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "lambda_test_support.h"
#include "sluice/lambda/control_plane.h"

using namespace sluice;
using namespace sluice::lambda;

namespace {

struct Fixture {
  explicit Fixture(std::string data_dir = "", DeadLetterSender dead_letters = {}) {
    ControlPlaneOptions options;
    options.account_id = "123456789012";
    options.region = "eu-west-1";
    options.data_dir = std::move(data_dir);
    options.clock = clock;
    options.executor = &executor;
    options.dead_letters = std::move(dead_letters);
    options.meter = meter;
    plane = std::move(ControlPlane::open(options).value());
  }
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>(1'700'000'000'000);
  std::shared_ptr<metrics::Registry> registry = std::make_shared<metrics::Registry>(clock);
  std::shared_ptr<metrics::LambdaMeter> meter =
      std::make_shared<metrics::LambdaMeter>(registry, "123456789012", "eu-west-1");
  lambda_test::ScriptedExecutor executor;
  std::unique_ptr<ControlPlane> plane;
};

CreateFunctionInput function_named(const std::string& name) {
  CreateFunctionInput input;
  input.function_name = name;
  input.runtime = "provided.al2023";
  input.handler = "handler";
  input.role = "arn:aws:iam::123456789012:role/r";
  input.code.zip_file = lambda_test::make_zip({{"handler.so", "code"}});
  return input;
}

}  // namespace

TEST_CASE("a created function is Pending, then Active once the executor has deployed it") {
  Fixture f;
  auto created = f.plane->create_function(function_named("orders"));
  REQUIRE(created);
  CHECK(created->state == "Pending");
  CHECK(created->state_reason_code == "Creating");
  CHECK(created->arn == "arn:aws:lambda:eu-west-1:123456789012:function:orders");
  CHECK(created->code_size == static_cast<int64_t>(function_named("orders").code.zip_file->size()));
  CHECK(configuration_json(*created).find("\"LastModified\":\"2023-11-14T22:13:20.000+0000\"") != std::string::npos);
  f.plane->wait_idle();
  auto active = f.plane->get_function("orders");
  CHECK(active->state == "Active");
  CHECK(active->state_reason.empty());
  REQUIRE(f.executor.deployed_now().size() == 1);
  CHECK(std::filesystem::exists(std::filesystem::path(f.executor.deployed_now()[0].code.path) / "handler.so"));

  auto invoked = f.plane->invoke("arn:aws:lambda:eu-west-1:123456789012:function:orders", "", {"{}", "", false, ""});
  REQUIRE(invoked);
  CHECK(invoked->payload == "orders:{}");
}

TEST_CASE("code the executor cannot run leaves the function Failed with the reason") {
  Fixture f;
  f.executor.refuse_with = "no handler library";
  REQUIRE(f.plane->create_function(function_named("broken")));
  f.plane->wait_idle();
  auto failed = f.plane->get_function("broken");
  CHECK(failed->state == "Failed");
  CHECK(failed->state_reason == "no handler library");
  auto invoked = f.plane->invoke("broken", "", {});
  REQUIRE_FALSE(invoked);
  CHECK(invoked.error().code == common::AwsErrorCode::ResourceConflict);
}

TEST_CASE("names are unique, unknown names and qualifiers are not found") {
  Fixture f;
  REQUIRE(f.plane->create_function(function_named("orders")));
  auto again = f.plane->create_function(function_named("orders"));
  REQUIRE_FALSE(again);
  CHECK(again.error().message == "Function already exist: orders");
  auto missing = f.plane->get_function("nope");
  CHECK(missing.error().message == "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:nope");
  auto version = f.plane->get_function("orders:7");
  CHECK(version.error().message == "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:orders:7");
  CHECK(f.plane->get_function("orders:$LATEST"));
}

TEST_CASE("updates are InProgress until deployed; a second update meanwhile is a conflict") {
  Fixture f;
  {
    std::unique_lock hold(f.executor.mu);  // the deployer waits in deploy() meanwhile
    REQUIRE(f.plane->create_function(function_named("orders")));
    auto pending = f.plane->update_function_configuration("orders", {});
    REQUIRE_FALSE(pending);
    CHECK(pending.error().message ==
          "The operation cannot be performed at this time. The function is currently in the following state: "
          "Pending");
  }
  f.plane->wait_idle();

  UpdateConfigurationInput timeout;
  timeout.timeout_s = 30;
  {
    // Hold the deployer back by holding the executor's lock while two updates arrive.
    std::unique_lock hold(f.executor.mu);
    auto first = f.plane->update_function_configuration("orders", timeout);
    REQUIRE(first);
    CHECK(first->last_update_status == "InProgress");
    CHECK(first->timeout_s == 30);
    auto second = f.plane->update_function_code("orders", function_named("orders").code);
    REQUIRE_FALSE(second);
    CHECK(second.error().code == common::AwsErrorCode::ResourceConflict);
    CHECK(second.error().message.find("An update is in progress for resource: arn:aws:lambda:") != std::string::npos);
  }
  f.plane->wait_idle();
  CHECK(f.plane->get_function("orders")->last_update_status == "Successful");

  CodeInput code;
  code.zip_file = lambda_test::make_zip({{"other.so", "new code"}});
  const std::string old_path = f.plane->get_function("orders")->code.path;
  auto updated = f.plane->update_function_code("orders", code);
  REQUIRE(updated);
  CHECK(updated->code_sha256 != f.executor.deployed_now().front().code_sha256);
  f.plane->wait_idle();
  CHECK_FALSE(std::filesystem::exists(old_path));  // the old code goes once the new one runs
}

TEST_CASE("ListFunctions pages by name with Marker and MaxItems") {
  Fixture f;
  for (const char* name : {"c", "a", "b"}) REQUIRE(f.plane->create_function(function_named(name)));
  auto first = f.plane->list_functions("", 2);
  REQUIRE(first);
  REQUIRE(first->functions.size() == 2);
  CHECK(first->functions[0].name == "a");
  CHECK(first->next_marker == "b");
  auto rest = f.plane->list_functions(first->next_marker, 2);
  REQUIRE(rest->functions.size() == 1);
  CHECK(rest->functions[0].name == "c");
  CHECK(rest->next_marker.empty());
  CHECK(f.plane->list_functions("", 0).error().code == common::AwsErrorCode::Validation);
}

TEST_CASE("S3 code is refused, hot-reload code is the user's path") {
  Fixture f;
  auto s3 = function_named("s3");
  s3.code = {};
  s3.code.s3_bucket = "bucket";
  s3.code.s3_key = "code.zip";
  CHECK(f.plane->create_function(s3).error().message.find("NoSuchBucket") != std::string::npos);

  auto hot = function_named("hot");
  hot.code = {};
  hot.code.s3_bucket = "hot-reload";
  hot.code.s3_key = std::filesystem::temp_directory_path().string();
  auto created = f.plane->create_function(hot);
  REQUIRE(created);
  CHECK(created->code.hot_reload);
  CHECK(created->code.path == hot.code.s3_key);
  REQUIRE(f.plane->delete_function("hot"));
  f.plane->wait_idle();
  CHECK(std::filesystem::exists(hot.code.s3_key));  // the user's directory is never removed
}

TEST_CASE("functions are durable in the data directory and deployed again at open") {
  const auto dir = lambda_test::fresh_temp_dir("sluice-lambda-test-");
  std::string arn, sha;
  {
    Fixture f(dir.string());
    auto created = f.plane->create_function(function_named("kept"));
    REQUIRE(created);
    REQUIRE(f.plane->create_function(function_named("dropped")));
    f.plane->wait_idle();
    REQUIRE(f.plane->delete_function("dropped"));
    arn = created->arn;
    sha = created->code_sha256;
  }
  {
    Fixture f(dir.string());
    f.plane->wait_idle();
    auto kept = f.plane->get_function("kept");
    REQUIRE(kept);
    CHECK(kept->arn == arn);
    CHECK(kept->code_sha256 == sha);
    CHECK(kept->state == "Active");
    CHECK_FALSE(f.plane->get_function("dropped"));
    REQUIRE(f.executor.deployed_now().size() == 1);
    CHECK(std::filesystem::exists(std::filesystem::path(kept->code.path) / "handler.so"));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("event-source mappings: AWS's checks, states and texts around the runtime's mapping") {
  Fixture f;
  REQUIRE(f.plane->create_function(function_named("orders")));
  const std::string queue = "arn:aws:sqs:eu-west-1:123456789012:jobs";

  auto url = f.plane->create_event_source_mapping(
      {"orders", "https://sqs.us-west-2.amazonaws.com/123456789012/jobs", "{\"BatchSize\":10}"});
  REQUIRE_FALSE(url);
  CHECK(url.error().code == common::AwsErrorCode::Validation);
  CHECK(url.error().message.rfind("1 validation error detected: Value "
                                  "'https://sqs.us-west-2.amazonaws.com/123456789012/jobs' at 'eventSourceArn' failed "
                                  "to satisfy constraint: Member must satisfy regular expression pattern: arn:",
                                  0) == 0);
  auto no_function = f.plane->create_event_source_mapping({"nope", queue, "{}"});
  CHECK(no_function.error().code == common::AwsErrorCode::ResourceNotFound);

  auto created = f.plane->create_event_source_mapping({"orders", queue, "{\"BatchSize\":5}"});
  REQUIRE(created);
  CHECK(created->find("\"State\":\"Creating\"") != std::string::npos);
  const std::string uuid = f.executor.running_now().begin()->first;
  CHECK(f.plane->get_event_source_mapping(uuid)->find("\"State\":\"Enabled\"") != std::string::npos);

  auto duplicate =
      f.plane->create_event_source_mapping({"arn:aws:lambda:eu-west-1:123456789012:function:orders", queue, "{}"});
  REQUIRE_FALSE(duplicate);
  CHECK(duplicate.error().message == "An event source mapping with SQS arn (\" " + queue +
                                         " \") and function (\" orders \") already exists. Please update or delete "
                                         "the existing mapping with UUID " +
                                         uuid);
  CHECK(f.plane->create_event_source_mapping({"orders", queue + "2", "{\"BatchSize\":0}"}).error().code ==
        common::AwsErrorCode::Validation);  // the runtime's validation is the answer

  auto disabling = f.plane->update_event_source_mapping(uuid, "{\"Enabled\":false}");
  CHECK(disabling->find("\"State\":\"Disabling\"") != std::string::npos);
  auto enabling = f.plane->update_event_source_mapping(uuid, "{\"Enabled\":true}");
  CHECK(enabling->find("\"State\":\"Enabling\"") != std::string::npos);
  auto updating = f.plane->update_event_source_mapping(uuid, "{\"BatchSize\":7}");
  CHECK(updating->find("\"State\":\"Updating\"") != std::string::npos);

  MappingFilter by_queue;
  by_queue.event_source_arn = queue;
  CHECK(f.plane->list_event_source_mappings(by_queue)->configurations.size() == 1);
  MappingFilter by_other;
  by_other.function_name = "other";
  CHECK(f.plane->list_event_source_mappings(by_other)->configurations.empty());

  auto deleted = f.plane->delete_event_source_mapping(uuid);
  CHECK(deleted->find("\"State\":\"Deleting\"") != std::string::npos);
  CHECK(f.executor.running_now().empty());
  auto gone = f.plane->get_event_source_mapping(uuid);
  CHECK(gone.error().message == "The resource you requested does not exist.");
}

TEST_CASE("mappings are durable and started again, settings merged, after their functions") {
  const auto dir = lambda_test::fresh_temp_dir("sluice-lambda-test-");
  std::string uuid;
  {
    Fixture f(dir.string());
    REQUIRE(f.plane->create_function(function_named("orders")));
    REQUIRE(f.plane->create_event_source_mapping({"orders", "arn:aws:sqs:eu-west-1:123456789012:jobs", "{}"}));
    uuid = f.executor.running_now().begin()->first;
    REQUIRE(f.plane->update_event_source_mapping(uuid, "{\"BatchSize\":3}"));
  }
  {
    Fixture f(dir.string());
    f.plane->wait_idle();
    REQUIRE(f.executor.running_now().count(uuid) == 1);
    REQUIRE(f.executor.deployed_now().size() == 1);  // the function first
    CHECK(f.plane->get_event_source_mapping(uuid));
  }
  std::filesystem::remove_all(dir);
}

namespace {

// Polls (bounded) until `done` holds: the dispatcher threads run on their own.
template <typename Done>
bool eventually(Done done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

}  // namespace

TEST_CASE("Event invocations: stored, retried twice after 1 and 2 minutes, then dead-lettered") {
  std::mutex dead_mu;
  std::vector<std::string> dead;
  Fixture f("", [&](const std::string& target, const std::string& event, const std::string& request_id,
                    const std::string& error) {
    std::lock_guard lock(dead_mu);
    dead.push_back(target + "|" + event + "|" + error + "|" + std::to_string(request_id.size()));
    return true;
  });
  auto input = function_named("orders");
  input.dead_letter_target_arn = "arn:aws:sqs:eu-west-1:123456789012:dlq";
  REQUIRE(f.plane->create_function(input));
  f.plane->wait_idle();

  REQUIRE(f.plane->invoke_async("orders", "", "{\"ok\":1}"));
  CHECK(eventually([&] { return f.plane->pending_async_invocations() == 0; }));
  CHECK(f.executor.invocations_now().size() == 1);

  REQUIRE(f.plane->invoke_async("orders", "", "{\"fail\":1}"));
  CHECK(eventually([&] { return f.executor.invocations_now().size() == 2; }));
  const int64_t first = f.clock->now_ms();
  CHECK(eventually([&] { return f.clock->has_waiter(first + 60'000); }));
  f.clock->advance_s(59);
  CHECK(f.executor.invocations_now().size() == 2);
  f.clock->advance_s(1);
  CHECK(eventually([&] { return f.executor.invocations_now().size() == 3; }));
  CHECK(eventually([&] { return f.clock->has_waiter(first + 180'000); }));
  f.clock->advance_s(120);
  CHECK(eventually([&] { return f.plane->pending_async_invocations() == 0; }));
  CHECK(f.executor.invocations_now().size() == 4);
  std::lock_guard lock(dead_mu);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0] == "arn:aws:sqs:eu-west-1:123456789012:dlq|{\"fail\":1}|orders:{\"fail\":1}|36");

  CHECK(f.plane->invoke_async("nope", "", "{}").error().code == common::AwsErrorCode::ResourceNotFound);
}

TEST_CASE("reserved concurrency throttles invocations and keeps 100 of the account's 1,000 unreserved") {
  Fixture f;
  REQUIRE(f.plane->create_function(function_named("orders")));
  REQUIRE(f.plane->create_function(function_named("other")));
  f.plane->wait_idle();
  REQUIRE(f.plane->put_function_concurrency("orders", 0));
  auto throttled = f.plane->invoke("orders", "", {"{}", "", false, ""});
  REQUIRE_FALSE(throttled);
  CHECK(throttled.error().code == common::AwsErrorCode::LambdaTooManyRequests);
  CHECK(throttled.error().info().http_status == 429);
  CHECK(throttled.error().message == "Rate Exceeded.");
  CHECK(f.plane->account_settings().unreserved_concurrent_executions == 1000);

  REQUIRE(f.plane->put_function_concurrency("orders", 900));
  CHECK(f.plane->account_settings().unreserved_concurrent_executions == 100);
  auto too_much = f.plane->put_function_concurrency("other", 1);
  REQUIRE_FALSE(too_much);
  CHECK(too_much.error().message ==
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below "
        "its minimum value of [100].");
  CHECK(f.plane->invoke("orders", "", {"{}", "", false, ""}));
  REQUIRE(f.plane->delete_function_concurrency("orders"));
  CHECK_FALSE(f.plane->get_function("orders")->reserved_concurrency);
  CHECK(f.plane->account_settings().function_count == 2);
}

TEST_CASE("tags by function ARN") {
  Fixture f;
  auto created = f.plane->create_function(function_named("orders"));
  REQUIRE(created);
  REQUIRE(f.plane->tag_resource(created->arn, {{"team", "a"}, {"env", "dev"}}));
  REQUIRE(f.plane->untag_resource(created->arn, {"env"}));
  CHECK(*f.plane->list_tags(created->arn) == TagMap{{"team", "a"}});
  CHECK(f.plane->list_tags("orders").error().code == common::AwsErrorCode::Validation);
  CHECK(f.plane->list_tags("arn:aws:lambda:eu-west-1:123456789012:function:nope").error().code ==
        common::AwsErrorCode::ResourceNotFound);
}

TEST_CASE("Invoke's, throttles' and Event invocations' metrics go to the meter under the function") {
  Fixture f("", [](const std::string&, const std::string&, const std::string&, const std::string&) {
    return false;  // the dead-letter target refuses: DeadLetterErrors
  });
  auto input = function_named("orders");
  input.dead_letter_target_arn = "arn:aws:sqs:eu-west-1:123456789012:dlq";
  REQUIRE(f.plane->create_function(input));
  f.plane->wait_idle();
  const int64_t start = f.clock->now_ms() / 60'000 * 60'000;
  auto sum = [&](const std::string& metric) {
    auto points = f.registry->query(
        metrics::MetricKey{"123456789012", "eu-west-1", "AWS/Lambda", metric, {{"FunctionName", "orders"}}}, start,
        start + 3'600'000, 3'600'000);
    return points.empty() ? 0.0 : points[0].stats.sum;
  };
  CHECK(f.plane->invoke("orders", "", {"{}", "", false, ""}));
  CHECK(f.plane->invoke("orders", "", {"{\"fail\":1}", "", false, ""}));
  CHECK(sum("Invocations") == 2);
  CHECK(sum("Errors") == 1);
  REQUIRE(f.plane->put_function_concurrency("orders", 0));
  CHECK_FALSE(f.plane->invoke("orders", "", {"{}", "", false, ""}));
  CHECK(sum("Throttles") == 1);
  CHECK(sum("Invocations") == 2);
  REQUIRE(f.plane->delete_function_concurrency("orders"));

  REQUIRE(f.plane->invoke_async("orders", "", "{\"fail\":1}"));
  CHECK(sum("AsyncEventsReceived") == 1);
  CHECK(eventually([&] { return f.executor.invocations_now().size() == 3; }));
  const int64_t first = f.clock->now_ms();
  CHECK(eventually([&] { return f.clock->has_waiter(first + 60'000); }));
  f.clock->advance_s(60);
  CHECK(eventually([&] { return f.clock->has_waiter(first + 180'000); }));
  f.clock->advance_s(120);
  CHECK(eventually([&] { return f.plane->pending_async_invocations() == 0; }));
  CHECK(sum("Invocations") == 5);
  CHECK(sum("AsyncEventsDropped") == 1);
  CHECK(sum("DeadLetterErrors") == 1);
  auto ages = f.registry->query(
      metrics::MetricKey{"123456789012", "eu-west-1", "AWS/Lambda", "AsyncEventAge", {{"FunctionName", "orders"}}},
      start, start + 3'600'000, 3'600'000);
  REQUIRE(ages.size() == 1);
  CHECK(ages[0].stats.sample_count == 3);
  CHECK(ages[0].stats.maximum == 180'000);  // the third attempt, 1 + 2 minutes after the event was stored
}
