// HTTP/S delivery against a loopback subscriber: the confirmation flow, headers, signatures a
// subscriber can verify, retries under the delivery policy (their delays passed by advancing the
// world's clock), dead letters, raw delivery, a publisher that never waits for a slow endpoint,
// and the journal across a restart.

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "../sns/signature_check.h"
#include "sluice/common/crypto.h"
#include "support.h"

using namespace sluice;
using namespace sluice::sns;
using namespace sluice::sns::testing;

namespace {

// Reads the token out of a SubscriptionConfirmation and confirms with it, as a subscriber
// visiting SubscribeURL would.
std::string confirm(World& w, Endpoint& ep) {
  if (!wait_for([&] { return ep.count("SubscriptionConfirmation") >= 1; })) return "no confirmation arrived";
  for (const auto& r : ep.received()) {
    if (r.header("x-amz-sns-message-type") != "SubscriptionConfirmation") continue;
    auto m = parse_object(r.body);
    auto out = w.sns->confirm_subscription(w.ctx, field(m, "TopicArn"), field(m, "Token"));
    return out ? out.value() : "error: " + out.error().message;
  }
  return "unreachable";
}

std::string policy(int min_delay, int max_delay, int retries) {
  return R"({"healthyRetryPolicy":{"minDelayTarget":)" + std::to_string(min_delay) + R"(,"maxDelayTarget":)" +
         std::to_string(max_delay) + R"(,"numRetries":)" + std::to_string(retries) + R"(,"backoffFunction":"linear"}})";
}

}  // namespace

TEST_CASE("subscription confirmation, then signed notifications with SNS's headers (versions 1 and 2)") {
  for (std::string version : {"1", "2"}) {
    CAPTURE(version);
    Endpoint ep;
    World w;
    auto t = w.topic("orders", {{"SignatureVersion", version}});
    auto sub = w.subscribe(t, "http", ep.url());
    REQUIRE(sub.rfind(t + ":", 0) == 0);

    REQUIRE(wait_for([&] { return ep.count("SubscriptionConfirmation") == 1; }));
    const Received c = ep.received().at(0);
    CHECK(c.header("Content-Type") == "text/plain; charset=UTF-8");
    CHECK(c.header("User-Agent") == "Amazon Simple Notification Service Agent");
    CHECK(c.header("x-amz-sns-topic-arn") == t);
    CHECK_FALSE(c.has("x-amz-sns-subscription-arn"));
    auto cm = parse_object(c.body);
    CHECK(c.header("x-amz-sns-message-id") == field(cm, "MessageId"));
    CHECK(field(cm, "SubscribeURL") ==
          "http://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn=" + t + "&Token=" + field(cm, "Token"));
    CHECK(field(cm, "SignatureVersion") == version);
    CHECK(sluice::sns::testing::verify_sns_signature(cm, w.sns->signing_certificate_pem()));

    // Unconfirmed: a publish reaches nobody.
    REQUIRE(w.publish(t, "too early").ok());
    CHECK(confirm(w, ep) == sub);
    auto r = w.publish(t, "hello", std::string("greeting"));
    REQUIRE(r.ok());
    REQUIRE(wait_for([&] { return ep.count("Notification") == 1; }));
    Received n;
    for (const auto& x : ep.received()) {
      if (x.header("x-amz-sns-message-type") == "Notification") n = x;
    }
    CHECK(n.header("x-amz-sns-message-id") == r->message_id);
    CHECK(n.header("x-amz-sns-subscription-arn") == sub);
    CHECK(n.header("x-amz-sns-topic-arn") == t);
    CHECK_FALSE(n.has("x-amz-sns-rawdelivery"));
    auto m = parse_object(n.body);
    CHECK(field(m, "Message") == "hello");
    CHECK(field(m, "Subject") == "greeting");
    CHECK(field(m, "UnsubscribeURL") == "http://127.0.0.1:4566/?Action=Unsubscribe&SubscriptionArn=" + sub);
    CHECK(sluice::sns::testing::verify_sns_signature(m, w.sns->signing_certificate_pem()));
    // A tampered message no longer verifies.
    m["Message"] = "hello!";
    CHECK_FALSE(sluice::sns::testing::verify_sns_signature(m, w.sns->signing_certificate_pem()));
    CHECK(ep.count("Notification") == 1);
  }
}

