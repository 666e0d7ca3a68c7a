// The store of an in-memory engine: nothing to load, nothing kept. Tickets still grow so the
// engine's code path is the same in both modes.

#include <atomic>

#include "store/store.h"

namespace sluice::sqs::detail {
namespace {

class MemoryStore final : public Store {
 public:
  LoadedState load() override { return {}; }
  LoadedState load_catalog() override { return {}; }
  bool load_queue(int64_t, QueueContents*, std::string*) override { return true; }
  bool count_queue(int64_t, int64_t, StoredCounts*, std::string*) override { return true; }
  uint64_t append(Mutation) override { return ++appended_; }
  uint64_t append(std::vector<Mutation> mutations) override { return appended_ += mutations.size(); }
  void wait_durable(uint64_t) override {}
  bool failing() const override { return false; }
  void set_data_key_opener(DataKeyOpener) override {}  // nothing is ever read back
  std::optional<SyncMode> sync_mode() const override { return std::nullopt; }
  std::optional<StoreCommitStats> commit_stats() const override { return std::nullopt; }

 private:
  std::atomic<uint64_t> appended_{0};
};

}  // namespace

std::unique_ptr<Store> open_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace sluice::sqs::detail
