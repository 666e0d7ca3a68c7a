// The delivery allow-list (see delivery.h): address blocks, address:port exceptions and the
// guards that keep deliveries away from instance metadata and from sluice itself. Addresses are
// compared as 16 bytes; IPv4 is kept apart from IPv6 (an IPv4-mapped IPv6 address becomes IPv4
// first, so "::ffff:169.254.169.254" meets the same guard as "169.254.169.254").

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "sluice/common/own_listeners.h"
#include "sluice/sns/delivery.h"

namespace sluice::sns {

struct DeliveryAllowList::Rule {
  bool v6 = false;
  std::array<uint8_t, 16> address{};
  int bits = 0;                  // prefix length
  std::optional<uint16_t> port;  // set: exactly this address and port (an exception to the guards)
  std::string text;              // as written, for log lines
};

namespace {

using Rule = DeliveryAllowList::Rule;

struct Address {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

std::optional<Address> parse_address(std::string_view text) {
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  Address a;
  if (inet_pton(AF_INET, buffer, a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, buffer, a.bytes.data()) != 1) return std::nullopt;
  a.v6 = true;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes.data(), kMapped, sizeof kMapped) == 0) {
    a.v6 = false;
    std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
    std::fill(a.bytes.begin() + 4, a.bytes.end(), 0);
  }
  return a;
}

bool contains(const Rule& rule, const Address& a) {
  if (rule.v6 != a.v6) return false;
  int bits = rule.bits;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (rule.address[i] & mask)) return false;
  }
  return true;
}

std::optional<uint16_t> parse_port(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

// "A.B.C.D", "A.B.C.D/N", "v6", "v6/N", "A.B.C.D:PORT", "[v6]:PORT".
std::optional<Rule> parse_rule(const std::string& text) {
  Rule rule;
  rule.text = text;
  std::string_view rest = text;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') return std::nullopt;
    std::string_view port = rest.substr(close + 2);
    rest = rest.substr(1, close - 1);
    rule.port = parse_port(port);
    if (!rule.port) return std::nullopt;
  } else if (size_t colon = rest.find(':');
             colon != std::string_view::npos && rest.find(':', colon + 1) == std::string_view::npos) {
    // One colon: IPv4 with a port (IPv6 has at least two).
    std::string_view port = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    rule.port = parse_port(port);
    if (!rule.port) return std::nullopt;
  }
  std::optional<int> bits;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    if (rule.port) return std::nullopt;  // a block with a port is not a thing
    std::string_view digits = rest.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    bits = value;
    rest = rest.substr(0, slash);
  }
  auto address = parse_address(rest);
  if (!address) return std::nullopt;
  rule.v6 = address->v6;
  rule.address = address->bytes;
  const int width = rule.v6 ? 128 : 32;
  rule.bits = bits.value_or(width);
  if (rule.bits > width) return std::nullopt;
  return rule;
}

std::shared_ptr<const Rule> must(const char* text) { return std::make_shared<const Rule>(*parse_rule(text)); }

const std::vector<std::shared_ptr<const Rule>>& guards() {
  static const std::vector<std::shared_ptr<const Rule>> rules = {
      must("169.254.0.0/16"),  // link-local: 169.254.169.254 is the instance metadata service
      must("fe80::/10"),       // IPv6 link-local
      must("fd00:ec2::/32"),   // the IPv6 instance-metadata range (fd00:ec2::254)
  };
  return rules;
}

const char* guard_reason(size_t index) {
  static const char* reasons[] = {"link-local", "link-local", "instance metadata"};
  return reasons[index];
}

// Loopback, the unspecified address, or an address of one of this machine's interfaces: where a
// connection to sluice's own port would reach sluice.
bool is_this_machine(const Address& a) {
  static const Rule loopback4 = *parse_rule("127.0.0.0/8");
  static const Rule loopback6 = *parse_rule("::1");
  static const Rule any4 = *parse_rule("0.0.0.0");
  static const Rule any6 = *parse_rule("::");
  if (contains(loopback4, a) || contains(loopback6, a) || contains(any4, a) || contains(any6, a)) return true;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* i = list; i != nullptr && !found; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    if (i->ifa_addr->sa_family == AF_INET && !a.v6) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      found = std::memcmp(&in->sin_addr, a.bytes.data(), 4) == 0;
    } else if (i->ifa_addr->sa_family == AF_INET6 && a.v6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      found = std::memcmp(&in6->sin6_addr, a.bytes.data(), 16) == 0;
    }
  }
  freeifaddrs(list);
  return found;
}

}  // namespace

DeliveryAllowList::DeliveryAllowList() {
  for (const char* text : {"127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}) {
    entries_.push_back(must(text));
  }
}

std::optional<DeliveryAllowList> DeliveryAllowList::parse(const std::vector<std::string>& entries, std::string* error) {
  DeliveryAllowList list;
  list.entries_.clear();
  for (const std::string& entry : entries) {
    if (entry == "*") {
      list.allow_all_ = true;
      continue;
    }
    auto rule = parse_rule(entry);
    if (!rule) {
      if (error != nullptr) {
        *error = "'" + entry + "' is not \"*\", an address, a CIDR block or an address with a port";
      }
      return std::nullopt;
    }
    list.entries_.push_back(std::make_shared<const Rule>(std::move(*rule)));
  }
  return list;
}

void DeliveryAllowList::guard_own_port(uint16_t port) {
  if (std::find(own_ports_.begin(), own_ports_.end(), port) == own_ports_.end()) own_ports_.push_back(port);
}

std::optional<std::string> DeliveryAllowList::refusal(std::string_view ip, uint16_t port) const {
  auto address = parse_address(ip);
  if (!address) return "not an address: " + std::string(ip);
  if (allow_all_) return std::nullopt;
  for (const auto& rule : entries_) {
    if (rule->port && *rule->port == port && contains(*rule, *address)) return std::nullopt;
  }
  const auto& guard_rules = guards();
  for (size_t i = 0; i < guard_rules.size(); ++i) {
    if (contains(*guard_rules[i], *address)) {
      return "refused by the guard " + guard_rules[i]->text + " (" + guard_reason(i) + ")";
    }
  }
  const bool own_port =
      std::find(own_ports_.begin(), own_ports_.end(), port) != own_ports_.end() || common::is_own_listening_port(port);
  if (own_port && is_this_machine(*address)) {
    return "refused by the guard on sluice's own port " + std::to_string(port) +
           " (allow it with an entry naming the address and port)";
  }
  for (const auto& rule : entries_) {
    if (!rule->port && contains(*rule, *address)) return std::nullopt;
  }
  std::string listed;
  for (const auto& rule : entries_) listed += (listed.empty() ? "" : ", ") + rule->text;
  return "not in the delivery allow-list [" + listed + "]";
}

}  // namespace sluice::sns
