#pragma once
// SNS subscription filter policies: compiled once when a subscription's FilterPolicy is set, then
// evaluated against every message published to the topic.
//
// compile() parses the policy JSON a single time and checks it the way SNS does (operator syntax,
// at most 5 keys, at most 150 value combinations, 256 KB), answering with SNS's own error texts.
// The result is an immutable tree of conditions with everything an evaluation needs prepared in
// advance: numbers parsed, ignore-case strings lowered, CIDR blocks as address bytes plus a mask.
// Evaluation walks that tree against the message attributes (scope MessageAttributes) or the
// parsed JSON body (scope MessageBody) and never touches the policy text again.
//
// A FilterPolicy is cheap to copy (it shares its compiled tree) and safe to evaluate from many
// threads at once: nothing in it changes after compile().

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/fwd.hpp>

#include "sluice/common/aws_error.h"

namespace sluice::sns {

// FilterPolicyScope subscription attribute.
enum class FilterScope { MessageAttributes, MessageBody };

// One SNS message attribute as published: type is "String", "String.Array" (value holds a JSON
// array), "Number" (value holds the number's text) or "Binary" (value holds the bytes). A type may
// carry a custom label after a dot ("Number.float"), as SNS allows.
struct AttributeValue {
  std::string type;
  std::string value;
};
using MessageAttributeMap = std::map<std::string, AttributeValue>;

// A rejected policy. `message` is the reason alone, e.g. "Filter policy can not have more than 5
// keys"; the API layer places it after the prefix that fits the action. The helpers build the
// complete texts AWS answers for the two actions that accept a policy.
struct FilterPolicyError {
  std::string message;
  // False for the one reason SNS reports without the "FilterPolicy: " label (a nested policy in
  // scope MessageAttributes).
  bool labelled = true;

  // SetSubscriptionAttributes: "Invalid parameter: FilterPolicy: <message>".
  std::string set_attributes_text() const;
  // Subscribe: "Invalid parameter: Attributes Reason: FilterPolicy: <message>".
  std::string subscribe_text() const;
};

// The reason SNS gives for a policy document (FilterPolicy, RedrivePolicy) that is not JSON: its
// parser's words and the location it stopped at, e.g. "Unexpected character ('i' (code 105)): was
// expecting double-quote to start field name\n at [Source: REDACTED
// (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]".
std::string json_syntax_error_text(std::string_view text);

namespace detail {
struct CompiledPolicy;
}

class FilterPolicy {
 public:
  // Parses and validates policy_json for the given scope: the compiled policy or the reason it
  // was rejected.
  static common::Outcome<FilterPolicy, FilterPolicyError> compile(std::string_view policy_json, FilterScope scope);

  FilterScope scope() const;

  // Scope MessageAttributes. Only String, String.Array and Number attributes take part; Binary
  // attributes count as absent.
  bool matches_attributes(const MessageAttributeMap& attributes) const;

  // Scope MessageBody. The body must be a JSON object; anything else never matches.
  bool matches_body(const boost::json::value& body) const;
  // Same, parsing the body first; a body that is not JSON never matches.
  bool matches_body_text(std::string_view body) const;

  // Evaluates whichever of the two the policy's scope selects.
  bool matches(const MessageAttributeMap& attributes, std::string_view body) const;

 private:
  explicit FilterPolicy(std::shared_ptr<const detail::CompiledPolicy> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const detail::CompiledPolicy> compiled_;
};

}  // namespace sluice::sns
