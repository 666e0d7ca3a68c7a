// Queue-level actions through SqsActions::call on a real in-memory engine; expected shapes and
// texts follow responses recorded from AWS.

#include <doctest/doctest.h>

#include "test_support.h"

namespace common = sluice::common;

using namespace sluice::api::sqs_wire;
using namespace sluice::api::sqs_wire::testing;

TEST_CASE("CreateQueue answers a URL on this service; GetQueueUrl finds it; DeleteQueue removes it") {
  Fixture f;
  auto url = f.create("orders");
  CHECK(url == "http://localhost:9324/123456789012/orders");

  auto got = f.call("GetQueueUrl", R"({"QueueName":"orders"})");
  REQUIRE(got.ok());
  CHECK(str(got->at("QueueUrl")) == url);

  auto deleted = f.call("DeleteQueue", R"({"QueueUrl":")" + url + R"("})");
  REQUIRE(deleted.ok());
  CHECK(deleted->empty());

  auto gone = f.call("GetQueueUrl", R"({"QueueName":"orders"})");
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == common::AwsErrorCode::QueueDoesNotExist);
  CHECK(gone.error().message == "The specified queue does not exist.");
}

TEST_CASE("queues are per account and region; QueueOwnerAWSAccountId looks into another account") {
  Fixture f;
  f.create("shared");
  CallContext other = f.ctx;
  other.account_id = "111122223333";
  auto list_other = f.actions->call("ListQueues", {}, other);
  REQUIRE(list_other.ok());
  CHECK_FALSE(list_other->contains("QueueUrls"));

  auto cross = f.actions->call(
      "GetQueueUrl",
      boost::json::parse(R"({"QueueName":"shared","QueueOwnerAWSAccountId":"123456789012"})").as_object(), other);
  REQUIRE(cross.ok());
  CHECK(str(cross->at("QueueUrl")) == "http://localhost:9324/123456789012/shared");
}

TEST_CASE("CreateQueue with a different attribute value answers QueueNameExists") {
  Fixture f;
  f.create("q", R"({"VisibilityTimeout":"30"})");
  auto again = f.call("CreateQueue", R"({"QueueName":"q","Attributes":{"VisibilityTimeout":"31"}})");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == common::AwsErrorCode::QueueNameExists);
  CHECK(again.error().message ==
        "A queue already exists with the same name and a different value for attribute VisibilityTimeout");
}

TEST_CASE("ListQueues: prefix, pagination with MaxResults and NextToken") {
  Fixture f;
  for (int i = 0; i < 10; ++i) f.create("test-queue-" + std::to_string(i));
  f.create("other");

  auto all = f.call("ListQueues", R"({"QueueNamePrefix":"test-queue"})");
  REQUIRE(all.ok());
  CHECK(all->at("QueueUrls").as_array().size() == 10);
  CHECK_FALSE(all->contains("NextToken"));

  auto first = f.call("ListQueues", R"({"QueueNamePrefix":"test-queue","MaxResults":2})");
  REQUIRE(first.ok());
  auto& urls = first->at("QueueUrls").as_array();
  REQUIRE(urls.size() == 2);
  CHECK(str(urls[0]) == "http://localhost:9324/123456789012/test-queue-0");
  CHECK(str(urls[1]) == "http://localhost:9324/123456789012/test-queue-1");
  REQUIRE(first->contains("NextToken"));

  auto rest = f.call("ListQueues", R"({"QueueNamePrefix":"test-queue","MaxResults":100,"NextToken":")" +
                                       str(first->at("NextToken")) + R"("})");
  REQUIRE(rest.ok());
  auto& rest_urls = rest->at("QueueUrls").as_array();
  REQUIRE(rest_urls.size() == 8);
  CHECK(str(rest_urls[0]) == "http://localhost:9324/123456789012/test-queue-2");
  CHECK_FALSE(rest->contains("NextToken"));

  auto bad = f.call("ListQueues", R"({"MaxResults":0})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == common::AwsErrorCode::InvalidParameterValue);
  auto too_many = f.call("ListQueues", R"({"MaxResults":1001})");
  CHECK_FALSE(too_many.ok());
}

TEST_CASE("Get/SetQueueAttributes in string form; no names means no Attributes member") {
  Fixture f;
  auto url = f.create("attrs");
  auto set = f.call("SetQueueAttributes", R"({"QueueUrl":")" + url + R"(","Attributes":{"VisibilityTimeout":"60"}})");
  REQUIRE(set.ok());
  CHECK(set->empty());

  auto got = f.call("GetQueueAttributes",
                    R"({"QueueUrl":")" + url + R"(","AttributeNames":["VisibilityTimeout","QueueArn"]})");
  REQUIRE(got.ok());
  auto& attributes = got->at("Attributes").as_object();
  CHECK(str(attributes.at("VisibilityTimeout")) == "60");
  CHECK(str(attributes.at("QueueArn")) == "arn:aws:sqs:us-east-1:123456789012:attrs");

  auto none = f.call("GetQueueAttributes", R"({"QueueUrl":")" + url + R"("})");
  REQUIRE(none.ok());
  CHECK(none->empty());

  auto missing = f.call("SetQueueAttributes", R"({"QueueUrl":")" + url + R"("})");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == common::AwsErrorCode::MissingParameter);
  CHECK(missing.error().message == "The request must contain the parameter Attributes.");
}

