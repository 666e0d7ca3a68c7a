// CloudTrail records: fields and identities as CloudTrail writes them, the resources a call names,
// what is redacted, data events only when enabled, and LookupEvents' filters and pages.

#include <doctest/doctest.h>

#include "audit_fixture.h"

using namespace sluice;
using audit_test::call_as_user;
using audit_test::only_event;
using audit_test::record_of;

namespace {

std::shared_ptr<audit::Trail> memory_trail(bool data_events = false) {
  audit::TrailOptions options;
  options.data_events = data_events;
  options.clock = std::make_shared<common::ManualClock>();
  std::string error;
  auto trail = audit::Trail::open(options, &error);
  REQUIRE(trail);
  return trail;
}

}  // namespace

TEST_CASE("a management call becomes a CloudTrail record with the caller's identity") {
  auto trail = memory_trail();
  auto call = call_as_user("sqs", "CreateQueue");
  call.request_parameters = R"({"QueueName":"orders","Attribute.1.Name":"KmsMasterKeyId"})";
  call.response_elements = R"({"QueueUrl":"http://127.0.0.1:9324/111122223333/orders"})";
  trail->record(call);

  const audit::Event event = only_event(*trail, "CreateQueue");
  const auto r = record_of(event);
  CHECK(audit_test::text(r.at("eventVersion")) == "1.09");
  CHECK(audit_test::text(r.at("eventSource")) == "sqs.amazonaws.com");
  CHECK(audit_test::text(r.at("eventTime")) == "2023-11-14T22:13:20Z");  // the ManualClock's start
  CHECK(audit_test::text(r.at("awsRegion")) == "us-east-1");
  CHECK(audit_test::text(r.at("sourceIPAddress")) == "127.0.0.1");
  CHECK(audit_test::text(r.at("userAgent")) == "Boto3/1.26.27");
  CHECK(audit_test::text(r.at("requestID")) == "req-CreateQueue");
  CHECK(audit_test::text(r.at("eventID")) == event.event_id);
  CHECK(r.at("readOnly").as_bool() == false);
  CHECK(audit_test::text(r.at("eventType")) == "AwsApiCall");
  CHECK(r.at("managementEvent").as_bool() == true);
  CHECK(audit_test::text(r.at("eventCategory")) == "Management");
  CHECK(audit_test::text(r.at("recipientAccountId")) == audit_test::kAccount);
  CHECK(audit_test::text(r.at("requestParameters").at("queueName")) == "orders");
  CHECK(audit_test::text(r.at("responseElements").at("queueUrl")) == "http://127.0.0.1:9324/111122223333/orders");
  const auto& id = r.at("userIdentity").as_object();
  CHECK(audit_test::text(id.at("type")) == "IAMUser");
  CHECK(audit_test::text(id.at("arn")) == "arn:aws:iam::111122223333:user/alice");
  CHECK(audit_test::text(id.at("userName")) == "alice");
  CHECK(audit_test::text(id.at("accessKeyId")) == "AKIAalice");
  CHECK(audit_test::starts_with(audit_test::text(id.at("principalId")), "AIDA"));
  CHECK(event.username == "alice");
  REQUIRE(event.resources.size() == 1);
  CHECK(event.resources[0].type == "AWS::SQS::Queue");
  CHECK(event.resources[0].name == "arn:aws:sqs:us-east-1:111122223333:orders");
  CHECK_FALSE(r.contains("errorCode"));
}

TEST_CASE("role sessions and the root user are named as CloudTrail names them") {
  auto trail = memory_trail();
  auto call = call_as_user("sns", "CreateTopic");
  call.principal = identity::assumed_role_principal(audit_test::kAccount, "deployer", "ci-run");
  trail->record(call);
  auto root_call = call_as_user("sns", "DeleteTopic");
  root_call.principal = identity::root_principal(audit_test::kAccount);
  trail->record(root_call);

  const auto role = only_event(*trail, "CreateTopic");
  const auto role_record = record_of(role);
  const auto& id = role_record.at("userIdentity").as_object();
  CHECK(audit_test::text(id.at("type")) == "AssumedRole");
  CHECK(audit_test::text(id.at("arn")) == "arn:aws:sts::111122223333:assumed-role/deployer/ci-run");
  const auto& issuer = id.at("sessionContext").at("sessionIssuer").as_object();
  CHECK(audit_test::text(issuer.at("type")) == "Role");
  CHECK(audit_test::text(issuer.at("arn")) == "arn:aws:iam::111122223333:role/deployer");
  CHECK(audit_test::text(issuer.at("userName")) == "deployer");
  CHECK(audit_test::starts_with(audit_test::text(id.at("principalId")), audit_test::text(issuer.at("principalId"))));
  CHECK(role.username == "ci-run");

  const auto root = only_event(*trail, "DeleteTopic");
  CHECK(audit_test::text(record_of(root).at("userIdentity").at("type")) == "Root");
  CHECK(root.username == "root");
}

