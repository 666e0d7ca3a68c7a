// Fuzzes the Query protocol's form decoding (sluice/api/query/query.h): parse_form on any bytes,
// then request_to_json over a model with every kind of member (scalars, an integer, a boolean,
// flattened lists of strings and of structures, a map), and the model walk it is built from.
// Looks for crashes, sanitizer reports and broken invariants: a decoded form re-encodes to a form
// that decodes to the same parameters.

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sluice/api/query/query.h"

namespace {

namespace query = sluice::api::query;

const query::Shape kString{query::Kind::String};
const query::Shape kInteger{query::Kind::Integer};
const query::Shape kBoolean{query::Kind::Boolean};
const query::Shape kBlob{query::Kind::Blob};
const query::Member kEntryMembers[] = {{"Id", "Id", &kString}, {"DelaySeconds", "DelaySeconds", &kInteger}};
const query::Shape kEntry{query::Kind::Struct, kEntryMembers};
const query::Shape kEntries{query::Kind::List, {}, &kEntry};
const query::Shape kNames{query::Kind::List, {}, &kString};
const query::Shape kMap{query::Kind::Map, {}, &kString, "Name", "Value"};
const query::Member kMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"MaxNumberOfMessages", "MaxNumberOfMessages", &kInteger},
    {"Flag", "Flag", &kBoolean},
    {"Payload", "Payload", &kBlob},
    {"AttributeNames", "AttributeName", &kNames},
    {"Entries", "Entry", &kEntries},
    {"Attributes", "Attribute", &kMap},
};
const query::Shape kInput{query::Kind::Struct, kMembers};
const query::ActionSpec kAction{"FuzzAction", &kInput, nullptr};

std::string encode(const query::FormParams& params) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    auto escape = [&out](std::string_view part) {
      for (unsigned char c : part) {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    };
    escape(name);
    out += '=';
    escape(value);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto params = query::parse_form(text);
  if (!params) return 0;

  auto again = query::parse_form(encode(params->params()));
  if (!again || again->params() != params->params()) std::abort();  // decoding lost or changed something

  auto json = query::request_to_json(kAction, params->params());
  if (json) (void)boost::json::serialize(*json);

  auto root = query::form_root(params->params());
  for (const query::FormParam& p : root) {
    if (p.index >= params->size()) std::abort();
  }
  auto groups = query::form_groups(root);
  for (const auto& group : groups.groups) (void)group;
  (void)query::form_member(root, "QueueUrl");
  (void)query::form_below(root, "Entry");
  return 0;
}