TEST_CASE("server errors are retried under the linear policy, then the delivery succeeds") {
  Endpoint ep;
  World w;
  auto t = w.topic("t");
  auto sub = w.subscribe(t, "http", ep.url(), {{"DeliveryPolicy", policy(1, 3, 3)}});
  REQUIRE(confirm(w, ep) == sub);
  ep.script({500, 503});
  REQUIRE(w.publish(t, "m").ok());
  REQUIRE(wait_for([&] { return ep.count("Notification") == 1; }));
  // Linear from 1 s to 3 s over three retries: 1 s, then 2 s before the success.
  REQUIRE(w.advance_to_retry(1000));
  REQUIRE(wait_for([&] { return ep.count("Notification") == 2; }));
  REQUIRE(w.advance_to_retry(2000));
  REQUIRE(wait_for([&] { return w.http->stats().delivered == 2; }));  // confirmation + the message
  CHECK(ep.count("Notification") == 3);
  CHECK(w.http->pending() == 0);
  CHECK(w.http->stats().dead_lettered == 0);
  // HTTP/S: every failed attempt counts (AWS/SNS NumberOfNotificationsFailed), then the delivery.
  const auto outcomes = w.outcomes();
  CHECK(std::count(outcomes.begin(), outcomes.end(), std::make_pair(sub, false)) == 2);
  REQUIRE_FALSE(outcomes.empty());
  CHECK(outcomes.back() == std::make_pair(sub, true));
}

TEST_CASE("a delivery that finally fails goes to the subscription's dead-letter queue") {
  Endpoint ep;
  World w;
  auto t = w.topic("t");
  auto dlq = w.queue("dlq");
  auto sub = w.subscribe(
      t, "http", ep.url(),
      {{"DeliveryPolicy", policy(1, 1, 2)}, {"RedrivePolicy", R"({"deadLetterTargetArn":")" + dlq + "\"}"}});
  REQUIRE(confirm(w, ep) == sub);

  SUBCASE("server errors: every retry used") {
    ep.script({500, 500, 500, 500});
    auto r = w.publish(t, "lost?");
    REQUIRE(r.ok());
    REQUIRE(wait_for([&] { return ep.count("Notification") == 1; }));
    REQUIRE(w.advance_to_retry(1000));
    REQUIRE(wait_for([&] { return ep.count("Notification") == 2; }));
    REQUIRE(w.advance_to_retry(1000));
    REQUIRE(wait_for([&] { return w.http->stats().dead_lettered == 1; }));
    CHECK(ep.count("Notification") == 3);  // first attempt + numRetries 2
    auto msgs = w.receive("dlq");
    REQUIRE(msgs.size() == 1);
    auto env = parse_object(msgs[0].body);
    CHECK(field(env, "Message") == "lost?");
    CHECK(field(env, "MessageId") == r->message_id);
  }
  SUBCASE("a client error (404) is not retried") {
    ep.script({404});
    REQUIRE(w.publish(t, "gone").ok());
    REQUIRE(wait_for([&] { return w.http->stats().dead_lettered == 1; }));
    CHECK(ep.count("Notification") == 1);
    REQUIRE(w.receive("dlq").size() == 1);
  }
  SUBCASE("429 throttling is retried") {
    ep.script({429});
    REQUIRE(w.publish(t, "slow down").ok());
    REQUIRE(wait_for([&] { return ep.count("Notification") == 1; }));
    REQUIRE(w.advance_to_retry(1000));
    REQUIRE(wait_for([&] { return w.http->stats().delivered == 2; }));
    CHECK(ep.count("Notification") == 2);
    CHECK(w.receive("dlq").empty());
  }
}