TEST_CASE("secrets, plaintexts and message bodies are not written") {
  audit_test::TempDir dir;
  audit::TrailOptions options;
  options.data_dir = dir.path;
  options.data_events = true;
  std::string error;
  auto trail = audit::Trail::open(options, &error);
  REQUIRE(trail);
  auto encrypt = call_as_user("kms", "Encrypt");
  encrypt.request_parameters =
      R"({"KeyId":"alias/orders","Plaintext":"c2VjcmV0IHRleHQ=","EncryptionContext":{"a":"b"}})";
  encrypt.response_elements =
      R"({"CiphertextBlob":"AQID","KeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"})";
  trail->record(encrypt);
  auto assume = call_as_user("sts", "AssumeRole");
  assume.response_elements =
      R"({"Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"role-secret","SessionToken":"token-text"}})";
  trail->record(assume);
  auto key = call_as_user("iam", "CreateAccessKey");
  key.request_parameters = R"({"UserName":"bob"})";
  key.response_elements = R"({"AccessKey":{"AccessKeyId":"AKIABOB","SecretAccessKey":"bob-secret"}})";
  trail->record(key);
  auto send = call_as_user("sqs", "SendMessageBatch");
  send.request_parameters =
      R"({"QueueUrl":"http://h/111122223333/q","SendMessageBatchRequestEntry.1.MessageBody":"body one","Entries":[{"MessageBody":"body two","MessageAttributes":{"k":{"DataType":"String","StringValue":"attr value"}}}]})";
  trail->record(send);
  auto publish = call_as_user("sns", "Publish");
  publish.request_parameters =
      R"({"TopicArn":"arn:aws:sns:us-east-1:111122223333:t","Message":"hello there","Subject":"subject text"})";
  trail->record(publish);
  auto invoke = call_as_user("lambda", "Invoke");
  invoke.request_parameters = R"({"FunctionName":"orders","order":"payload text"})";
  invoke.response_elements = R"({"result":"function result text"})";
  trail->record(invoke);
  trail->flush();

  const std::string written = audit_test::all_text(dir.path);
  CHECK(written.find("SendMessageBatch") != std::string::npos);
  CHECK(written.find("HIDDEN_DUE_TO_SECURITY_REASONS") != std::string::npos);
  CHECK(written.find(R"("requestParameters":{"functionName":"orders"})") != std::string::npos);
  for (const char* secret :
       {"c2VjcmV0IHRleHQ=", "AQID", "role-secret", "token-text", "bob-secret", "body one", "body two", "attr value",
        "hello there", "subject text", "payload text", "function result text"}) {
    CAPTURE(secret);
    CHECK(written.find(secret) == std::string::npos);
  }
  const auto enc = record_of(only_event(*trail, "Encrypt"));
  CHECK(enc.at("readOnly").as_bool() == true);
  CHECK(enc.at("responseElements").is_null());
  CHECK(audit_test::text(enc.at("requestParameters").at("keyId")) == "alias/orders");
  CHECK(audit_test::text(enc.at("requestParameters").at("encryptionContext").at("a")) == "b");
  CHECK(audit_test::text(enc.at("resources").as_array().at(0).at("ARN")) ==
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  const auto sts = record_of(only_event(*trail, "AssumeRole"));
  CHECK(audit_test::text(sts.at("responseElements").at("credentials").at("accessKeyId")) == "ASIAEXAMPLE");
  const auto iam = record_of(only_event(*trail, "CreateAccessKey"));
  CHECK(audit_test::text(iam.at("awsRegion")) == "us-east-1");
  CHECK(audit_test::text(iam.at("eventSource")) == "iam.amazonaws.com");
  CHECK(audit_test::text(iam.at("responseElements").at("accessKey").at("accessKeyId")) == "AKIABOB");
}

