// Fuzzes SNS filter policies (sluice/sns/filter_policy.h): compiling any text in both scopes, then
// evaluating the compiled policy against a message made from the rest of the input.
//
// Input: the policy, a NUL byte, then the message body. When the body is a JSON object, its
// members also become message attributes: a string is a String attribute, a number a Number
// (its text), an array a String.Array, an object {"Type": ..., "Value": ...} an attribute of that
// type. Invariants: a policy's text is never needed after compile() (evaluating a copy made from
// the same text agrees), matching a body parsed here agrees with matching its text, and matches()
// picks the evaluation of the policy's scope.

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sluice/sns/filter_policy.h"

namespace {

using sluice::sns::AttributeValue;
using sluice::sns::FilterPolicy;
using sluice::sns::FilterScope;
using sluice::sns::MessageAttributeMap;

MessageAttributeMap attributes_of(const boost::json::value& body) {
  MessageAttributeMap out;
  if (!body.is_object()) return out;
  for (const auto& member : body.as_object()) {
    const boost::json::value& v = member.value();
    AttributeValue attribute;
    if (v.is_string()) {
      attribute = {"String", std::string(v.as_string())};
    } else if (v.is_number()) {
      attribute = {"Number", boost::json::serialize(v)};
    } else if (v.is_array()) {
      attribute = {"String.Array", boost::json::serialize(v)};
    } else if (v.is_object()) {
      const auto* type = v.as_object().if_contains("Type");
      const auto* value = v.as_object().if_contains("Value");
      if (!type || !type->is_string() || !value || !value->is_string()) continue;
      attribute = {std::string(type->as_string()), std::string(value->as_string())};
    } else {
      continue;
    }
    out.emplace(std::string(member.key()), std::move(attribute));
  }
  return out;
}

void check(const FilterPolicy& policy, const FilterPolicy& twin, const MessageAttributeMap& attributes,
           const boost::json::value* body, std::string_view body_text) {
  const bool by_attributes = policy.matches_attributes(attributes);
  const bool by_text = policy.matches_body_text(body_text);
  if (twin.matches_attributes(attributes) != by_attributes) std::abort();  // evaluation is not pure
  if (twin.matches_body_text(body_text) != by_text) std::abort();
  if (body && policy.matches_body(*body) != by_text) std::abort();  // parsed and text disagree
  const bool chosen = policy.matches(attributes, body_text);
  if (chosen != (policy.scope() == FilterScope::MessageAttributes ? by_attributes : by_text)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string_view policy_text = input.substr(0, split);
  const std::string_view body_text = split == std::string_view::npos ? std::string_view{} : input.substr(split + 1);

  boost::json::error_code ec;
  boost::json::value body = boost::json::parse(body_text, ec);
  const boost::json::value* parsed = ec ? nullptr : &body;
  const MessageAttributeMap attributes = parsed ? attributes_of(body) : MessageAttributeMap{};

  for (FilterScope scope : {FilterScope::MessageAttributes, FilterScope::MessageBody}) {
    auto policy = FilterPolicy::compile(policy_text, scope);
    if (!policy.ok()) {
      const auto& error = policy.error();
      if (error.message.empty()) std::abort();  // a refusal always says why
      (void)error.set_attributes_text();
      (void)error.subscribe_text();
      continue;
    }
    if (policy.value().scope() != scope) std::abort();
    auto twin = FilterPolicy::compile(std::string(policy_text), scope);
    if (!twin.ok()) std::abort();  // compiling is deterministic
    check(policy.value(), twin.value(), attributes, parsed, body_text);
  }
  return 0;
}
