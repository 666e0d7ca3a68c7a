#pragma once
// Salvage for `--recover`: copies the rows that can still be read out of a damaged database file
// (kept aside as sluice.db.damaged) into a new, empty store of the same schema.
//
// Queues, then each salvaged queue's messages, are walked in key order, one row at a time, so one unreadable row costs
// only itself; where the b-tree cannot even be walked (a damaged interior page), the walk jumps ahead in growing steps
// until it reads again, losing the rows it jumped over. The id high-water marks are copied when readable; otherwise
// they are set far past every salvaged id, so that no id that may have been used before is handed out again. FIFO
// deduplication entries are copied all at once or not at all (they only matter for five minutes).

#include <cstdint>
#include <string>

#include "sluice/common/sqlite.h"

namespace sluice::sqs::detail {

struct SalvageResult {
  int64_t queues = 0;            // rows copied
  int64_t messages = 0;          // rows copied
  int64_t unreadable = 0;        // rows, or damaged stretches of a table, that could not be read
  bool dedup_copied = false;     // the deduplication table came over whole
  bool readable_at_all = false;  // the damaged file's schema could be read
};

// `db` is the new store's connection, its schema created and no transaction open. Never throws for
// what it reads; throws sqlite::Error only when the new store itself cannot be written.
SalvageResult salvage_rows(common::sqlite::Connection& db, const std::string& damaged_file);

// "salvaged 3 queues and 120 messages from <file>; 2 unreadable rows or stretches of rows are lost"
std::string describe_salvage(const SalvageResult& result, const std::string& damaged_file);

}  // namespace sluice::sqs::detail
