// The JSON 1.0 side of the typed message codecs (message_actions.h): the JSON kit's reader and
// writer checked against Boost.JSON, then every message action's answers to well-formed and
// malformed requests checked against the answers the general path gave (message_codec_support.h).

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "message_codec_support.h"
#include "sluice/api/json/json.h"
#include "sluice/common/json_plain_run.h"

using namespace sluice::api::sqs_wire;
using namespace sluice::api::sqs_wire::testing;
using sluice::api::json::is_valid_utf8;
using sluice::api::json::JsonScanner;
using sluice::api::json::JsonWriter;
namespace json = boost::json;
namespace http = sluice::api::http;

namespace {

constexpr GoldenAnswer kGolden[] = {
#include "golden_json.inc"
};

}  // namespace

TEST_CASE("json_plain_run stops at the first byte JSON must escape, wherever it sits") {
  for (size_t length : {0, 1, 7, 8, 9, 16, 23, 40}) {
    for (int special : {0x00, 0x01, 0x1f, 0x22, 0x5c}) {  // NUL, SOH, US, '"', '\\'
      for (size_t at = 0; at <= length; ++at) {
        std::string s(length, 'a');
        for (size_t i = 0; i < length; ++i)
          s[i] = static_cast<char>(i % 2 ? 0x20 + static_cast<int>(i % 90) : 0xC3 + static_cast<int>(i % 20));
        for (char& c : s) {
          if (c == '"' || c == '\\') c = 'x';
        }
        if (at < length) s[at] = static_cast<char>(special);
        CAPTURE(length);
        CAPTURE(at);
        CHECK(sluice::common::json_plain_run(s.data(), s.size()) == at);
      }
    }
  }
  CHECK(sluice::common::is_ascii("plain ascii text", 16));
  CHECK_FALSE(sluice::common::is_ascii("caf\xc3\xa9 and more", 14));
  const std::string long_ascii(40, 'a');
  CHECK(sluice::common::is_ascii(long_ascii.data(), long_ascii.size()));
  for (size_t at : {0, 15, 16, 31, 39}) {
    std::string s = long_ascii;
    s[at] = static_cast<char>(0xC3);
    CAPTURE(at);
    CHECK_FALSE(sluice::common::is_ascii(s.data(), s.size()));
  }
}

TEST_CASE("JsonScanner reads strings and integers as Boost.JSON does") {
  for (const char* text : {R"("plain")", R"("esc \" \\ \/ \b \f \n \r \t")", R"("\u00e9\u4e2d\ud83d\ude00")",
                           R"("\u0000 nul")", "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"", R"("")"}) {
    CAPTURE(text);
    JsonScanner in(text);
    std::string out;
    REQUIRE(in.read_string(&out));
    CHECK(in.finished());
    CHECK(out == std::string(json::parse(text).as_string()));
  }
  for (const char* text : {R"("\ud83d")", R"("\ude00")", R"("\ud83d\u0041")", R"("\x")", R"("\u12")", "\"\xc3\"",
                           "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"tab\there\"", R"("open)"}) {
    CAPTURE(text);
    JsonScanner in(text);
    std::string out;
    CHECK_FALSE(in.read_string(&out));
  }
  for (const char* text : {"5", "-12", "0", "9223372036854775807", "-9223372036854775808"}) {
    JsonScanner in(text);
    int64_t v = 0;
    REQUIRE(in.read_int(&v));
    CHECK(v == json::parse(text).to_number<int64_t>());
  }
  for (const char* text : {"5.0", "1e3", "01", "-", "9223372036854775808", "\"5\"", "true", "null"}) {
    CAPTURE(text);
    JsonScanner in(text);
    int64_t v = 0;
    CHECK_FALSE(in.read_int(&v));
  }
}

