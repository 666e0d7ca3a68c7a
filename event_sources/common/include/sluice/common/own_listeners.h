#pragma once
// The TCP ports this process listens on: the AWS port, each function's Runtime API port on
// loopback, any other listener. What sluice sends out on a user's behalf (SNS deliveries to HTTP
// endpoints) asks is_own_listening_port() so that, by default, it never calls sluice itself.
//
// Process-wide on purpose: a listening socket belongs to the process whichever component opened
// it, and the components that open them (the HTTP server, the function runtimes) know nothing of
// the ones that send. A listener holds a ListeningPort for as long as it listens.

#include <cstdint>

namespace sluice::common {

// True while some ListeningPort holds `port`. Thread-safe.
bool is_own_listening_port(uint16_t port);

// Registers a listening port for its lifetime. Move-only; a default one (or port 0) holds nothing.
class ListeningPort {
 public:
  ListeningPort() = default;
  explicit ListeningPort(uint16_t port);
  ~ListeningPort();
  ListeningPort(ListeningPort&& other) noexcept : port_(other.port_) { other.port_ = 0; }
  ListeningPort& operator=(ListeningPort&& other) noexcept;
  ListeningPort(const ListeningPort&) = delete;
  ListeningPort& operator=(const ListeningPort&) = delete;

  uint16_t port() const { return port_; }

 private:
  uint16_t port_ = 0;
};

}  // namespace sluice::common
