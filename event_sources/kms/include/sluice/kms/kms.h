#pragma once
// KMS keys: the component behind sluice's AWS Key Management Service, with no wire format. It
// knows symmetric encryption keys (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT, origin AWS_KMS) of an
// account in a region, their aliases, states (Enabled, Disabled, PendingDeletion), deletion
// schedule, rotation status, key policy and tags, and encrypts with them.
//
// Cryptography: every key has 32 bytes of random key material; Encrypt seals with AES-256-GCM
// (OpenSSL). A ciphertext blob is sluice's own format (key_cipher.h): it names the key, so Decrypt
// needs no KeyId, and the encryption context is bound as associated data, so a blob opens only
// with the context it was sealed with. Rotation is a status and a date: the key material is not
// replaced (every blob stays decryptable, as on AWS, where old material is kept).
//
// Time: ScheduleKeyDeletion sets a deletion date on the injected Clock; once it has passed the key,
// its material and its aliases are gone (checked on every call, so no thread is needed).
//
// Durability: with a data directory keys live in <data_dir>/kms.db (SQLite, WAL, file mode 0600):
// the key material is in that file and nowhere else. Each change is committed before the call
// returns. In memory (no data directory) keys last as long as the KeyManager.
//
// Keys are referred to as AWS lets a caller name them (a KeyRef): key id, key ARN, alias name
// ("alias/x") or alias ARN. Errors are AwsErrors with KMS's codes and texts.
//
// Thread-safety: every method may be called from any thread; one mutex guards the state and
// calls that change it block on the SQLite commit.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"

namespace sluice::kms {

// Whose keys: KMS keys and aliases are per account and region.
struct Scope {
  std::string account_id;
  std::string region;
};

enum class KeyState { Enabled, Disabled, PendingDeletion };
std::string_view key_state_name(KeyState state);

using Tags = std::vector<std::pair<std::string, std::string>>;  // in the order they were added
using EncryptionContext = std::map<std::string, std::string>;

struct KeyMetadata {
  std::string account_id;
  std::string region;
  std::string key_id;  // a UUID
  std::string arn;     // arn:aws:kms:REGION:ACCOUNT:key/KEY_ID
  std::string description;
  int64_t creation_ms = 0;
  KeyState state = KeyState::Enabled;
  std::optional<int64_t> deletion_ms;          // while PendingDeletion
  std::optional<int64_t> pending_window_days;  // while PendingDeletion
  bool aws_managed = false;                    // KeyManager AWS (alias/aws/...) or CUSTOMER
  bool rotation_enabled = false;
  int64_t rotation_period_days = 365;
  std::optional<int64_t> next_rotation_ms;  // while rotation is enabled
  std::string policy;                       // the key policy document (JSON text)
  Tags tags;
};

struct Alias {
  std::string name;           // "alias/orders"
  std::string arn;            // arn:aws:kms:REGION:ACCOUNT:alias/orders
  std::string target_key_id;  // empty for an AWS-managed alias whose key is not created yet
  int64_t creation_ms = 0;
  int64_t last_updated_ms = 0;
};

struct CreateKeyRequest {
  std::string description;
  std::optional<std::string> policy;  // default: the default key policy AWS writes
  Tags tags;
};

struct Encrypted {
  std::string ciphertext_blob;  // bytes
  std::string key_arn;
};

struct Decrypted {
  std::string plaintext;  // bytes
  std::string key_arn;
};

struct DataKey {
  std::string plaintext;        // the data key (bytes); empty for GenerateDataKeyWithoutPlaintext
  std::string ciphertext_blob;  // the data key sealed under the KMS key
  std::string key_arn;
};

struct KmsOptions {
  std::string data_dir;                  // "" = in memory
  std::shared_ptr<common::Clock> clock;  // default: the system clock
};

// The AWS-managed keys services create on first use, by alias.
inline constexpr std::string_view kSqsManagedAlias = "alias/aws/sqs";
inline constexpr std::string_view kSnsManagedAlias = "alias/aws/sns";

class KeyManager {
 public:
  // Opens (or creates) <data_dir>/kms.db and loads every key; null with *error on failure.
  static std::unique_ptr<KeyManager> open(const KmsOptions& options, std::string* error);
  ~KeyManager();
  KeyManager(const KeyManager&) = delete;
  KeyManager& operator=(const KeyManager&) = delete;

  // Keys
  common::Outcome<KeyMetadata> create_key(const Scope& scope, const CreateKeyRequest& request);
  common::Outcome<KeyMetadata> describe_key(const Scope& scope, const std::string& key_ref);
  std::vector<KeyMetadata> list_keys(const Scope& scope);  // by creation
  common::Status enable_key(const Scope& scope, const std::string& key_ref);
  common::Status disable_key(const Scope& scope, const std::string& key_ref);
  // window_days must be 7..30 (the caller validates); default 30.
  common::Outcome<KeyMetadata> schedule_key_deletion(const Scope& scope, const std::string& key_ref,
                                                     int64_t window_days);
  common::Outcome<KeyMetadata> cancel_key_deletion(const Scope& scope, const std::string& key_ref);
  // period_days 90..2560 (the caller validates); nullopt keeps the current period.
  common::Status set_key_rotation(const Scope& scope, const std::string& key_ref, bool enabled,
                                  std::optional<int64_t> period_days);
  common::Status put_key_policy(const Scope& scope, const std::string& key_ref, const std::string& policy);
  common::Status tag_resource(const Scope& scope, const std::string& key_ref, const Tags& tags);
  common::Status untag_resource(const Scope& scope, const std::string& key_ref, const std::vector<std::string>& keys);

  // Aliases. Names start with "alias/"; "alias/aws/" is reserved for AWS-managed keys.
  common::Status create_alias(const Scope& scope, const std::string& name, const std::string& target_key_ref);
  common::Status update_alias(const Scope& scope, const std::string& name, const std::string& target_key_ref);
  common::Status delete_alias(const Scope& scope, const std::string& name);
  // Sorted by name; with key_ref only that key's aliases. The AWS-managed aliases are listed as on
  // AWS, with no target until their key exists.
  common::Outcome<std::vector<Alias>> list_aliases(const Scope& scope, const std::optional<std::string>& key_ref);

  // Cryptography
  common::Outcome<Encrypted> encrypt(const Scope& scope, const std::string& key_ref, const std::string& plaintext,
                                     const EncryptionContext& context);
  // key_ref, when given, must name the key the blob was sealed under (IncorrectKeyException).
  common::Outcome<Decrypted> decrypt(const Scope& scope, const std::string& ciphertext_blob,
                                     const EncryptionContext& context, const std::optional<std::string>& key_ref);
  common::Outcome<DataKey> generate_data_key(const Scope& scope, const std::string& key_ref, size_t bytes,
                                             const EncryptionContext& context, bool with_plaintext);

  // POST /_sluice/reset: forgets every key of the scope (AWS-managed ones too; they are made again
  // on first use) and every alias, at once and for good, without KMS's deletion window. Returns
  // how many keys went.
  size_t reset(const Scope& scope);

  // The AWS-managed key behind alias/aws/sqs or alias/aws/sns, created (with its alias) on first use.
  common::Outcome<KeyMetadata> managed_key(const Scope& scope, std::string_view alias_name);

  const common::Clock& clock() const;

  struct Impl;

 private:
  explicit KeyManager(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::kms
