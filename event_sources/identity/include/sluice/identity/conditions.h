#pragma once
// The Condition element of IAM policies: a block of condition operators, each naming context keys
// and the values they are compared with (IAM User Guide, "IAM JSON policy elements: Condition"
// and "Condition operators"). Trust policies use it now; identity and resource policies will.
//
// What is evaluated:
//   - String: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
//     StringLike, StringNotLike ('*' any run, '?' one character; case-sensitive).
//   - Numeric: NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals,
//     NumericGreaterThan, NumericGreaterThanEquals (integers and decimals).
//   - Date: DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan,
//     DateGreaterThanEquals (ISO 8601 dates and times, or epoch seconds, on either side).
//   - Bool ("true"/"false", case-insensitive), BinaryEquals (base64, compared as bytes).
//   - IpAddress, NotIpAddress (IPv4 and IPv6 addresses and CIDR ranges).
//   - ArnEquals, ArnLike, ArnNotEquals, ArnNotLike (the six colon-separated parts compared one by
//     one, each with '*' and '?' wildcards, as IAM does for both Equals and Like).
//   - Null ("true": the key is absent; "false": it is present).
//   - Every operator but Null with the ...IfExists suffix (holds when the key is absent), and
//     with the ForAllValues: / ForAnyValue: prefixes for multivalued keys.
// Semantics as the IAM User Guide states them: operators, and keys under one operator, are ANDed;
// the values listed for one key are ORed; a negated operator (...Not...) holds when the context
// value matches none of them. A key absent from the context makes a plain operator fail and a
// negated one hold (as the "Condition operators" page states), ForAnyValue fail and ForAllValues
// hold; ...IfExists holds and Null tests exactly that. Key names are
// case-insensitive, values case-sensitive unless the operator says otherwise. Policy variables
// (${aws:username}) in values are not substituted yet: such a value is compared as written.
//
// Thread-safety: a ConditionContext is a value; evaluation reads it and the policy only.

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::identity {

// The request's context keys (aws:PrincipalArn, aws:SourceIp, sts:ExternalId, ...), each with
// one value or, for multivalued keys (aws:TagKeys, an aud claim list), several.
class ConditionContext {
 public:
  void set(std::string_view key, std::string value);
  void set_all(std::string_view key, std::vector<std::string> values);
  // The key's values, or null when the request does not have the key.
  const std::vector<std::string>* find(std::string_view key) const;

  // Makes `base`'s keys this context's too, under any key set here: the keys that depend only on
  // the principal are built once per principal and shared by its requests' contexts instead of
  // copied into each. `base` must outlive this context (or be replaced first); nullptr removes it.
  void inherit(const ConditionContext* base) { base_ = base; }

  // While `log` is set, find() adds every key it is asked for to it (once each), whether the
  // request has the key or not: the keys a decision read, so that a caller may reuse the decision
  // for a request with the same values of those keys. nullptr stops the logging.
  void log_reads(std::vector<std::string>* log) const { reads_ = log; }

 private:
  struct Entry {
    std::string key;
    std::vector<std::string> values;
  };
  // A request has about a dozen keys: a linear search that compares names without regard to case
  // costs less than lowercasing a key into a map's node, on every set and every find.
  std::vector<Entry> entries_;
  const ConditionContext* base_ = nullptr;
  mutable std::vector<std::string>* reads_ = nullptr;
};

// True when every operator of a policy statement's Condition block holds in `context`. A block
// that is not an object, or names an operator sluice does not know, does not hold.
bool conditions_hold(const boost::json::value& condition, const ConditionContext& context);

// Why a Condition block is malformed (an unknown operator, a value that is not a string, number,
// boolean or list of those), or nullopt when it is well formed.
std::optional<std::string> condition_block_error(const boost::json::value& condition);

}  // namespace sluice::identity
