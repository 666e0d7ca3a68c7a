#include "listen_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <memory>

namespace sluice::cli {
namespace {

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// The first address getaddrinfo gives for `name`, IPv4 first (what clients of "localhost" try
// first with the AWS SDKs), or "" with *error set.
std::string resolve(const std::string& name, std::string* error) {
  for (int family : {AF_INET, AF_INET6}) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = getaddrinfo(name.c_str(), nullptr, &hints, &found);
    if (rc != 0 || found == nullptr) {
      *error = gai_strerror(rc);
      continue;
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = family == AF_INET
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr)
                          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(found->ai_addr)->sin6_addr);
    if (inet_ntop(family, raw, text, sizeof text) != nullptr) return text;
  }
  return "";
}

}  // namespace

std::string parse_listen_address(const std::string& text, ListenAddress* out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || !all_digits(text.substr(colon + 1)) || colon + 6 < text.size())
    return "needs HOST:PORT, got '" + text + "'";
  const int port = std::stoi(text.substr(colon + 1));
  if (port > 65535) return "port out of range in '" + text + "'";
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return "needs a host before the port, got '" + text + "'";
  std::string error;
  std::string address = resolve(host, &error);
  if (address.empty()) return "cannot resolve '" + host + "': " + error;
  // A numeric host stays as written (inet_ntop may spell an IPv6 address differently).
  unsigned char probe[sizeof(in6_addr)];
  if (inet_pton(AF_INET, host.c_str(), probe) == 1 || inet_pton(AF_INET6, host.c_str(), probe) == 1) address = host;
  *out = ListenAddress{address, host, port};
  return "";
}

}  // namespace sluice::cli
