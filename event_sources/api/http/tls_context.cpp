// TlsContext: an OpenSSL server context from PEM files, or from a self-signed pair this code
// makes once and keeps (see tls.h).

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "sluice/api/http/tls.h"

namespace sluice::api::http {
namespace {

constexpr long kSelfSignedValidDays = 3650;  // a development certificate; renewing it is a chore

std::string openssl_error(const std::string& what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return what;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return what + ": " + text;
}

class OpenSslContext final : public TlsContext {
 public:
  explicit OpenSslContext(SSL_CTX* ctx) : ctx_(ctx) {}
  ~OpenSslContext() override { SSL_CTX_free(ctx_); }
  OpenSslContext(const OpenSslContext&) = delete;
  OpenSslContext& operator=(const OpenSslContext&) = delete;
  void* native_handle() const override { return ctx_; }

 private:
  SSL_CTX* ctx_;
};

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

bool add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

// A certificate for the names a local client reaches sluice by, signed by its own key, shaped as
// `openssl req -x509` makes one, so that trusting the file trusts the server.
std::unique_ptr<X509, X509Free> make_self_signed(EVP_PKEY* key) {
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);
  BIGNUM* serial = BN_new();
  bool ok = serial != nullptr && BN_rand(serial, 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(serial);
  ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr &&
       X509_gmtime_adj(X509_getm_notAfter(cert.get()), kSelfSignedValidDays * 24 * 3600) != nullptr &&
       X509_set_pubkey(cert.get(), key) == 1;
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* organization = reinterpret_cast<const unsigned char*>("sluice local development");
  const auto* common_name = reinterpret_cast<const unsigned char*>("localhost");
  ok = ok && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, organization, -1, -1, 0) == 1 &&
       X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, common_name, -1, -1, 0) == 1 &&
       X509_set_issuer_name(cert.get(), name) == 1;
  ok = ok && add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") &&
       add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") &&
       add_extension(cert.get(), NID_ext_key_usage, "serverAuth") &&
       add_extension(cert.get(), NID_subject_key_identifier, "hash") &&
       add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  ok = ok && X509_sign(cert.get(), key, EVP_sha256()) > 0;
  if (!ok) return nullptr;
  return cert;
}

// Writes through a temporary name and renames, so a crash never leaves half a PEM file.
bool write_pem(const std::string& path, mode_t mode, const std::function<bool(FILE*)>& write, std::string* error) {
  const std::string temp = path + ".partial";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  FILE* f = fd < 0 ? nullptr : fdopen(fd, "w");
  if (f == nullptr) {
    if (fd >= 0) ::close(fd);
    *error = "cannot write " + temp;
    return false;
  }
  bool ok = write(f);
  ok = std::fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    *error = openssl_error("cannot write " + path);
    return false;
  }
  return true;
}

bool make_self_signed_files(const std::string& cert_path, const std::string& key_path, std::string* error) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  if (!key) {
    *error = openssl_error("cannot make a key");
    return false;
  }
  auto cert = make_self_signed(key.get());
  if (!cert) {
    *error = openssl_error("cannot make a certificate");
    return false;
  }
  return write_pem(
             key_path, 0600,
             [&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1; },
             error) &&
         write_pem(
             cert_path, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; }, error);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::from_files(const std::string& cert_path, const std::string& key_path,
                                                   std::string* error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) {
    *error = openssl_error("cannot create a TLS context");
    return nullptr;
  }
  auto context = std::make_shared<OpenSslContext>(ctx);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);  // what AWS endpoints accept
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_path.c_str()) != 1) {
    *error = openssl_error("cannot use the certificate " + cert_path);
    return nullptr;
  }
  std::unique_ptr<EVP_PKEY, PkeyFree> key;
  if (FILE* f = std::fopen(key_path.c_str(), "r")) {
    key.reset(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
    std::fclose(f);
  }
  if (!key) {
    *error = openssl_error("cannot use the private key " + key_path);
    return nullptr;
  }
  // OpenSSL refuses a key of another certificate already here.
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    *error = openssl_error("the private key " + key_path + " does not match the certificate " + cert_path);
    return nullptr;
  }
  return context;
}

std::shared_ptr<TlsContext> TlsContext::self_signed_in(const std::string& dir, std::string* cert_path,
                                                       std::string* error) {
  const std::string cert = dir + "/cert.pem";
  const std::string key = dir + "/key.pem";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *error = "cannot create " + dir;
    return nullptr;
  }
  const bool have_cert = exists(cert);
  const bool have_key = exists(key);
  if (have_cert != have_key) {
    *error = "found only one of " + cert + " and " + key + "; remove it to have a new pair made";
    return nullptr;
  }
  if (!have_cert && !make_self_signed_files(cert, key, error)) return nullptr;
  *cert_path = cert;
  return from_files(cert, key, error);
}

}  // namespace sluice::api::http
