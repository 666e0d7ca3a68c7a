// See systemd_notify.h.
#include "systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <chrono>
#include <cstdint>

namespace sluice::cli {

SystemdNotifier::SystemdNotifier() {
  uint64_t watchdog_usec = 0;
  // > 0 only when the unit asks for a watchdog, for this very process (WATCHDOG_PID).
  if (sd_watchdog_enabled(0, &watchdog_usec) <= 0 || watchdog_usec == 0) return;
  const auto period = std::chrono::microseconds(watchdog_usec / 2);
  watchdog_ = std::thread([this, period] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, period, [this] { return stopping_thread_; })) sd_notify(0, "WATCHDOG=1");
  });
}

SystemdNotifier::~SystemdNotifier() {
  {
    std::lock_guard lock(mu_);
    stopping_thread_ = true;
  }
  cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

void SystemdNotifier::ready(const std::string& status) { sd_notify(0, ("READY=1\nSTATUS=" + status).c_str()); }

void SystemdNotifier::stopping(const std::string& status) { sd_notify(0, ("STOPPING=1\nSTATUS=" + status).c_str()); }

}  // namespace sluice::cli