TEST_CASE("JsonScanner walks objects and arrays and refuses malformed structure") {
  JsonScanner in(R"( { "a" : [ "x" , "y" ] , "b" : 3 } )");
  REQUIRE(in.begin_object());
  std::string_view name;
  REQUIRE(in.next_member(&name));
  CHECK(name == "a");
  REQUIRE(in.begin_array());
  std::string s;
  REQUIRE(in.next_element());
  REQUIRE(in.read_string(&s));
  REQUIRE(in.next_element());
  REQUIRE(in.read_string(&s));
  CHECK(s == "y");
  CHECK_FALSE(in.next_element());
  REQUIRE(in.next_member(&name));
  CHECK(name == "b");
  int64_t b = 0;
  REQUIRE(in.read_int(&b));
  CHECK_FALSE(in.next_member(&name));
  CHECK(in.finished());

  auto walks = [](std::string_view text) {
    JsonScanner sc(text);
    if (!sc.begin_object()) return false;
    std::string_view n;
    while (sc.next_member(&n)) {
      if (!sc.begin_array()) return false;
      while (sc.next_element()) {
        int64_t v;
        if (!sc.read_int(&v)) return false;
      }
    }
    return sc.finished();
  };
  CHECK(walks(R"({"a":[1,2],"b":[]})"));
  for (const char* bad : {R"({"a":[1,]})", R"({"a":[1 2]})", R"({,"a":[]})", R"({"a":[]} x)", R"({"a":[]},)",
                          R"({"a" [1]})", R"({"a":[1])"}) {
    CAPTURE(bad);
    CHECK_FALSE(walks(bad));
  }
}

TEST_CASE("JsonWriter escapes as Boost.JSON's serializer does") {
  std::string all;
  for (int c = 0; c < 128; ++c) all.push_back(static_cast<char>(c));
  all += "caf\xc3\xa9 \xf0\x9f\x98\x80";
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.member("k\"ey", all);
  w.key("list");
  w.begin_array();
  w.boolean(true);
  w.string("");
  w.begin_object();
  w.end_object();
  w.end_array();
  w.end_object();
  json::object expected;
  expected["k\"ey"] = all;
  expected["list"] = json::array{true, "", json::object{}};
  CHECK(out == json::serialize(expected));
}

TEST_CASE("JsonScanner accepts exactly what Boost.JSON's parser accepts, and reads integers as it does") {
  std::string deep(32, '['), too_deep(33, '[');
  deep += std::string(32, ']');
  too_deep += std::string(33, ']');
  for (const std::string& text : std::initializer_list<std::string>{
           R"({"a":1,"b":[true,false,null,"x",{"c":-0.5e-3}],"a":2})", R"({"\u0041\n":{}})", "[]", "{}", " {} ", "{}\f",
           "{} x", R"({"a":1,})", "[1,]", "[1 2]", R"({"a" 1})", "{\"a\":1}}", "tru", "nul", "NaN", "00", "-", "1.",
           ".5", "1e", "1e+", "+1", "1E2", "-0", "1e400", "1e-400",
           // exponents at and past Boost.JSON's limit (found by fuzz_json_scanner)
           "1e2147483647", "1e2147483648", "12e2147483647", "1.5e-2147483647", "1.55e-2147483647",
           "[1, 1e4005555555555555555555]", "1e0000000000005", "18446744073709551616", "/*c*/{}", R"("\ud83d")",
           R"("\ude00")", "\"\xc3\"", "\"ok\"", "\"tab\there\"", deep, too_deep,
           "{\"a\":" + std::string(31, '[') + std::string(31, ']') + "}",
           "{\"a\":" + std::string(32, '[') + std::string(32, ']') + "}"}) {
    CAPTURE(text);
    boost::system::error_code ec;
    json::parser parser;
    parser.write(text.data(), text.size(), ec);
    JsonScanner in(text);
    bool scanned = in.skip_value() && in.finished();
    CHECK(scanned == !ec);
  }
  // Integer members: int64 values, and doubles with an integral value within +-9e18.
  for (const auto& integer_case : std::initializer_list<std::pair<const char*, std::optional<int64_t>>>{
           {"5", 5},
           {"-12", -12},
           {"5.0", 5},
           {"1e3", 1000},
           {"-0", 0},
           {"1e-400", 0},
           {"9000000000000000000.0", 9000000000000000000},
           {"1.5", std::nullopt},
           {"9223372036854775808", std::nullopt},
           {"-9223372036854775809", std::nullopt},
           {"1e400", std::nullopt},
           {"1e19", std::nullopt}}) {
    // Named members, not a structured binding: clang 14 refuses CAPTURE's lambda capture of one.
    const char* text = integer_case.first;
    const std::optional<int64_t>& expected = integer_case.second;
    CAPTURE(text);
    JsonScanner in(text);
    std::optional<int64_t> value;
    REQUIRE(in.read_number(&value));
    CHECK(in.finished());
    CHECK(value == expected);
  }
}

