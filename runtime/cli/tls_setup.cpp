// open_tls: see tls_setup.h.

#include "tls_setup.h"

#include <sys/stat.h>

#include <cerrno>

namespace sluice::cli {

std::shared_ptr<api::http::TlsContext> open_tls(const TlsFlags& flags, const std::string& data_dir,
                                                std::string* cert_shown, std::string* error) {
  if (flags.cert_path.empty() != flags.key_path.empty()) {
    *error = "--tls-cert and --tls-key go together";
    return nullptr;
  }
  if (!flags.cert_path.empty()) {
    *cert_shown = flags.cert_path;
    return api::http::TlsContext::from_files(flags.cert_path, flags.key_path, error);
  }
  // Also with --in-memory: the certificate outlives the data so that clients keep trusting it.
  if (::mkdir(data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *error = "cannot create " + data_dir + " for the self-signed certificate";
    return nullptr;
  }
  return api::http::TlsContext::self_signed_in(data_dir + "/tls", cert_shown, error);
}

}  // namespace sluice::cli
