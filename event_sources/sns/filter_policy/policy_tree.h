#pragma once
// The compiled form of a filter policy (internal to the filter_policy component).
//
// A policy is a tree of AND-nodes. Each node holds fields (a key with either a leaf condition or
// a nested node, the latter only in scope MessageBody) and "$or" groups (any one alternative node
// must match). A leaf condition is the OR of its matchers, one per element of the policy's value
// array. Evaluation sees message values only as Scalars, so the same matchers serve attributes and
// JSON bodies.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sns/filter_policy.h"

namespace sluice::sns::detail {

// One value from a message: an attribute value, a String.Array element or a JSON body leaf.
struct Scalar {
  enum class Kind : uint8_t { String, Number, True, False, Null };
  Kind kind = Kind::Null;
  std::string_view text;  // the string (Kind::String)
  double number = 0;      // the value (Kind::Number)
};

struct IpBlock {
  bool v6 = false;
  std::array<uint8_t, 16> address{};  // network bytes; v4 uses the first 4
  std::array<uint8_t, 16> mask{};
};

// SNS compares numbers to five digits after the point (documented): 100.123456789 in a policy
// matches 100.1234567 in a message, and 0.1 + 0.2 equals 0.3. A number becomes a whole count of
// 1e-5 units, kept in a double (exact far beyond SNS's ±10^9); values past any a policy may hold
// only need to stay in order and are left unrounded. The compiler stores the policy's numbers in
// these units, so an evaluation rounds only the message's value.
inline double five_digit_units(double n) {
  const double x = n * 1e5;
  if (!(x > -9e18 && x < 9e18)) return x;
  return static_cast<double>(static_cast<int64_t>(x + (x >= 0 ? 0.5 : -0.5)));
}

// One element of a key's value array.
struct Matcher {
  enum class Kind : uint8_t {
    ExactString,
    ExactNumber,
    ExactTrue,
    ExactFalse,
    ExactNull,
    Prefix,
    Suffix,
    EqualsIgnoreCase,  // text is lowered (ASCII)
    AnythingBut,       // strings / numbers: the value is none of them
    AnythingButPrefix,
    Numeric,
    Exists,  // handled by Condition, never asked to match a value
    Cidr,
  };
  Kind kind = Kind::ExactNull;
  std::string text;
  double number = 0;                 // ExactNumber (in five_digit_units)
  std::vector<std::string> strings;  // AnythingBut
  std::vector<double> numbers;       // AnythingBut (in five_digit_units)
  // Numeric: lower and upper bounds (in five_digit_units); an absent bound is infinite.
  double low = 0, high = 0;
  bool has_low = false, has_high = false, low_inclusive = false, high_inclusive = false;
  bool exists = false;
  IpBlock block;

  bool matches(const Scalar& value) const;
};

// The OR of a key's matchers; knows what absence means.
struct Condition {
  std::vector<Matcher> value_matchers;  // everything but exists
  bool exists_true = false;             // {"exists": true} present
  bool exists_false = false;            // {"exists": false} present
  std::size_t element_count = 0;        // elements of the policy's array (for complexity)

  bool matches_absent() const { return exists_false; }
  bool matches_value(const Scalar& value) const {
    for (const Matcher& m : value_matchers)
      if (m.matches(value)) return true;
    return false;
  }
};

struct Node;

struct Field {
  std::string key;
  bool dotted = false;  // key contains '.', which may also address nested JSON objects
  bool leaf = true;
  Condition condition;          // leaf
  std::unique_ptr<Node> child;  // nested (MessageBody only)
};

struct Node {
  std::vector<Field> fields;
  std::vector<std::vector<Node>> or_groups;  // each group: alternatives
};

struct CompiledPolicy {
  FilterScope scope = FilterScope::MessageAttributes;
  Node root;
};

// Builds the tree or explains why not (filter_compiler.cpp).
common::Outcome<std::unique_ptr<CompiledPolicy>, FilterPolicyError> compile_policy(std::string_view json,
                                                                                   FilterScope scope);

// Parses an IPv4 or IPv6 address text (no brackets, no zone). False when it is neither.
bool parse_ip(std::string_view text, bool& v6, std::array<uint8_t, 16>& bytes);

}  // namespace sluice::sns::detail
