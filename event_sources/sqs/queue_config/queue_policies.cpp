// JSON-valued queue attributes. Boost.JSON parses the text; the checks run in the order AWS
// reports them (a RedrivePolicy of "{}" is answered with the missing maxReceiveCount first).
// Error codes follow AWS's two message families: "Value <v> for parameter <P> is invalid.
// Reason: ..." travels as InvalidParameterValue, "Invalid value for the parameter <P>." as
// InvalidAttributeValue.

#include "queue_policies.h"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

namespace sluice::sqs::detail {
namespace json = boost::json;

namespace {

constexpr size_t kMaxPolicyBytes = 8192;
constexpr size_t kMaxSourceQueueArns = 10;
constexpr int64_t kMinMaxReceiveCount = 1;
constexpr int64_t kMaxMaxReceiveCount = 1000;

std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

common::AwsError redrive_error(std::string_view text, std::string_view reason) {
  return common::aws_error(
      common::AwsErrorCode::InvalidParameterValue,
      "Value " + std::string(text) + " for parameter RedrivePolicy is invalid. Reason: " + std::string(reason));
}

common::AwsError allow_error(std::string_view text, std::string_view reason) {
  return common::aws_error(
      common::AwsErrorCode::InvalidParameterValue,
      "Value " + std::string(text) +
          " for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive "
          "allow policy. " +
          std::string(reason));
}

common::AwsError allow_format_error() {
  return common::aws_error(common::AwsErrorCode::InvalidAttributeValue,
                           "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the "
                           "redrive allow policy, as it\u2019s in an unsupported format.");
}

// maxReceiveCount as an integer, from a JSON integer, an integral JSON double or a decimal string.
std::optional<int64_t> receive_count_of(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    uint64_t u = v.get_uint64();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (std::trunc(d) != d || std::fabs(d) > 1e15) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

// How the offending maxReceiveCount is quoted back: strings without their quotes.
std::string quote_receive_count(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return json::serialize(v);
}

// arn:<partition>:sqs:<region>:<account>:<name>, every part non-empty.
bool fully_qualified_sqs_arn(std::string_view arn) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t colon = arn.find(':', start);
    parts.push_back(arn.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "sqs") return false;
  for (std::string_view p : parts) {
    if (p.empty()) return false;
  }
  return true;
}

}  // namespace

common::Outcome<RedrivePolicy> parse_redrive_policy(std::string_view text) {
  std::optional<json::value> doc = parse_json(text);
  if (!doc || !doc->is_object()) {
    return common::aws_error(
        common::AwsErrorCode::InvalidParameterValue,
        "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.");
  }
  const json::object& obj = doc->get_object();
  const json::value* count = obj.if_contains("maxReceiveCount");
  if (count == nullptr)
    return redrive_error(text, "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
  const json::value* target = obj.if_contains("deadLetterTargetArn");
  if (target == nullptr) {
    return redrive_error(text, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
  }
  std::optional<int64_t> n = receive_count_of(*count);
  if (!n || *n < kMinMaxReceiveCount || *n > kMaxMaxReceiveCount) {
    return redrive_error(text, "Invalid value for maxReceiveCount: " + quote_receive_count(*count) +
                                   ", valid values are from 1 to 1000 both inclusive.");
  }
  if (!target->is_string() || !fully_qualified_sqs_arn(target->get_string())) {
    return redrive_error(text, "Dead-letter target ARN should be fully qualified ARN.");
  }
  if (obj.size() > 2) {
    return redrive_error(text, "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].");
  }
  return RedrivePolicy{std::string(target->get_string()), *n};
}

std::string render_redrive_policy(const RedrivePolicy& policy) {
  // Built by hand rather than through json::object so the key order is AWS's.
  return "{\"deadLetterTargetArn\":" + json::serialize(json::value(policy.dead_letter_target_arn)) +
         ",\"maxReceiveCount\":" + std::to_string(policy.max_receive_count) + "}";
}

common::Outcome<RedriveAllowPolicy> parse_redrive_allow_policy(std::string_view text) {
  std::optional<json::value> doc = parse_json(text);
  if (!doc || !doc->is_object()) return allow_format_error();
  const json::object& obj = doc->get_object();
  for (const auto& kv : obj) {
    if (kv.key() != "redrivePermission" && kv.key() != "sourceQueueArns") return allow_format_error();
  }
  const json::value* permission = obj.if_contains("redrivePermission");
  if (permission == nullptr || !permission->is_string()) return allow_format_error();
  std::string perm(permission->get_string());
  if (perm != "allowAll" && perm != "denyAll" && perm != "byQueue") return allow_format_error();

  RedriveAllowPolicy out;
  out.redrive_permission = perm;
  const json::value* arns = obj.if_contains("sourceQueueArns");
  if (arns != nullptr) {
    if (!arns->is_array()) return allow_format_error();
    for (const json::value& a : arns->get_array()) {
      if (!a.is_string()) return allow_format_error();
      out.source_queue_arns.emplace_back(a.get_string());
    }
    if (perm != "byQueue") {
      return allow_error(text, "To specify one or more source queue ARNs, you must set redrivePermission to byQueue.");
    }
  }
  if (perm == "byQueue" && out.source_queue_arns.empty()) {
    return allow_error(text,
                       "When you specify the byQueue permission type, you must also specify one or more "
                       "sourceQueueArns values.");
  }
  if (out.source_queue_arns.size() > kMaxSourceQueueArns) {
    return allow_error(text, "The maximum number of source queue ARNs you can specify is 10.");
  }
  return out;
}

std::string render_redrive_allow_policy(const RedriveAllowPolicy& policy) {
  std::string out = "{\"redrivePermission\":" + json::serialize(json::value(policy.redrive_permission));
  if (policy.redrive_permission == "byQueue") {
    json::array arns;
    for (const std::string& a : policy.source_queue_arns) arns.emplace_back(a);
    out += ",\"sourceQueueArns\":" + json::serialize(arns);
  }
  return out + "}";
}

std::optional<common::AwsError> check_access_policy(std::string_view text) {
  common::AwsError invalid =
      common::aws_error(common::AwsErrorCode::InvalidAttributeValue, "Invalid value for the parameter Policy.");
  if (text.size() > kMaxPolicyBytes) return invalid;
  std::optional<json::value> doc = parse_json(text);
  if (!doc || !doc->is_object()) return invalid;
  const json::value* statement = doc->get_object().if_contains("Statement");
  if (statement == nullptr) return invalid;
  if (statement->is_object()) return std::nullopt;
  if (!statement->is_array() || statement->get_array().empty()) return invalid;
  for (const json::value& s : statement->get_array()) {
    if (!s.is_object()) return invalid;
  }
  return std::nullopt;
}

bool same_json(std::string_view a, std::string_view b) {
  if (a == b) return true;
  std::optional<json::value> ja = parse_json(a);
  std::optional<json::value> jb = parse_json(b);
  return ja && jb && *ja == *jb;
}

}  // namespace sluice::sqs::detail
