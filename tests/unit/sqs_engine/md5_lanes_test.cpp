// The eight-lane MD5 against OpenSSL's, for every length around the block and padding edges and
// for groups of bodies of mixed lengths (lanes that finish early must keep their digest).

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/body_md5.h"
#include "engine/md5_lanes.h"
#include "sluice/common/crypto.h"

namespace common = sluice::common;

using namespace sluice::sqs::detail;

namespace {

std::string seeded_bytes(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

std::string digest_text(const std::array<uint8_t, 16>& d) { return std::string(d.begin(), d.end()); }

}  // namespace

TEST_CASE("body_md5_many gives OpenSSL's digest for every length and any grouping") {
  std::mt19937 rng(7);
  std::vector<std::string> bodies;
  for (size_t n = 0; n <= 200; ++n) bodies.push_back(seeded_bytes(rng, n));
  for (size_t n : {255, 256, 1000, 4096, 65536}) bodies.push_back(seeded_bytes(rng, n));
  for (size_t group : {1, 2, 3, 7, 8, 9, 10, 16}) {
    for (size_t start = 0; start + group <= bodies.size(); start += group) {
      std::vector<std::string_view> views(bodies.begin() + static_cast<std::ptrdiff_t>(start),
                                          bodies.begin() + static_cast<std::ptrdiff_t>(start + group));
      std::vector<std::array<uint8_t, 16>> out(group);
      body_md5_many(views.data(), views.size(), out.data());
      for (size_t i = 0; i < group; ++i) {
        CAPTURE(views[i].size());
        CHECK(digest_text(out[i]) == sluice::common::md5_raw(views[i]));
      }
    }
  }
}

TEST_CASE("md5_lanes either computes every lane or declines") {
  std::vector<std::string> bodies = {"",
                                     "a",
                                     std::string(55, 'x'),
                                     std::string(56, 'y'),
                                     std::string(64, 'z'),
                                     std::string(119, 'q'),
                                     std::string(120, 'r'),
                                     std::string(1000, 's')};
  std::vector<std::string_view> views(bodies.begin(), bodies.end());
  std::vector<std::array<uint8_t, 16>> out(views.size());
  if (!md5_lanes(views.data(), views.size(), out.data())) {
    MESSAGE("no AVX2 on this CPU: body_md5_many hashes one by one");
    return;
  }
  for (size_t i = 0; i < views.size(); ++i) CHECK(digest_text(out[i]) == sluice::common::md5_raw(views[i]));
  CHECK_FALSE(md5_lanes(views.data(), kMd5Lanes + 1, out.data()));
}
