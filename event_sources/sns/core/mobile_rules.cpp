// Validation of the mobile actions with the texts AWS was recorded answering: application names
// and platforms, application and endpoint attributes, the ARNs of applications and endpoints,
// phone numbers and the account's SMS attributes.

#include <set>

#include "mobile_impl.h"

namespace sluice::sns::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return !s.empty();
}

size_t count_of(std::string_view s, char c) {
  size_t n = 0;
  for (char x : s) n += x == c ? 1 : 0;
  return n;
}

}  // namespace

common::AwsError validation_error(std::string_view value_clause, std::string_view member, std::string_view constraint) {
  std::string text = "1 validation error detected: Value ";
  text.append(value_clause).append(" at '").append(member).append("' failed to satisfy constraint: ");
  text.append(constraint);
  return common::aws_error(common::AwsErrorCode::ValidationError, std::move(text));
}

common::AwsError null_member(std::string_view member) {
  return validation_error("null", member, "Member must not be null");
}

common::Status validate_application_name(const std::string& name) {
  if (name.empty()) return invalid_parameter(" Reason: cannot be empty");
  if (name.size() > 256) return invalid_parameter(name + " Reason: must be at most 256 characters long");
  for (char c : name) {
    if (!is_letter(c) && !is_digit(c) && c != '_' && c != '-' && c != '.') {
      return invalid_parameter(name +
                               " Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'");
    }
  }
  return common::ok_status();
}

bool supported_platform(std::string_view platform) {
  static const std::set<std::string, std::less<>> kPlatforms{
      "ADM",   "APNS",          "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "BAIDU", "GCM",
      "MACOS", "MACOS_SANDBOX", "MPNS",         "WNS"};
  return kPlatforms.count(platform) != 0;
}

common::Status validate_application_attributes(const AttributeMap& attributes, bool creating) {
  // The attributes SetPlatformApplicationAttributes documents.
  static const std::set<std::string, std::less<>> kNames{"PlatformCredential",
                                                         "PlatformPrincipal",
                                                         "EventEndpointCreated",
                                                         "EventEndpointDeleted",
                                                         "EventEndpointUpdated",
                                                         "EventDeliveryFailure",
                                                         "SuccessFeedbackRoleArn",
                                                         "FailureFeedbackRoleArn",
                                                         "SuccessFeedbackSampleRate",
                                                         "ApplePlatformTeamID",
                                                         "ApplePlatformBundleID",
                                                         "AuthenticationMethod",
                                                         "Enabled"};
  for (const auto& [name, value] : attributes) {
    if (kNames.count(name) == 0) return invalid_parameter("Attributes Reason: Invalid attribute name: " + name);
    if (name == "SuccessFeedbackSampleRate") {
      if (!all_digits(value) || value.size() > 3 || std::stoi(value) > 100) {
        return invalid_parameter("Attributes Reason: Invalid value for attribute: SuccessFeedbackSampleRate: " + value +
                                 " value provided is not an integer between 0-100");
      }
    }
  }
  if (creating) {
    const bool principal = attributes.count("PlatformPrincipal") != 0;
    const bool credential = attributes.count("PlatformCredential") != 0;
    if (principal && !credential) {
      return invalid_parameter("Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential");
    }
    if (credential && !principal) {
      return invalid_parameter("Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal");
    }
  }
  return common::ok_status();
}

common::Status validate_endpoint_attributes(const AttributeMap& attributes) {
  for (const auto& [name, value] : attributes) {
    if (name != "CustomUserData" && name != "Enabled" && name != "Token") {
      return invalid_parameter("Attributes Reason: Invalid attribute name: " + name);
    }
    if (name == "CustomUserData" && value.size() > 2048) {
      return invalid_parameter(
          "Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 "
          "encoding");
    }
    if (name == "Enabled" && value != "true" && value != "false") {
      return invalid_parameter("Attributes Reason: Invalid value for attribute: Enabled: " + value +
                               " must be either true or false");
    }
    if (name == "Token" && value.empty()) {
      return invalid_parameter("Attributes Reason: Invalid value for attribute: Token: cannot be empty");
    }
  }
  return common::ok_status();
}

common::Outcome<Arn> parse_application_arn(const std::string& arn) {
  auto parsed = parse_sns_arn(arn, "PlatformApplicationArn");
  if (!parsed) return parsed.error();
  if (parsed->resource.rfind("app/", 0) != 0 || count_of(parsed->resource, '/') != 2) {
    return invalid_parameter("PlatformApplicationArn Reason: Wrong number of slashes in relative portion of the ARN.");
  }
  return parsed;
}

common::Outcome<Arn> parse_endpoint_arn(const std::string& arn, std::string_view param) {
  auto parsed = parse_sns_arn(arn, param);
  if (!parsed) return parsed.error();
  if (parsed->resource.rfind("endpoint/", 0) != 0 || count_of(parsed->resource, '/') != 3) {
    return invalid_parameter(std::string(param) + " Reason: Wrong number of slashes in relative portion of the ARN.");
  }
  return parsed;
}

bool is_endpoint_arn(std::string_view arn) {
  // arn:aws:sns:REGION:ACCOUNT:endpoint/...
  size_t colons = 0, pos = 0;
  while (colons < 5 && pos != std::string_view::npos) {
    pos = arn.find(':', pos);
    if (pos != std::string_view::npos) {
      ++colons;
      ++pos;
    }
  }
  return pos != std::string_view::npos && arn.substr(pos).rfind("endpoint/", 0) == 0;
}

bool valid_e164(std::string_view number) {
  if (!number.empty() && number[0] == '+') number.remove_prefix(1);
  return all_digits(number) && number.size() <= 15;
}

common::Status validate_sms_attribute(const std::string& name, const std::string& value) {
  auto invalid = [&] { return common::aws_error(common::AwsErrorCode::InvalidParameter, name + " is invalid"); };
  if (name == "DefaultSMSType") {
    if (value != "Promotional" && value != "Transactional") return invalid();
  } else if (name == "DefaultSenderID") {
    // 1-11 letters and digits, at least one letter.
    bool letter = false;
    for (char c : value) {
      if (!is_letter(c) && !is_digit(c)) return invalid();
      letter = letter || is_letter(c);
    }
    if (value.empty() || value.size() > 11 || !letter) return invalid();
  } else if (name == "MonthlySpendLimit") {
    if (!all_digits(value) || value.size() > 9) return invalid();
  } else if (name == "DeliveryStatusSuccessSamplingRate") {
    if (!all_digits(value) || value.size() > 3 || std::stoi(value) > 100) return invalid();
  } else if (name == "DeliveryStatusIAMRole") {
    if (!value.empty() && value.rfind("arn:aws:iam::", 0) != 0) return invalid();
  } else if (name == "UsageReportS3Bucket") {
    if (value.size() > 63) return invalid();
  } else {
    return common::aws_error(common::AwsErrorCode::InvalidParameter, name + " is not a valid attribute");
  }
  return common::ok_status();
}

}  // namespace sluice::sns::detail
