#pragma once
// The KMS actions, one function each: read the request, call the KeyManager once or twice, build
// the result object. Grouped by file: key_actions.cpp (keys, states, deletion, rotation, policies,
// tags), alias_actions.cpp, crypto_actions.cpp.

#include <boost/json.hpp>

#include "kms_request.h"
#include "sluice/kms/kms.h"

namespace sluice::api::kms_wire::detail {

using Result = common::Outcome<boost::json::object>;
using Action = Result (*)(KmsRequest&, const kms::Scope&, kms::KeyManager&);

// key_actions.cpp
Result create_key(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result describe_key(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result list_keys(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result enable_key(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result disable_key(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result schedule_key_deletion(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result cancel_key_deletion(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result enable_key_rotation(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result disable_key_rotation(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result get_key_rotation_status(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result get_key_policy(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result put_key_policy(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result list_key_policies(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result tag_resource(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result untag_resource(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result list_resource_tags(KmsRequest&, const kms::Scope&, kms::KeyManager&);

// alias_actions.cpp
Result create_alias(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result update_alias(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result delete_alias(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result list_aliases(KmsRequest&, const kms::Scope&, kms::KeyManager&);

// crypto_actions.cpp
Result encrypt(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result decrypt(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result re_encrypt(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result generate_data_key(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result generate_data_key_without_plaintext(KmsRequest&, const kms::Scope&, kms::KeyManager&);
Result generate_random(KmsRequest&, const kms::Scope&, kms::KeyManager&);

// A page of `items` after `marker` (an item's name; "" = the start), at most `limit` (1..1000,
// default 100): the half-open range [first, last) and the NextMarker when truncated.
struct Page {
  size_t first = 0;
  size_t last = 0;
  std::optional<std::string> next_marker;
};
template <typename Items, typename NameOf>
Page page_of(const Items& items, const std::optional<std::string>& marker, std::optional<int64_t> limit,
             NameOf name_of) {
  Page page;
  if (marker) {
    while (page.first < items.size() && name_of(items[page.first]) != *marker) ++page.first;
  }
  const size_t count = static_cast<size_t>(limit.value_or(100));
  page.last = std::min(items.size(), page.first + count);
  if (page.last < items.size()) page.next_marker = name_of(items[page.last]);
  return page;
}

// Limit (1..1000) and Marker (1..320) of the list actions, into validation().
void read_paging(KmsRequest& request, std::optional<int64_t>* limit, std::optional<std::string>* marker);

}  // namespace sluice::api::kms_wire::detail