namespace {

const std::string kUrl = "http://localhost:9324/123456789012/q";
const std::string kFifoUrl = "http://localhost:9324/123456789012/q.fifo";

// Runs the cases of one test against one engine, in order, each answer checked with the recorded
// one.
struct Cases {
  Fixture f;
  GoldenAnswers golden{kGolden};

  http::Response run(std::string_view name, std::string_view action, const std::string& body,
                     const std::string& path = "/") {
    http::Response answer = wire_answer(*f.engine, json_request(action, body, path));
    golden.check(name, answer_text(answer, true));
    return answer;
  }
  // {"QueueUrl":"<url>", members}
  http::Response on(std::string_view name, std::string_view action, const std::string& members,
                    const std::string& url = kUrl) {
    return run(name, action, R"({"QueueUrl":")" + url + "\"" + (members.empty() ? "" : "," + members) + "}");
  }

  std::vector<std::string> handles(const http::Response& received) {
    std::vector<std::string> out;
    json::value parsed = json::parse(received.body);
    for (const auto& m : parsed.at("Messages").as_array()) {
      out.emplace_back(m.at("ReceiptHandle").as_string());
    }
    return out;
  }
};

}  // namespace

TEST_CASE("SendMessage: answers and errors as the general path gave them") {
  Cases c;
  c.f.create("q");
  c.f.create("q.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  c.on("send plain", "SendMessage", R"("MessageBody":"hello")");
  c.on("send escaped body", "SendMessage", R"("MessageBody":"line\nbreak \"quoted\" \u00e9 \ud83d\ude00")");
  c.on("send attributes", "SendMessage", R"("MessageBody":"a","MessageAttributes":{
      "s":{"DataType":"String","StringValue":"v \"q\""},"n":{"DataType":"Number","StringValue":"42"},
      "b":{"DataType":"Binary","BinaryValue":"AAEC"},"l":{"DataType":"String.label","StringValue":"x","StringListValues":[]}},
      "MessageSystemAttributes":{"AWSTraceHeader":{"DataType":"String","StringValue":"Root=1-abc"}})");
  c.on("send attributes dup name", "SendMessage", R"("MessageBody":"a","MessageAttributes":{
      "a":{"DataType":"Number","StringValue":"x"},"b":{"DataType":"String","StringValue":"1"},
      "a":{"DataType":"String","StringValue":"last"}})");
  c.on("send attributes null", "SendMessage", R"("MessageBody":"a","MessageAttributes":null)");
  c.on("send attributes not a map", "SendMessage", R"("MessageBody":"a","MessageAttributes":[])");
  c.on("send attribute not an object", "SendMessage", R"("MessageBody":"a","MessageAttributes":{"a":"x"})");
  c.on("send attribute null", "SendMessage", R"("MessageBody":"a","MessageAttributes":{"a":null})");
  c.on("send attribute DataType number", "SendMessage",
       R"("MessageBody":"a","MessageAttributes":{"a":{"DataType":1,"StringValue":"v"}})");
  c.on("send attribute bad base64", "SendMessage",
       R"("MessageBody":"a","MessageAttributes":{"b":{"DataType":"Binary","BinaryValue":"***"}})");
  c.on("send attribute errors in order", "SendMessage", R"("MessageBody":"a","MessageAttributes":{
      "z":{"DataType":"Binary","BinaryValue":"***"},"a":{"DataType":"String","StringValue":7}})");
  c.on("send attribute without DataType", "SendMessage",
       R"("MessageBody":"a","MessageAttributes":{"a":{"StringValue":"v"}})");
  c.on("send attribute empty value", "SendMessage",
       R"("MessageBody":"a","MessageAttributes":{"a":{"DataType":"String","StringValue":""}})");
  c.on("send system attribute bad name", "SendMessage",
       R"("MessageBody":"a","MessageSystemAttributes":{"Foo":{"DataType":"String","StringValue":"x"}})");
  c.on("send system attribute bad base64", "SendMessage",
       R"("MessageBody":"a","MessageSystemAttributes":{"AWSTraceHeader":{"DataType":"Binary","BinaryValue":"!"}})");
  c.on("send delay", "SendMessage", R"("MessageBody":"later","DelaySeconds":5)");
  c.on("send delay 5.0", "SendMessage", R"("MessageBody":"later","DelaySeconds":5.0)");
  c.on("send delay 1e1", "SendMessage", R"("MessageBody":"later","DelaySeconds":1e1)");
  c.on("send delay -0", "SendMessage", R"("MessageBody":"now","DelaySeconds":-0)");
  c.on("send delay 1.5", "SendMessage", R"("MessageBody":"x","DelaySeconds":1.5)");
  c.on("send delay string", "SendMessage", R"("MessageBody":"x","DelaySeconds":"5")");
  c.on("send delay 2^63", "SendMessage", R"("MessageBody":"x","DelaySeconds":9223372036854775808)");
  c.on("send delay 1e400", "SendMessage", R"("MessageBody":"x","DelaySeconds":1e400)");
  c.on("send delay too long", "SendMessage", R"("MessageBody":"x","DelaySeconds":901)");
  c.on("send delay null", "SendMessage", R"("MessageBody":"x","DelaySeconds":null)");
  c.on("send body number", "SendMessage", R"("MessageBody":12)");
  c.on("send body object", "SendMessage", R"("MessageBody":{"a":1})");
  c.on("send body null", "SendMessage", R"("MessageBody":null)");
  c.on("send no body", "SendMessage", "");
  c.on("send bad character", "SendMessage", R"("MessageBody":"bad \u0002")");
  c.on("send body repeated, last good", "SendMessage", R"("MessageBody":12,"MessageBody":"ok")");
  c.on("send body repeated, last bad", "SendMessage", R"("MessageBody":"ok","MessageBody":12)");
  c.on("send unknown members", "SendMessage", R"("Foo":{"a":[1,2.5,{"b":null}],"c":true},"Id":"x","MessageBody":"k")");
  c.on("send escaped member name", "SendMessage", R"("Message\u0042ody":"via escape")");
  c.on("send body and delay mistyped", "SendMessage", R"("DelaySeconds":"x","MessageBody":1)");
  c.on("send group and dedup mistyped", "SendMessage",
       R"("MessageBody":"x","MessageDeduplicationId":1,"MessageGroupId":2)");
  c.on("send attributes and delay mistyped", "SendMessage",
       R"("MessageBody":"x","MessageAttributes":5,"DelaySeconds":"x")");
  c.run("send QueueUrl number", "SendMessage", R"({"MessageBody":5,"QueueUrl":5})");
  c.run("send QueueUrl null, queue by path", "SendMessage", R"({"QueueUrl":null,"MessageBody":"p"})",
        "/123456789012/q");
  c.run("send no QueueUrl", "SendMessage", R"({"MessageBody":"x"})");
  c.run("send bad QueueUrl", "SendMessage", R"({"QueueUrl":"not a url","MessageBody":"x"})");
  c.on("send missing queue before member errors", "SendMessage", R"("MessageBody":5)",
       "http://localhost:9324/123456789012/missing");
  c.on("send fifo", "SendMessage", R"("MessageBody":"f","MessageGroupId":"g")", kFifoUrl);
  c.on("send fifo dedup id", "SendMessage", R"("MessageBody":"f","MessageGroupId":"g","MessageDeduplicationId":"d")",
       kFifoUrl);
  c.on("send fifo no group", "SendMessage", R"("MessageBody":"f")", kFifoUrl);
  c.on("send fifo delay", "SendMessage", R"("MessageBody":"f","MessageGroupId":"g","DelaySeconds":1)", kFifoUrl);
  c.run("send invalid JSON", "SendMessage", "{");
  c.run("send trailing text", "SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"x"} x)");
  c.run("send array body", "SendMessage", "[]");
  c.run("send invalid array body", "SendMessage", "[1,]");
  c.run("send string body", "SendMessage", R"("text")");
  c.run("send empty body", "SendMessage", "");
  c.run("send whitespace body", "SendMessage", " \n\t");
  c.run("send lone surrogate", "SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"\ud83d"})");
  c.run("send type error then syntax error", "SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":1,})");
  c.on("send unknown member nested 31 deep", "SendMessage",
       R"("MessageBody":"d","X":)" + std::string(31, '[') + std::string(31, ']'));
  c.on("send unknown member nested 32 deep", "SendMessage",
       R"("MessageBody":"d","X":)" + std::string(32, '[') + std::string(32, ']'));
}