TEST_CASE("data events: recorded only when enabled, written as Data, never in the event history") {
  auto off = memory_trail(false);
  CHECK_FALSE(off->records("sqs", "SendMessage"));
  CHECK_FALSE(off->records("sqs", "ReceiveMessage"));
  CHECK_FALSE(off->records("sns", "Publish"));
  CHECK_FALSE(off->records("lambda", "Invoke"));
  CHECK(off->records("sqs", "CreateQueue"));
  CHECK(off->records("kms", "Decrypt"));
  CHECK_FALSE(off->records("sluice", "Reset"));  // not an AWS service

  auto on = memory_trail(true);
  CHECK(on->records("sqs", "SendMessage"));
  auto send = call_as_user("sqs", "SendMessage");
  send.request_parameters = R"({"QueueUrl":"http://h/111122223333/q","MessageBody":"the body"})";
  on->record(send);
  audit::LookupQuery query;
  query.key = audit::LookupKey::EventName;
  query.value = "SendMessage";
  auto page = on->lookup(query);
  REQUIRE(page);
  CHECK(page->events.empty());
}

TEST_CASE("an error is written with its code and message and no answer") {
  auto trail = memory_trail();
  auto call = call_as_user("kms", "DisableKey");
  call.request_parameters = R"({"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"})";
  call.error_code = "NotFoundException";
  call.error_message = "Key 'x' does not exist";
  call.response_elements = R"({"ignored":true})";
  trail->record(call);
  const auto r = record_of(only_event(*trail, "DisableKey"));
  CHECK(audit_test::text(r.at("errorCode")) == "NotFoundException");
  CHECK(audit_test::text(r.at("errorMessage")) == "Key 'x' does not exist");
  CHECK(r.at("responseElements").is_null());
}

TEST_CASE("the decode step runs off the caller's thread, before the record is built") {
  auto trail = memory_trail();
  auto call = call_as_user("sqs", "DeleteQueue");
  call.decode = [](audit::ApiCall& c) { c.request_parameters = R"({"QueueUrl":"http://h/111122223333/gone"})"; };
  trail->record(call);
  CHECK(audit_test::text(record_of(only_event(*trail, "DeleteQueue")).at("requestParameters").at("queueUrl")) ==
        "http://h/111122223333/gone");
}

TEST_CASE("lookup: one attribute, a time range, newest first, pages with tokens bound to their query") {
  audit::TrailOptions options;
  auto clock = std::make_shared<common::ManualClock>();
  options.clock = clock;
  std::string error;
  auto trail = audit::Trail::open(options, &error);
  REQUIRE(trail);
  for (int i = 0; i < 7; ++i) {
    auto call = call_as_user("sqs", i % 2 == 0 ? "CreateQueue" : "ListQueues", i < 4 ? "alice" : "bob");
    trail->record(call);
    trail->flush();
    clock->advance_s(10);
  }
  audit::LookupQuery by_user;
  by_user.key = audit::LookupKey::Username;
  by_user.value = "bob";
  auto bob = trail->lookup(by_user);
  REQUIRE(bob);
  REQUIRE(bob->events.size() == 3);
  CHECK(bob->events[0].time_ms > bob->events[1].time_ms);

  audit::LookupQuery reads;
  reads.key = audit::LookupKey::ReadOnly;
  reads.value = "true";
  CHECK(trail->lookup(reads)->events.size() == 3);

  audit::LookupQuery window;
  window.start_ms = 1'700'000'000'000 + 20'000;
  window.end_ms = 1'700'000'000'000 + 40'000;
  CHECK(trail->lookup(window)->events.size() == 3);

  audit::LookupQuery paged;
  paged.max_results = 3;
  std::vector<std::string> ids;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = trail->lookup(paged);
    REQUIRE(page);
    for (const auto& e : page->events) ids.push_back(e.event_id);
    if (page->next_token.empty()) break;
    paged.next_token = page->next_token;
  }
  CHECK(ids.size() == 7);

  audit::LookupQuery first;
  first.max_results = 2;
  auto page = trail->lookup(first);
  REQUIRE(page);
  REQUIRE_FALSE(page->next_token.empty());
  by_user.next_token = page->next_token;  // another query's token
  auto refused = trail->lookup(by_user);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == common::AwsErrorCode::CloudTrailInvalidNextToken);
  by_user.next_token = "not a token";
  CHECK_FALSE(trail->lookup(by_user));
}

