#include "engine/message_index.h"

#include <bit>
#include <cstdio>
#include <cstdlib>

#include "engine/message.h"

namespace sluice::sqs::detail {

uint64_t MessageIndex::make_slot(const Message* message, uint64_t tag, uint64_t distance) {
  const auto address = reinterpret_cast<uintptr_t>(message);
  if ((address & ~kAddressMask) != 0) {
    // Never on Linux's x86-64 and arm64 user space (47- and 48-bit addresses): stop rather than lose a message.
    std::fprintf(stderr, "sluice: message address %p does not fit the queue index\n",
                 static_cast<const void*>(message));
    std::abort();
  }
  return (distance << (kAddressBits + 6)) | (tag << kAddressBits) | address;
}

Message* MessageIndex::find(int64_t seq) const {
  if (size_ == 0) return nullptr;
  const uint64_t tag = tag_of(seq);
  const size_t mask = slots_.size() - 1;
  for (size_t i = home_of(seq);; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == 0) return nullptr;
    if (tag_bits_of(slot) == tag) {
      Message* message = message_of(slot);
      if (message->seq == seq) return message;
    }
  }
}

bool MessageIndex::place(uint64_t slot_without_distance, size_t home) {
  const size_t mask = slots_.size() - 1;
  for (uint64_t distance = 0; distance <= kMaxDistance; ++distance) {
    uint64_t& slot = slots_[(home + distance) & mask];
    if (slot == 0) {
      slot = slot_without_distance | (distance << (kAddressBits + 6));
      return true;
    }
  }
  return false;
}

void MessageIndex::insert(Message* message) {
  if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.empty() ? kMinCapacity : slots_.size() * 2);
  while (!place(make_slot(message, tag_of(message->seq), 0), home_of(message->seq))) rehash(slots_.size() * 2);
  ++size_;
}

Message* MessageIndex::erase(int64_t seq) {
  if (size_ == 0) return nullptr;
  const uint64_t tag = tag_of(seq);
  const size_t mask = slots_.size() - 1;
  size_t hole = home_of(seq);
  Message* found = nullptr;
  for (;; hole = (hole + 1) & mask) {
    const uint64_t slot = slots_[hole];
    if (slot == 0) return nullptr;
    if (tag_bits_of(slot) == tag && message_of(slot)->seq == seq) {
      found = message_of(slot);
      break;
    }
  }
  // Knuth's deletion for linear probing: a later entry of the run moves into the hole unless its
  // home lies after the hole (its distance is smaller than how far it is from the hole).
  for (size_t j = (hole + 1) & mask;; j = (j + 1) & mask) {
    const uint64_t slot = slots_[j];
    if (slot == 0) break;
    const uint64_t gap = (j - hole) & mask;
    const uint64_t distance = distance_of(slot);
    if (distance >= gap) {
      const uint64_t kept = slot & ~(kMaxDistance << (kAddressBits + 6));
      slots_[hole] = kept | ((distance - gap) << (kAddressBits + 6));
      hole = j;
    }
  }
  slots_[hole] = 0;
  --size_;
  if (slots_.size() > kMinCapacity && size_ * 8 < slots_.size()) rehash(slots_.size() / 2);
  return found;
}

void MessageIndex::clear() {
  slots_ = {};
  size_ = 0;
  shift_ = 64;
}

void MessageIndex::rehash(size_t capacity) {
  const std::vector<uint64_t> old = std::move(slots_);
  // Reads every message's seq (the slots keep too few of its hash bits): as a node-based map's rehash did.
  for (;; capacity *= 2) {
    slots_.assign(capacity, 0);
    shift_ = 64 - std::countr_zero(capacity);
    bool placed_all = true;
    for (uint64_t slot : old) {
      if (slot == 0) continue;
      Message* message = message_of(slot);
      if (!place(make_slot(message, tag_of(message->seq), 0), home_of(message->seq))) {
        placed_all = false;  // a run longer than the distance bits hold: twice as large
        break;
      }
    }
    if (placed_all) return;
  }
}

}  // namespace sluice::sqs::detail
