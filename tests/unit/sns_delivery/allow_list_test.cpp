// The delivery allow-list on its own: the default list, the guards (link-local, instance
// metadata, sluice's own port), configured entries and exceptions, "*", and IPv4-mapped IPv6.

#include <doctest/doctest.h>

#include "sluice/common/own_listeners.h"
#include "sluice/sns/delivery.h"

using sluice::sns::DeliveryAllowList;

namespace {
bool allowed(const DeliveryAllowList& list, const char* ip, uint16_t port = 80) {
  return !list.refusal(ip, port).has_value();
}
DeliveryAllowList configured(std::vector<std::string> entries) {
  std::string error;
  auto list = DeliveryAllowList::parse(entries, &error);
  REQUIRE_MESSAGE(list.has_value(), error);
  return *list;
}
}  // namespace

TEST_CASE("the default list: loopback and the private ranges, nothing public") {
  DeliveryAllowList list;
  for (const char* ip : {"127.0.0.1", "127.3.4.5", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "fd12:3456::1", "fc00::1"}) {
    CAPTURE(ip);
    CHECK(allowed(list, ip));
  }
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "2001:db8::1", "11.0.0.1"}) {
    CAPTURE(ip);
    auto refused = list.refusal(ip, 80);
    REQUIRE(refused.has_value());
    CHECK(refused->find("not in the delivery allow-list") != std::string::npos);
  }
}

TEST_CASE("the guards: link-local, the IPv6 instance-metadata range, also when mapped or inside an allowed block") {
  for (const DeliveryAllowList& list :
       {DeliveryAllowList(), configured({"0.0.0.0/0", "::/0"}), configured({"169.254.0.0/16", "fd00::/8"})}) {
    auto v4 = list.refusal("169.254.169.254", 80);
    REQUIRE(v4.has_value());
    CHECK(v4->find("169.254.0.0/16") != std::string::npos);
    CHECK(list.refusal("::ffff:169.254.169.254", 80).has_value());
    CHECK(list.refusal("fe80::1", 80).has_value());
    auto metadata = list.refusal("fd00:ec2::254", 80);
    REQUIRE(metadata.has_value());
    CHECK(metadata->find("fd00:ec2::/32") != std::string::npos);
    CHECK(metadata->find("instance metadata") != std::string::npos);
  }
  CHECK(allowed(DeliveryAllowList(), "fd00:ec3::1"));  // next to the range, in fc00::/7
}

TEST_CASE("sluice's own port is refused on this machine unless an entry names address and port") {
  DeliveryAllowList list;
  list.guard_own_port(4566);
  auto refused = list.refusal("127.0.0.1", 4566);
  REQUIRE(refused.has_value());
  CHECK(refused->find("own port 4566") != std::string::npos);
  CHECK(list.refusal("::1", 4566).has_value());
  CHECK(allowed(list, "127.0.0.1", 4567));
  CHECK(allowed(list, "10.9.9.9", 4566));  // another machine's port 4566 is not sluice

  DeliveryAllowList named = configured({"127.0.0.0/8", "127.0.0.1:4566", "[::1]:8443", "169.254.169.254:80"});
  named.guard_own_port(4566);
  named.guard_own_port(8443);
  CHECK(allowed(named, "127.0.0.1", 4566));
  CHECK_FALSE(allowed(named, "127.0.0.2", 4566));
  CHECK(allowed(named, "::1", 8443));
  CHECK(allowed(named, "169.254.169.254", 80));  // named exactly: the operator asked for it
  CHECK_FALSE(allowed(named, "169.254.169.254", 81));
}

TEST_CASE("a configured list replaces the default; * allows everything") {
  auto list = configured({"203.0.113.0/24"});
  CHECK(allowed(list, "203.0.113.7"));
  CHECK_FALSE(allowed(list, "127.0.0.1"));
  auto all = configured({"*"});
  all.guard_own_port(4566);
  for (const char* ip : {"8.8.8.8", "169.254.169.254", "fd00:ec2::254", "127.0.0.1"}) {
    CAPTURE(ip);
    CHECK(allowed(all, ip, 4566));
  }
  CHECK_FALSE(configured({}).refusal("127.0.0.1", 80) == std::nullopt);
}

TEST_CASE("entries that are not addresses are refused with a sentence") {
  for (const char* bad : {"", "localhost", "10.0.0.0/33", "::1/129", "10.0.0.1:0", "10.0.0.1:70000", "[::1]",
                          "10.0.0.0/8:80", "10.0.0.256"}) {
    CAPTURE(bad);
    std::string error;
    CHECK_FALSE(DeliveryAllowList::parse({bad}, &error).has_value());
    CHECK(error.find(bad) != std::string::npos);
  }
}

TEST_CASE("every port the process listens on is refused on this machine unless an entry names it") {
  DeliveryAllowList list;
  const uint16_t port = 45123;
  CHECK(allowed(list, "127.0.0.1", port));
  {
    sluice::common::ListeningPort listening(port);  // as the HTTP server and each Runtime API listener hold theirs
    auto refused = list.refusal("127.0.0.1", port);
    REQUIRE(refused.has_value());
    CHECK(refused->find("own port 45123") != std::string::npos);
    CHECK(list.refusal("::1", port).has_value());
    CHECK(allowed(list, "10.1.2.3", port));  // another machine's port is not ours
    CHECK(allowed(configured({"127.0.0.0/8", "127.0.0.1:45123"}), "127.0.0.1", port));
    CHECK(allowed(configured({"*"}), "127.0.0.1", port));
  }
  CHECK(allowed(list, "127.0.0.1", port));  // the listener has gone
}
