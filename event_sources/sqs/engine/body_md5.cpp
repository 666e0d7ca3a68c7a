// MD5 of message bodies. A sender that fans one document out to many queues sends bodies that
// share a long prefix (SNS: the same envelope, only the subscription's UnsubscribeURL differs
// near the end), and hashing the body was the largest cost of such a send. Each thread keeps the
// last body it hashed and the MD5 state after the part of it, in whole 64-byte blocks, that the
// body before it shared; a body starting with that part resumes from the state and hashes only
// the rest. The digest is the plain MD5 of the body in every case.

#include "engine/body_md5.h"

#include "engine/md5_lanes.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace sluice::sqs::detail {
namespace {

constexpr size_t kBlock = 64;              // MD5 block size: states are kept at block boundaries
constexpr size_t kMinShared = 4 * kBlock;  // below this, copying a state costs about what it saves

const EVP_MD* md5() {
  // Fetched once: an implicit fetch per digest (EVP_md5()) looks the algorithm up every time.
  static EVP_MD* md = EVP_MD_fetch(nullptr, "MD5", nullptr);
  if (md == nullptr) throw std::runtime_error("MD5 is not available");
  return md;
}

size_t common_prefix(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x = 0, y = 0;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) break;
  }
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

struct ThreadState {
  std::string last;              // the last body hashed on this thread
  EVP_MD_CTX* shared = nullptr;  // the state after last[0, shared_len)
  size_t shared_len = 0;
  EVP_MD_CTX* work = nullptr;

  ThreadState() : shared(EVP_MD_CTX_new()), work(EVP_MD_CTX_new()) {
    if (shared == nullptr || work == nullptr) throw std::runtime_error("cannot allocate an MD5 context");
  }
  ~ThreadState() {
    EVP_MD_CTX_free(shared);
    EVP_MD_CTX_free(work);
  }
  ThreadState(const ThreadState&) = delete;
  ThreadState& operator=(const ThreadState&) = delete;
};

void update(EVP_MD_CTX* ctx, std::string_view data) {
  if (EVP_DigestUpdate(ctx, data.data(), data.size()) != 1) throw std::runtime_error("MD5 update failed");
}

}  // namespace

std::array<uint8_t, 16> body_md5(std::string_view body) {
  thread_local ThreadState t;
  const size_t common = common_prefix(t.last, body);
  if (t.shared_len != 0 && t.shared_len <= common) {
    if (EVP_MD_CTX_copy_ex(t.work, t.shared) != 1) throw std::runtime_error("MD5 state copy failed");
    update(t.work, body.substr(t.shared_len));
  } else {
    if (EVP_DigestInit_ex(t.work, md5(), nullptr) != 1) throw std::runtime_error("MD5 init failed");
    const size_t boundary = common / kBlock * kBlock;
    if (boundary >= kMinShared) {
      update(t.work, body.substr(0, boundary));
      if (EVP_MD_CTX_copy_ex(t.shared, t.work) != 1) throw std::runtime_error("MD5 state copy failed");
      t.shared_len = boundary;
      update(t.work, body.substr(boundary));
    } else {
      update(t.work, body);
      t.shared_len = 0;  // a kept state would be resumed above, so none covers a prefix of this body
    }
  }
  std::array<uint8_t, 16> out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(t.work, out.data(), &len) != 1 || len != out.size())
    throw std::runtime_error("MD5 final failed");
  t.last.assign(body);
  return out;
}

void body_md5_many(const std::string_view* bodies, size_t count, std::array<uint8_t, 16>* out) {
  size_t done = 0;
  // Lanes pay off from two bodies on; a lone body keeps the prefix reuse above.
  while (count - done >= 2) {
    size_t n = std::min(count - done, kMd5Lanes);
    if (!md5_lanes(bodies + done, n, out + done)) break;
    done += n;
  }
  for (; done < count; ++done) out[done] = body_md5(bodies[done]);
}

}  // namespace sluice::sqs::detail
