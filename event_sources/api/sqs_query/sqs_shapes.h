#pragma once
// Internal: the slice of the SQS Query-protocol model (botocore's 2012-11-05 query revision) that
// the codec needs. Each action names an input shape and, if the action has a result, an output
// shape. A Member pairs the JSON-protocol member name with its Query serialization name; for
// the flattened lists and maps SQS uses everywhere, the Query name is the repeated element's name
// (JSON "AttributeNames" <-> Query "AttributeName.N", JSON "Tags" <-> Query "Tag.N.Key/Value").
// Both directions walk the same tables, so request and response naming cannot disagree.

#include <span>
#include <string_view>

namespace sluice::api::query::detail {

enum class Kind : unsigned char { String, Integer, Boolean, Blob, Struct, List, Map };

struct Shape;

struct Member {
  std::string_view json;   // JSON-protocol member name
  std::string_view query;  // Query parameter / XML element name (element name for lists and maps)
  const Shape* shape;
};

struct Shape {
  Kind kind;
  std::span<const Member> members{};  // Struct
  const Shape* element = nullptr;     // List element or Map value
  std::string_view key_name{};        // Map: "Name" or "Key"
  std::string_view value_name{};      // Map: "Value"
};

struct ActionSpec {
  std::string_view name;
  const Shape* input;
  const Shape* output;  // nullptr: the response carries no <ActionResult> element
};

// nullptr when the action is not an SQS action.
const ActionSpec* find_action(std::string_view name);

// All actions, for tests.
std::span<const ActionSpec> all_actions();

}  // namespace sluice::api::query::detail