TEST_CASE("SendMessageBatch: answers and errors as the general path gave them") {
  Cases c;
  c.f.create("q");
  c.f.create("q.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  auto batch = [&](std::string_view name, const std::string& entries, const std::string& url = kUrl) {
    return c.on(name, "SendMessageBatch", R"("Entries":[)" + entries + "]", url);
  };
  batch("batch mixed", R"({"Id":"a","MessageBody":"hello"},
      {"Id":"b","MessageBody":"line\nbreak \"quoted\" \u00e9 \ud83d\ude00","DelaySeconds":5},
      {"Id":"c","MessageBody":"bad \u0001 char"},{"Id":"d","MessageBody":"too late","DelaySeconds":901},{"Id":"e"})");
  batch("batch attributes", R"({"Id":"a","MessageBody":"x","MessageAttributes":{
      "k":{"DataType":"String","StringValue":"v"},"b":{"DataType":"Binary","BinaryValue":"AAE="}},
      "MessageSystemAttributes":{"AWSTraceHeader":{"DataType":"String","StringValue":"Root=1"}}},
      {"Id":"b","MessageBody":"y","MessageAttributes":{"e":{"DataType":"String","StringValue":""}}})");
  batch("batch empty", "");
  c.on("batch no entries", "SendMessageBatch", "");
  c.on("batch entries null", "SendMessageBatch", R"("Entries":null)");
  c.on("batch entries an object", "SendMessageBatch", R"("Entries":{"Id":"a"})");
  batch("batch element a number", R"({"Id":"a","MessageBody":"x"},1)");
  batch("batch element null", R"(null)");
  batch("batch element errors before entry errors", R"({"Id":"a","MessageBody":5},7)");
  batch("batch duplicate ids", R"({"Id":"a","MessageBody":"1"},{"Id":"a","MessageBody":"2"})");
  batch("batch bad id", R"({"Id":"bad id!","MessageBody":"1"})");
  batch("batch id null", R"({"Id":null,"MessageBody":"1"})");
  batch("batch id number", R"({"Id":1,"MessageBody":"1"})");
  batch("batch id and body mistyped", R"({"Id":1,"MessageBody":2})");
  batch("batch second entry mistyped, first id mistyped",
        R"({"Id":1,"MessageBody":"x"},{"Id":"b","DelaySeconds":"x"})");
  batch("batch delay 5.0 and unknown members", R"({"Id":"a","MessageBody":"x","DelaySeconds":5.0,"Foo":[1]})");
  batch("batch entry bad base64",
        R"({"Id":"a","MessageBody":"x","MessageAttributes":{"b":{"DataType":"Binary","BinaryValue":"?"}}})");
  std::string eleven, eleven_bad;
  for (int i = 0; i < 11; ++i) {
    eleven += std::string(i ? "," : "") + R"({"Id":"m)" + std::to_string(i) + R"(","MessageBody":"x"})";
    eleven_bad += std::string(i ? "," : "") + R"({"Id":"m)" + std::to_string(i) + R"(","MessageBody":)" +
                  (i == 10 ? "1" : "\"x\"") + "}";
  }
  batch("batch eleven entries", eleven);
  batch("batch eleven entries, the last mistyped", eleven_bad);
  c.on("batch entries repeated, last good", "SendMessageBatch",
       R"("Entries":[{"Id":"a","MessageBody":1}],"Entries":[{"Id":"b","MessageBody":"ok"}])");
  c.run("batch missing queue", "SendMessageBatch",
        R"({"QueueUrl":"http://localhost:9324/123456789012/missing","Entries":[{"Id":"a","MessageBody":"x"}]})");
  c.run("batch by path", "SendMessageBatch", R"({"Entries":[{"Id":"a","MessageBody":"by path"}]})", "/123456789012/q");
  batch("batch fifo", R"({"Id":"a","MessageBody":"1","MessageGroupId":"g"},
      {"Id":"b","MessageBody":"2","MessageGroupId":"g","MessageDeduplicationId":"d2"},{"Id":"c","MessageBody":"3"})",
        kFifoUrl);
  batch("batch fifo, every entry in a group", R"({"Id":"a","MessageBody":"1","MessageGroupId":"g"},
      {"Id":"b","MessageBody":"2","MessageGroupId":"g","MessageDeduplicationId":"d2"})",
        kFifoUrl);
}

