// TlsSession: OpenSSL over memory BIOs (see tls_session.h).

#include "tls_session.h"

#include <openssl/err.h>

#include <climits>

namespace sluice::api::http::detail {

TlsSession::TlsSession(SSL_CTX* ctx) : ssl_(SSL_new(ctx)), in_(BIO_new(BIO_s_mem())), out_(BIO_new(BIO_s_mem())) {
  // An empty memory BIO reports "retry" instead of EOF, which is what a socket with nothing to
  // read yet is.
  BIO_set_mem_eof_return(in_, -1);
  BIO_set_mem_eof_return(out_, -1);
  SSL_set_bio(ssl_, in_, out_);
  SSL_set_accept_state(ssl_);
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

void TlsSession::drain_output(std::string* wire) {
  char chunk[16 * 1024];
  for (;;) {
    const int n = BIO_read(out_, chunk, sizeof chunk);
    if (n <= 0) return;
    wire->append(chunk, static_cast<size_t>(n));
  }
}

bool TlsSession::receive(const char* data, size_t len, std::string* plain, std::string* wire) {
  while (len > 0) {
    const int chunk = len > INT_MAX ? INT_MAX : static_cast<int>(len);
    const int written = BIO_write(in_, data, chunk);
    if (written <= 0) return false;
    data += written;
    len -= static_cast<size_t>(written);
  }
  char buffer[16 * 1024];
  bool ok = true;
  for (;;) {
    const int n = SSL_read(ssl_, buffer, sizeof buffer);
    if (n > 0) {
      plain->append(buffer, static_cast<size_t>(n));
      continue;
    }
    const int err = SSL_get_error(ssl_, n);
    // WANT_READ: everything fed so far is consumed. ZERO_RETURN: the peer's close_notify; the
    // socket's EOF follows and ends the connection.
    ok = err == SSL_ERROR_WANT_READ || err == SSL_ERROR_ZERO_RETURN;
    break;
  }
  ERR_clear_error();
  drain_output(wire);
  return ok;
}

bool TlsSession::send(std::string_view plain, std::string* wire) {
  while (!plain.empty()) {
    const int chunk = plain.size() > INT_MAX ? INT_MAX : static_cast<int>(plain.size());
    const int n = SSL_write(ssl_, plain.data(), chunk);
    if (n <= 0) {
      ERR_clear_error();
      drain_output(wire);
      return false;
    }
    plain.remove_prefix(static_cast<size_t>(n));
  }
  drain_output(wire);
  return true;
}

}  // namespace sluice::api::http::detail
