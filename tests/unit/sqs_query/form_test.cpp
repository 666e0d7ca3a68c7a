#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "wire.h"

using namespace sluice;
using namespace sluice::api::query;
using namespace sluice::api::sqs_wire::detail;

TEST_CASE("parse_form decodes pairs in arrival order") {
  auto form = parse_form("Action=SendMessage&MessageBody=hello+world%21&QueueUrl=http%3A%2F%2Fh%3A9%2F1%2Fq");
  REQUIRE(form.ok());
  REQUIRE(form->size() == 3);
  CHECK((*form)[0] == std::pair<std::string_view, std::string_view>{"Action", "SendMessage"});
  CHECK((*form)[1].second == "hello world!");
  CHECK((*form)[2].second == "http://h:9/1/q");
}

TEST_CASE("parse_form: '+' is a space, %2B a plus, escapes in names, lower-case hex, UTF-8 bytes") {
  auto form = parse_form("a%2Eb=1%2b1+%3d+2&x=%e2%82%ac");
  REQUIRE(form.ok());
  REQUIRE(form->size() == 2);
  CHECK((*form)[0].first == "a.b");
  CHECK((*form)[0].second == "1+1 = 2");
  CHECK((*form)[1].second == "\xE2\x82\xAC");
}

TEST_CASE("parse_form: empty segments, missing '=', empty values, '=' inside values") {
  auto form = parse_form("&a=&&b&c=x=y&");
  REQUIRE(form.ok());
  REQUIRE(form->size() == 3);
  CHECK((*form)[0] == std::pair<std::string_view, std::string_view>{"a", ""});
  CHECK((*form)[1] == std::pair<std::string_view, std::string_view>{"b", ""});
  CHECK((*form)[2] == std::pair<std::string_view, std::string_view>{"c", "x=y"});
  // Empty values still point into the form's text: JSON keys and memcpy are never handed null.
  CHECK((*form)[0].second.data() != nullptr);
  CHECK((*form)[1].second.data() != nullptr);
  auto empty = parse_form("");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("parse_form keeps %00 and other raw bytes") {
  auto form = parse_form("b=a%00b%0D%0A");
  REQUIRE(form.ok());
  CHECK((*form)[0].second == std::string("a\0b\r\n", 5));
}

TEST_CASE("parse_form rejects malformed percent escapes") {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "a=%4g&b=1", "%x1=2", "a=1&b=%"}) {
    CAPTURE(bad);
    auto form = parse_form(bad);
    REQUIRE_FALSE(form.ok());
    CHECK(form.error().code == common::AwsErrorCode::MalformedQueryString);
    CHECK(form.error().info().query_code == "MalformedQueryString");
    CHECK(form.error().message == "The query string contains a syntax error.");
  }
}

TEST_CASE("Form::decode: query string pairs first, then the body's, as views that survive moving the Form") {
  std::string query_string = "Action=SendMessage&Version=2012-11-05";
  std::string body = "MessageBody=a%26b+c&QueueUrl=q";
  auto decoded = Form::decode(query_string, body);
  REQUIRE(decoded.ok());
  // The Form decodes its own copy: the request's text is left as it came.
  CHECK(body == "MessageBody=a%26b+c&QueueUrl=q");
  Form form = std::move(*decoded);
  std::vector<Form> moved;
  moved.push_back(std::move(form));
  moved.reserve(16);  // moves the Form again
  const Form& f = moved.front();
  REQUIRE(f.size() == 4);
  CHECK(f[0] == std::pair<std::string_view, std::string_view>{"Action", "SendMessage"});
  CHECK(f[1] == std::pair<std::string_view, std::string_view>{"Version", "2012-11-05"});
  CHECK(f[2] == std::pair<std::string_view, std::string_view>{"MessageBody", "a&b c"});
  CHECK(f[3] == std::pair<std::string_view, std::string_view>{"QueueUrl", "q"});
}

TEST_CASE("Form::decode: a pair never runs from the query string into the body") {
  auto form = Form::decode("a=1&b", "=2");
  REQUIRE(form.ok());
  REQUIRE(form->size() == 3);
  CHECK((*form)[1] == std::pair<std::string_view, std::string_view>{"b", ""});
  CHECK((*form)[2] == std::pair<std::string_view, std::string_view>{"", "2"});
  CHECK_FALSE(Form::decode("a=1", "b=%4").ok());
}

TEST_CASE("parse_form decodes escapes wherever they sit in a long value") {
  for (size_t length : {0, 1, 15, 16, 17, 31, 32, 40}) {
    for (size_t at = 0; at <= length; ++at) {
      std::string plain(length, 'a');
      for (size_t i = 0; i < length; ++i) plain[i] = static_cast<char>('a' + static_cast<int>(i % 26));
      std::string encoded = plain;
      encoded.insert(at, "%2B+");
      std::string expected = plain;
      expected.insert(at, "+ ");
      auto form = parse_form("v=" + encoded + encoded);
      CAPTURE(length);
      CAPTURE(at);
      REQUIRE(form.ok());
      CHECK((*form)[0].second == expected + expected);
    }
  }
}
