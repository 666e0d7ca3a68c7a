// See instance_notices.h.
#include "instance_notices.h"

#include <optional>
#include <utility>

#include <boost/json/value.hpp>

namespace sluice::cli {

bool leaves_service(const std::string& text) {
  const size_t end = text.find_last_not_of(" \r\n\t");
  const std::string state = end == std::string::npos ? std::string() : text.substr(0, end + 1);
  return state == "Terminated" || state.starts_with("Warmed:");
}

InstanceNoticeWatcher::InstanceNoticeWatcher(aws::InstanceMetadataOptions metadata, std::chrono::milliseconds interval,
                                             std::shared_ptr<const ServerLog> log,
                                             std::function<void(const InstanceNotice&)> on_notice)
    : metadata_(std::move(metadata)), interval_(interval), log_(std::move(log)), on_notice_(std::move(on_notice)) {}

InstanceNoticeWatcher::~InstanceNoticeWatcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void InstanceNoticeWatcher::start() {
  thread_ = std::thread([this] { run(); });
}

void InstanceNoticeWatcher::run() {
  bool reached = false;
  while (true) {
    std::optional<InstanceNotice> notice;
    auto spot = metadata_.get("spot/instance-action");
    if (spot.status == 0 && !reached) {
      log_->event("worker",
                  "no instance metadata at " + metadata_.endpoint() + " (" + spot.error +
                      "): Spot interruption and scale-in notices are not watched",
                  "sluice.instanceNotices", "", {{"endpoint", metadata_.endpoint()}, {"error", spot.error}});
      return;
    }
    if (spot.status != 0 && !reached) {
      reached = true;
      log_->event("worker", "watching instance metadata at " + metadata_.endpoint() + " for Spot and scale-in notices",
                  "sluice.instanceNotices", "", {{"endpoint", metadata_.endpoint()}});
    }
    if (spot.found()) {
      notice = InstanceNotice{InstanceNotice::Kind::SpotInterruption, spot.body};
    } else if (auto target = metadata_.get("autoscaling/target-lifecycle-state");
               target.found() && leaves_service(target.body)) {
      notice = InstanceNotice{InstanceNotice::Kind::ScaleIn, target.body};
    }
    if (notice) {
      on_notice_(*notice);
      return;
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
  }
}

}  // namespace sluice::cli
