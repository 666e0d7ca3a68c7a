#pragma once
// The data keys SSE-KMS queues seal their messages with, as the SQLite store keeps them: one row of
// data_keys per data key (its KMS blob and what decrypting it again needs, never the plaintext)
// and, in memory, one AES-256-GCM cipher per data key, keyed once.
//
// A cipher comes from one of two places. A data key the engine has just generated arrives with
// its plaintext in a PutDataKey mutation: put() writes the row (in the commit's transaction) and
// keeps the cipher for sealing. A data key named by a stored row is opened with the store's
// DataKeyOpener (KMS decrypts the blob) the first time load() needs it. A queue's lazy load does
// not open rows sealed with data keys: it hands them, and the queue's data keys (of_queue), to the
// engine, which opens them when it reads them.
//
// A data key's row goes with its queue (drop_queue), with a purge (prune_queue), and once no
// stored message names it and a newer data key of its queue has been current for a while
// (prune_unused, swept periodically by the store): the engine seals with its queue's newest data
// key only, appending each PutDataKey under the queue's lock ahead of the messages sealed with it,
// so a data key that is no longer the newest gains no message, and one whose messages are all
// deleted (or moved, which reseals them) is needed by nothing.
//
// Not thread-safe: the store uses it only under its connection lock.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sluice/common/sqlite.h"
#include "store/at_rest_cipher.h"
#include "store/store.h"

namespace sluice::sqs::detail {

class DataKeyCiphers {
 public:
  explicit DataKeyCiphers(sqlite3* db);  // prepares its statements; throws sqlite::Error

  void set_opener(DataKeyOpener opener) { opener_ = std::move(opener); }

  // Writes the data key's row and keeps its cipher. Throws sqlite::Error.
  void put(const DataKeyRecord& key, const std::string& plaintext);
  // The cipher to seal a message of `data_key_id` with: one put() in this process gave it, or a
  // load opened it. Throws std::logic_error for a data key the engine never handed over.
  const AtRestCipher& for_sealing(int64_t data_key_id) const;
  // The cipher to open a stored row with, its data key opened through the opener if need be. Null
  // with *error (and *refusal when KMS refused) when it cannot be had. Throws sqlite::Error.
  const AtRestCipher* for_opening(int64_t data_key_id, std::string* error, std::optional<common::AwsError>* refusal);
  // Forgets the queue's data keys (its rows and ciphers): the queue is deleted. Throws sqlite::Error.
  void drop_queue(int64_t queue_id);
  // Forgets every data key of the queue but its newest: its messages are purged, and only the
  // newest can still seal the ones sent after. Throws sqlite::Error.
  void prune_queue(int64_t queue_id);

  // Forgets every data key that no stored message names and that a newer data key of its queue,
  // generated before `superseded_before_ms`, has replaced; returns how many went. The margin
  // is only prudence: see above. Throws sqlite::Error.
  size_t prune_unused(int64_t superseded_before_ms);

  // Every data key of the queue (the engine opens its sealed rows with them). Throws sqlite::Error.
  std::vector<DataKeyRecord> of_queue(int64_t queue_id);

  // Each queue's newest data key. Throws sqlite::Error.
  std::vector<DataKeyRecord> newest_per_queue();

 private:
  struct Held {
    int64_t queue_id = 0;
    std::unique_ptr<AtRestCipher> cipher;
  };
  static DataKeyRecord read_row(common::sqlite::Statement& s);
  const AtRestCipher& keep(int64_t data_key_id, int64_t queue_id, std::unique_ptr<AtRestCipher> cipher);

  DataKeyOpener opener_;
  std::unordered_map<int64_t, Held> ciphers_;  // by data key id
  common::sqlite::Statement put_, read_, of_queue_, delete_queue_, prune_queue_, prune_unused_, newest_;
};

}  // namespace sluice::sqs::detail
