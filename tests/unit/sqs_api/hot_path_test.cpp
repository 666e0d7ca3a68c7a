// The hot path (hot_path.h) against the general path: the same requests go to both, each on its
// own engine prepared the same way on the same manual clock, and the answers must match member for
// member (only the random MessageId and ReceiptHandle values differ). Requests the hot path must
// leave alone come back as nullopt with nothing changed. The JSON reader and writer underneath are
// checked against Boost.JSON directly.

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <functional>

#include "hot_path.h"
#include "hot_path_support.h"
#include "sluice/api/json/json.h"
#include "sluice/common/json_plain_run.h"
#include "wire.h"

using namespace sluice::api::sqs_wire;
using namespace sluice::api::sqs_wire::detail;
using sluice::api::json::is_valid_utf8;
using sluice::api::json::JsonScanner;
using sluice::api::json::JsonWriter;
using namespace sluice::api::sqs_wire::testing;
namespace json = boost::json;
namespace http = sluice::api::http;

namespace {

http::Request json_request(const std::string& action, const std::string& body, const std::string& path = "/") {
  http::Request r;
  r.method = "POST";
  r.path = path;
  r.headers = {{"host", "localhost:9324"},
               {"x-amz-target", "AmazonSQS." + action},
               {"content-type", "application/x-amz-json-1.0"}};
  r.body = body;
  return r;
}

// MessageId and ReceiptHandle values are random; everything else must be equal.
json::value normalized(std::string_view body) {
  json::value v = json::parse(body);
  std::function<void(json::value&)> walk = [&](json::value& x) {
    if (x.is_object()) {
      for (auto& [k, member] : x.as_object()) {
        if (k == "MessageId" || k == "ReceiptHandle") member = "*";
        walk(member);
      }
    } else if (x.is_array()) {
      for (auto& e : x.as_array()) walk(e);
    }
  };
  walk(v);
  return v;
}

// The JSON hot path next to the general path, on twin engines.
struct Twin : TwinEngines {
  // The general path's answer goes to *general_answer when asked for.
  http::Response same_answer(const std::string& action, const std::string& body, const std::string& path = "/",
                             http::Response* general_answer = nullptr) {
    return compare(
        json_request(action, body, path),
        [](sluice::sqs::Engine& engine, const http::Request& r) { return hot_json(engine, r); }, normalized,
        general_answer);
  }
};

const std::string kUrl = "http://localhost:9324/123456789012/hot";

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
        CHECK(sluice::json_plain_run(s.data(), s.size()) == at);
      }
    }
  }
  CHECK(sluice::is_ascii("plain ascii text", 16));
  CHECK_FALSE(sluice::is_ascii("caf\xc3\xa9 and more", 14));
}

TEST_CASE("JsonScanner reads strings as Boost.JSON does and refuses what it cannot read exactly") {
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
                          R"({"a" [1]})", R"({"a":[1])", R"({"\u0061":[1]})"}) {
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

TEST_CASE("SendMessageBatch: the hot path answers as the general path does") {
  Twin t;
  t.create("hot");
  t.create("hot.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  // Successes, per-entry failures, an escaped body, a delayed entry.
  t.same_answer("SendMessageBatch", R"({"QueueUrl":")" + kUrl + R"(","Entries":[
      {"Id":"a","MessageBody":"hello"},
      {"Id":"b","MessageBody":"line\nbreak \"quoted\" \u00e9 \ud83d\ude00","DelaySeconds":5},
      {"Id":"c","MessageBody":"bad \u0001 char"},
      {"Id":"d","MessageBody":"too late","DelaySeconds":901},
      {"Id":"e"}]})");
  // Whole-request errors.
  t.same_answer("SendMessageBatch", R"({"QueueUrl":")" + kUrl + R"(","Entries":[]})");
  t.same_answer("SendMessageBatch", R"({"QueueUrl":")" + kUrl + R"("})");
  t.same_answer("SendMessageBatch", R"({"QueueUrl":")" + kUrl +
                                        R"(","Entries":[{"Id":"a","MessageBody":"1"},{"Id":"a","MessageBody":"2"}]})");
  t.same_answer("SendMessageBatch", R"({"QueueUrl":")" + kUrl + R"(","Entries":[{"Id":"bad id!","MessageBody":"1"}]})");
  std::string eleven;
  for (int i = 0; i < 11; ++i)
    eleven += std::string(i ? "," : "") + R"({"Id":"m)" + std::to_string(i) + R"(","MessageBody":"x"})";
  t.same_answer("SendMessageBatch", R"({"QueueUrl":")" + kUrl + R"(","Entries":[)" + eleven + "]}");
  t.same_answer(
      "SendMessageBatch",
      R"({"QueueUrl":"http://localhost:9324/123456789012/missing","Entries":[{"Id":"a","MessageBody":"x"}]})");
  t.same_answer("SendMessageBatch", R"({"QueueUrl":"not a url","Entries":[{"Id":"a","MessageBody":"x"}]})");
  t.same_answer("SendMessageBatch", R"({"Entries":[{"Id":"a","MessageBody":"x"}]})");
  // The queue named by the request path; FIFO entries with and without a group.
  t.same_answer("SendMessageBatch", R"({"Entries":[{"Id":"a","MessageBody":"by path"}]})", "/123456789012/hot");
  auto fifo = t.same_answer("SendMessageBatch", R"({"QueueUrl":")" + kUrl + R"(.fifo","Entries":[
      {"Id":"a","MessageBody":"1","MessageGroupId":"g"},
      {"Id":"b","MessageBody":"2","MessageGroupId":"g","MessageDeduplicationId":"d2"},
      {"Id":"c","MessageBody":"3"}]})");
  CHECK(fifo.body.find("SequenceNumber") != std::string::npos);
  CHECK(visible_messages(t.hot, kUrl) == visible_messages(t.general, kUrl));
}

