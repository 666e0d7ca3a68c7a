// See file_claim.h. The claims of the process are one set under one mutex: a store is opened a
// few times per process at most.

#include "store/file_claim.h"

#include <sys/stat.h>

#include <set>
#include <utility>

#include "sluice/common/mutex.h"

namespace sluice::sqs::detail {
namespace {

struct Claims {
  common::Mutex mutex;
  std::set<std::pair<dev_t, ino_t>> files GUARDED_BY(mutex);
};

Claims& claims() {
  static Claims* all = new Claims;  // never destroyed: a store may close during static destruction
  return *all;
}

}  // namespace

std::unique_ptr<FileClaim> FileClaim::take(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return nullptr;
  Claims& all = claims();
  common::MutexLock lock(all.mutex);
  if (!all.files.emplace(st.st_dev, st.st_ino).second) return nullptr;
  return std::unique_ptr<FileClaim>(new FileClaim(st.st_dev, st.st_ino));
}

FileClaim::~FileClaim() {
  Claims& all = claims();
  common::MutexLock lock(all.mutex);
  all.files.erase({device_, inode_});
}

}  // namespace sluice::sqs::detail
