#pragma once
// HTTPS on the HTTP server's own port. A connection whose first byte starts a TLS handshake record
// (0x16) is served over TLS with this context; any other first byte is plain HTTP. One port then
// serves both, so an endpoint URL only changes its scheme.
//
// The certificate is the user's (PEM files) or a self-signed one made for localhost and
// 127.0.0.1 and kept in a directory, so clients can trust it across restarts
// (AWS_CA_BUNDLE, --ca-bundle, NODE_EXTRA_CA_CERTS).

#include <memory>
#include <string>

namespace sluice::api::http {

class TlsContext {
 public:
  // Loads a PEM certificate chain and its private key; null and *error when they cannot be used.
  static std::shared_ptr<TlsContext> from_files(const std::string& cert_path, const std::string& key_path,
                                                std::string* error);
  // Uses `dir`/cert.pem and `dir`/key.pem, first making a self-signed pair there (the key readable
  // by the owner only) when neither exists. *cert_path says where the certificate is.
  static std::shared_ptr<TlsContext> self_signed_in(const std::string& dir, std::string* cert_path, std::string* error);

  virtual ~TlsContext() = default;
  // The OpenSSL SSL_CTX*, for the server's connections.
  virtual void* native_handle() const = 0;
};

}  // namespace sluice::api::http
