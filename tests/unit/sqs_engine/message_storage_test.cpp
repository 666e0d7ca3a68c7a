// A queue's message storage: the seq index against a std::map under random inserts and erases
// (runs that wrap the table's end, growth, shrinking), and the pool's reuse and release of memory.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/message.h"
#include "engine/message_index.h"
#include "engine/message_pool.h"

using namespace sluice::sqs::detail;

namespace {

// Messages on the heap, with the seqs a test gives them.
struct Messages {
  std::map<int64_t, MessagePtr> by_seq;
  Message* add(int64_t seq) {
    MessagePtr message = make_message("body " + std::to_string(seq));
    message->seq = seq;
    Message* raw = message.get();
    by_seq[seq] = std::move(message);
    return raw;
  }
};

}  // namespace

TEST_CASE("the seq index finds exactly what was inserted and not erased, through growth and shrinking") {
  std::mt19937_64 rng(16);
  Messages messages;
  MessageIndex index;
  std::map<int64_t, Message*> expected;
  // Seqs from a narrow range collide in home slots and make long runs; a few far ones land anywhere.
  auto random_seq = [&] {
    return rng() % 8 == 0 ? static_cast<int64_t>(rng() >> 1) : static_cast<int64_t>(rng() % 12000);
  };
  // Counted, then checked once: a CHECK per lookup would make this the slowest test of the suite.
  size_t wrong = 0;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5000; ++i) {
      const int64_t seq = random_seq();
      if (expected.count(seq) == 0) {
        Message* m = messages.by_seq.count(seq) ? messages.by_seq[seq].get() : messages.add(seq);
        index.insert(m);
        expected[seq] = m;
      } else if (rng() % 3 == 0) {
        wrong += index.erase(seq) != expected[seq];
        expected.erase(seq);
      }
    }
    REQUIRE(index.size() == expected.size());
    for (const auto& [seq, m] : expected) wrong += index.find(seq) != m;
    for (int i = 0; i < 1000; ++i) {
      const int64_t seq = random_seq();
      if (expected.count(seq) == 0) wrong += index.find(seq) != nullptr;
    }
    size_t visited = 0;
    index.for_each([&](const Message& m) {
      ++visited;
      wrong += expected.count(m.seq) != 1;
    });
    CHECK(visited == expected.size());
    // Drain most of it: the table halves as it empties and still finds the rest.
    const size_t full_capacity = index.capacity();
    std::vector<int64_t> order;
    for (const auto& [seq, m] : expected) order.push_back(seq);
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i + 100 < order.size(); ++i) {
      wrong += index.erase(order[i]) != expected[order[i]];
      wrong += index.erase(order[i]) != nullptr;  // erasing again finds nothing
      expected.erase(order[i]);
    }
    CHECK(index.capacity() < full_capacity);
    for (const auto& [seq, m] : expected) wrong += index.find(seq) != m;
    CHECK(wrong == 0);
  }
  index.clear();
  CHECK(index.empty());
  CHECK(index.find(expected.begin()->first) == nullptr);
}

TEST_CASE("the seq index keeps the increasing seqs of a queue's sends and deletes at a steady size") {
  Messages messages;
  MessageIndex index;
  int64_t next = 1, oldest = 1;
  size_t not_found = 0;
  for (int i = 0; i < 1000; ++i) index.insert(messages.add(next++));
  for (int i = 0; i < 10000; ++i) {
    index.insert(messages.add(next++));
    not_found += index.erase(oldest) == nullptr;
    messages.by_seq.erase(oldest++);
  }
  CHECK(not_found == 0);
  CHECK(index.size() == 1000);
  CHECK(index.capacity() <= 2048);
  size_t missing = 0;
  for (int64_t seq = oldest; seq < next; ++seq) missing += index.find(seq) == nullptr;
  CHECK(missing == 0);
  CHECK(index.find(oldest - 1) == nullptr);
}

TEST_CASE("the pool reuses a freed record of the same size class and gives slabs back once empty") {
  MessagePool pool;
  void* a = pool.allocate(Message::record_bytes(100));
  void* b = pool.allocate(Message::record_bytes(100));
  CHECK(a != b);
  CHECK(reinterpret_cast<uintptr_t>(a) % 16 == 0);
  CHECK(reinterpret_cast<uintptr_t>(b) % 16 == 0);
  pool.free(a, Message::record_bytes(100));
  CHECK(pool.allocate(Message::record_bytes(101)) == a);  // same 16-byte class
  void* other = pool.allocate(Message::record_bytes(200));
  CHECK(other != a);
  pool.free(other, Message::record_bytes(200));
  pool.free(a, Message::record_bytes(101));
  pool.free(b, Message::record_bytes(100));
  CHECK(pool.live_records() == 0);

  // Emptied within its first slab, the pool keeps it.
  CHECK(pool.slab_count() == 1);
  CHECK(pool.held_bytes() == MessagePool::kFirstSlabBytes);

  // A backlog of many slabs, growing, then drained: they all go back.
  std::vector<void*> backlog;
  for (int i = 0; i < 5000; ++i) backlog.push_back(pool.allocate(Message::record_bytes(1024)));
  CHECK(pool.held_bytes() >= 5000 * 1024);
  CHECK(pool.slab_count() < 25);  // grown, not 32 KiB at a time
  for (void* block : backlog) pool.free(block, Message::record_bytes(1024));
  CHECK(pool.held_bytes() == 0);

  // Records over the pooled limit come from the heap and are given back one by one.
  void* small = pool.allocate(100);
  void* large = pool.allocate(MessagePool::kMaxPooledBytes + 1);
  CHECK(pool.held_bytes() > MessagePool::kFirstSlabBytes + MessagePool::kMaxPooledBytes);
  pool.free(large, MessagePool::kMaxPooledBytes + 1);
  CHECK(pool.held_bytes() == MessagePool::kFirstSlabBytes);
  pool.free(small, 100);
}

TEST_CASE("a message record keeps its body after the header and moves it whole") {
  MessagePool pool;
  MessagePtr heap = make_message(std::string(300, 'x') + "end");
  heap->seq = 7;
  heap->receive_count = 2;
  heap->ensure_extra().message_group_id = "g";
  Message* pooled = Message::relocate(pool.allocate(heap->record_bytes()), *heap);
  CHECK(pooled->seq == 7);
  CHECK(pooled->receive_count == 2);
  CHECK(pooled->group_id() == "g");
  CHECK(pooled->body() == std::string(300, 'x') + "end");
  CHECK(heap->extra == nullptr);  // moved, not copied
  const size_t bytes = pooled->record_bytes();
  pooled->~Message();
  pool.free(pooled, bytes);
  MessagePtr empty = make_message("");
  CHECK(empty->body().empty());
}
