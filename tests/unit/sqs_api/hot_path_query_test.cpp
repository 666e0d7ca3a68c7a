// The Query hot path (hot_path.h) against the general path: the same form-encoded requests go to
// both, each on its own engine prepared the same way, and the XML documents must match element
// for element (only MessageId, ReceiptHandle and RequestId values differ). Requests the hot path
// must leave alone come back as nullopt with nothing changed.

#include <doctest/doctest.h>

#include <regex>

#include "hot_path.h"
#include "hot_path_support.h"

using namespace sluice::api::sqs_wire;
using namespace sluice::api::sqs_wire::detail;
using namespace sluice::api::sqs_wire::testing;
namespace http = sluice::api::http;

namespace {

const std::string kUrl = "http://localhost:9324/123456789012/hot";
const std::string kEncodedUrl = "http%3A%2F%2Flocalhost%3A9324%2F123456789012%2Fhot";

http::Request form_request(const std::string& body, const std::string& path = "/") {
  http::Request r;
  r.method = "POST";
  r.path = path;
  r.headers = {{"host", "localhost:9324"}, {"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = body;
  return r;
}

std::optional<http::Response> query_hot_path(sluice::sqs::Engine& engine, const http::Request& request) {
  sluice::api::server::Call call = call_of(request);
  REQUIRE_FALSE(call.form_error);
  return try_query_hot_path(engine, call);
}

// Random values blanked, element structure kept.
std::string normalized(const std::string& xml) {
  static const std::regex kRandom("<(MessageId|ReceiptHandle|RequestId)>[^<]*</");
  return std::regex_replace(xml, kRandom, "<$1>*</");
}

struct Twin : TwinEngines {
  http::Response same_answer(const std::string& body, const std::string& path = "/",
                             http::Response* general_answer = nullptr) {
    return compare(form_request(body, path), query_hot_path, normalized, general_answer);
  }
};

std::string action(const std::string& name) { return "Action=" + name + "&Version=2012-11-05&QueueUrl=" + kEncodedUrl; }

}  // namespace

TEST_CASE("Query SendMessageBatch: the hot path answers as the general path does") {
  Twin t;
  t.create("hot");
  t.create("hot.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  const std::string e = "&SendMessageBatchRequestEntry.";
  auto sent = t.same_answer(action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=hello+world" + e + "2.Id=b" +
                            e + "2.MessageBody=%3Cxml%3E+%26+%22q%22+%0D%0A+caf%C3%A9" + e + "2.DelaySeconds=5" + e +
                            "3.Id=c" + e + "3.MessageBody=bad%01char" + e + "4.Id=d" + e + "4.MessageBody=late" + e +
                            "4.DelaySeconds=901" + e + "5.Id=e");
  CHECK(sent.body.find("<SendMessageBatchResultEntry><Id>a</Id>") != std::string::npos);
  CHECK(sent.body.find("<BatchResultErrorEntry><Id>c</Id><SenderFault>true</SenderFault>") != std::string::npos);
  // Entries arriving out of order are answered in index order.
  t.same_answer(action("SendMessageBatch") + e + "2.Id=second" + e + "2.MessageBody=2" + e + "1.Id=first" + e +
                "1.MessageBody=1");
  t.same_answer(action("SendMessageBatch"));
  t.same_answer(action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=1" + e + "2.Id=a" + e +
                "2.MessageBody=2");
  t.same_answer("Action=SendMessageBatch&Version=2012-11-05&QueueUrl=http%3A%2F%2Flocalhost%2F123456789012%2Fmissing" +
                e + "1.Id=a" + e + "1.MessageBody=x");
  t.same_answer("Action=SendMessageBatch&Version=2012-11-05" + e + "1.Id=a" + e + "1.MessageBody=by+path",
                "/123456789012/hot");
  auto fifo =
      t.same_answer("Action=SendMessageBatch&Version=2012-11-05&QueueUrl=" + kEncodedUrl + ".fifo" + e + "1.Id=a" + e +
                    "1.MessageBody=1" + e + "1.MessageGroupId=g" + e + "2.Id=b" + e + "2.MessageBody=2" + e +
                    "2.MessageGroupId=g" + e + "2.MessageDeduplicationId=d2" + e + "3.Id=c" + e + "3.MessageBody=3");
  CHECK(fifo.body.find("<SequenceNumber>") != std::string::npos);
  CHECK(visible_messages(t.hot, kUrl) == visible_messages(t.general, kUrl));
}

TEST_CASE("Query ReceiveMessage and DeleteMessageBatch: the hot path answers as the general path does") {
  Twin t;
  t.create("hot");
  t.both("SendMessage",
         R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"with <attributes> & \r more","MessageAttributes":{
      "s":{"DataType":"String","StringValue":"v \"q\""},"n":{"DataType":"Number","StringValue":"42"},
      "b":{"DataType":"Binary","BinaryValue":"AAEC"}}})");
  t.both("SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"plain"})");
  t.hot.clock->advance_ms(1500);
  t.general.clock->advance_ms(1500);

  auto all =
      t.same_answer(action("ReceiveMessage") +
                    "&MaxNumberOfMessages=10&VisibilityTimeout=0&AttributeName.1=All&MessageSystemAttributeName.1="
                    "SenderId&MessageAttributeName.1=All");
  CHECK(all.body.find(
            "<MessageAttribute><Name>b</Name><Value><BinaryValue>AAEC</BinaryValue><DataType>Binary</DataType>") !=
        std::string::npos);
  t.same_answer(action("ReceiveMessage") +
                "&MaxNumberOfMessages=10&VisibilityTimeout=0&MessageAttributeName.2=b.*&MessageAttributeName.1=s");
  t.same_answer(action("ReceiveMessage") + "&MaxNumberOfMessages=11");
  t.same_answer(action("ReceiveMessage") + "&WaitTimeSeconds=21");
  t.same_answer(action("ReceiveMessage") + "&AttributeName.1=NoSuch");

  http::Response general_taken;
  http::Response hot_taken = t.same_answer(action("ReceiveMessage") + "&MaxNumberOfMessages=10", "/", &general_taken);
  auto delete_body = [&](const http::Response& taken) {
    static const std::regex kHandle("<ReceiptHandle>([^<]*)</ReceiptHandle>");
    std::smatch m;
    REQUIRE(std::regex_search(taken.body, m, kHandle));
    return action("DeleteMessageBatch") +
           "&DeleteMessageBatchRequestEntry.1.Id=ok&DeleteMessageBatchRequestEntry.1."
           "ReceiptHandle=" +
           m[1].str() +
           "&DeleteMessageBatchRequestEntry.2.Id=bad&DeleteMessageBatchRequestEntry.2.ReceiptHandle=garbage";
  };
  auto fast = query_hot_path(*t.hot.engine, form_request(delete_body(hot_taken)));
  REQUIRE(fast);
  http::Response slow = general_path(t.general, form_request(delete_body(general_taken)));
  CHECK(fast->status == slow.status);
  CHECK(normalized(fast->body) == normalized(slow.body));
  CHECK(fast->body.find("<DeleteMessageBatchResultEntry><Id>ok</Id></DeleteMessageBatchResultEntry>") !=
        std::string::npos);
  t.same_answer(action("DeleteMessageBatch"));
}

TEST_CASE("The Query hot path leaves alone what it does not read exactly, and changes nothing doing so") {
  Fixture f;
  std::string url = f.create("hot");
  const std::string e = "&SendMessageBatchRequestEntry.";
  for (const std::string& body : {
           action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=x" + e + "1.MessageAttribute.1.Name=k" + e +
               "1.MessageAttribute.1.Value.DataType=String" + e + "1.MessageAttribute.1.Value.StringValue=v",
           action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=x" + e + "1.DelaySeconds=soon",
           action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=x" + e + "1.MessageBody=y",
           action("SendMessageBatch") + "&QueueUrl=" + kEncodedUrl + e + "1.Id=a" + e + "1.MessageBody=x",
           action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=x" + e + "3.Id=c" + e + "3.MessageBody=z",
           action("SendMessageBatch") + e + "01.Id=a" + e + "01.MessageBody=x",
           action("SendMessageBatch") + e + "11.Id=a" + e + "11.MessageBody=x",
           action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=x&Unknown=1",
       }) {
    CAPTURE(body);
    CHECK_FALSE(query_hot_path(*f.engine, form_request(body)).has_value());
  }
  CHECK(visible_messages(f, url) == 0);
  CHECK_FALSE(query_hot_path(*f.engine, form_request(action("PurgeQueue"))));  // not a hot action
  CHECK(visible_messages(f, url) == 0);

  auto empty = query_hot_path(*f.engine, form_request(action("ReceiveMessage") + "&WaitTimeSeconds=0"));
  REQUIRE(empty);
  CHECK(empty->body.find("<ReceiveMessageResult></ReceiveMessageResult>") != std::string::npos);
  CHECK_FALSE(query_hot_path(*f.engine, form_request(action("ReceiveMessage") + "&WaitTimeSeconds=2")));
  CHECK_FALSE(query_hot_path(*f.engine, form_request(action("ReceiveMessage") + "&ReceiveRequestAttemptId=r")));
  CHECK_FALSE(query_hot_path(*f.engine,
                             form_request(action("ReceiveMessage") + "&AttributeName.1=All&AttributeName.1=SenderId")));
  CHECK_FALSE(
      query_hot_path(*f.engine, form_request(action("ReceiveMessage") + "&WaitTimeSeconds=0&WaitTimeSeconds=0")));
}

TEST_CASE(
    "Query SendMessage, DeleteMessage and ChangeMessageVisibility: the hot path answers as the general path does") {
  Twin t;
  t.create("hot");
  t.create("hot.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  auto sent = t.same_answer(action("SendMessage") + "&MessageBody=hello+%26+%3Cyou%3E");
  CHECK(sent.body.find("<SendMessageResult><MD5OfMessageBody>") != std::string::npos);
  t.same_answer(action("SendMessage") + "&MessageBody=later&DelaySeconds=5");
  t.same_answer(action("SendMessage") + "&MessageBody=late&DelaySeconds=901");
  t.same_answer(action("SendMessage"));
  t.same_answer("Action=SendMessage&Version=2012-11-05&QueueUrl=" + kEncodedUrl +
                ".fifo&MessageBody=f&MessageGroupId=g");
  t.same_answer(action("DeleteMessage") + "&ReceiptHandle=garbage");
  t.same_answer(action("ChangeMessageVisibility") + "&ReceiptHandle=garbage&VisibilityTimeout=10");

  auto handle_of = [](Fixture& f) {
    auto got = f.call("ReceiveMessage", R"({"QueueUrl":")" + kUrl + R"("})");
    REQUIRE(got);
    return str(got->at("Messages").at(0).at("ReceiptHandle"));
  };
  std::string hot_handle = handle_of(t.hot), general_handle = handle_of(t.general);
  for (const std::string& request : {action("ChangeMessageVisibility") + "&VisibilityTimeout=60&ReceiptHandle=",
                                     action("DeleteMessage") + "&ReceiptHandle="}) {
    CAPTURE(request);
    auto fast = query_hot_path(*t.hot.engine, form_request(request + hot_handle));
    REQUIRE(fast);
    http::Response slow = general_path(t.general, form_request(request + general_handle));
    CHECK(fast->status == slow.status);
    CHECK(normalized(fast->body) == normalized(slow.body));
    CHECK(fast->body.find("Result>") == std::string::npos);  // these actions answer no Result element
  }
  CHECK(visible_messages(t.hot, kUrl) == visible_messages(t.general, kUrl));

  for (const std::string& request : {action("DeleteMessage"), action("ChangeMessageVisibility") + "&ReceiptHandle=h",
                                     action("ChangeMessageVisibility") + "&ReceiptHandle=h&VisibilityTimeout=soon",
                                     action("SendMessage") + "&MessageBody=x&MessageAttribute.1.Name=a",
                                     action("DeleteMessage") + "&ReceiptHandle=a&ReceiptHandle=b"}) {
    CAPTURE(request);
    CHECK_FALSE(query_hot_path(*t.hot.engine, form_request(request)));
  }
}
