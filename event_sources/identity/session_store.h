#pragma once
// The file that keeps STS's temporary credentials, IAM's OpenID Connect providers and IAM's
// entities (users, groups, roles, policies, instance profiles) across restarts (identity.db in the data directory): one
// row per session, written before the credentials are handed out and deleted when the Directory forgets them; one row
// per provider, written before the change is answered. Holders of credentials that have not expired keep working after
// a restart, as they would against AWS.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sluice/common/sqlite.h"
#include "sluice/identity/identity.h"

namespace sluice::identity::detail {

class SessionStore {
 public:
  // Opens or creates the file; null and *error when it cannot be used.
  static std::unique_ptr<SessionStore> open(const std::string& path, std::string* error);

  // Every session kept, with its access key id.
  std::vector<std::pair<std::string, KeyRecord>> load();
  // Throws sqlite::Error when the row cannot be written.
  void put(const std::string& access_key_id, const KeyRecord& record);
  // Deletes the sessions whose expiry is before `before_ms`; a failure is retried at the next call.
  void erase_expired_before(int64_t before_ms);

  // OpenID Connect providers. put/erase throw sqlite::Error when the change cannot be written.
  std::vector<OidcProvider> load_oidc_providers();
  void put_oidc_provider(const OidcProvider& provider);
  void erase_oidc_provider(const std::string& arn);

  // IAM's entities, one row per account (the document of iam_document.h). put throws
  // sqlite::Error when the row cannot be written; rows that cannot be read are skipped.
  std::vector<IamAccount> load_iam_accounts();
  void put_iam_account(const std::string& account_id, const std::string& document);

 private:
  explicit SessionStore(common::sqlite::Connection db) : db_(std::move(db)) {}
  common::sqlite::Connection db_;
};

}  // namespace sluice::identity::detail
