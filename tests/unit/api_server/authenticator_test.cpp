// SigV4 verification at the front door (authenticator.h), on requests signed by the client signer
// of sluice/aws/sigv4.h and a manual clock: what passes, what each tampering earns, and the modes.

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "authenticator.h"
#include "sluice/aws/sigv4.h"
#include "sluice/common/clock.h"
#include "sluice/common/crypto.h"

namespace {

using namespace sluice;
using namespace sluice::api::server;
using identity::AuthMode;
using identity::Principal;
namespace http = sluice::api::http;

constexpr char kAccount[] = "111122223333";
constexpr char kAliceKey[] = "AKIAALICEEXAMPLE0001";
constexpr char kAliceSecret[] = "alice/secret+key";
constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

std::shared_ptr<identity::Directory> directory() {
  auto dir = std::make_shared<identity::Directory>();
  identity::AccountDeclaration account;
  account.id = kAccount;
  account.root_access_keys.push_back({"AKIAROOTEXAMPLE00001", "root-secret"});
  identity::UserDeclaration alice;
  alice.name = "alice";
  alice.access_keys = {{kAliceKey, kAliceSecret}};
  account.users.push_back(alice);
  REQUIRE(dir->add_account(account).ok());
  return dir;
}

struct Fixture {
  std::shared_ptr<identity::Directory> dir = directory();
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>(kNow);
  std::vector<std::string> audit_lines;

