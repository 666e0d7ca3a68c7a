// count_queue: a queue's visible, delayed and in-flight messages counted from what the store
// keeps per queue and from the messages hidden now, without reading the queue's messages; exact
// through every kind of change, a failed commit and a reopen.

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

constexpr int64_t kNow = 1800000000000;

StoredCounts counts_of(Store& store, int64_t queue_id) {
  StoredCounts counts;
  std::string error;
  REQUIRE_MESSAGE(store.count_queue(queue_id, kNow, &counts, &error), error);
  return counts;
}

void check(const StoredCounts& counts, int64_t visible, int64_t delayed, int64_t in_flight) {
  CHECK(counts.visible == visible);
  CHECK(counts.delayed == delayed);
  CHECK(counts.in_flight == in_flight);
}

MessageRecord message_at(int64_t queue_id, int64_t seq, int64_t visible_at_ms) {
  MessageRecord m = sample_message(queue_id, seq);
  m.sent_ms = kNow - 1000;
  m.visible_at_ms = visible_at_ms;
  m.first_receive_ms = 0;
  m.receive_count = 0;
  return m;
}

}  // namespace

TEST_CASE("a queue's counts follow every change and survive a reopen") {
  TempDir dir;
  std::string error;
  {
    auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
    REQUIRE_MESSAGE(store, error);
    store->load_catalog();
    std::vector<Mutation> batch{mutation::PutQueue{sample_queue(1)}, mutation::PutQueue{sample_queue(2, "other")}};
    for (int64_t seq = 1; seq <= 10; ++seq)
      batch.emplace_back(mutation::InsertMessage{message_at(1, seq, kNow - 1000)});
    batch.emplace_back(mutation::InsertMessage{message_at(1, 11, kNow + 60000)});  // delayed
    batch.emplace_back(mutation::InsertMessage{message_at(2, 12, kNow - 1000)});
    store->wait_durable(store->append(std::move(batch)));
    check(counts_of(*store, 1), 10, 1, 0);
    // Two received (one still in flight, one whose visibility ended), one deleted.
    store->wait_durable(store->append(std::vector<Mutation>{mutation::UpdateMessage{1, kNow + 30000, kNow - 500, 1},
                                                            mutation::UpdateMessage{2, kNow - 1, kNow - 900, 1},
                                                            mutation::DeleteMessage{3}, mutation::DeleteMessage{3}}));
    check(counts_of(*store, 1), 8, 1, 1);
    check(counts_of(*store, 2), 1, 0, 0);
    // A purge in the same commit as inserts before and after it.
    store->wait_durable(store->append(std::vector<Mutation>{mutation::InsertMessage{message_at(2, 13, kNow - 1000)},
                                                            mutation::PurgeQueue{2},
                                                            mutation::InsertMessage{message_at(2, 14, kNow - 1000)}}));
    check(counts_of(*store, 2), 1, 0, 0);
  }
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(store, error);
  store->load_catalog();
  check(counts_of(*store, 1), 8, 1, 1);
  check(counts_of(*store, 2), 1, 0, 0);
  // Deletes by a seq never loaded in this session still count.
  store->wait_durable(store->append(std::vector<Mutation>{mutation::DeleteMessage{4}, mutation::DeleteQueue{2}}));
  check(counts_of(*store, 1), 7, 1, 1);
  check(counts_of(*store, 2), 0, 0, 0);
  check(counts_of(*store, 9), 0, 0, 0);  // a queue with nothing stored
}

// A bulk receive's updates and a batch delete of consecutive seqs are applied as one statement
// over the range; a run stops at a change of queue, of values or a gap, and counts stay exact.
TEST_CASE("runs of consecutive seqs change exactly the messages they name") {
  TempDir dir;
  std::string error;
  {
    auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
    REQUIRE_MESSAGE(store, error);
    store->load_catalog();
    std::vector<Mutation> batch{mutation::PutQueue{sample_queue(1)}, mutation::PutQueue{sample_queue(2, "other")}};
    for (int64_t seq = 1; seq <= 8; ++seq) batch.emplace_back(mutation::InsertMessage{message_at(1, seq, kNow - 1000)});
    for (int64_t seq = 9; seq <= 11; ++seq)
      batch.emplace_back(mutation::InsertMessage{message_at(2, seq, kNow - 1000)});
    batch.emplace_back(mutation::InsertMessage{message_at(1, 12, kNow - 1000)});
    store->wait_durable(store->append(std::move(batch)));
    check(counts_of(*store, 1), 9, 0, 0);
    check(counts_of(*store, 2), 3, 0, 0);
    // Received alike: 1-3; 4 with other values; 5-6 alike again.
    store->wait_durable(store->append(std::vector<Mutation>{mutation::UpdateMessage{1, kNow + 30000, kNow - 500, 1},
                                                            mutation::UpdateMessage{2, kNow + 30000, kNow - 500, 1},
                                                            mutation::UpdateMessage{3, kNow + 30000, kNow - 500, 1},
                                                            mutation::UpdateMessage{4, kNow + 60000, kNow - 400, 2},
                                                            mutation::UpdateMessage{5, kNow + 90000, kNow - 300, 1},
                                                            mutation::UpdateMessage{6, kNow + 90000, kNow - 300, 1}}));
    check(counts_of(*store, 1), 3, 0, 6);
    // Deleted: 2-3 (a run), 7-8 and then 9-10 of the other queue (the run stops at the queue), 12
    // after a gap, and 6 and 5 out of order.
    store->wait_durable(store->append(
        std::vector<Mutation>{mutation::DeleteMessage{2}, mutation::DeleteMessage{3}, mutation::DeleteMessage{7},
                              mutation::DeleteMessage{8}, mutation::DeleteMessage{9}, mutation::DeleteMessage{10},
                              mutation::DeleteMessage{12}, mutation::DeleteMessage{6}, mutation::DeleteMessage{5}}));
    check(counts_of(*store, 1), 0, 0, 2);
    check(counts_of(*store, 2), 1, 0, 0);
  }
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(store, error);
  LoadedState state = store->load();
  std::vector<int64_t> seqs;
  for (const auto& m : state.messages) {
    seqs.push_back(m.seq);
    if (m.seq == 1) {
      CHECK(m.visible_at_ms == kNow + 30000);
      CHECK(m.first_receive_ms == kNow - 500);
      CHECK(m.receive_count == 1);
    }
    if (m.seq == 4) {
      CHECK(m.visible_at_ms == kNow + 60000);
      CHECK(m.first_receive_ms == kNow - 400);
      CHECK(m.receive_count == 2);
    }
    if (m.seq == 11) CHECK(m.receive_count == 0);
  }
  std::sort(seqs.begin(), seqs.end());
  CHECK(seqs == std::vector<int64_t>{1, 4, 11});
  check(counts_of(*store, 1), 0, 0, 2);
  check(counts_of(*store, 2), 1, 0, 0);
}
