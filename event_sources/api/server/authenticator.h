#pragma once
// Internal: SigV4 verification at the front door (see authenticator.cpp for how it works).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hmac_key.h"
#include "sluice/api/server/server.h"
#include "sluice/common/mutex.h"
#include "sluice/identity/identity.h"

namespace sluice::api::server::detail {

struct AuthOptions {
  identity::AuthMode mode = identity::AuthMode::Off;
  std::shared_ptr<identity::Directory> directory;  // never null
  std::shared_ptr<common::Clock> clock;            // expiry of temporary credentials
  std::shared_ptr<common::Clock> wall_clock;       // the clock-skew window
  std::function<void(std::string_view line)> audit_log;
  // The server's account: with --auth off its root principal, made once, is what unsigned calls get.
  std::string account_id = common::kDefaultAccountId;
};

class Authenticator {
 public:
  explicit Authenticator(AuthOptions options);

  // Checks the signature of `call` (which the front door routed to a service; `unsigned_ok` when
  // that service lets this operation go unsigned) and puts the caller's principal and account in
  // call.ctx. Returns the error AWS would answer; never one in Off or Audit mode.
  // sent_body_sha256: the hex SHA-256 of the body as sent when the front door inflated it
  // (content_encoding.h), since SigV4 signs the compressed bytes; empty for a body as it came.
  std::optional<common::AwsError> authenticate(Call& call, bool unsigned_ok, std::string_view sent_body_sha256 = {});

  // The refusal AWS would give, whatever the mode (for tests and the audit log).
  std::optional<common::AwsError> verify(const Call& call, bool unsigned_ok, identity::Principal* principal,
                                         std::string_view sent_body_sha256 = {});

  size_t cached_signing_keys() const;

 private:
  std::shared_ptr<const HmacSha256Key> signing_key(std::string_view access_key_id, std::string_view secret,
                                                   std::string_view date, std::string_view region,
                                                   std::string_view service);

  AuthOptions options_;
  const identity::Principal default_root_;  // root_principal(options_.account_id)
  // A derived key with the secret it was derived from: an access key id declared again with another
  // secret (a reset, a new configuration) must not be checked against the old secret's key.
  struct CachedSigningKey {
    std::string secret;
    std::shared_ptr<const HmacSha256Key> key;
  };
  mutable common::Mutex cache_mu_;
  std::unordered_map<std::string, CachedSigningKey> signing_keys_ GUARDED_BY(cache_mu_);
};

}  // namespace sluice::api::server::detail
