#pragma once
// Data keys for the services that encrypt with KMS keys (SQS and SNS KmsMasterKeyId), with the
// reuse period SQS calls KmsDataKeyReusePeriodSeconds.
//
// A resource (a queue, a topic) encrypts under a data key generated from its KMS key with the
// encryption context {context_name: resource ARN}. The data key is reused for the reuse period and
// KMS is consulted only when it is generated or refreshed: GenerateDataKey when a writer needs one
// and the cached one is older than the period (or was made from another KMS key), Decrypt when a
// reader needs it and its last decryption is older than the period. So a KMS key disabled (or
// scheduled for deletion) while a data key is cached takes effect at the next refresh, as on AWS.
// A reuse period of 0 consults KMS on every use.
//
// Persistence: the cache itself keeps nothing, but a service that stores data keys' blobs (SQS's
// store does, never their plaintexts) hands each resource's newest one back with restore() after a
// restart. The data key is then reused for the rest of its period as if the process had never
// stopped, and the first use decrypts it (KMS is consulted, as for a refresh).
//
// Errors are KMS's own (NotFoundException, DisabledException, KMSInvalidStateException, ...): the
// service maps them to its codes. Thread-safe; the KeyManager must outlive the cache.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "sluice/common/mutex.h"
#include "sluice/kms/kms.h"

namespace sluice::kms {

struct DataKeyUse {
  Scope scope;                  // the resource's account and region
  std::string key_ref;          // the resource's KmsMasterKeyId (id, ARN, alias name or alias ARN)
  std::string context_name;     // "aws:sqs:arn", "aws:sns:topicArn"
  std::string resource_arn;     // the encryption context's value
  int64_t reuse_period_ms = 0;  // how long a data key and its decryption are reused
};

class DataKeyCache {
 public:
  explicit DataKeyCache(std::shared_ptr<KeyManager> keys) : keys_(std::move(keys)) {}

  // The data key to encrypt with now: the cached one while it is younger than the reuse period,
  // else a new one from GenerateDataKey.
  common::Outcome<DataKey> key_for_writing(const DataKeyUse& use);
  // The resource's current data key as a reader needs it: its cached decryption while younger than
  // the reuse period, else Decrypt of its blob (a data key is generated first if there is none).
  common::Outcome<DataKey> key_for_reading(const DataKeyUse& use);
  // The plaintext of a data key stored with a resource's messages (its blob, sealed with the
  // resource's context): the cached decryption when it is the resource's current data key and was
  // decrypted within the reuse period, else Decrypt of the blob (which then refreshes the cache).
  common::Outcome<std::string> open_data_key(const DataKeyUse& use, const std::string& ciphertext_blob);
  // Seeds the resource's current data key from its stored blob, generated at generated_ms (on the
  // KMS clock), unless the cache already holds one. Its plaintext is not known: the next use
  // decrypts it.
  void restore(const DataKeyUse& use, std::string ciphertext_blob, std::string key_arn, int64_t generated_ms);
  // Forgets every cached data key (the next use consults KMS).
  void clear();

  KeyManager& keys() const { return *keys_; }

 private:
  struct Entry {
    std::string key_ref;
    DataKey key;
    int64_t generated_ms = 0;
    int64_t decrypted_ms = 0;
  };
  static std::string slot(const DataKeyUse& use);
  // Decrypts the entry's blob into its plaintext (KMS consulted). The lock is held.
  common::Status refresh(const DataKeyUse& use, Entry& entry, int64_t now) REQUIRES(mu_);

  std::shared_ptr<KeyManager> keys_;
  common::Mutex mu_;
  std::map<std::string, Entry> entries_ GUARDED_BY(mu_);  // by account, region and resource ARN
};

}  // namespace sluice::kms