TEST_CASE("ReceiveMessage: answers and errors as the general path gave them") {
  Cases c;
  c.f.create("q");
  c.f.create("empty");
  c.f.create("q.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  REQUIRE(
      c.f.call("SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"with <attributes>","MessageAttributes":{
      "s":{"DataType":"String","StringValue":"v \"q\""},"n":{"DataType":"Number","StringValue":"42"},
      "b":{"DataType":"Binary","BinaryValue":"AAEC"}},
      "MessageSystemAttributes":{"AWSTraceHeader":{"DataType":"String","StringValue":"Root=1"}}})"));
  REQUIRE(c.f.call("SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"plain"})"));
  REQUIRE(c.f.call("SendMessage", R"({"QueueUrl":")" + kFifoUrl + R"(","MessageBody":"f","MessageGroupId":"g"})"));
  c.f.clock->advance_ms(1500);
  const std::string all = R"("MaxNumberOfMessages":10,"VisibilityTimeout":0,)";
  c.on("receive everything", "ReceiveMessage",
       all + R"("AttributeNames":["All"],"MessageSystemAttributeNames":["SenderId"],"MessageAttributeNames":["All"])");
  c.on(
      "receive selected attributes", "ReceiveMessage",
      all +
          R"("AttributeNames":["SentTimestamp"],"MessageSystemAttributeNames":["AWSTraceHeader","ApproximateReceiveCount"],"MessageAttributeNames":["s","b.*"])");
  c.on("receive max 5.0", "ReceiveMessage", R"("MaxNumberOfMessages":5.0,"VisibilityTimeout":0)");
  c.on("receive max 11", "ReceiveMessage", R"("MaxNumberOfMessages":11)");
  c.on("receive wait 21", "ReceiveMessage", R"("WaitTimeSeconds":21)");
  c.on("receive visibility -1", "ReceiveMessage", R"("VisibilityTimeout":-1)");
  c.on("receive unknown attribute name", "ReceiveMessage", R"("AttributeNames":["NoSuch"])");
  c.on("receive max string", "ReceiveMessage", R"("MaxNumberOfMessages":"10")");
  c.on("receive names not a list", "ReceiveMessage", R"("AttributeNames":"All")");
  c.on("receive names with a number", "ReceiveMessage", R"("MessageAttributeNames":["a",1])");
  c.on("receive names null", "ReceiveMessage", R"("AttributeNames":null,"VisibilityTimeout":0)");
  c.on("receive errors in AWS's order", "ReceiveMessage",
       R"("ReceiveRequestAttemptId":1,"AttributeNames":5,"WaitTimeSeconds":"x","MaxNumberOfMessages":"y")");
  c.on("receive attempt id mistyped", "ReceiveMessage", R"("ReceiveRequestAttemptId":7)");
  c.on("receive attempt id on a standard queue", "ReceiveMessage",
       R"("ReceiveRequestAttemptId":"r","VisibilityTimeout":0)");
  c.on("receive fifo with attempt id", "ReceiveMessage", R"("ReceiveRequestAttemptId":"r1","AttributeNames":["All"])",
       kFifoUrl);
  c.on("receive fifo with the same attempt id", "ReceiveMessage",
       R"("ReceiveRequestAttemptId":"r1","AttributeNames":["All"])", kFifoUrl);
  c.on("receive empty queue", "ReceiveMessage", R"("WaitTimeSeconds":0)", "http://localhost:9324/123456789012/empty");
  c.on("receive empty queue that may wait", "ReceiveMessage", R"("WaitTimeSeconds":2)",
       "http://localhost:9324/123456789012/empty");
  c.on("receive missing queue", "ReceiveMessage", "", "http://localhost:9324/123456789012/missing");
  c.run("receive by path", "ReceiveMessage", R"({"VisibilityTimeout":0})", "/123456789012/q");
  c.run("receive invalid JSON", "ReceiveMessage", R"({"QueueUrl":)");
}

