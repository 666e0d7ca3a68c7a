// See data_key_ciphers.h. The table is written only by put(), drop_queue(), prune_queue() and
// prune_unused(), all inside the commit's transaction, so a failed commit leaves no row behind. A cipher kept
// for a row that a failed commit rolled back is harmless: the retried PutDataKey comes first and
// makes the same one.

#include "store/data_key_ciphers.h"

#include <algorithm>
#include <stdexcept>

namespace sluice::sqs::detail {
namespace {

constexpr const char* kColumns =
    "data_key_id, queue_id, account_id, region, key_ref, key_arn, context_arn, ciphertext_blob, generated_ms";

}  // namespace

DataKeyCiphers::DataKeyCiphers(sqlite3* db)
    : put_(db, std::string("INSERT OR REPLACE INTO data_keys(") + kColumns + ") VALUES(?,?,?,?,?,?,?,?,?)"),
      read_(db, std::string("SELECT ") + kColumns + " FROM data_keys WHERE data_key_id = ?"),
      of_queue_(db, std::string("SELECT ") + kColumns + " FROM data_keys WHERE queue_id = ? ORDER BY data_key_id"),
      delete_queue_(db, "DELETE FROM data_keys WHERE queue_id = ?"),
      prune_queue_(db,
                   "DELETE FROM data_keys WHERE queue_id = ?1 AND "
                   "data_key_id < (SELECT max(data_key_id) FROM data_keys WHERE queue_id = ?1)"),
      // "data_key != 0" lets SQLite use the partial index messages_by_data_key: one lookup per
      // data key, no queue read.
      prune_unused_(db,
                    "DELETE FROM data_keys WHERE data_key_id IN ("
                    "SELECT d.data_key_id FROM data_keys AS d "
                    "WHERE EXISTS (SELECT 1 FROM data_keys AS n WHERE n.queue_id = d.queue_id AND "
                    "n.data_key_id > d.data_key_id AND n.generated_ms < ?1) "
                    "AND NOT EXISTS (SELECT 1 FROM messages AS m WHERE m.data_key != 0 AND "
                    "m.data_key = d.data_key_id)) RETURNING data_key_id"),
      newest_(db, std::string("SELECT ") + kColumns +
                      " FROM data_keys WHERE data_key_id IN (SELECT max(data_key_id) FROM data_keys GROUP BY "
                      "queue_id) ORDER BY queue_id") {}

void DataKeyCiphers::put(const DataKeyRecord& key, const std::string& plaintext) {
  put_.bind(1, key.data_key_id)
      .bind(2, key.queue_id)
      .bind_text(3, key.account_id)
      .bind_text(4, key.region)
      .bind_text(5, key.key_ref)
      .bind_text(6, key.key_arn)
      .bind_text(7, key.context_arn)
      .bind(8, key.ciphertext_blob)
      .bind(9, key.generated_ms)
      .run();
  auto cipher = AtRestCipher::from_key(plaintext);
  if (!cipher) throw std::logic_error("data key " + std::to_string(key.data_key_id) + " is not an AES-256 key");
  keep(key.data_key_id, key.queue_id, std::move(cipher));
}

const AtRestCipher& DataKeyCiphers::keep(int64_t data_key_id, int64_t queue_id, std::unique_ptr<AtRestCipher> cipher) {
  Held& held = ciphers_[data_key_id];
  held = Held{queue_id, std::move(cipher)};
  return *held.cipher;
}

const AtRestCipher& DataKeyCiphers::for_sealing(int64_t data_key_id) const {
  auto it = ciphers_.find(data_key_id);
  if (it == ciphers_.end())
    throw std::logic_error("data key " + std::to_string(data_key_id) + " was not handed to the store");
  return *it->second.cipher;
}

const AtRestCipher* DataKeyCiphers::for_opening(int64_t data_key_id, std::string* error,
                                                std::optional<common::AwsError>* refusal) {
  auto it = ciphers_.find(data_key_id);
  if (it != ciphers_.end()) return it->second.cipher.get();
  read_.bind(1, data_key_id);
  if (!read_.step()) {
    *error = "its data key " + std::to_string(data_key_id) + " is missing from data_keys";
    return nullptr;
  }
  DataKeyRecord key = read_row(read_);
  read_.reset();
  if (!opener_) {
    *error = "its data key " + std::to_string(data_key_id) + " needs KMS, which this store was not given";
    return nullptr;
  }
  auto plaintext = opener_(key);
  if (!plaintext) {
    *error = "KMS refused its data key " + std::to_string(data_key_id) + " (" + plaintext.error().message + ")";
    *refusal = plaintext.take_error();
    return nullptr;
  }
  auto cipher = AtRestCipher::from_key(std::move(*plaintext));
  if (!cipher) {
    *error = "its data key " + std::to_string(data_key_id) + " is not an AES-256 key";
    return nullptr;
  }
  return &keep(data_key_id, key.queue_id, std::move(cipher));
}

void DataKeyCiphers::drop_queue(int64_t queue_id) {
  delete_queue_.bind(1, queue_id).run();
  std::erase_if(ciphers_, [&](const auto& entry) { return entry.second.queue_id == queue_id; });
}

void DataKeyCiphers::prune_queue(int64_t queue_id) {
  prune_queue_.bind(1, queue_id).run();
  int64_t newest = 0;
  for (const auto& [id, held] : ciphers_)
    if (held.queue_id == queue_id) newest = std::max(newest, id);
  std::erase_if(ciphers_, [&](const auto& entry) { return entry.second.queue_id == queue_id && entry.first < newest; });
}

size_t DataKeyCiphers::prune_unused(int64_t superseded_before_ms) {
  prune_unused_.bind(1, superseded_before_ms);
  size_t pruned = 0;
  while (prune_unused_.step()) {
    ciphers_.erase(prune_unused_.int64(0));
    ++pruned;
  }
  return pruned;
}

std::vector<DataKeyRecord> DataKeyCiphers::of_queue(int64_t queue_id) {
  std::vector<DataKeyRecord> out;
  of_queue_.bind(1, queue_id);
  while (of_queue_.step()) out.push_back(read_row(of_queue_));
  return out;
}

std::vector<DataKeyRecord> DataKeyCiphers::newest_per_queue() {
  std::vector<DataKeyRecord> out;
  while (newest_.step()) out.push_back(read_row(newest_));
  return out;
}

DataKeyRecord DataKeyCiphers::read_row(common::sqlite::Statement& s) {
  DataKeyRecord key;
  key.data_key_id = s.int64(0);
  key.queue_id = s.int64(1);
  key.account_id = s.string(2);
  key.region = s.string(3);
  key.key_ref = s.string(4);
  key.key_arn = s.string(5);
  key.context_arn = s.string(6);
  key.ciphertext_blob = s.string(7);
  key.generated_ms = s.int64(8);
  return key;
}

}  // namespace sluice::sqs::detail