TEST_CASE("ReceiveMessage and DeleteMessageBatch: the hot path answers as the general path does") {
  Twin t;
  t.create("hot");
  t.both("SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"with attributes","MessageAttributes":{
      "s":{"DataType":"String","StringValue":"v \"q\""},"n":{"DataType":"Number","StringValue":"42"},
      "b":{"DataType":"Binary","BinaryValue":"AAEC"}}})");
  t.both("SendMessage", R"({"QueueUrl":")" + kUrl + R"(","MessageBody":"plain"})");
  t.hot.clock->advance_ms(1500);
  t.general.clock->advance_ms(1500);

  t.same_answer("ReceiveMessage", R"({"QueueUrl":")" + kUrl + R"(","MaxNumberOfMessages":10,"VisibilityTimeout":0,
      "AttributeNames":["All"],"MessageSystemAttributeNames":["SenderId"],"MessageAttributeNames":["All"]})");
  t.same_answer("ReceiveMessage", R"({"QueueUrl":")" + kUrl + R"(","MaxNumberOfMessages":10,"VisibilityTimeout":0,
      "MessageAttributeNames":["s","b.*"]})");
  // Invalid values: the engine's errors.
  t.same_answer("ReceiveMessage", R"({"QueueUrl":")" + kUrl + R"(","MaxNumberOfMessages":11})");
  t.same_answer("ReceiveMessage", R"({"QueueUrl":")" + kUrl + R"(","WaitTimeSeconds":21})");
  t.same_answer("ReceiveMessage", R"({"QueueUrl":")" + kUrl + R"(","VisibilityTimeout":-1})");
  t.same_answer("ReceiveMessage", R"({"QueueUrl":")" + kUrl + R"(","AttributeNames":["NoSuch"]})");

  // Each side takes both messages, then deletes with one good and one bad handle of its own.
  http::Response general_taken;
  http::Response hot_taken = t.same_answer(
      "ReceiveMessage", R"({"QueueUrl":")" + kUrl + R"(","MaxNumberOfMessages":10})", "/", &general_taken);
  auto delete_body = [&](const http::Response& taken) {
    json::value messages = json::parse(taken.body);
    REQUIRE(messages.at("Messages").as_array().size() == 2);
    std::string handle(messages.at("Messages").at(0).at("ReceiptHandle").as_string());
    return R"({"QueueUrl":")" + kUrl + R"(","Entries":[{"Id":"ok","ReceiptHandle":")" + handle +
           R"("},{"Id":"bad","ReceiptHandle":"garbage"}]})";
  };
  auto fast = hot_json(*t.hot.engine, json_request("DeleteMessageBatch", delete_body(hot_taken)));
  REQUIRE(fast);
  http::Response slow = general_path(t.general, json_request("DeleteMessageBatch", delete_body(general_taken)));
  CHECK(fast->status == slow.status);
  CHECK(fast->body == slow.body);
  CHECK(fast->body.find(R"("Successful":[{"Id":"ok"}])") != std::string::npos);
  t.same_answer("DeleteMessageBatch", R"({"QueueUrl":")" + kUrl + R"(","Entries":[]})");
  t.same_answer(
      "DeleteMessageBatch",
      R"({"QueueUrl":")" + kUrl + R"(","Entries":[{"Id":"x","ReceiptHandle":"a"},{"Id":"x","ReceiptHandle":"b"}]})");
}

