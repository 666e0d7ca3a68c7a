#pragma once
// A client of the EC2 instance metadata service (IMDS) for what an instance asks about itself:
// Spot interruption notices, its Auto Scaling target lifecycle state, its instance id. IMDSv2:
// PUT /latest/api/token gives a session token (6 hours) sent with every GET and fetched again
// before it expires or when the service answers 401; when the token call answers 403/404/405 the
// GETs go without one (IMDSv1), as the SDKs do.
//
// Endpoint: InstanceMetadataOptions::endpoint, else AWS_EC2_METADATA_SERVICE_ENDPOINT (the SDKs'
// override, what tests point at a fake on loopback), else http://169.254.169.254.
// AWS_EC2_METADATA_DISABLED=true disables it: every call fails without a network call.
//
// Threading: one caller at a time (the worker's notice watcher owns one).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace httplib {
class Client;
}

namespace sluice::aws {

struct InstanceMetadataOptions {
  std::string endpoint;
  std::chrono::milliseconds timeout{1000};  // each call; the service is local to the instance
};

class InstanceMetadata {
 public:
  explicit InstanceMetadata(InstanceMetadataOptions options = {});
  ~InstanceMetadata();
  InstanceMetadata(const InstanceMetadata&) = delete;
  InstanceMetadata& operator=(const InstanceMetadata&) = delete;

  struct Answer {
    int status = 0;     // HTTP status; 0 when the service could not be reached
    std::string body;   // status 200: the item's value
    std::string error;  // status != 200: what went wrong
    bool found() const { return status == 200; }
  };
  // GET /latest/meta-data/<path>, e.g. "spot/instance-action". 404 means the item does not exist
  // (no interruption scheduled, not in an Auto Scaling group).
  Answer get(const std::string& path);

  const std::string& endpoint() const { return endpoint_; }

 private:
  bool refresh_token(std::string* error);

  std::string endpoint_;
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
  bool version1_ = false;  // the service offers no tokens
  std::chrono::steady_clock::time_point token_expires_{};
  std::string disabled_;  // why every call fails, or ""
};

}  // namespace sluice::aws
