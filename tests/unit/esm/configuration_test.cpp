#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "batch_response.h"
#include "sluice/esm/event_source_mapping.h"

using namespace sluice::esm;
using sluice::esm::detail::read_partial_batch_response;

namespace {

const std::string kFunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:orders";

EventSourceMappingConfiguration config(CreateMappingRequest r) {
  r.event_source_arn = "arn:aws:sqs:eu-west-1:123456789012:orders";
  return resolve(r, kFunctionArn);
}

std::string error_text(const CreateMappingRequest& r, ValidationContext context = {}) {
  auto e = validate(config(r), context);
  return e ? std::string(e->info().json_type) + ": " + e->message : "";
}

}  // namespace

TEST_CASE("defaults resolve as AWS reports them") {
  auto c = config({});
  CHECK(c.batch_size == 10);
  CHECK(c.maximum_batching_window_in_seconds == 0);
  CHECK(c.enabled);
  CHECK(c.uuid.size() == 36);
  CHECK(c.event_source_mapping_arn == "arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:" + c.uuid);
  CHECK_FALSE(validate(c, {}));
}

TEST_CASE("validation rules with AWS's error types and texts") {
  CreateMappingRequest r;
  r.batch_size = 11;
  CHECK(
      error_text(r) ==
      "InvalidParameterValueException: Maximum batch window in seconds must be greater than 0 if maximum batch size is "
      "greater than 10");
  r.maximum_batching_window_in_seconds = 1;
  CHECK(error_text(r).empty());
  r.batch_size = 10'001;
  CHECK(error_text(r) ==
        "ValidationException: 1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000");
  r.batch_size = 0;
  CHECK(error_text(r).starts_with("ValidationException: 1 validation error detected: Value '0' at 'batchSize'"));

  CreateMappingRequest w;
  w.maximum_batching_window_in_seconds = 301;
  CHECK(error_text(w).find("'maximumBatchingWindowInSeconds'") != std::string::npos);

  CreateMappingRequest s;
  s.scaling_config = ScalingConfig{1};
  CHECK(error_text(s).find(
            "'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value greater "
            "than or equal to 2") != std::string::npos);
  s.scaling_config = ScalingConfig{1001};
  CHECK_FALSE(error_text(s).empty());
  s.scaling_config = ScalingConfig{1000};
  CHECK(error_text(s).empty());

  CreateMappingRequest t;
  t.function_response_types = {"ReportBatchItemFailures"};
  CHECK(error_text(t).empty());
  t.function_response_types = {"Whatever"};
  CHECK(error_text(t).find("enum value set: [ReportBatchItemFailures]") != std::string::npos);

  ValidationContext fifo;
  fifo.fifo = true;
  CreateMappingRequest f;
  f.batch_size = 11;
  f.maximum_batching_window_in_seconds = 1;
  CHECK(error_text(f, fifo).starts_with("InvalidParameterValueException: Batch size for FIFO queues"));
  f.batch_size = 10;
  CHECK(error_text(f, fifo) == "InvalidParameterValueException: Batching window is not supported for FIFO queues");

  ValidationContext slow;
  slow.queue_visibility_timeout_s = 30;
  slow.function_timeout_s = 60;
  CHECK(
      error_text({}, slow) ==
      "InvalidParameterValueException: Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds");
}

TEST_CASE("filter criteria validation") {
  for (std::optional<std::string> bad : {std::optional<std::string>{}, std::optional<std::string>{"simple string"},
                                         std::optional<std::string>{R"({"eventSource":"aws:sqs"})"},
                                         std::optional<std::string>{R"({"body":{"testItem":"test24"}})"}}) {
    CreateMappingRequest r;
    r.filter_criteria = FilterCriteria{{Filter{bad}}};
    CHECK(error_text(r) == "InvalidParameterValueException: Invalid filter pattern definition.");
  }
  CreateMappingRequest many;
  many.filter_criteria = FilterCriteria{};
  for (int i = 0; i < 6; ++i) many.filter_criteria->filters.push_back(Filter{R"({"body":{"k":["v"]}})"});
  CHECK(error_text(many).starts_with("InvalidParameterValueException: "));
  many.filter_criteria->filters.pop_back();
  CHECK(error_text(many).empty());

  CreateMappingRequest big;
  big.filter_criteria = FilterCriteria{{Filter{R"({"body":{"k":[")" + std::string(4100, 'x') + R"("]}})"}}};
  CHECK(error_text(big).find("Member must have length less than or equal to 4096") != std::string::npos);
}

