// OpenID Connect providers in the directory (kept across a restart), JWT parsing, and sluice's
// test issuer (its key file, signatures, JWKS).

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>

#include "sluice/identity/identity.h"
#include "sluice/identity/jwt.h"
#include "sluice/identity/oidc_issuer.h"

namespace {

using namespace sluice::identity;
namespace fs = std::filesystem;

// A fresh directory under the system's temporary directory, removed at scope exit.
struct ScratchDir {
  ScratchDir() {
    path = fs::temp_directory_path() /
           ("sluice-oidc-test-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

OidcProvider provider(std::string account, std::string url) {
  OidcProvider p;
  p.account_id = std::move(account);
  p.url = std::move(url);
  p.arn = oidc_provider_arn(p.account_id, p.url);
  p.client_ids = {"app"};
  p.tags = {{"team", "blue"}};
  p.created_ms = 1700000000000;
  return p;
}

}  // namespace

TEST_CASE("provider ARNs drop the scheme and a trailing slash") {
  CHECK(oidc_provider_arn("111122223333", "https://oidc.example.com/id/ABC/") ==
        "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/ABC");
  CHECK(oidc_issuer_id("http://127.0.0.1:9324/_sluice/oidc") == "127.0.0.1:9324/_sluice/oidc");
}

TEST_CASE("OpenID Connect providers: duplicates, limits, changes, and a restart") {
  ScratchDir scratch;
  const std::string file = (scratch.path / "identity.db").string();
  const OidcProvider first = provider("111122223333", "https://a.example.com");
  {
    Directory dir;
    REQUIRE(dir.keep_sessions_in(file).ok());
    REQUIRE(dir.add_oidc_provider(first, 2).ok());
    auto again = dir.add_oidc_provider(first, 2);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == sluice::common::AwsErrorCode::EntityAlreadyExists);
    REQUIRE(dir.add_oidc_provider(provider("111122223333", "https://b.example.com"), 2).ok());
    auto over = dir.add_oidc_provider(provider("111122223333", "https://c.example.com"), 2);
    REQUIRE_FALSE(over.ok());
    CHECK(over.error().code == sluice::common::AwsErrorCode::IamLimitExceeded);
    // Another account has its own quota.
    CHECK(dir.add_oidc_provider(provider("444455556666", "https://c.example.com"), 2).ok());
    REQUIRE(dir.change_oidc_provider(first.arn,
                                     [](OidcProvider& p) -> sluice::common::Status {
                                       p.client_ids.push_back("second");
                                       return sluice::common::ok_status();
                                     })
                .ok());
    REQUIRE(dir.remove_oidc_provider(oidc_provider_arn("111122223333", "https://b.example.com")).ok());
    CHECK(dir.remove_oidc_provider("arn:aws:iam::111122223333:oidc-provider/none").error().code ==
          sluice::common::AwsErrorCode::NoSuchEntity);
  }
  Directory reopened;
  REQUIRE(reopened.keep_sessions_in(file).ok());
  auto kept = reopened.find_oidc_provider(first.arn);
  REQUIRE(kept.has_value());
  CHECK(kept->url == "https://a.example.com");
  CHECK(kept->client_ids == std::vector<std::string>{"app", "second"});
  CHECK(kept->tags == first.tags);
  CHECK(kept->created_ms == first.created_ms);
  CHECK(reopened.oidc_providers("111122223333").size() == 1);
  CHECK(reopened.oidc_providers("444455556666").size() == 1);
}

TEST_CASE("JWTs: three base64url parts, JSON header and claims") {
  const std::string header = base64url_encode(R"({"alg":"RS256","kid":"k"})");
  const std::string claims = base64url_encode(R"({"iss":"https://i","sub":"s"})");
  auto jwt = parse_jwt(header + "." + claims + "." + base64url_encode("sig"));
  REQUIRE(jwt.has_value());
  CHECK(jwt->header.at("kid").as_string() == "k");
  CHECK(jwt->claims.at("sub").as_string() == "s");
  CHECK(jwt->signing_input == header + "." + claims);
  CHECK(jwt->signature == "sig");
  CHECK_FALSE(parse_jwt("a.b").has_value());
  CHECK_FALSE(parse_jwt(header + "." + claims + ".x.y").has_value());
  CHECK_FALSE(parse_jwt(base64url_encode("[1]") + "." + claims + ".").has_value());
  CHECK(base64url_decode(base64url_encode(std::string("\xff\xfe\x00", 3))) == std::string("\xff\xfe\x00", 3));
}

TEST_CASE("the test issuer keeps its key (mode 0600), signs RS256 and verifies only its own signatures") {
  ScratchDir scratch;
  const std::string key_file = (scratch.path / std::string(OidcIssuer::kKeyFile)).string();
  std::string error;
  auto issuer = OidcIssuer::open(key_file, &error);
  REQUIRE_MESSAGE(issuer != nullptr, error);
  struct stat info {};
  REQUIRE(::stat(key_file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  const std::string token = issuer->sign(boost::json::object{{"iss", "https://i"}, {"sub", "worker"}});
  auto jwt = parse_jwt(token);
  REQUIRE(jwt.has_value());
  CHECK(jwt->header.at("alg").as_string() == "RS256");
  CHECK(jwt->header.at("kid").as_string() == issuer->key_id());
  CHECK(issuer->verify(jwt->signing_input, jwt->signature));
  CHECK_FALSE(issuer->verify(jwt->signing_input + "x", jwt->signature));

  // The same key after a restart; a key in memory is another key.
  auto reopened = OidcIssuer::open(key_file, &error);
  REQUIRE(reopened != nullptr);
  CHECK(reopened->key_id() == issuer->key_id());
  CHECK(reopened->verify(jwt->signing_input, jwt->signature));
  auto other = OidcIssuer::open("", &error);
  REQUIRE(other != nullptr);
  CHECK(other->key_id() != issuer->key_id());
  CHECK_FALSE(other->verify(jwt->signing_input, jwt->signature));

  const boost::json::value jwks = boost::json::parse(issuer->jwks_json());
  const auto& key = jwks.at("keys").at(0);
  CHECK(key.at("kty").as_string() == "RSA");
  CHECK(key.at("kid").as_string() == issuer->key_id());
  CHECK(key.at("e").as_string() == "AQAB");
  const boost::json::value discovery = boost::json::parse(issuer->discovery_json("http://h/_sluice/oidc"));
  CHECK(discovery.at("jwks_uri").as_string() == "http://h/_sluice/oidc/jwks.json");
}
