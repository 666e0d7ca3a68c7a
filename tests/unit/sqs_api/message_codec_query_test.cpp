// The Query side of the typed message codecs (message_actions.h): every message action's answers to
// well-formed and malformed form-encoded requests checked against the answers the general path
// (the Query kit's shape-driven conversion into a tree, then SqsActions) gave
// (message_codec_support.h).

#include <doctest/doctest.h>

#include <regex>

#include "message_codec_support.h"

using namespace sluice::api::sqs_wire;
using namespace sluice::api::sqs_wire::testing;
namespace http = sluice::api::http;

namespace {

constexpr GoldenAnswer kGolden[] = {
#include "golden_query.inc"
};

const std::string kUrl = "http://localhost:9324/123456789012/q";
const std::string kEncodedUrl = "http%3A%2F%2Flocalhost%3A9324%2F123456789012%2Fq";

http::Request form_request(const std::string& body, const std::string& path = "/") {
  http::Request r;
  r.method = "POST";
  r.path = path;
  r.headers = {{"host", "localhost:9324"}, {"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = body;
  return r;
}

// Action=<name>&Version=...&QueueUrl=<queue>
std::string action(const std::string& name, const std::string& queue = "q") {
  return "Action=" + name + "&Version=2012-11-05&QueueUrl=http%3A%2F%2Flocalhost%3A9324%2F123456789012%2F" + queue;
}

struct Cases {
  Fixture f;
  GoldenAnswers golden{kGolden};

  http::Response run(std::string_view name, const std::string& body, const std::string& path = "/") {
    http::Response answer = wire_answer(*f.engine, form_request(body, path));
    golden.check(name, answer_text(answer, false));
    return answer;
  }

  std::vector<std::string> handles(const http::Response& received) {
    static const std::regex kHandle("<ReceiptHandle>([^<]*)</ReceiptHandle>");
    std::vector<std::string> out;
    for (std::sregex_iterator it(received.body.begin(), received.body.end(), kHandle), end; it != end; ++it) {
      std::string handle = (*it)[1].str();
      std::string encoded;
      for (char ch : handle) {
        if (ch == '+' || ch == '/' || ch == '=') {
          static const char* kHex = "0123456789ABCDEF";
          encoded += '%';
          encoded += kHex[static_cast<unsigned char>(ch) >> 4];
          encoded += kHex[static_cast<unsigned char>(ch) & 15];
        } else {
          encoded += ch;
        }
      }
      out.push_back(encoded);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("Query SendMessage: answers and errors as the general path gave them") {
  Cases c;
  c.f.create("q");
  c.f.create("q.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  const std::string a = "&MessageAttribute.";
  c.run("send plain", action("SendMessage") + "&MessageBody=hello+world");
  c.run("send escaped", action("SendMessage") + "&MessageBody=%3Cxml%3E+%26+%22q%22+%0D%0A+caf%C3%A9");
  c.run("send attributes", action("SendMessage") + "&MessageBody=x" + a + "1.Name=s" + a + "1.Value.DataType=String" +
                               a + "1.Value.StringValue=v+%22q%22" + a + "2.Name=b" + a + "2.Value.DataType=Binary" +
                               a + "2.Value.BinaryValue=AAH%2F" + a + "3.Name=n" + a + "3.Value.DataType=Number" + a +
                               "3.Value.StringValue=42" +
                               "&MessageSystemAttribute.1.Name=AWSTraceHeader"
                               "&MessageSystemAttribute.1.Value.DataType=String"
                               "&MessageSystemAttribute.1.Value.StringValue=Root%3D1");
  c.run("send attributes out of order, one repeated",
        action("SendMessage") + "&MessageBody=x" + a + "3.Name=a" + a + "3.Value.DataType=String" + a +
            "3.Value.StringValue=last" + a + "1.Name=a" + a + "1.Value.DataType=Number" + a + "1.Value.StringValue=x" +
            a + "02.Name=b" + a + "2.Value.DataType=String" + a + "2.Value.StringValue=two");
  c.run("send attribute bad base64", action("SendMessage") + "&MessageBody=x" + a + "1.Name=b" + a +
                                         "1.Value.DataType=Binary" + a + "1.Value.BinaryValue=***");
  c.run("send attribute without value", action("SendMessage") + "&MessageBody=x" + a + "1.Name=a");
  c.run("send attribute without name",
        action("SendMessage") + "&MessageBody=x" + a + "1.Value.DataType=String" + a + "1.Value.StringValue=v");
  c.run("send attribute bare index", action("SendMessage") + "&MessageBody=x" + a + "1=v");
  c.run("send delay", action("SendMessage") + "&MessageBody=later&DelaySeconds=5");
  c.run("send delay not a number", action("SendMessage") + "&MessageBody=x&DelaySeconds=soon");
  c.run("send delay empty", action("SendMessage") + "&MessageBody=x&DelaySeconds=");
  c.run("send delay 5.0", action("SendMessage") + "&MessageBody=x&DelaySeconds=5.0");
  c.run("send delay too long", action("SendMessage") + "&MessageBody=x&DelaySeconds=901");
  c.run("send delay error before queue error", "Action=SendMessage&QueueUrl=nowhere&MessageBody=x&DelaySeconds=x");
  c.run("send delay error before base64 error", action("SendMessage") + "&MessageBody=x" + a + "1.Name=b" + a +
                                                    "1.Value.DataType=Binary" + a +
                                                    "1.Value.BinaryValue=***&DelaySeconds=x");
  c.run("send body repeated", action("SendMessage") + "&MessageBody=first&MessageBody=last");
  c.run("send unknown parameters", action("SendMessage") + "&MessageBody=x&Unknown=1&Id=a&MessageBodyX=y");
  c.run("send no body", action("SendMessage"));
  c.run("send empty body", action("SendMessage") + "&MessageBody=");
  c.run("send bad character", action("SendMessage") + "&MessageBody=bad%01char");
  c.run("send no QueueUrl", "Action=SendMessage&Version=2012-11-05&MessageBody=x");
  c.run("send queue by path", "Action=SendMessage&Version=2012-11-05&MessageBody=x", "/123456789012/q");
  c.run("send missing queue", action("SendMessage", "missing") + "&MessageBody=x");
  c.run("send bad QueueUrl", "Action=SendMessage&QueueUrl=nowhere&MessageBody=x");
  c.run("send fifo", action("SendMessage", "q.fifo") + "&MessageBody=f&MessageGroupId=g");
  c.run("send fifo dedup id",
        action("SendMessage", "q.fifo") + "&MessageBody=f&MessageGroupId=g&MessageDeduplicationId=d");
  c.run("send fifo no group", action("SendMessage", "q.fifo") + "&MessageBody=f");
}

TEST_CASE("Query SendMessageBatch: answers and errors as the general path gave them") {
  Cases c;
  c.f.create("q");
  c.f.create("q.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  const std::string e = "&SendMessageBatchRequestEntry.";
  c.run("batch mixed", action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=hello+world" + e + "2.Id=b" + e +
                           "2.MessageBody=%3Cxml%3E+%26+%22q%22+%0D%0A+caf%C3%A9" + e + "2.DelaySeconds=5" + e +
                           "3.Id=c" + e + "3.MessageBody=bad%01char" + e + "4.Id=d" + e + "4.MessageBody=late" + e +
                           "4.DelaySeconds=901" + e + "5.Id=e");
  c.run("batch out of order", action("SendMessageBatch") + e + "2.Id=second" + e + "2.MessageBody=2" + e +
                                  "1.Id=first" + e + "1.MessageBody=1");
  c.run("batch with gaps",
        action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=x" + e + "3.Id=c" + e + "3.MessageBody=z");
  c.run("batch leading zero joins entry 1", action("SendMessageBatch") + e + "01.Id=a" + e + "1.MessageBody=x");
  c.run("batch index 11", action("SendMessageBatch") + e + "11.Id=a" + e + "11.MessageBody=x");
  c.run("batch attributes", action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=x" + e +
                                "1.MessageAttribute.1.Name=k" + e + "1.MessageAttribute.1.Value.DataType=String" + e +
                                "1.MessageAttribute.1.Value.StringValue=v" + e + "2.Id=b" + e + "2.MessageBody=y" + e +
                                "2.MessageSystemAttribute.1.Name=AWSTraceHeader" + e +
                                "2.MessageSystemAttribute.1.Value.DataType=String" + e +
                                "2.MessageSystemAttribute.1.Value.StringValue=Root%3D1");
  c.run("batch entry bad base64", action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=x" + e +
                                      "1.MessageAttribute.1.Name=b" + e + "1.MessageAttribute.1.Value.DataType=Binary" +
                                      e + "1.MessageAttribute.1.Value.BinaryValue=%3F");
  c.run("batch delay not a number in entry 2", action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=x" + e +
                                                   "2.Id=b" + e + "2.MessageBody=y" + e + "2.DelaySeconds=soon" + e +
                                                   "1.DelaySeconds=later");
  c.run("batch empty", action("SendMessageBatch"));
  c.run("batch duplicate ids",
        action("SendMessageBatch") + e + "1.Id=a" + e + "1.MessageBody=1" + e + "2.Id=a" + e + "2.MessageBody=2");
  c.run("batch entry of unknown fields", action("SendMessageBatch") + e + "1.Foo=x");
  c.run("batch bare entry ignored", action("SendMessageBatch") + e + "1=x" + e + "2.Id=b" + e + "2.MessageBody=y");
  std::string eleven = action("SendMessageBatch");
  for (int i = 1; i <= 11; ++i) {
    eleven += e + std::to_string(i) + ".Id=m" + std::to_string(i) + e + std::to_string(i) + ".MessageBody=x";
  }
  c.run("batch eleven entries", eleven);
  c.run("batch missing queue", action("SendMessageBatch", "missing") + e + "1.Id=a" + e + "1.MessageBody=x");
  c.run("batch by path", "Action=SendMessageBatch&Version=2012-11-05" + e + "1.Id=a" + e + "1.MessageBody=by+path",
        "/123456789012/q");
  c.run("batch fifo", action("SendMessageBatch", "q.fifo") + e + "1.Id=a" + e + "1.MessageBody=1" + e +
                          "1.MessageGroupId=g" + e + "2.Id=b" + e + "2.MessageBody=2" + e + "2.MessageGroupId=g" + e +
                          "2.MessageDeduplicationId=d2" + e + "3.Id=c" + e + "3.MessageBody=3");
  c.run("batch fifo, every entry in a group",
        action("SendMessageBatch", "q.fifo") + e + "1.Id=a" + e + "1.MessageBody=1" + e + "1.MessageGroupId=g" + e +
            "2.Id=b" + e + "2.MessageBody=2" + e + "2.MessageGroupId=g" + e + "2.MessageDeduplicationId=d2");
}

TEST_CASE("Query ReceiveMessage: answers and errors as the general path gave them") {
  Cases c;
  c.f.create("q");
  c.f.create("empty");
  c.f.create("q.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  REQUIRE(c.f.call("SendMessage",
                   R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"with <attributes> & \r more","MessageAttributes":{
      "s":{"DataType":"String","StringValue":"v \"q\""},"n":{"DataType":"Number","StringValue":"42"},
      "b":{"DataType":"Binary","BinaryValue":"AAEC"}}})"));
  REQUIRE(c.f.call("SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"plain"})"));
  REQUIRE(c.f.call("SendMessage", R"({"QueueUrl":")" + kUrl + R"(.fifo","MessageBody":"f","MessageGroupId":"g"})"));
  c.f.clock->advance_ms(1500);
  c.run("receive everything", action("ReceiveMessage") +
                                  "&MaxNumberOfMessages=10&VisibilityTimeout=0&AttributeName.1=All"
                                  "&MessageSystemAttributeName.1=SenderId&MessageAttributeName.1=All");
  c.run("receive selected, indexes out of order",
        action("ReceiveMessage") +
            "&MaxNumberOfMessages=10&VisibilityTimeout=0&MessageAttributeName.2=b.*&MessageAttributeName.1=s"
            "&MessageSystemAttributeName.2=SentTimestamp&MessageSystemAttributeName.1=ApproximateReceiveCount");
  c.run("receive attribute name repeated",
        action("ReceiveMessage") + "&VisibilityTimeout=0&AttributeName.1=All&AttributeName.1=SenderId");
  c.run("receive max 11", action("ReceiveMessage") + "&MaxNumberOfMessages=11");
  c.run("receive max not a number", action("ReceiveMessage") + "&MaxNumberOfMessages=ten");
  c.run("receive integer errors in the model's order",
        action("ReceiveMessage") + "&WaitTimeSeconds=x&VisibilityTimeout=y&MaxNumberOfMessages=z");
  c.run("receive wait 21", action("ReceiveMessage") + "&WaitTimeSeconds=21");
  c.run("receive unknown attribute name", action("ReceiveMessage") + "&AttributeName.1=NoSuch");
  c.run("receive attempt id", action("ReceiveMessage") + "&ReceiveRequestAttemptId=r&VisibilityTimeout=0");
  c.run("receive fifo attempt id", action("ReceiveMessage", "q.fifo") + "&ReceiveRequestAttemptId=r1");
  c.run("receive fifo same attempt id", action("ReceiveMessage", "q.fifo") + "&ReceiveRequestAttemptId=r1");
  c.run("receive empty queue", action("ReceiveMessage", "empty") + "&WaitTimeSeconds=0");
  c.run("receive empty queue that may wait", action("ReceiveMessage", "empty") + "&WaitTimeSeconds=2");
  c.run("receive missing queue", action("ReceiveMessage", "missing"));
  c.run("receive by path", "Action=ReceiveMessage&VisibilityTimeout=0", "/123456789012/q");
}

TEST_CASE(
    "Query DeleteMessage(Batch), ChangeMessageVisibility(Batch): answers and errors as the general path gave them") {
  Cases c;
  c.f.create("q");
  for (const char* body : {"m1", "m2", "m3"}) {
    REQUIRE(c.f.call("SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":")" + body + "\"}"));
  }
  std::vector<std::string> h = c.handles(c.run("take three", action("ReceiveMessage") + "&MaxNumberOfMessages=3"));
  REQUIRE(h.size() == 3);
  c.run("change visibility too long",
        action("ChangeMessageVisibility") + "&VisibilityTimeout=43201&ReceiptHandle=" + h[0]);
  c.run("change visibility", action("ChangeMessageVisibility") + "&VisibilityTimeout=60&ReceiptHandle=" + h[0]);
  c.run("change without visibility", action("ChangeMessageVisibility") + "&ReceiptHandle=" + h[0]);
  c.run("change visibility not a number",
        action("ChangeMessageVisibility") + "&ReceiptHandle=h&VisibilityTimeout=soon");
  c.run("change without handle, visibility not a number",
        action("ChangeMessageVisibility") + "&VisibilityTimeout=soon");
  c.run("change garbage handle", action("ChangeMessageVisibility") + "&ReceiptHandle=garbage&VisibilityTimeout=10");
  c.run("delete garbage handle", action("DeleteMessage") + "&ReceiptHandle=garbage");
  c.run("delete without handle", action("DeleteMessage"));
  c.run("delete handle repeated, last good", action("DeleteMessage") + "&ReceiptHandle=a&ReceiptHandle=" + h[0]);
  c.run("delete missing queue", action("DeleteMessage", "missing") + "&ReceiptHandle=a");
  const std::string v = "&ChangeMessageVisibilityBatchRequestEntry.";
  c.run("change batch", action("ChangeMessageVisibilityBatch") + v + "1.Id=ok" + v + "1.ReceiptHandle=" + h[1] + v +
                            "1.VisibilityTimeout=30" + v + "2.Id=bad" + v + "2.ReceiptHandle=garbage" + v +
                            "2.VisibilityTimeout=30" + v + "3.Id=none" + v + "3.ReceiptHandle=" + h[1]);
  c.run("change batch empty", action("ChangeMessageVisibilityBatch"));
  c.run("change batch visibility not a number",
        action("ChangeMessageVisibilityBatch") + v + "1.Id=a" + v + "1.ReceiptHandle=x" + v + "1.VisibilityTimeout=x");
  const std::string d = "&DeleteMessageBatchRequestEntry.";
  c.run("delete batch", action("DeleteMessageBatch") + d + "1.Id=ok" + d + "1.ReceiptHandle=" + h[1] + d + "2.Id=bad" +
                            d + "2.ReceiptHandle=garbage" + d + "3.Id=two" + d + "3.ReceiptHandle=" + h[2]);
  c.run("delete batch empty", action("DeleteMessageBatch"));
  c.run("delete batch handle missing", action("DeleteMessageBatch") + d + "1.Id=a");
  c.run("delete batch duplicate ids",
        action("DeleteMessageBatch") + d + "1.Id=x" + d + "1.ReceiptHandle=a" + d + "2.Id=x" + d + "2.ReceiptHandle=b");
  c.run("delete batch by path", "Action=DeleteMessageBatch" + d + "1.Id=a" + d + "1.ReceiptHandle=garbage",
        "/123456789012/q");
}