TEST_CASE("TagQueue, UntagQueue, ListQueueTags (recorded shapes)") {
  Fixture f;
  auto url = f.create("tags");
  REQUIRE(
      f.call("TagQueue", R"({"QueueUrl":")" + url + R"(","Tags":{"tag1":"value1","tag2":"value2","tag3":""}})").ok());
  auto tags = f.call("ListQueueTags", R"({"QueueUrl":")" + url + R"("})");
  REQUIRE(tags.ok());
  CHECK(boost::json::serialize(tags->at("Tags")) == R"({"tag1":"value1","tag2":"value2","tag3":""})");
  REQUIRE(f.call("UntagQueue", R"({"QueueUrl":")" + url + R"(","TagKeys":["tag1","tag3"]})").ok());
  tags = f.call("ListQueueTags", R"({"QueueUrl":")" + url + R"("})");
  CHECK(boost::json::serialize(tags->at("Tags")) == R"({"tag2":"value2"})");
  REQUIRE(f.call("UntagQueue", R"({"QueueUrl":")" + url + R"(","TagKeys":["tag2"]})").ok());
  tags = f.call("ListQueueTags", R"({"QueueUrl":")" + url + R"("})");
  REQUIRE(tags.ok());
  CHECK_FALSE(tags->contains("Tags"));
}

TEST_CASE("AddPermission / RemovePermission errors as recorded") {
  Fixture f;
  auto url = f.create("perm");
  std::string add =
      R"({"QueueUrl":")" + url +
      R"(","Label":"crossaccountpermission","AWSAccountIds":["111111111111"],"Actions":["ReceiveMessage"]})";
  REQUIRE(f.call("AddPermission", add).ok());
  auto policy = f.call("GetQueueAttributes", R"({"QueueUrl":")" + url + R"(","AttributeNames":["Policy"]})");
  REQUIRE(policy.ok());
  CHECK(str(policy->at("Attributes").at("Policy")).find("crossaccountpermission") != std::string::npos);

  auto twice = f.call("AddPermission", add);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message ==
        "Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.");

  REQUIRE(f.call("RemovePermission", R"({"QueueUrl":")" + url + R"(","Label":"crossaccountpermission"})").ok());
  auto unknown = f.call("RemovePermission", R"({"QueueUrl":")" + url + R"(","Label":"crossaccountpermission"})");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message ==
        "Value crossaccountpermission for parameter Label is invalid. Reason: can't find label.");

  auto missing = f.call("AddPermission", R"({"QueueUrl":")" + url + R"(","Label":"x","Actions":["SendMessage"]})");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "The request must contain the parameter AWSAccountIds.");
}

TEST_CASE("PurgeQueue twice within 60 s answers PurgeQueueInProgress") {
  Fixture f;
  auto url = f.create("purge");
  REQUIRE(f.call("PurgeQueue", R"({"QueueUrl":")" + url + R"("})").ok());
  auto again = f.call("PurgeQueue", R"({"QueueUrl":")" + url + R"("})");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == common::AwsErrorCode::PurgeQueueInProgress);
  CHECK(again.error().info().http_status == 403);
  f.clock->advance_s(61);
  CHECK(f.call("PurgeQueue", R"({"QueueUrl":")" + url + R"("})").ok());
}

TEST_CASE("input checking: missing members, wrong JSON types, unknown actions") {
  Fixture f;
  auto no_name = f.call("CreateQueue", "{}");
  REQUIRE_FALSE(no_name.ok());
  CHECK(no_name.error().code == common::AwsErrorCode::MissingParameter);
  CHECK(no_name.error().message == "The request must contain the parameter QueueName.");

  auto wrong_type = f.call("CreateQueue", R"({"QueueName":42})");
  REQUIRE_FALSE(wrong_type.ok());
  CHECK(wrong_type.error().code == common::AwsErrorCode::SerializationException);

  auto wrong_map = f.call("CreateQueue", R"({"QueueName":"q","Attributes":{"DelaySeconds":5}})");
  REQUIRE_FALSE(wrong_map.ok());
  CHECK(wrong_map.error().code == common::AwsErrorCode::SerializationException);

  auto no_url = f.call("PurgeQueue", "{}");
  REQUIRE_FALSE(no_url.ok());
  CHECK(no_url.error().message == "The request must contain the parameter QueueUrl.");

  auto unknown = f.call("FlyToTheMoon", "{}");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == common::AwsErrorCode::InvalidAction);
  CHECK(unknown.error().message == "The action FlyToTheMoon is not valid for this endpoint.");
  CHECK(SqsActions::is_action("ChangeMessageVisibilityBatch"));
  CHECK_FALSE(SqsActions::is_action("sendmessage"));
}

TEST_CASE("a Query request posted to the queue path needs no QueueUrl") {
  Fixture f;
  f.create("by-path");
  sluice::api::http::Request request;
  request.method = "POST";
  request.path = "/123456789012/by-path";
  request.headers = {{"host", "localhost:9324"}, {"content-type", "application/x-www-form-urlencoded"}};
  request.body = "Action=SendMessage&MessageBody=hi";
  auto sent = wire_answer(*f.engine, request);
  REQUIRE(sent.status == 200);
  CHECK(sent.body.find("<MD5OfMessageBody>49f68a5c8493ec2c0bf489821c21fc3b</MD5OfMessageBody>") != std::string::npos);
  // The queue-management actions find it the same way.
  CallContext ctx = f.ctx;
  ctx.request_path = "/123456789012/by-path";
  auto tags = f.actions->call("ListQueueTags", boost::json::object(), ctx);
  REQUIRE(tags.ok());
}