TEST_CASE("duplicate mapping text") {
  auto e = duplicate_mapping_error("arn:aws:sqs:us-east-1:1:q", "fn", "u-1");
  CHECK(e.info().http_status == 409);
  CHECK(e.info().json_type == "ResourceConflictException");
  CHECK(
      e.message ==
      "An event source mapping with SQS arn (\" arn:aws:sqs:us-east-1:1:q \") and function (\" fn \") already exists. "
      "Please update or delete the existing mapping with UUID u-1");
}

TEST_CASE("configuration JSON has the EventSourceMappingConfiguration shape") {
  CreateMappingRequest r;
  r.scaling_config = ScalingConfig{7};
  r.filter_criteria = FilterCriteria{{Filter{R"({"body":{"k":["v"]}})"}}};
  auto c = config(r);
  c.last_modified_ms = 1'700'000'000'500;
  auto o = boost::json::parse(to_json(c)).as_object();
  CHECK(o.at("UUID").as_string() == c.uuid);
  CHECK(o.at("BatchSize").as_int64() == 10);
  CHECK(o.at("MaximumBatchingWindowInSeconds").as_int64() == 0);
  CHECK(o.at("EventSourceArn").as_string() == "arn:aws:sqs:eu-west-1:123456789012:orders");
  CHECK(o.at("FunctionArn").as_string() == kFunctionArn);
  CHECK(o.at("FunctionResponseTypes").as_array().empty());
  CHECK(o.at("State").as_string() == "Creating");
  CHECK(o.at("StateTransitionReason").as_string() == "USER_INITIATED");
  CHECK(o.at("LastModified").as_double() == doctest::Approx(1'700'000'000.5));
  CHECK(o.at("ScalingConfig").at("MaximumConcurrency").as_int64() == 7);
  CHECK(o.at("FilterCriteria").at("Filters").at(0).at("Pattern").as_string() == R"({"body":{"k":["v"]}})");
}

TEST_CASE("partial batch responses: success cases") {
  std::unordered_set<std::string> ids{"a", "b"};
  for (const char* ok :
       {"", "null", "{}", R"({"batchItemFailures":[]})", R"({"batchItemFailures":null})", "\"done\""}) {
    CAPTURE(ok);
    auto r = read_partial_batch_response(ok, ids);
    CHECK_FALSE(r.whole_batch_failed);
    CHECK(r.failed.empty());
  }
  auto r = read_partial_batch_response(R"({"batchItemFailures":[{"itemIdentifier":"b"}]})", ids);
  CHECK_FALSE(r.whole_batch_failed);
  CHECK(r.failed == std::unordered_set<std::string>{"b"});
}

TEST_CASE("partial batch responses: every invalid case fails the whole batch") {
  std::unordered_set<std::string> ids{"a", "b"};
  for (const char* bad :
       {"{not json", R"({"batchItemFailures":[{"itemIdentifier":""}]})",
        R"({"batchItemFailures":[{"itemIdentifier":null}]})", R"({"batchItemFailures":[{"foo":"notvalid"}]})",
        R"({"batchItemFailures":[{"itemIdentifier":"zzz"}]})", R"({"batchItemFailures":"a"})",
        R"({"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":7}]})"}) {
    CAPTURE(bad);
    CHECK(read_partial_batch_response(bad, ids).whole_batch_failed);
  }
}

TEST_CASE("MetricsConfig: EventCount is kept and answered; other metrics are refused for SQS") {
  CreateMappingRequest r;
  r.metrics_config = MetricsConfig{{"EventCount"}};
  auto c = config(r);
  CHECK(c.counts_events());
  CHECK_FALSE(validate(c, {}));
  auto json = boost::json::parse(to_json(c)).as_object();
  REQUIRE(json.contains("MetricsConfig"));
  CHECK(boost::json::serialize(json.at("MetricsConfig")) == R"({"Metrics":["EventCount"]})");
  CHECK_FALSE(boost::json::parse(to_json(config({}))).as_object().contains("MetricsConfig"));
  CHECK_FALSE(config({}).counts_events());

  r.metrics_config = MetricsConfig{{"Polls"}};
  CHECK(error_text(r) ==
        "ValidationException: 1 validation error detected: Value '[Polls]' at 'metricsConfig.metrics' failed to "
        "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [EventCount, "
        "ErrorCount, KafkaMetrics]]");
  r.metrics_config = MetricsConfig{{"ErrorCount"}};
  CHECK(error_text(r).starts_with("InvalidParameterValueException: "));
  r.metrics_config = MetricsConfig{{}};
  CHECK(error_text(r).empty());
  CHECK_FALSE(config(r).counts_events());
}
