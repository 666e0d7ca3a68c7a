#pragma once
// kms.db: the durable form of keys (metadata as a JSON document, key material as a blob) and
// aliases. SQLite in WAL mode, file mode 0600 (it holds key material); every put and erase is its
// own committed transaction. Methods throw sqlite::Error; the KeyManager serializes calls.

#include <memory>
#include <string>
#include <vector>

#include "sluice/common/sqlite.h"
#include "sluice/kms/kms.h"

namespace sluice::kms::detail {

struct KeyRecord {
  KeyMetadata meta;
  std::string material;  // 32 bytes
};

struct AliasRecord {
  Scope scope;
  Alias alias;
};

class KeyStore {
 public:
  static std::unique_ptr<KeyStore> open(const std::string& path, std::string* error);

  std::vector<KeyRecord> load_keys();
  std::vector<AliasRecord> load_aliases();
  void put_key(const KeyRecord& record);
  void erase_key(const std::string& key_id);  // and the aliases that point at it
  void put_alias(const Scope& scope, const Alias& alias);
  void erase_alias(const Scope& scope, const std::string& name);

 private:
  explicit KeyStore(common::sqlite::Connection db) : db_(std::move(db)) {}
  common::sqlite::Connection db_;
};

}  // namespace sluice::kms::detail
