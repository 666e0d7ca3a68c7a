#pragma once
// One connection's TLS state. The socket stays libuv's: bytes read are fed in, and whatever TLS
// has to send (handshake messages, encrypted answers, alerts) comes back out as bytes to write.
// OpenSSL works on two memory BIOs and never touches the descriptor.

#include <openssl/ssl.h>

#include <string>
#include <string_view>

namespace sluice::api::http::detail {

class TlsSession {
 public:
  explicit TlsSession(SSL_CTX* ctx);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Feeds bytes read from the socket. Appends the application data they complete to *plain and
  // the bytes TLS must send in reply to *wire. False: the peer broke the protocol (close; *wire
  // may hold an alert worth sending first).
  bool receive(const char* data, size_t len, std::string* plain, std::string* wire);
  // Encrypts application data into records appended to *wire. False: the session cannot send.
  bool send(std::string_view plain, std::string* wire);

 private:
  void drain_output(std::string* wire);

  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   // socket -> TLS (owned by ssl_)
  BIO* out_ = nullptr;  // TLS -> socket (owned by ssl_)
};

}  // namespace sluice::api::http::detail
