// SigV4 against AWS's published signature test suite (AKIDEXAMPLE, 20150830T123600Z, us-east-1,
// service "service"): the expected signatures are the suite's.

#include <doctest/doctest.h>

#include "sluice/aws/sigv4.h"

using namespace sluice::aws;

namespace {

const Credentials kSuite{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt};
const SigningParams kParams{"us-east-1", "service", "20150830T123600Z"};

SignableRequest suite_request(std::string method, std::string path, HeaderList extra = {}) {
  SignableRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  for (auto& h : extra) r.headers.push_back(std::move(h));
  return r;
}

std::string signature_of(const SignableRequest& r) {
  auto parsed = parse_authorization(authorization_value(r, kSuite, kParams));
  REQUIRE(parsed);
  return parsed->signature;
}

}  // namespace

TEST_CASE("get-vanilla") {
  auto r = suite_request("GET", "/");
  CHECK(canonical_request(r) ==
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(authorization_value(r, kSuite, kParams) ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("post-vanilla and post-vanilla-query") {
  CHECK(signature_of(suite_request("POST", "/")) == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  auto q = suite_request("POST", "/");
  q.query = {{"Param1", "value1"}};
  CHECK(signature_of(q) == "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
}

TEST_CASE("header values are trimmed, collapsed and merged in order") {
  auto trim = suite_request("GET", "/", {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}});
  CHECK(canonical_headers(trim.headers).block ==
        "host:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n");
  CHECK(signature_of(trim) == "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");

  auto order = suite_request(
      "GET", "/",
      {{"My-Header1", "value4"}, {"My-Header1", "value1"}, {"My-Header1", "value3"}, {"My-Header1", "value2"}});
  CHECK(signature_of(order) == "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01");

  auto dup = suite_request("GET", "/", {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}});
  CHECK(signature_of(dup) == "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");

  auto multiline = suite_request("GET", "/", {{"My-Header1", "value1\n  value2\n     value3"}});
  CHECK(signature_of(multiline) == "ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790");
}

TEST_CASE("a verifier rebuilds the headers a SignedHeaders text names, normalized as for signing") {
  const HeaderList headers = {{"host", "example.amazonaws.com"},
                              {"x-amz-date", "20150830T123600Z"},
                              {"my-header1", " value1"},
                              {"my-header1", "a   b"},
                              {"my-header2", "value1\n  value2"}};
  const CanonicalHeaders signed_ = canonical_headers_signed(headers, "host;my-header1;my-header2;x-amz-date");
  CHECK(signed_.block ==
        "host:example.amazonaws.com\nmy-header1:value1,a b\nmy-header2:value1,value2\nx-amz-date:20150830T123600Z\n");
  CHECK(signed_.signed_headers == "host;my-header1;my-header2;x-amz-date");
  const CanonicalHeaders named =
      canonical_headers_named(headers, std::vector<std::string>{"host", "my-header1", "my-header2", "x-amz-date"});
  CHECK(named.block == signed_.block);
  CHECK(named.signed_headers == signed_.signed_headers);
  // A name the request lacks counts as empty; an empty name is kept as sent, as before.
  CHECK(canonical_headers_signed(headers, "host;x-missing").block == "host:example.amazonaws.com\nx-missing:\n");
  CHECK(canonical_headers_signed(headers, "host;;x-amz-date").block ==
        canonical_headers_named(headers, std::vector<std::string>{"host", "", "x-amz-date"}).block);
}

TEST_CASE("header names are case-insensitive and sorted; values keep their case") {
  auto sort = suite_request("POST", "/", {{"My-Header1", "value1"}});
  CHECK(canonical_headers(sort.headers).signed_headers == "host;my-header1;x-amz-date");
  CHECK(signature_of(sort) == "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c");
  auto value_case = suite_request("POST", "/", {{"My-Header1", "VALUE1"}});
  CHECK(signature_of(value_case) == "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d");
}

TEST_CASE("paths are normalized and encoded") {
  CHECK(canonical_uri("/\xE1\x88\xB4") == "/%E1%88%B4");
  CHECK(canonical_uri("") == "/");
  CHECK(canonical_uri("/123456789012/my-queue_1.fifo") == "/123456789012/my-queue_1.fifo");
  CHECK(signature_of(suite_request("GET", "//example//")) ==
        "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84");
  CHECK(signature_of(suite_request("GET", "/./example")) ==
        "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5");
}

TEST_CASE("query keys and values are encoded and sorted") {
  CHECK(canonical_query({{"Param2", "value2"}, {"Param1", "value1"}}) == "Param1=value1&Param2=value2");
  CHECK(canonical_query({{"foo", "Zoo"}, {"foo", "aha"}}) == "foo=Zoo&foo=aha");
  CHECK(canonical_query({{"a b", "x/y~z*"}}) == "a%20b=x%2Fy~z%2A");
  CHECK(uri_encode("-_.~AZaz09", false) == "-_.~AZaz09");
}

TEST_CASE("post-sts-header-before: the session token is a signed header") {
  Credentials temp = kSuite;
  temp.session_token =
      "AQoDYXdzEPT//////////"
      "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/"
      "qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+"
      "xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  SignableRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "example.amazonaws.com"}};
  std::string value = sign(r, temp, kParams);
  CHECK(value ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-security-token, "
        "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
  int tokens = 0, dates = 0, auths = 0;
  for (const auto& [name, v] : r.headers) {
    tokens += name == "X-Amz-Security-Token" && v == temp.session_token;
    dates += name == "X-Amz-Date" && v == "20150830T123600Z";
    auths += name == "Authorization";
  }
  CHECK(tokens == 1);
  CHECK(dates == 1);
  CHECK(auths == 1);
  // Signing again replaces, never duplicates.
  sign(r, temp, kParams);
  CHECK(r.headers.size() == 4);
}

TEST_CASE("the payload hash covers the body; user-agent is not signed") {
  auto a = suite_request("POST", "/", {{"User-Agent", "x"}});
  a.body = "{}";
  auto b = a;
  b.body = "{ }";
  CHECK(canonical_headers(a.headers).signed_headers == "host;x-amz-date");
  CHECK(signature_of(a) != signature_of(b));
  CHECK(canonical_request(a).ends_with("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
}

TEST_CASE("parse_authorization reads the scope and rejects malformed values") {
  auto p = parse_authorization(
      "AWS4-HMAC-SHA256 "
      "Credential=AKID/20240102/eu-west-1/sqs/aws4_request,SignedHeaders=host;x-amz-date,Signature=ab");
  REQUIRE(p);
  CHECK(p->access_key_id == "AKID");
  CHECK(p->date == "20240102");
  CHECK(p->region == "eu-west-1");
  CHECK(p->service == "sqs");
  CHECK(p->signed_headers == std::vector<std::string>{"host", "x-amz-date"});
  CHECK(p->signature == "ab");
  CHECK_FALSE(parse_authorization("Basic abc"));
  CHECK_FALSE(parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20240102/sqs/aws4_request, SignedHeaders=host, Signature=a"));
  CHECK_FALSE(parse_authorization("AWS4-HMAC-SHA256 Credential=AKID/20240102/r/sqs/aws4_request, Signature=a"));
}

TEST_CASE("format_amz_date renders UTC") {
  CHECK(format_amz_date(std::chrono::system_clock::from_time_t(1440938160)) == "20150830T123600Z");
}