TEST_CASE("raw delivery posts the bare message with x-amz-sns-rawdelivery") {
  Endpoint ep;
  World w;
  auto t = w.topic("t");
  auto sub = w.subscribe(t, "http", ep.url(), {{"RawMessageDelivery", "true"}});
  REQUIRE(confirm(w, ep) == sub);
  REQUIRE(w.publish(t, R"({"order":7})").ok());
  REQUIRE(wait_for([&] { return ep.count("Notification") == 1; }));
  Received n = ep.received().back();
  CHECK(n.body == R"({"order":7})");
  CHECK(n.header("x-amz-sns-rawdelivery") == "true");
  CHECK(n.header("x-amz-sns-subscription-arn") == sub);
}

TEST_CASE("a slow endpoint does not hold up the publisher") {
  Endpoint ep;
  World w;
  auto t = w.topic("t");
  auto sub = w.subscribe(t, "http", ep.url());
  REQUIRE(confirm(w, ep) == sub);
  // The confirmation's delivery is settled once the endpoint's answer is read, which on a busy
  // machine may come after the endpoint has seen it: count from an empty queue.
  REQUIRE(wait_for([&] { return w.http->pending() == 0; }));
  ep.hold();  // the endpoint answers nothing until released
  for (int i = 0; i < 3; ++i) {
    auto started = std::chrono::steady_clock::now();
    REQUIRE(w.publish(t, "m" + std::to_string(i)).ok());
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(100));
  }
  CHECK(w.http->pending() == 3);
  ep.release();
  REQUIRE(wait_for([&] { return w.http->stats().delivered == 4; }));
}