TEST_CASE("Lambda's events carry the API version AWS documents for them; other services' do not") {
  auto trail = memory_trail();
  auto create = call_as_user("lambda", "CreateFunction");
  create.request_parameters =
      R"({"FunctionName":"orders","Runtime":"python3.12","Code":{"ZipFile":"UEsDBA==","S3Bucket":"b"},"Environment":{"Variables":{"DB_PASSWORD":"hunter2"}}})";
  create.response_elements =
      R"({"FunctionName":"orders","FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:orders"})";
  trail->record(create);
  for (const char* name : {"UpdateFunctionCode", "UpdateFunctionConfiguration", "AddPermission", "TagResource",
                           "GetFunction", "ListFunctions"}) {
    auto call = call_as_user("lambda", name);
    call.request_parameters = R"({"FunctionName":"orders"})";
    trail->record(call);
  }
  trail->record(call_as_user("sqs", "CreateQueue"));

  const auto created = record_of(only_event(*trail, "CreateFunction20150331"));
  CHECK(audit_test::text(created.at("eventName")) == "CreateFunction20150331");
  const auto& params = created.at("requestParameters").as_object();
  // Members camel-cased at every depth, code dropped, the environment's values hidden with its keys.
  CHECK(audit_test::text(params.at("runtime")) == "python3.12");
  CHECK(audit_test::text(params.at("code").at("s3Bucket")) == "b");
  CHECK_FALSE(params.at("code").as_object().contains("zipFile"));
  CHECK(audit_test::text(params.at("environment").at("variables")) == "HIDDEN_DUE_TO_SECURITY_REASONS");
  CHECK(audit_test::text(created.at("responseElements").at("functionArn")) ==
        "arn:aws:lambda:us-east-1:111122223333:function:orders");
  CHECK(only_event(*trail, "UpdateFunctionCode20150331v2").event_source == "lambda.amazonaws.com");
  CHECK(only_event(*trail, "UpdateFunctionConfiguration20150331v2").management);
  CHECK_FALSE(only_event(*trail, "AddPermission20150331v2").read_only);
  CHECK(only_event(*trail, "TagResource20170331v2").resources.size() == 1);
  CHECK(only_event(*trail, "GetFunction20150331").read_only);
  CHECK(only_event(*trail, "ListFunctions").read_only);  // no version the documentation gives
  CHECK(only_event(*trail, "CreateQueue").event_name == "CreateQueue");
  audit::LookupQuery unversioned;
  unversioned.key = audit::LookupKey::EventName;
  unversioned.value = "CreateFunction";
  CHECK(trail->lookup(unversioned)->events.empty());
}

TEST_CASE("caller-keyed maps keep their keys; the structures in them are camel-cased") {
  audit_test::TempDir dir;
  audit::TrailOptions options;
  options.data_dir = dir.path;
  options.data_events = true;
  std::string error;
  auto trail = audit::Trail::open(options, &error);
  REQUIRE(trail);
  auto create = call_as_user("sqs", "CreateQueue");
  create.request_parameters = R"({"QueueName":"orders","Attributes":{"VisibilityTimeout":"45"},"tags":{"Team":"Pay"}})";
  trail->record(create);
  auto send = call_as_user("sqs", "SendMessage");
  send.request_parameters =
      R"({"QueueUrl":"http://h/111122223333/orders","MessageBody":"x","MessageAttributes":{"Colour":{"DataType":"String","StringValue":"blue"}}})";
  trail->record(send);
  auto encrypt = call_as_user("kms", "Encrypt");
  encrypt.request_parameters = R"({"KeyId":"alias/a","EncryptionContext":{"Department":"IT"}})";
  trail->record(encrypt);
  trail->flush();

  const auto queue = record_of(only_event(*trail, "CreateQueue")).at("requestParameters");
  CHECK(audit_test::text(queue.at("attributes").at("VisibilityTimeout")) == "45");
  CHECK(audit_test::text(queue.at("tags").at("Team")) == "Pay");
  const auto context = record_of(only_event(*trail, "Encrypt")).at("requestParameters");
  CHECK(audit_test::text(context.at("encryptionContext").at("Department")) == "IT");
  // A data event is not in the event history: its line in the trail's file is read.
  const std::string written = audit_test::all_text(dir.path);
  CHECK(written.find(
            R"("messageAttributes":{"Colour":{"dataType":"String","stringValue":"HIDDEN_DUE_TO_SECURITY_REASONS"}})") !=
        std::string::npos);
}
