// Signatures made off the publishing path (ServiceOptions::work_pool): a queue delivery is stored
// before its envelope is signed, and yet every envelope a receiver sees carries a signature that
// verifies, whether the signing lane or the receive got to it first.

#include <doctest/doctest.h>

#include <set>

#include "signature_check.h"
#include "sns_test_support.h"

using namespace sluice;
using namespace sluice::sns;
using namespace sluice::sns::testing;

TEST_CASE("with a signing lane every delivery is in its queue when Publish answers, and every envelope verifies") {
  Fixture f;
  f.work_pool = common::WorkPool::create();
  f.reopen("");
  for (std::string version : {"1", "2"}) {
    auto t = f.topic("signed-" + version, {{"SignatureVersion", version}});
    f.subscribe(t, "sqs", f.queue("a" + version));
    f.subscribe(t, "sqs", f.queue("b" + version));
    f.subscribe(t, "sqs", f.queue("raw" + version), {{"RawMessageDelivery", "true"}});
    f.subscribe(t, "lambda", "arn:aws:lambda:us-east-1:111111111111:function:fn");
    constexpr int kPublishes = 12;
    std::set<std::string> ids;
    for (int i = 0; i < kPublishes; ++i) {
      auto r = f.publish(t, "message " + std::to_string(i));
      REQUIRE(r.ok());
      ids.insert(r->message_id);
    }
    // Received at once, without waiting: the deliveries were stored before Publish answered.
    for (const std::string& queue : {"a" + version, "b" + version}) {
      std::set<std::string> seen;
      for (auto batch = f.receive(queue); !batch.empty(); batch = f.receive(queue)) {
        for (const auto& m : batch) {
          auto envelope = parse_object(m.body);
          CHECK(std::string(envelope.at("SignatureVersion").as_string()) == version);
          CHECK(verify_sns_signature(envelope, f->signing_certificate_pem()));
          CHECK(m.md5_of_body == common::md5_hex(m.body));
          seen.insert(std::string(envelope.at("MessageId").as_string()));
        }
      }
      CHECK(seen == ids);
    }
    size_t raw = 0;
    for (auto batch = f.receive("raw" + version); !batch.empty(); batch = f.receive("raw" + version))
      raw += batch.size();
    CHECK(raw == kPublishes);
  }
  // The Lambda subscription's deliveries were signed before they reached the sink.
  REQUIRE(f.sink.deliveries.size() == 24);
  for (const auto& d : f.sink.deliveries)
    CHECK(verify_sns_signature(parse_object(d.envelope_json()), f->signing_certificate_pem()));
}