// The sink's attempts and the front door's Workers calls share the process's one pool. Were the
// attempts free to take every thread, the API call would wait behind the stuck deliveries.
TEST_CASE("a flood of deliveries stuck on a slow endpoint does not starve API calls on the same pool") {
  Endpoint ep;
  World w;
  w.request_timeout_ms = 60'000;  // the held attempts must not time out into retries meanwhile
  w.reopen();
  auto api = w.pool->lane("api", 4);
  auto t = w.topic("t");
  auto sub = w.subscribe(t, "http", ep.url());
  REQUIRE(confirm(w, ep) == sub);
  REQUIRE(wait_for([&] { return w.http->pending() == 0; }));
  ep.hold();
  for (int i = 0; i < 200; ++i) REQUIRE(w.publish(t, "m" + std::to_string(i)).ok());
  // Four attempts (the sink's threads) reach the endpoint and hang there; the rest wait.
  REQUIRE(wait_for([&] { return ep.count("Notification") == 4; }, 30'000));

  std::mutex mu;
  std::condition_variable cv;
  bool answered = false;
  size_t notifications_seen = 0;
  api->submit([&] {
    std::lock_guard lock(mu);
    notifications_seen = ep.count("Notification");
    answered = true;
    cv.notify_all();
  });
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return answered; }));
  }
  CHECK(notifications_seen == 4);  // the call ran while the flood still held all its threads
  CHECK(w.http->stats().delivered == 1);

  ep.release();
  CHECK(wait_for([&] { return w.http->stats().delivered == 201; }, 60'000));
}

TEST_CASE("journalled deliveries survive a restart and arrive once the endpoint is back") {
  TempDir dir;
  int port = 0;
  std::string t;
  {
    Endpoint ep;
    port = ep.port();
    World w(dir.path);
    t = w.topic("t");
    auto sub = w.subscribe(t, "http", ep.url(), {{"DeliveryPolicy", policy(1, 1, 100)}});
    REQUIRE(confirm(w, ep) == sub);
    REQUIRE(wait_for([&] { return w.http->pending() == 0; }));
  }  // the endpoint goes away before the service does
  {
    World w(dir.path);
    for (int i = 0; i < 3; ++i) REQUIRE(w.publish(t, "kept " + std::to_string(i)).ok());
    CHECK(w.http->pending() == 3);
    REQUIRE(wait_for([&] { return w.http->stats().attempts >= 3; }));  // each refused once
    CHECK(w.http->stats().delivered == 0);
  }  // stopped with the deliveries pending
  Endpoint back(port);
  REQUIRE(back.port() == port);
  World w(dir.path);
  REQUIRE(wait_for([&] { return back.count("Notification") == 3; }));
  std::set<std::string> messages;
  for (const auto& r : back.received()) messages.insert(field(parse_object(r.body), "Message"));
  CHECK(messages == std::set<std::string>{"kept 0", "kept 1", "kept 2"});
  REQUIRE(wait_for([&] { return w.http->pending() == 0; }));
  // Delivered deliveries left the journal: a further restart resumes (and so sends) nothing.
  w.reopen();
  CHECK(w.http->stats().accepted == 0);
  CHECK(w.http->pending() == 0);
  CHECK(back.count("Notification") == 3);
}

TEST_CASE("a journal that is not a database is refused with a sentence") {
  TempDir dir;
  const std::string journal = dir.path + "/sns_deliveries.db";
  std::ofstream(journal) << std::string(4096, 'x');
  HttpDeliveryOptions options;
  options.data_dir = dir.path;
  std::string error;
  CHECK_FALSE(HttpDelivery::open(options, &error));
  CHECK(error == journal + " is not a usable delivery journal: file is not a database");
}

TEST_CASE("a delivery to an address the allow-list refuses fails, is retried, then dead-lettered, and is logged") {
  Endpoint ep;
  TempDir dir;
  World w(dir.path);
  auto t = w.topic("t");
  auto dlq = w.queue("dlq");
  auto sub = w.subscribe(
      t, "http", ep.url(),
      {{"DeliveryPolicy", policy(1, 1, 1)}, {"RedrivePolicy", R"({"deadLetterTargetArn":")" + dlq + "\"}"}});
  REQUIRE(confirm(w, ep) == sub);  // loopback is in the default list

  SUBCASE("an address outside the configured list") {
    w.allow_list = *DeliveryAllowList::parse({"10.0.0.0/8"}, nullptr);
  }
  SUBCASE("the endpoint's port is guarded as sluice's own") {
    w.allow_list.guard_own_port(static_cast<uint16_t>(ep.port()));
  }
  w.reopen();
  REQUIRE(w.publish(t, "refused").ok());
  REQUIRE(wait_for([&] { return w.http->stats().attempts == 1; }));
  REQUIRE(w.advance_to_retry(1000));
  REQUIRE(wait_for([&] { return w.http->stats().dead_lettered == 1; }));
  CHECK(w.http->stats().attempts == 2);  // the first attempt and numRetries 1
  CHECK(ep.count("Notification") == 0);  // nothing reached the endpoint
  auto msgs = w.receive("dlq");
  REQUIRE(msgs.size() == 1);
  CHECK(field(parse_object(msgs[0].body), "Message") == "refused");
  const auto lines = w.logged();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find(ep.url()) != std::string::npos);
  CHECK(lines[0].find("127.0.0.1:" + std::to_string(ep.port())) != std::string::npos);
  CHECK((lines[0].find("not in the delivery allow-list [10.0.0.0/8]") != std::string::npos ||
         lines[0].find("guard on sluice's own port " + std::to_string(ep.port())) != std::string::npos));
}

TEST_CASE("an address:port entry lets a delivery reach a guarded port") {
  Endpoint ep;
  World w;
  w.allow_list = *DeliveryAllowList::parse({"127.0.0.1:" + std::to_string(ep.port())}, nullptr);
  w.allow_list.guard_own_port(static_cast<uint16_t>(ep.port()));
  w.reopen();
  auto t = w.topic("t");
  auto sub = w.subscribe(t, "http", ep.url());
  REQUIRE(confirm(w, ep) == sub);
  REQUIRE(w.publish(t, "allowed").ok());
  REQUIRE(wait_for([&] { return ep.count("Notification") == 1; }));
  CHECK(w.logged().empty());
}
