// sign-ceiling: how many envelope signatures per second SNS's signing key allows on this machine,
// on one thread and on every core at once. SNS signs every JSON envelope it delivers (SHA1withRSA
// for SignatureVersion 1, the default; SHA256withRSA for 2) with its RSA-2048 key, so a publish to
// a topic whose subscribers take the envelope cannot go faster than one signature: the SNS publish
// figures with the envelope are judged against this one.
//
// The key and the text are SNS's own: a Signer made as the service makes it (sns/core/signer.cpp),
// over the string to sign of a typical notification (string_to_sign in sns/core/envelope.cpp).
//
//   bench_sign_ceiling [--seconds S] [--threads N]   (N defaults to the number of cores)

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "internal.h"

using namespace sluice;
using SteadyClock = std::chrono::steady_clock;

namespace {

void figure(const char* name, const char* version, int threads, double value, const char* unit) {
  std::printf(
      "{\"bench\":\"sign-ceiling\",\"figure\":\"%s\",\"signature_version\":\"%s\",\"threads\":%d,"
      "\"value\":%.1f,\"unit\":\"%s\"}\n",
      name, version, threads, value, unit);
  std::fflush(stdout);
}

std::string typical_string_to_sign() {
  sns::Delivery d;
  d.type = "Notification";
  d.topic_arn = "arn:aws:sns:us-east-1:123456789012:orders";
  d.message_id = "6b8e1c1e-5b7d-5d0e-9a51-2f3c6f3a9d11";
  d.message = std::string(256, 'm');
  d.timestamp = "2026-12-07T09:00:00.000Z";
  return sns::detail::string_to_sign(d);
}

// Signatures per second of `threads` threads signing for `seconds` together.
double run(const sns::detail::Signer& signer, const std::string& text, const char* version, int threads,
           double seconds) {
  std::atomic<int64_t> total{0};
  std::atomic<bool> failed{false};
  const auto start = SteadyClock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      int64_t n = 0;
      while (SteadyClock::now() < end) {
        if (signer.sign(text, version).empty()) failed = true;
        ++n;
      }
      total += n;
    });
  }
  for (auto& w : workers) w.join();
  if (failed) std::fprintf(stderr, "sign-ceiling: a signature failed\n");
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  return static_cast<double>(total.load()) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--seconds") seconds = std::atof(argv[i + 1]);
    if (k == "--threads") threads = std::atoi(argv[i + 1]);
  }
  if (threads < 1) threads = 1;
  std::string error;
  auto signer = sns::detail::Signer::create("", "", &error);
  if (!signer) {
    std::fprintf(stderr, "sign-ceiling: %s\n", error.c_str());
    return 1;
  }
  const std::string text = typical_string_to_sign();
  for (const char* version : {"1", "2"}) {
    const double one = run(*signer, text, version, 1, seconds);
    figure("signatures_per_second", version, 1, one, "sig/s");
    const double all = run(*signer, text, version, threads, seconds);
    figure("signatures_per_second", version, threads, all, "sig/s");
    figure("microseconds_per_signature", version, 1, 1e6 / one, "us");
  }
  return 0;
}
