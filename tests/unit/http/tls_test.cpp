// HTTPS on the HTTP port: a TLS client and a plain client share one port, TLS answers arrive
// intact (pipelined, large), a broken handshake costs only its own connection, and the
// self-signed certificate is made once, kept, and verifies for localhost and 127.0.0.1.

#include <doctest/doctest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "sluice/api/http/tls.h"
#include "test_client.h"

using namespace sluice::api::http;
using namespace sluice::api::http::test;

namespace {

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/sluice-tls-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string path;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Handler secure_echo() {
  return [](Request&& req, ResponderPtr responder) {
    Response r;
    r.headers.emplace_back("X-Secure", req.secure ? "yes" : "no");
    r.headers.emplace_back("X-Path", req.path);
    if (req.path == "/big") {
      r.body.assign(size_t{1} << 20, 'z');
    } else {
      r.body = req.body;
    }
    responder->respond(std::move(r));
  };
}

ServerOptions tls_options(const std::shared_ptr<TlsContext>& tls) {
  ServerOptions o;
  o.tls = tls;
  o.idle_timeout_ms = 10'000;
  return o;
}

// A blocking TLS client that verifies the server against `ca_file` for `host`.
class TlsClient {
 public:
  TlsClient(int port, const std::string& ca_file, const std::string& host) : raw_(port) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    ssl_ = SSL_new(ctx_);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    if (host == "127.0.0.1") {
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
      // SSL_set_tlsext_host_name, without the macro's C cast.
      SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str()));
    }
    SSL_set_fd(ssl_, raw_.fd());
    handshake_ok_ = raw_.connected() && SSL_connect(ssl_) == 1;
    ERR_clear_error();
  }
  ~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  bool handshake_ok() const { return handshake_ok_; }
  bool send(const std::string& data) { return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) > 0; }
  // Reads until `n` bytes of plaintext after the head are there, or the stream ends.
  std::string read_some(size_t at_least) {
    std::string out;
    char buf[65536];
    while (out.size() < at_least) {
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  Client raw_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool handshake_ok_ = false;
};

}  // namespace

TEST_CASE("a self-signed certificate is made once, kept with a private key, and reused") {
  TempDir dir;
  std::string cert, error;
  auto first = TlsContext::self_signed_in(dir.path + "/tls", &cert, &error);
  INFO(error);
  REQUIRE(first);
  CHECK(cert == dir.path + "/tls/cert.pem");
  struct stat key_stat {};
  REQUIRE(::stat((dir.path + "/tls/key.pem").c_str(), &key_stat) == 0);
  CHECK((key_stat.st_mode & 0777) == 0600);
  const std::string pem = read_file(cert);
  CHECK(pem.find("BEGIN CERTIFICATE") != std::string::npos);

  std::string again_cert;
  auto second = TlsContext::self_signed_in(dir.path + "/tls", &again_cert, &error);
  REQUIRE(second);
  CHECK(read_file(again_cert) == pem);  // not made anew: clients keep trusting it

  std::remove((dir.path + "/tls/key.pem").c_str());
  CHECK_FALSE(TlsContext::self_signed_in(dir.path + "/tls", &again_cert, &error));
  CHECK(error.find("only one of") != std::string::npos);
}

TEST_CASE("a key that does not match the certificate is refused") {
  TempDir a, b;
  std::string cert_a, cert_b, error;
  REQUIRE(TlsContext::self_signed_in(a.path + "/tls", &cert_a, &error));
  REQUIRE(TlsContext::self_signed_in(b.path + "/tls", &cert_b, &error));
  CHECK_FALSE(TlsContext::from_files(cert_a, b.path + "/tls/key.pem", &error));
  CHECK(error.find("does not match") != std::string::npos);
  CHECK_FALSE(TlsContext::from_files(a.path + "/missing.pem", a.path + "/tls/key.pem", &error));
  CHECK(error.find("cannot use the certificate") != std::string::npos);
}

TEST_CASE("one port serves HTTPS and HTTP; TLS answers are whole, in order, and marked secure") {
  TempDir dir;
  std::string cert, error;
  auto tls = TlsContext::self_signed_in(dir.path + "/tls", &cert, &error);
  REQUIRE(tls);
  LoopServer s(tls_options(tls), secure_echo());
  REQUIRE(s.listen_rc() == 0);

  for (const char* host : {"localhost", "127.0.0.1"}) {
    TlsClient c(s.port(), cert, host);
    INFO(host);
    REQUIRE(c.handshake_ok());
    // Two pipelined requests, the second with a large answer.
    REQUIRE(
        c.send("POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
               "GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string answers = c.read_some((size_t{1} << 20) + 200);
    const size_t second = answers.find("HTTP/1.1 200", 1);
    REQUIRE(answers.rfind("HTTP/1.1 200", 0) == 0);
    REQUIRE(second != std::string::npos);
    const std::string first_answer = answers.substr(0, second);
    CHECK(first_answer.find("X-Secure: yes") != std::string::npos);
    CHECK(first_answer.find("X-Path: /one") != std::string::npos);
    CHECK(first_answer.substr(first_answer.size() - 5) == "hello");
    const std::string big = answers.substr(second);
    CHECK(big.find("X-Path: /big") != std::string::npos);
    CHECK(big.size() - (big.find("\r\n\r\n") + 4) == (size_t{1} << 20));
  }

  Client plain(s.port());
  REQUIRE(plain.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = plain.read_response();
  REQUIRE(r.ok);
  CHECK(r.headers["x-secure"] == "no");
  CHECK(s.stop());
}

TEST_CASE("a broken TLS handshake closes only its own connection") {
  TempDir dir;
  std::string cert, error;
  auto tls = TlsContext::self_signed_in(dir.path + "/tls", &cert, &error);
  REQUIRE(tls);
  LoopServer s(tls_options(tls), secure_echo());
  REQUIRE(s.listen_rc() == 0);

  Client broken(s.port());
  // A handshake record header followed by bytes that are no ClientHello.
  REQUIRE(broken.send(std::string("\x16\x03\x01\x00\x10", 5) + std::string(16, '\x7f')));
  std::string alert;
  while (broken.read_exact(1, alert)) {
  }  // the server may say why (a TLS alert) before it closes
  CHECK(broken.closed_by_server());

  TlsClient good(s.port(), cert, "localhost");
  REQUIRE(good.handshake_ok());
  REQUIRE(good.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(good.read_some(20).find("X-Path: /after") != std::string::npos);
  CHECK(s.stop());
}

TEST_CASE("without a TLS context a handshake is answered as the malformed HTTP it is") {
  LoopServer s(tls_options(nullptr), secure_echo());
  REQUIRE(s.listen_rc() == 0);
  Client c(s.port());
  REQUIRE(c.send(std::string("\x16\x03\x01\x00\x10", 5) + std::string(16, '\x7f')));
  auto r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.status == 400);
  CHECK(s.stop());
}