TEST_CASE("DeleteMessage(Batch), ChangeMessageVisibility(Batch): answers and errors as the general path gave them") {
  Cases c;
  c.f.create("q");
  for (const char* body : {"m1", "m2", "m3"}) {
    REQUIRE(c.f.call("SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":")" + body + "\"}"));
  }
  http::Response received = c.on("take three", "ReceiveMessage", R"("MaxNumberOfMessages":3)");
  std::vector<std::string> h = c.handles(received);
  REQUIRE(h.size() == 3);
  auto handle = [](const std::string& value) { return R"("ReceiptHandle":")" + value + "\""; };

  c.on("change visibility too long", "ChangeMessageVisibility", handle(h[0]) + R"(,"VisibilityTimeout":43201)");
  c.on("change visibility", "ChangeMessageVisibility", handle(h[0]) + R"(,"VisibilityTimeout":60)");
  c.on("change visibility 5.0", "ChangeMessageVisibility", handle(h[0]) + R"(,"VisibilityTimeout":5.0)");
  c.on("change without visibility", "ChangeMessageVisibility", handle(h[0]));
  c.on("change visibility null", "ChangeMessageVisibility", handle(h[0]) + R"(,"VisibilityTimeout":null)");
  c.on("change visibility string", "ChangeMessageVisibility", handle(h[0]) + R"(,"VisibilityTimeout":"5")");
  c.on("change without handle, visibility string", "ChangeMessageVisibility", R"("VisibilityTimeout":"5")");
  c.on("change handle number", "ChangeMessageVisibility", R"("ReceiptHandle":5,"VisibilityTimeout":5)");
  c.on("change garbage handle", "ChangeMessageVisibility", R"("ReceiptHandle":"garbage","VisibilityTimeout":10)");
  c.on("change missing queue", "ChangeMessageVisibility", "", "http://localhost:9324/123456789012/missing");
  c.on("delete garbage handle", "DeleteMessage", R"("ReceiptHandle":"garbage")");
  c.on("delete without handle", "DeleteMessage", "");
  c.on("delete handle null", "DeleteMessage", R"("ReceiptHandle":null)");
  c.on("delete handle number", "DeleteMessage", R"("ReceiptHandle":5)");
  c.on("delete handle repeated, last good", "DeleteMessage", R"("ReceiptHandle":5,)" + handle(h[0]));
  c.on("delete again", "DeleteMessage", handle(h[0]));
  c.on("delete missing queue", "DeleteMessage", "", "http://localhost:9324/123456789012/missing");

  auto entries = [](const std::string& list) { return R"("Entries":[)" + list + "]"; };
  c.on("change batch", "ChangeMessageVisibilityBatch",
       entries(
           R"({"Id":"ok",)" + handle(h[1]) +
           R"(,"VisibilityTimeout":30},{"Id":"bad","ReceiptHandle":"garbage","VisibilityTimeout":30},{"Id":"none",)" +
           handle(h[1]) + "}"));
  c.on("change batch empty", "ChangeMessageVisibilityBatch", entries(""));
  c.on("change batch visibility mistyped", "ChangeMessageVisibilityBatch",
       entries(R"({"Id":"a","ReceiptHandle":"x","VisibilityTimeout":"5"})"));
  c.on("change batch handle mistyped, id mistyped", "ChangeMessageVisibilityBatch",
       entries(R"({"Id":"a","ReceiptHandle":"x"},{"Id":2,"ReceiptHandle":3})"));
  c.on(
      "change batch duplicate ids", "ChangeMessageVisibilityBatch",
      entries(
          R"({"Id":"a","ReceiptHandle":"x","VisibilityTimeout":1},{"Id":"a","ReceiptHandle":"y","VisibilityTimeout":1})"));
  c.on("delete batch", "DeleteMessageBatch",
       entries(R"({"Id":"ok",)" + handle(h[1]) + R"(},{"Id":"bad","ReceiptHandle":"garbage"},{"Id":"two",)" +
               handle(h[2]) + "}"));
  c.on("delete batch empty", "DeleteMessageBatch", entries(""));
  c.on("delete batch no entries", "DeleteMessageBatch", "");
  c.on("delete batch element not an object", "DeleteMessageBatch", entries(R"("x")"));
  c.on("delete batch handle mistyped", "DeleteMessageBatch", entries(R"({"Id":"a","ReceiptHandle":[]})"));
  c.on("delete batch handle missing", "DeleteMessageBatch", entries(R"({"Id":"a"})"));
  c.on("delete batch duplicate ids", "DeleteMessageBatch",
       entries(R"({"Id":"x","ReceiptHandle":"a"},{"Id":"x","ReceiptHandle":"b"})"));
  c.on("delete batch bad id", "DeleteMessageBatch", entries(R"({"Id":"a:b","ReceiptHandle":"a"})"));
  c.run("delete batch by path", "DeleteMessageBatch", R"({"Entries":[{"Id":"a","ReceiptHandle":"garbage"}]})",
        "/123456789012/q");
}