  detail::Authenticator make(AuthMode mode) {
    detail::AuthOptions options;
    options.mode = mode;
    options.directory = dir;
    options.clock = clock;
    options.wall_clock = clock;
    options.audit_log = [this](std::string_view line) { audit_lines.emplace_back(line); };
    return detail::Authenticator(std::move(options));
  }
};

std::string amz_date_at(int64_t ms) {
  return aws::format_amz_date(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

// A Query SendMessage POST signed with `key`/`secret` at `when`.
http::Request signed_request(std::string key, std::string secret, int64_t when, std::string token = "") {
  aws::SignableRequest signable;
  signable.method = "POST";
  signable.path = "/111122223333/orders";
  signable.headers = {{"Host", "127.0.0.1:9324"}, {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  signable.body = "Action=SendMessage&MessageBody=hello%20world&Version=2012-11-05";
  aws::Credentials credentials{std::move(key), std::move(secret), std::move(token), std::nullopt};
  aws::sign(signable, credentials, {"us-east-1", "sqs", amz_date_at(when)});
  http::Request request;
  request.method = signable.method;
  request.path = signable.path;
  for (auto& [name, value] : signable.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(lower, value);
  }
  request.body = signable.body;
  return request;
}

Call call_of(http::Request request) { return decode_call(std::move(request), CallDefaults{}); }

common::AwsErrorCode refusal_code(detail::Authenticator& auth, http::Request request) {
  Call call = call_of(std::move(request));
  auto refusal = auth.authenticate(call, false);
  REQUIRE(refusal.has_value());
  return refusal->code;
}

}  // namespace

TEST_CASE("a correctly signed request names its user, account and access key") {
  Fixture f;
  auto auth = f.make(AuthMode::Enforce);
  Call call = call_of(signed_request(kAliceKey, kAliceSecret, kNow));
  REQUIRE_FALSE(auth.authenticate(call, false).has_value());
  CHECK(call.ctx.principal.kind == Principal::Kind::User);
  CHECK(call.ctx.principal.arn == "arn:aws:iam::111122223333:user/alice");
  CHECK(call.ctx.principal.authenticated);
  CHECK(call.ctx.account_id == kAccount);
  CHECK(call.ctx.access_key_id == kAliceKey);
}

TEST_CASE("a tampered body, a wrong secret and an unknown key are refused with AWS's codes") {
  Fixture f;
  auto auth = f.make(AuthMode::Enforce);
  http::Request tampered = signed_request(kAliceKey, kAliceSecret, kNow);
  tampered.body = "Action=SendMessage&MessageBody=goodbye&Version=2012-11-05";
  Call call = call_of(std::move(tampered));
  auto refusal = auth.authenticate(call, false);
  REQUIRE(refusal);
  CHECK(refusal->code == common::AwsErrorCode::SignatureDoesNotMatch);
  CHECK(refusal->info().http_status == 403);
  CHECK(refusal->message.starts_with("The request signature we calculated does not match the signature you provided."));

  CHECK(refusal_code(auth, signed_request(kAliceKey, "not-the-secret", kNow)) ==
        common::AwsErrorCode::SignatureDoesNotMatch);
  CHECK(refusal_code(auth, signed_request("AKIANOBODYEXAMPLE001", kAliceSecret, kNow)) ==
        common::AwsErrorCode::InvalidClientTokenId);
  // A session token on a long-term key is not that key's.
  CHECK(refusal_code(auth, signed_request(kAliceKey, kAliceSecret, kNow, "token")) ==
        common::AwsErrorCode::InvalidClientTokenId);
}

TEST_CASE("a signature more than 15 minutes off the wall clock is expired or not yet current") {
  Fixture f;
  auto auth = f.make(AuthMode::Enforce);
  Call old_call = call_of(signed_request(kAliceKey, kAliceSecret, kNow - 16 * 60 * 1000));
  auto old_refusal = auth.authenticate(old_call, false);
  REQUIRE(old_refusal);
  CHECK(old_refusal->code == common::AwsErrorCode::SignatureDoesNotMatch);
  CHECK(old_refusal->message ==
        "Signature expired: 20231114T215720Z is now earlier than 20231114T215820Z "
        "(20231114T221320Z - 15 min.)");
  Call future_call = call_of(signed_request(kAliceKey, kAliceSecret, kNow + 16 * 60 * 1000));
  auto future_refusal = auth.authenticate(future_call, false);
  REQUIRE(future_refusal);
  CHECK(future_refusal->message ==
        "Signature not yet current: 20231114T222920Z is still later than "
        "20231114T222820Z (20231114T221320Z + 15 min.)");
  // Within the window either way.
  Call late = call_of(signed_request(kAliceKey, kAliceSecret, kNow - 14 * 60 * 1000));
  CHECK_FALSE(auth.authenticate(late, false).has_value());
  Call early = call_of(signed_request(kAliceKey, kAliceSecret, kNow + 14 * 60 * 1000));
  CHECK_FALSE(auth.authenticate(early, false).has_value());
}

TEST_CASE("missing and malformed signatures") {
  Fixture f;
  auto auth = f.make(AuthMode::Enforce);
  http::Request unsigned_request;
  unsigned_request.method = "POST";
  unsigned_request.path = "/";
  unsigned_request.body = "Action=GetCallerIdentity&Version=2011-06-15";
  Call call = call_of(http::Request(unsigned_request));
  auto refusal = auth.authenticate(call, false);
  REQUIRE(refusal);
  CHECK(refusal->code == common::AwsErrorCode::MissingAuthenticationToken);
  CHECK(refusal->message == "Request is missing Authentication Token");
  // An operation AWS leaves unsigned passes as the anonymous principal.
  Call anonymous = call_of(http::Request(unsigned_request));
  CHECK_FALSE(auth.authenticate(anonymous, true).has_value());
  CHECK(anonymous.ctx.principal.kind == Principal::Kind::Anonymous);

  http::Request no_signature = signed_request(kAliceKey, kAliceSecret, kNow);
  for (auto& [name, value] : no_signature.headers) {
    if (name == "authorization") value = value.substr(0, value.find(", Signature="));
  }
  Call incomplete = call_of(std::move(no_signature));
  auto incomplete_refusal = auth.authenticate(incomplete, false);
  REQUIRE(incomplete_refusal);
  CHECK(incomplete_refusal->code == common::AwsErrorCode::IncompleteSignature);
  CHECK(incomplete_refusal->info().http_status == 400);
  CHECK(incomplete_refusal->message.starts_with("Authorization header requires 'Signature' parameter."));
}

TEST_CASE("temporary credentials verify with their token and expire on the server's clock") {
  Fixture f;
  auto auth = f.make(AuthMode::Enforce);
  identity::SessionGrant grant;
  grant.principal = identity::assumed_role_principal(kAccount, "deployer", "ci");
  grant.expires_ms = kNow + 900'000;
  identity::SessionCredentials session = f.dir->issue_session(grant).value();
  CHECK(session.access_key_id.starts_with("ASIA"));
  CHECK(session.access_key_id.size() == 20);

  Call call = call_of(signed_request(session.access_key_id, session.secret_access_key, kNow, session.session_token));
  REQUIRE_FALSE(auth.authenticate(call, false).has_value());
  CHECK(call.ctx.principal.arn == "arn:aws:sts::111122223333:assumed-role/deployer/ci");

  CHECK(refusal_code(auth, signed_request(session.access_key_id, session.secret_access_key, kNow, "other-token")) ==
        common::AwsErrorCode::InvalidClientTokenId);
  CHECK(refusal_code(auth, signed_request(session.access_key_id, session.secret_access_key, kNow)) ==
        common::AwsErrorCode::InvalidClientTokenId);

  f.clock->advance_s(900);
  Call expired = call_of(
      signed_request(session.access_key_id, session.secret_access_key, f.clock->now_ms(), session.session_token));
  auto refusal = auth.authenticate(expired, false);
  REQUIRE(refusal);
  CHECK(refusal->code == common::AwsErrorCode::ExpiredToken);
  CHECK(refusal->message == "The security token included in the request is expired");
}

TEST_CASE("a presigned query verifies; moved or altered parameters do not") {
  Fixture f;
  auto auth = f.make(AuthMode::Enforce);
  // What boto3's generate_presigned_url builds for a Query action: the parameters and the auth
  // parameters in the query string, host the one signed header, an empty payload.
  const std::string date = amz_date_at(kNow);
  const std::string credential = std::string(kAliceKey) + "/" + date.substr(0, 8) + "/us-east-1/sqs/aws4_request";
  std::vector<std::pair<std::string, std::string>> query = {
      {"Action", "SendMessage"},        {"MessageBody", "hi there"},
      {"Version", "2012-11-05"},        {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
      {"X-Amz-Credential", credential}, {"X-Amz-Date", date},
      {"X-Amz-Expires", "3600"},        {"X-Amz-SignedHeaders", "host"}};
  aws::HeaderList headers = {{"host", "127.0.0.1:9324"}};
  const std::string canonical =
      aws::canonical_request("GET", "/111122223333/orders", query, aws::canonical_headers_named(headers, {"host"}),
                             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string signature = common::to_hex(
      common::hmac_sha256_raw(aws::signing_key(kAliceSecret, date.substr(0, 8), "us-east-1", "sqs"),
                              aws::string_to_sign(date, date.substr(0, 8) + "/us-east-1/sqs/aws4_request", canonical)));
  std::string raw;
  for (const auto& [key, value] : query) raw += aws::uri_encode(key, false) + "=" + aws::uri_encode(value, false) + "&";
  http::Request request;
  request.method = "GET";
  request.path = "/111122223333/orders";
  request.headers = {{"host", "127.0.0.1:9324"}};
  request.query = raw + "X-Amz-Signature=" + signature;

  Call call = call_of(http::Request(request));
  CHECK(call.ctx.signing_service == "sqs");
  REQUIRE_FALSE(auth.authenticate(call, false).has_value());
  CHECK(call.ctx.principal.arn == "arn:aws:iam::111122223333:user/alice");

  http::Request altered = request;
  altered.query.replace(altered.query.find("hi%20there"), 10, "hi%20thorn");
  CHECK(refusal_code(auth, std::move(altered)) == common::AwsErrorCode::SignatureDoesNotMatch);
  http::Request as_post = request;
  as_post.method = "POST";
  CHECK(refusal_code(auth, std::move(as_post)) == common::AwsErrorCode::SignatureDoesNotMatch);
}

TEST_CASE("derived signing keys are cached per key and scope") {
  Fixture f;
  auto auth = f.make(AuthMode::Enforce);
  for (int i = 0; i < 3; ++i) {
    Call call = call_of(signed_request(kAliceKey, kAliceSecret, kNow + i * 1000));
    REQUIRE_FALSE(auth.authenticate(call, false).has_value());
  }
  CHECK(auth.cached_signing_keys() == 1);
  Call root = call_of(signed_request("AKIAROOTEXAMPLE00001", "root-secret", kNow));
  REQUIRE_FALSE(auth.authenticate(root, false).has_value());
  CHECK(auth.cached_signing_keys() == 2);
}

TEST_CASE("a key id given a new secret is checked against the new secret, not a cached key of the old") {
  Fixture f;
  auto auth = f.make(AuthMode::Enforce);
  Call before = call_of(signed_request(kAliceKey, kAliceSecret, kNow));
  REQUIRE_FALSE(auth.authenticate(before, false).has_value());  // the old secret's key is cached
  REQUIRE(f.dir
              ->change_iam(kAccount,
                           [](identity::IamAccount& account) {
                             for (auto& [name, user] : account.users)
                               for (auto& key : user.access_keys)
                                 if (key.access_key_id == kAliceKey) key.secret_access_key = "alice/new+secret";
                             return common::Status(common::Done{});
                           })
              .ok());
  Call old_secret = call_of(signed_request(kAliceKey, kAliceSecret, kNow));
  auto refused = auth.authenticate(old_secret, false);
  REQUIRE(refused.has_value());
  CHECK(refused->code == common::AwsErrorCode::SignatureDoesNotMatch);
  Call new_secret = call_of(signed_request(kAliceKey, "alice/new+secret", kNow));
  CHECK_FALSE(auth.authenticate(new_secret, false).has_value());
}

TEST_CASE("audit allows what it would refuse and logs why; off checks nothing") {
  Fixture f;
  auto audit = f.make(AuthMode::Audit);
  Call wrong = call_of(signed_request(kAliceKey, "not-the-secret", kNow));
  CHECK_FALSE(audit.authenticate(wrong, false).has_value());
  REQUIRE(f.audit_lines.size() == 1);
  CHECK(f.audit_lines[0].find("SignatureDoesNotMatch") != std::string::npos);
  CHECK(f.audit_lines[0].find("sqs:SendMessage") != std::string::npos);
  CHECK(wrong.ctx.principal.arn == "arn:aws:iam::111122223333:user/alice");
  CHECK_FALSE(wrong.ctx.principal.authenticated);

  Call good = call_of(signed_request(kAliceKey, kAliceSecret, kNow));
  CHECK_FALSE(audit.authenticate(good, false).has_value());
  CHECK(f.audit_lines.size() == 1);

  auto off = f.make(AuthMode::Off);
  // An unknown key: its 12 digits select the account, the principal is that account's root.
  Call digits = call_of(signed_request("444455556666", "anything", kNow - 3'600'000));
  CHECK_FALSE(off.authenticate(digits, false).has_value());
  CHECK(digits.ctx.account_id == "444455556666");
  CHECK(digits.ctx.principal.arn == "arn:aws:iam::444455556666:root");
  // A declared key names its user even unchecked.
  Call known = call_of(signed_request(kAliceKey, "wrong", kNow));
  CHECK_FALSE(off.authenticate(known, false).has_value());
  CHECK(known.ctx.principal.arn == "arn:aws:iam::111122223333:user/alice");
  CHECK(f.audit_lines.size() == 1);
}

TEST_CASE("with --auth off an unsigned call is its account's root, the server's own or the one its form names") {
  Fixture f;
  auto off = f.make(AuthMode::Off);  // the server's account is the default one
  http::Request plain;
  plain.method = "POST";
  plain.path = "/";
  plain.headers = {{"host", "localhost"}, {"content-type", "application/x-www-form-urlencoded"}};
  plain.body = "Action=ListQueues";
  Call call = call_of(plain);
  CHECK_FALSE(off.authenticate(call, false).has_value());
  CHECK(call.ctx.principal.kind == Principal::Kind::Root);
  CHECK(call.ctx.principal.account_id == common::kDefaultAccountId);
  CHECK(call.ctx.principal.arn == std::string("arn:aws:iam::") + common::kDefaultAccountId + ":root");
  CHECK(call.ctx.principal.user_id == common::kDefaultAccountId);
  CHECK_FALSE(call.ctx.principal.authenticated);
  // A presigned credential's 12 digits select another account, whose root it then is.
  http::Request presigned = plain;
  presigned.query = "X-Amz-Credential=444455556666%2F20231114%2Fus-east-1%2Fsqs%2Faws4_request";
  Call other = call_of(presigned);
  CHECK_FALSE(off.authenticate(other, false).has_value());
  CHECK(other.ctx.principal.arn == "arn:aws:iam::444455556666:root");
  CHECK(other.ctx.principal.account_id == "444455556666");
}

TEST_CASE("a prepared HMAC key signs as HMAC-SHA256 does, for short and long keys") {
  for (const std::string& key : {std::string("k"), std::string(32, 'x'), std::string(64, 'y'), std::string(100, 'z')}) {
    detail::HmacSha256Key prepared(key);
    for (const std::string& data :
         {std::string(), std::string("AWS4-HMAC-SHA256\n20231114T221320Z"), std::string(300, 'd')}) {
      CHECK(prepared.hex(data) == common::to_hex(common::hmac_sha256_raw(key, data)));
    }
  }
}

TEST_CASE("a body the front door inflated is checked against the hash of the bytes as sent") {
  Fixture f;
  auto auth = f.make(AuthMode::Enforce);
  // The client signed its body as sent (here: the compressed bytes stand in as the signed body);
  // the service then reads another body, the inflated one.
  http::Request request = signed_request(kAliceKey, kAliceSecret, kNow);
  const std::string sent_sha256 = common::sha256_hex(request.body);
  request.body = "Action=SendMessage&MessageBody=inflated&Version=2012-11-05";
  Call inflated = call_of(request);
  CHECK_FALSE(auth.authenticate(inflated, false, sent_sha256).has_value());
  // Without the sent bytes' hash the inflated body does not match the signature.
  Call unexplained = call_of(request);
  auto refusal = auth.authenticate(unexplained, false);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == common::AwsErrorCode::SignatureDoesNotMatch);
}
