#pragma once
// sluice up's HTTPS: the certificate the flags name, or the self-signed one kept in the data
// directory (made on first use).

#include <memory>
#include <string>

#include "sluice/api/http/tls.h"

namespace sluice::cli {

struct TlsFlags {
  bool enabled = false;  // --tls, or implied by --tls-cert/--tls-key
  std::string cert_path;
  std::string key_path;
};

// Null and *error when the flags cannot be honoured. *cert_shown: the certificate clients should
// trust (the user's file or the self-signed one).
std::shared_ptr<api::http::TlsContext> open_tls(const TlsFlags& flags, const std::string& data_dir,
                                                std::string* cert_shown, std::string* error);

}  // namespace sluice::cli
