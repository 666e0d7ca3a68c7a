#pragma once
// Internal: how the typed message codecs (message_readers.h, message_writers.h) bind SQS's model
// to the engine's types.
//
// Member names and order come from SQS's model (message_shapes.h) and nowhere else: a codec only
// binds each member of the model to a field of an engine type, by name, at compile time
// (bind_fields: a model member without a field is a compile error), and walks the members in the
// model's order, so the JSON and Query sides of an action cannot name or order a member
// differently. What a codec adds per action is AWS's order of checks (check_rank): the order in
// which AWS reports problems, which is not the model's.

#include <array>
#include <cstddef>
#include <string_view>

#include "message_shapes.h"

namespace sluice::api::sqs_wire::detail {

// ---- Binding model members to fields ------------------------------------------------------------

// For each member of `members`, the field `field_of` names for it; a member it does not know
// (field_of answers Field::Unbound) stops the compilation.
template <typename Field, size_t N>
consteval std::array<Field, N> bind_fields(const query::Member (&members)[N], Field (*field_of)(std::string_view)) {
  std::array<Field, N> fields{};
  for (size_t i = 0; i < N; ++i) {
    fields[i] = field_of(members[i].json);
    if (fields[i] == Field::Unbound) throw "a member of the model has no field in its codec";
  }
  return fields;
}

// An action's order of checks as a table indexed by field: each field's position in `order`
// (N for a field it does not check). Built at compile time, so finding a member's place is one
// load per member read.
template <typename Field>
using CheckRanks = std::array<unsigned, static_cast<size_t>(Field::Unbound) + 1>;

template <typename Field, size_t N>
consteval CheckRanks<Field> check_ranks(const Field (&order)[N]) {
  CheckRanks<Field> ranks{};
  for (unsigned& rank : ranks) rank = static_cast<unsigned>(N);
  for (size_t i = 0; i < N; ++i) ranks[static_cast<size_t>(order[i])] = static_cast<unsigned>(i);
  return ranks;
}

// The position of `field` in the order of checks `ranks` was built from.
template <typename Field>
constexpr unsigned check_rank(const CheckRanks<Field>& ranks, Field field) {
  return ranks[static_cast<size_t>(field)];
}

// ---- A message attribute's value (in SendMessage requests and ReceiveMessage answers) ---------

enum class AttributeValueField { StringValue, BinaryValue, StringListValues, BinaryListValues, DataType, Unbound };
constexpr AttributeValueField attribute_value_field(std::string_view name) {
  if (name == "StringValue") return AttributeValueField::StringValue;
  if (name == "BinaryValue") return AttributeValueField::BinaryValue;
  if (name == "StringListValues") return AttributeValueField::StringListValues;  // reserved by AWS: ignored
  if (name == "BinaryListValues") return AttributeValueField::BinaryListValues;  // reserved by AWS: ignored
  if (name == "DataType") return AttributeValueField::DataType;
  return AttributeValueField::Unbound;
}
inline constexpr auto kAttributeValueFields = bind_fields(shapes::kMessageAttributeValueMembers, attribute_value_field);
// Per attribute: its shape (part 0), these members' types, then BinaryValue's base64.
inline constexpr auto kAttributeValueChecks =
    check_ranks({AttributeValueField::DataType, AttributeValueField::StringValue, AttributeValueField::BinaryValue});
inline constexpr unsigned kBase64Check = 3;

}  // namespace sluice::api::sqs_wire::detail