TEST_CASE("The hot path leaves alone what it does not read exactly, and changes nothing doing so") {
  Fixture f;
  std::string url = f.create("hot");
  const std::string q = R"("QueueUrl":")" + url + R"(")";
  for (
      const std::string& body : {
          R"({)" + q +
              R"(,"Entries":[{"Id":"a","MessageBody":"x","MessageAttributes":{"k":{"DataType":"String","StringValue":"v"}}}]})",
          R"({)" + q + R"(,"Entries":[{"Id":"a","MessageBody":"x","DelaySeconds":1.0}]})",
          R"({)" + q + R"(,"Entries":[{"Id":"a","MessageBody":null}]})",
          R"({)" + q + R"(,"Entries":[{"Id":"a","MessageBody":"x","MessageBody":"y"}]})",
          R"({)" + q + R"(,)" + q + R"(,"Entries":[{"Id":"a","MessageBody":"x"}]})",
          R"({)" + q + R"(,"Entries":[{"Id":"a","MessageBody":"x"}],"Unknown":1})",
          R"({)" + q + R"(,"Entries":{"Id":"a"}})",
          R"({)" + q + R"(,"Entries":[{"Id":"a","MessageBody":"x"}])",
          R"({)" + q + R"(,"Entries":[{"Id":"a","MessageBody":"x"}]} trailing)",
          std::string(""),
          std::string("[]"),
      }) {
    CAPTURE(body);
    CHECK_FALSE(hot_json(*f.engine, json_request("SendMessageBatch", body)).has_value());
  }
  CHECK(visible_messages(f, url) == 0);
  CHECK_FALSE(hot_json(*f.engine, json_request("PurgeQueue", R"({)" + q + R"(})")));  // not a hot action
  http::Request get = json_request("SendMessageBatch", R"({)" + q + R"(,"Entries":[{"Id":"a","MessageBody":"x"}]})");
  get.method = "GET";
  CHECK_FALSE(hot_json(*f.engine, get));
  CHECK(visible_messages(f, url) == 0);

  // A receive that found nothing: answered at once when it may not wait, left to the parker when
  // it may; one carrying a FIFO attempt id is always left to the general path.
  auto empty = hot_json(*f.engine, json_request("ReceiveMessage", R"({)" + q + R"(,"WaitTimeSeconds":0})"));
  REQUIRE(empty);
  CHECK(empty->body == "{}");
  CHECK_FALSE(hot_json(*f.engine, json_request("ReceiveMessage", R"({)" + q + R"(,"WaitTimeSeconds":2})")));
  CHECK_FALSE(hot_json(*f.engine, json_request("ReceiveMessage", R"({)" + q + R"(,"ReceiveRequestAttemptId":"r"})")));
}

TEST_CASE("SendMessage, DeleteMessage and ChangeMessageVisibility: the hot path answers as the general path does") {
  Twin t;
  t.create("hot");
  t.create("hot.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  const std::string q = R"("QueueUrl":")" + kUrl + R"(")";
  t.same_answer("SendMessage", "{" + q + R"(,"MessageBody":"hello \"there\" \u00e9"})");
  t.same_answer("SendMessage", "{" + q + R"(,"MessageBody":"later","DelaySeconds":5})");
  t.same_answer("SendMessage", "{" + q + R"(,"MessageBody":"too late","DelaySeconds":901})");
  t.same_answer("SendMessage", "{" + q + R"(,"MessageBody":"bad \u0002"})");
  t.same_answer("SendMessage", "{" + q + "}");
  t.same_answer("SendMessage", R"({"QueueUrl":")" + kUrl + R"(.fifo","MessageBody":"f","MessageGroupId":"g"})");
  t.same_answer("SendMessage", R"({"QueueUrl":")" + kUrl + R"(.fifo","MessageBody":"no group"})");
  t.same_answer("DeleteMessage", "{" + q + R"(,"ReceiptHandle":"garbage"})");
  t.same_answer("ChangeMessageVisibility", "{" + q + R"(,"ReceiptHandle":"garbage","VisibilityTimeout":10})");

  // Each side changes and deletes a message it received, with its own handle.
  auto handle_of = [](testing::Fixture& f) {
    auto got = f.call("ReceiveMessage", R"({"QueueUrl":")" + kUrl + R"("})");
    REQUIRE(got);
    return testing::str(got->at("Messages").at(0).at("ReceiptHandle"));
  };
  std::string hot_handle = handle_of(t.hot), general_handle = handle_of(t.general);
  for (const auto& [action, extra] :
       {std::pair<std::string, std::string>{"ChangeMessageVisibility", R"(,"VisibilityTimeout":43201)"},
        {"ChangeMessageVisibility", R"(,"VisibilityTimeout":60)"},
        {"DeleteMessage", ""}}) {
    CAPTURE(action);
    auto body = [&](const std::string& handle) {
      return "{" + q + R"(,"ReceiptHandle":")" + handle + "\"" + extra + "}";
    };
    auto fast = hot_json(*t.hot.engine, json_request(action, body(hot_handle)));
    REQUIRE(fast);
    http::Response slow = general_path(t.general, json_request(action, body(general_handle)));
    CHECK(fast->status == slow.status);
    CHECK(fast->body == slow.body);
  }
  CHECK(visible_messages(t.hot, kUrl) == visible_messages(t.general, kUrl));

  // What the general path words: missing members, members of other actions, attributes.
  for (const auto& [action, body] : {std::pair<std::string, std::string>{"DeleteMessage", "{" + q + "}"},
                                     {"ChangeMessageVisibility", "{" + q + R"(,"ReceiptHandle":"h"})"},
                                     {"SendMessage", "{" + q + R"(,"Id":"a","MessageBody":"x"})"},
                                     {"SendMessage", "{" + q + R"(,"MessageBody":"x","MessageAttributes":{}})"}}) {
    CAPTURE(body);
    CHECK_FALSE(hot_json(*t.hot.engine, json_request(action, body)));
  }
}
