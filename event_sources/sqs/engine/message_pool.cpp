#include "engine/message_pool.h"

#include <algorithm>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_POOL_ASAN 1
#endif
#endif
#ifdef SLUICE_POOL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace sluice::sqs::detail {
namespace {

// Under AddressSanitizer a freed record is poisoned, so a use after free is reported as it would be
// for the heap's own blocks.
void poison(void* block, size_t bytes) {
#ifdef SLUICE_POOL_ASAN
  ASAN_POISON_MEMORY_REGION(block, bytes);
#else
  (void)block;
  (void)bytes;
#endif
}

void unpoison(void* block, size_t bytes) {
#ifdef SLUICE_POOL_ASAN
  ASAN_UNPOISON_MEMORY_REGION(block, bytes);
#else
  (void)block;
  (void)bytes;
#endif
}

}  // namespace

MessagePool::~MessagePool() = default;

void* MessagePool::allocate(size_t bytes) {
  const size_t size = rounded(std::max(bytes, sizeof(FreeBlock)));
  ++live_;
  if (size > kMaxPooledBytes) {
    large_bytes_ += size;
    return ::operator new (size, std::align_val_t{kGranule});
  }
  const size_t size_class = size / kGranule;
  if (size_class < free_.size() && free_[size_class] != nullptr) {
    FreeBlock* block = free_[size_class];
    unpoison(block, size);
    free_[size_class] = block->next;
    return block;
  }
  if (bump_ == nullptr || static_cast<size_t>(bump_end_ - bump_) < size) {
    // The rest of the old slab (under kMaxPooledBytes) stays unused rather than be split into
    // blocks of sizes nobody may ask for.
    add_slab(std::clamp(slab_bytes_ / 2, kFirstSlabBytes, kMaxSlabBytes));
  }
  void* block = bump_;
  bump_ += size;
  return block;
}

void MessagePool::free(void* block, size_t bytes) {
  const size_t size = rounded(std::max(bytes, sizeof(FreeBlock)));
  --live_;
  if (size > kMaxPooledBytes) {
    large_bytes_ -= size;
    ::operator delete (block, std::align_val_t{kGranule});
  } else {
    const size_t size_class = size / kGranule;
    if (size_class >= free_.size()) free_.resize(size_class + 1, nullptr);
    free_[size_class] = new (block) FreeBlock{free_[size_class]};
    poison(block, size);  // allocate unpoisons it before reading its link
  }
  if (live_ == 0 && slab_bytes_ > kFirstSlabBytes) release_slabs();
}

void MessagePool::add_slab(size_t bytes) {
  slabs_.push_back(std::make_unique_for_overwrite<std::byte[]>(bytes));
  slab_bytes_ += bytes;
  bump_ = slabs_.back().get();
  bump_end_ = bump_ + bytes;
}

void MessagePool::release_slabs() {
  std::fill(free_.begin(), free_.end(), nullptr);
  slabs_.clear();
  slab_bytes_ = 0;
  bump_ = bump_end_ = nullptr;
}

}  // namespace sluice::sqs::detail
