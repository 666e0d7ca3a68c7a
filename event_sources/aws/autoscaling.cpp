// See sluice/aws/autoscaling.h.
#include "sluice/aws/autoscaling.h"

#include <thread>
#include <utility>
#include <vector>

#include "http_util.h"
#include "sluice/aws/endpoint.h"
#include "sluice/aws/sigv4.h"

namespace sluice::aws {
namespace {

constexpr const char* kFormType = "application/x-www-form-urlencoded; charset=utf-8";
constexpr int kAttempts = 3;

// The text of the first <name>...</name> element of a Query error answer ("" when absent).
std::string element(const std::string& xml, const std::string& name) {
  const std::string open = "<" + name + ">";
  const size_t start = xml.find(open);
  if (start == std::string::npos) return {};
  const size_t end = xml.find("</" + name + ">", start);
  if (end == std::string::npos) return {};
  return xml.substr(start + open.size(), end - start - open.size());
}

}  // namespace

std::string complete_lifecycle_action(const AutoScalingOptions& options, const LifecycleActionCompletion& completion) {
  std::string error;
  const std::string endpoint =
      resolve_endpoint({"autoscaling", "AUTO_SCALING", options.region, options.endpoint, {}, {}}, &error);
  if (endpoint.empty()) return error;
  auto url = detail::parse_url(endpoint);
  if (!url) return "not an endpoint URL: " + endpoint;
  if (!options.credentials) return "no credentials";

  const std::vector<std::pair<std::string, std::string>> form = {
      {"Action", "CompleteLifecycleAction"},
      {"Version", "2011-01-01"},
      {"AutoScalingGroupName", completion.auto_scaling_group_name},
      {"LifecycleHookName", completion.lifecycle_hook_name},
      {"InstanceId", completion.instance_id},
      {"LifecycleActionResult", completion.lifecycle_action_result}};
  std::string body;
  for (const auto& [name, value] : form) {
    if (!body.empty()) body += '&';
    body += uri_encode(name, false) + "=" + uri_encode(value, false);
  }

  std::string last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    ResolvedCredentials credentials = options.credentials->resolve();
    if (!credentials.ok()) return "no credentials: " + credentials.error;
    SignableRequest request{"POST", "/", {}, {{"Host", url->host_header()}, {"Content-Type", kFormType}}, body};
    sign(request, *credentials.credentials,
         {options.region, "autoscaling", format_amz_date(std::chrono::system_clock::now())});
    httplib::Headers headers;
    for (auto& [name, value] : request.headers)
      if (name != "Content-Type") headers.emplace(name, value);  // httplib sets it from the argument
    auto client = detail::make_client(*url, options.timeout, options.timeout);
    auto result = client->Post("/", headers, body, kFormType);
    if (!result) {
      last = "Could not connect to the endpoint URL: \"" + url->origin() + "/\" (" +
             httplib::to_string(result.error()) + ")";
      continue;
    }
    if (result->status == 200) return {};
    const std::string code = element(result->body, "Code");
    last = (code.empty() ? "HTTP " + std::to_string(result->status) : code) + ": " + element(result->body, "Message");
    const bool throttled = code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded";
    if (result->status < 500 && !throttled) return last;
  }
  return last;
}

}  // namespace sluice::aws
