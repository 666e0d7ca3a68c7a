#pragma once
// Internal: the errors a request reader finds, answered in the order AWS checks.
//
// A reader does not stop at the first bad member: a JSON body must be read to its end to know it
// is valid JSON at all (a syntax error anywhere outranks everything), and AWS reports the first
// problem in its own order of checks (the queue URL, then the members in a fixed order per action,
// then batch entries in order), which is not the order members arrive in. So every error is filed
// under an ErrorKey that encodes its place in that order, and the request answers the error with
// the lowest key. A member that is read again (a JSON name repeated: the last one counts, as in
// any JSON object) first clears what its earlier value filed.
//
// Keys nest: within a structure's key, part(0) is the structure's own problems and
// member_key(structure, rank) the member of that rank in the action's check order; within a list
// or map member's key, part(0) is the shape of its elements and part(1 + n) element n. So, from
// low to high: kRequestKey (the request as a whole: a Query integer that is not one), then the
// top-level members in check order, each with its entries in order and their members in order.

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/common/aws_error.h"

namespace sluice::api::sqs_wire::detail {

// A place in AWS's order of checks and everything nested below it: [value, value + span).
struct ErrorKey {
  uint64_t value = 0;
  uint64_t span = 1;

  // The n-th sub-place (n saturates at the last one; a request with that many entries has
  // failed for other reasons long before their order matters).
  constexpr ErrorKey part(uint64_t n) const {
    uint64_t width = span / kParts;
    if (n >= kParts) n = kParts - 1;
    return {value + n * width, width == 0 ? 1 : width};
  }

  static constexpr uint64_t kParts = 1u << 12;
};

// Everything one request can file, and within it the request as a whole.
inline constexpr ErrorKey kRequestKeys{0, uint64_t{1} << 60};
inline constexpr ErrorKey kRequestKey = kRequestKeys.part(0);

// The member of rank `rank` (in the action's check order) of the structure filed under `structure`.
constexpr ErrorKey member_key(ErrorKey structure, unsigned rank) { return structure.part(uint64_t{rank} + 1); }

class ReadErrors {
 public:
  // Files `error` at key.value, replacing what was there.
  void set(ErrorKey key, common::AwsError error);
  // Files `error` unless something is filed at key.value already.
  void set_if_absent(ErrorKey key, common::AwsError error);
  // Forgets everything filed within the key's span.
  void clear(ErrorKey key) {
    if (!errors_.empty()) clear_filed(key);
  }
  bool has(ErrorKey key) const;

  // The error with the lowest key, or null; below(key) is true when it is filed below `key`.
  const common::AwsError* first() const;
  bool first_is_below(ErrorKey key) const;
  bool empty() const { return errors_.empty(); }

 private:
  void clear_filed(ErrorKey key);

  std::vector<std::pair<uint64_t, common::AwsError>> errors_;  // rarely more than one
};

// The JSON protocol's wording of the errors a reader finds (json_input.h uses the same texts).
common::AwsError missing_parameter(std::string_view name);
common::AwsError serialization_error(std::string_view name, std::string_view expected);
common::AwsError invalid_json_body();        // not valid JSON
common::AwsError json_body_not_an_object();  // valid JSON, but not an object

}  // namespace sluice::api::sqs_wire::detail
