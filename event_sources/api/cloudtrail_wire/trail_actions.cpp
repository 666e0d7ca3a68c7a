// CloudTrail's trail operations. A trail delivers its log files to an S3 bucket and sluice has no
// S3, so no trail can exist: CreateTrail is refused as CloudTrail refuses a bucket that does not
// exist, the lists are empty, and an operation on a named trail finds none (see
// cloudtrail_service.h).

#include <boost/json.hpp>

#include <algorithm>
#include <iterator>

#include "cloudtrail_actions.h"

namespace sluice::api::cloudtrail_wire::detail {
namespace {

std::string string_member(const boost::json::object& in, std::string_view name) {
  const boost::json::value* v = in.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

common::Outcome<std::string> create_trail(const CloudTrailCall& call) {
  return common::aws_error(
      common::AwsErrorCode::S3BucketDoesNotExist,
      "S3 bucket " + string_member(call.input, "S3BucketName") +
          " does not exist (sluice has no S3: trails cannot deliver; the audit trail is in the data "
          "directory and LookupEvents answers from it).");
}

// "Unknown trail: <ARN> for the user: <account>", the trail named by name or ARN.
common::Outcome<std::string> unknown_trail(const CloudTrailCall& call) {
  std::string name = string_member(call.input, "Name");
  if (name.empty()) name = string_member(call.input, "TrailName");
  const std::string arn = name.substr(0, 4) == "arn:"
                              ? name
                              : "arn:aws:cloudtrail:" + call.ctx.region + ":" + call.ctx.account_id + ":trail/" + name;
  return common::aws_error(common::AwsErrorCode::TrailNotFound,
                           "Unknown trail: " + arn + " for the user: " + call.ctx.account_id);
}

common::Outcome<std::string> describe_trails(const CloudTrailCall&) { return std::string(R"({"trailList":[]})"); }
common::Outcome<std::string> list_trails(const CloudTrailCall&) { return std::string(R"({"Trails":[]})"); }

struct ActionRow {
  std::string_view name;
  Action run;
};
// Sorted by name.
constexpr ActionRow kActions[] = {
    {"CreateTrail", create_trail},          {"DeleteTrail", unknown_trail},
    {"DescribeTrails", describe_trails},    {"GetEventSelectors", unknown_trail},
    {"GetInsightSelectors", unknown_trail}, {"GetTrail", unknown_trail},
    {"GetTrailStatus", unknown_trail},      {"ListTrails", list_trails},
    {"LookupEvents", lookup_events},        {"PutEventSelectors", unknown_trail},
    {"PutInsightSelectors", unknown_trail}, {"StartLogging", unknown_trail},
    {"StopLogging", unknown_trail},         {"UpdateTrail", unknown_trail},
};

}  // namespace

Action find_action(std::string_view name) {
  auto it = std::lower_bound(std::begin(kActions), std::end(kActions), name,
                             [](const ActionRow& row, std::string_view n) { return row.name < n; });
  return it != std::end(kActions) && it->name == name ? it->run : nullptr;
}

}  // namespace sluice::api::cloudtrail_wire::detail
