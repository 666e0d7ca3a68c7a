#pragma once
// A queue's messages by seq: an open-addressing hash table of 8-byte slots.
//
// How it works
// - A slot holds the message's address in its low 48 bits (user-space addresses on the 64-bit
//   targets sluice builds for fit there) and, in the top 16, how far the slot is from the seq's home
//   slot (10 bits) and 6 bits of the seq's hash. Empty slots are 0.
// - A seq's home slot keeps runs of 8 consecutive seqs side by side (a cache line of slots) and
//   spreads the runs over the table by Fibonacci hashing of seq / 8. A queue's sends take
//   consecutive seqs and its receives and deletes the oldest ones, so behind a backlog of millions a
//   batch of ten touches two or three lines of the table instead of ten scattered ones; seqs that
//   are not consecutive (many queues sending in turn) spread as with any hash.
// - Lookups probe linearly from the home slot; a message is read only when the hash bits match, so
//   a probe rarely touches memory other than the table. Deletion moves later entries of the run back
//   (no tombstones), using the stored distance, so it never reads a message. Growth does (it needs
//   each seq again), as a node-based map's rehash did.
// - The table doubles past 3/4 full and halves below 1/8 full, so a drained backlog gives its
//   memory back. At 1,000,000 messages it takes 8 to 16 bytes a message, where a node-based map
//   took about 44 and a cache miss more per lookup.
//
// Not thread-safe: the queue's mutex guards it like the rest of the queue.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/message.h"

namespace sluice::sqs::detail {

class MessageIndex {
 public:
  Message* find(int64_t seq) const;
  // Adds a message whose seq is not in the index yet.
  void insert(Message* message);
  // Removes and returns the message with `seq`; null when there is none.
  Message* erase(int64_t seq);
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return slots_.size(); }
  // Empties the index (the messages are the caller's to free) and gives back its memory.
  void clear();

  // Every message, in no particular order.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (uint64_t slot : slots_)
      if (slot != 0) fn(static_cast<const Message&>(*message_of(slot)));
  }
  template <typename Fn>
  void for_each(Fn&& fn) {
    for (uint64_t slot : slots_)
      if (slot != 0) fn(*message_of(slot));
  }

 private:
  static constexpr int kAddressBits = 48;
  static constexpr int kDistanceBits = 10;
  static constexpr uint64_t kAddressMask = (uint64_t{1} << kAddressBits) - 1;
  static constexpr uint64_t kMaxDistance = (uint64_t{1} << kDistanceBits) - 1;
  static constexpr size_t kMinCapacity = 16;

  static constexpr int kRunBits = 3;  // runs of 8 consecutive seqs share their home's cache line
  static constexpr uint64_t kFibonacci = 0x9E3779B97F4A7C15ull;

  static uint64_t tag_of(int64_t seq) { return ((static_cast<uint64_t>(seq) * kFibonacci) >> 20) & 0x3F; }
  static Message* message_of(uint64_t slot) { return reinterpret_cast<Message*>(slot & kAddressMask); }
  static uint64_t distance_of(uint64_t slot) { return slot >> (kAddressBits + 6); }
  static uint64_t tag_bits_of(uint64_t slot) { return (slot >> kAddressBits) & 0x3F; }
  static uint64_t make_slot(const Message* message, uint64_t tag, uint64_t distance);
  size_t home_of(int64_t seq) const {
    const auto s = static_cast<uint64_t>(seq);
    const uint64_t run_start = ((s >> kRunBits) * kFibonacci) >> shift_;
    return static_cast<size_t>((run_start + (s & ((uint64_t{1} << kRunBits) - 1))) & (slots_.size() - 1));
  }
  // Places a slot's message without growing; false when its distance would not fit.
  bool place(uint64_t slot_without_distance, size_t home);
  void rehash(size_t capacity);

  std::vector<uint64_t> slots_;
  size_t size_ = 0;
  int shift_ = 64;
};

}  // namespace sluice::sqs::detail
