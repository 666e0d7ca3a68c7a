#pragma once
// Storage for one queue's message records (a Message header with its body behind it, one block).
//
// How it works
// - Records are carved one after another from slabs, so a queue's messages sit next to each other
//   in memory, in the order they were sent, and a record costs its size rounded up to 16 bytes,
//   with no allocator header. Slabs grow with the pool (from kFirstSlabBytes to kMaxSlabBytes, each
//   half of what the pool holds), so a small queue holds little and a deep one asks the heap
//   rarely.
// - A freed record goes on the free list of its size class (16-byte steps) and is the first one a
//   record of that size reuses, so a steady send/delete load reuses the same memory and never
//   asks the process's allocator for anything.
// - Records over kMaxPooledBytes come from the heap; they are few and large, and a size class of
//   their own would mostly hold memory no other record can use.
// - When the last record is freed, the slabs go back to the heap unless they are one first-size
//   slab: a drained backlog returns its memory, while a queue that keeps emptying and refilling
//   within its first slab never does that work. A queue that shrinks without emptying keeps its slabs for the records
//   that come next (free lists are per size class; sizes that stop coming keep theirs until then).
//
// Not thread-safe: the queue's mutex guards it like the rest of the queue.

#include <cstddef>
#include <memory>
#include <vector>

namespace sluice::sqs::detail {

class MessagePool {
 public:
  static constexpr size_t kGranule = 16;
  static constexpr size_t kMaxPooledBytes = 16 * 1024;
  static constexpr size_t kFirstSlabBytes = 32 * 1024;
  static constexpr size_t kMaxSlabBytes = 8 * 1024 * 1024;

  MessagePool() = default;
  ~MessagePool();
  MessagePool(const MessagePool&) = delete;
  MessagePool& operator=(const MessagePool&) = delete;

  // A block of at least `bytes`, aligned to 16 bytes.
  void* allocate(size_t bytes);
  // Returns a block allocate(bytes) gave, with the same `bytes`.
  void free(void* block, size_t bytes);
  // Bytes held from the heap (slabs and large records), for tests and accounting.
  size_t held_bytes() const { return slab_bytes_ + large_bytes_; }
  size_t slab_count() const { return slabs_.size(); }
  size_t live_records() const { return live_; }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  static size_t rounded(size_t bytes) { return (bytes + kGranule - 1) / kGranule * kGranule; }
  void add_slab(size_t bytes);
  void release_slabs();

  std::vector<FreeBlock*> free_;  // by size class: rounded bytes / kGranule
  std::vector<std::unique_ptr<std::byte[]>> slabs_;
  size_t slab_bytes_ = 0;
  std::byte* bump_ = nullptr;  // the free end of the newest slab
  std::byte* bump_end_ = nullptr;
  size_t live_ = 0;
  size_t large_bytes_ = 0;
};

}  // namespace sluice::sqs::detail
