#include <doctest/doctest.h>

#include "queue_url.h"
#include "sqs_api.h"

using namespace sluice::api::sqs_wire;

TEST_CASE("queue URLs of any host resolve by path; AWS hosts give the region") {
  CallContext ctx;
  ctx.region = "eu-west-1";

  // A short URL names a queue of the default region, whoever asks.
  auto local = resolve_queue_url("http://127.0.0.1:9324/123456789012/orders", ctx);
  REQUIRE(local.ok());
  CHECK(local->account_id == "123456789012");
  CHECK(local->name == "orders");
  CHECK(local->region == "us-east-1");

  auto regional = resolve_queue_url("http://127.0.0.1:9324/eu-north-1/123456789012/orders", ctx);
  REQUIRE(regional.ok());
  CHECK(regional->region == "eu-north-1");
  CHECK(regional->account_id == "123456789012");
  CHECK(regional->name == "orders");

  auto aws = resolve_queue_url("https://sqs.ap-southeast-2.amazonaws.com/111122223333/jobs.fifo", ctx);
  REQUIRE(aws.ok());
  CHECK(aws->region == "ap-southeast-2");
  CHECK(aws->account_id == "111122223333");
  CHECK(aws->name == "jobs.fifo");

  auto legacy = resolve_queue_url("https://queue.amazonaws.com/123456789012/Name", ctx);
  REQUIRE(legacy.ok());
  CHECK(legacy->region == "us-east-1");

  auto legacy_regional = resolve_queue_url("https://us-west-2.queue.amazonaws.com/123456789012/Name", ctx);
  REQUIRE(legacy_regional.ok());
  CHECK(legacy_regional->region == "us-west-2");

  auto trailing = resolve_queue_url("http://localhost:4566/123456789012/q/", ctx);
  REQUIRE(trailing.ok());
  CHECK(trailing->name == "q");
}

TEST_CASE("malformed queue URLs answer QueueDoesNotExist, as AWS does") {
  CallContext ctx;
  for (const char* bad :
       {"http://whatever-incorrect-queue-address", "not a url", "ftp://h/123456789012/q", "http://h/12345/q",
        "http://h/123456789012/", "http://h/123456789012/a/b", "http://h/123456789012/bad name"}) {
    CAPTURE(bad);
    auto out = resolve_queue_url(bad, ctx);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == sluice::common::AwsErrorCode::QueueDoesNotExist);
    CHECK(out.error().message == "The specified queue does not exist.");
  }
}

TEST_CASE("queue URLs answered point at the service; other regions than the default name theirs") {
  CallContext ctx;
  ctx.base_url = "http://localhost:9324/";
  ctx.region = "eu-north-1";  // the caller's region does not shape the URL
  CHECK(make_queue_url(ctx, {"123456789012", "us-east-1", "q"}) == "http://localhost:9324/123456789012/q");
  CHECK(make_queue_url(ctx, {"123456789012", "eu-north-1", "q"}) == "http://localhost:9324/eu-north-1/123456789012/q");
  ctx.default_region = "eu-north-1";
  CHECK(make_queue_url(ctx, {"123456789012", "eu-north-1", "q"}) == "http://localhost:9324/123456789012/q");
  CHECK(make_queue_url(ctx, {"123456789012", "us-east-1", "q"}) == "http://localhost:9324/us-east-1/123456789012/q");
}

TEST_CASE("a bare queue name stands for the caller's queue") {
  CallContext ctx;
  ctx.account_id = "111122223333";
  ctx.region = "eu-west-1";
  auto named = resolve_queue_url("orders.fifo", ctx);
  REQUIRE(named.ok());
  CHECK(named->account_id == "111122223333");
  CHECK(named->region == "eu-west-1");
  CHECK(named->name == "orders.fifo");
}

TEST_CASE("region detection only trusts AWS host shapes") {
  using detail::region_from_aws_host;
  CHECK(region_from_aws_host("sqs.us-gov-west-1.amazonaws.com") == "us-gov-west-1");
  CHECK(region_from_aws_host("sqs.eu-central-1.amazonaws.com.cn") == "eu-central-1");
  CHECK_FALSE(region_from_aws_host("sqs.localhost").has_value());
  CHECK_FALSE(region_from_aws_host("127.0.0.1").has_value());
  CHECK_FALSE(region_from_aws_host("sqs.-bad-1.amazonaws.com").has_value());
}

TEST_CASE("page tokens round-trip and reject garbage") {
  auto token = detail::encode_page_token("queue-7");
  CHECK(detail::decode_page_token(token) == "queue-7");
  CHECK_FALSE(detail::decode_page_token("!!!").has_value());
}
