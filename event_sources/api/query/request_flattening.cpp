// Query parameters -> JSON-protocol request object, driven by a service's shape tables.
//
// The flat parameter list is walked as views, never copied: for a struct, a scalar member is the
// parameter whose remaining name equals the member's Query name; a list or map member owns every
// parameter named "<QueryName>.<rest>". A flattened list or map groups those by the leading index
// N of <rest> ("1", "1.Name", "2.Value.DataType"), orders the groups numerically (gaps and any
// arrival order are fine) and converts each group: a list element is "N" itself or the struct
// under "N.", a map entry takes its key from "N.Name"/"N.Key" and its value from "N.Value" or the
// struct under "N.Value.". Names that match no member are ignored, as AWS ignores them.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <vector>

#include "sluice/api/query/query.h"

namespace sluice::api::query {
namespace {

namespace json = boost::json;
using query::Kind;
using query::Shape;

struct Param {
  std::string_view rel;   // the name below the current structure
  std::string_view full;  // the name as the client sent it, for error texts
  std::string_view value;
};

using Error = std::optional<AwsError>;

// Unverified: AWS's exact text for a non-numeric integer parameter in a Query request. This
// follows the shape of its range errors ("Value 1000 for parameter MaxNumberOfMessages is
// invalid. Reason: Must be between 1 and 10, if provided.").
AwsError invalid_value(const Param& p, std::string_view reason) {
  std::string msg;
  msg.reserve(64 + p.value.size() + p.full.size());
  msg.append("Value ").append(p.value).append(" for parameter ").append(p.full);
  msg.append(" is invalid. Reason: ").append(reason);
  return aws_error(AwsErrorCode::InvalidParameterValue, std::move(msg));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

Error scalar_to_json(const Shape& shape, const Param& p, json::value& out) {
  switch (shape.kind) {
    case Kind::Integer: {
      std::int64_t n = 0;
      const char* first = p.value.data();
      const char* last = first + p.value.size();
      auto [ptr, ec] = std::from_chars(first, last, n);
      if (p.value.empty() || ec != std::errc{} || ptr != last) return invalid_value(p, "must be an integer.");
      out = n;
      return std::nullopt;
    }
    case Kind::Boolean:
      if (iequals(p.value, "true")) {
        out = true;
      } else if (iequals(p.value, "false")) {
        out = false;
      } else {
        return invalid_value(p, "must be a boolean.");
      }
      return std::nullopt;
    default:  // String, Blob (base64 text in both protocols)
      out = json::string(p.value, out.storage());
      return std::nullopt;
  }
}

Error to_json(const Shape& shape, const std::vector<Param>& params, json::value& out);

// Parameters named "<prefix>.<rest>", re-rooted at <rest>.
std::vector<Param> below(const std::vector<Param>& params, std::string_view prefix) {
  std::vector<Param> sub;
  for (const Param& p : params) {
    if (p.rel.size() > prefix.size() && p.rel[prefix.size()] == '.' && p.rel.starts_with(prefix)) {
      sub.push_back({p.rel.substr(prefix.size() + 1), p.full, p.value});
    }
  }
  return sub;
}

const Param* exact(const std::vector<Param>& params, std::string_view name) {
  const Param* found = nullptr;
  for (const Param& p : params) {
    if (p.rel == name) found = &p;  // a repeated name: the last one wins
  }
  return found;
}

struct Indexed {
  std::uint64_t index;
  Param param;  // rel is what follows "N." ("" when the name was just "N")
  bool bare;    // the name was exactly "N"
};

// Groups "N" / "N.rest" parameters by N in numeric order. Names whose head is not a number are
// not list members and are skipped.
std::vector<Indexed> by_index(const std::vector<Param>& params) {
  std::vector<Indexed> items;
  items.reserve(params.size());
  for (const Param& p : params) {
    size_t dot = p.rel.find('.');
    std::string_view head = p.rel.substr(0, dot);
    std::uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(head.data(), head.data() + head.size(), n);
    if (head.empty() || ec != std::errc{} || ptr != head.data() + head.size()) continue;
    bool bare = dot == std::string_view::npos;
    items.push_back({n, {bare ? std::string_view{} : p.rel.substr(dot + 1), p.full, p.value}, bare});
  }
  std::stable_sort(items.begin(), items.end(), [](const Indexed& a, const Indexed& b) { return a.index < b.index; });
  return items;
}

Error list_to_json(const Shape& shape, const std::vector<Param>& params, json::value& out) {
  const Shape& element = *shape.element;
  std::vector<Indexed> items = by_index(params);
  json::array& array = out.emplace_array();
  std::vector<Param> group;
  for (size_t i = 0; i < items.size();) {
    size_t j = i;
    group.clear();
    const Param* bare = nullptr;
    for (; j < items.size() && items[j].index == items[i].index; ++j) {
      if (items[j].bare) {
        bare = &items[j].param;
      } else {
        group.push_back(items[j].param);
      }
    }
    if (element.kind == Kind::Struct) {
      if (!group.empty()) {
        json::value& v = array.emplace_back(nullptr);
        if (Error e = to_json(element, group, v)) return e;
      }
    } else if (bare) {
      json::value& v = array.emplace_back(nullptr);
      if (Error e = scalar_to_json(element, *bare, v)) return e;
    }
    i = j;
  }
  return std::nullopt;
}

Error map_to_json(const Shape& shape, const std::vector<Param>& params, json::value& out) {
  const Shape& value_shape = *shape.element;
  std::vector<Indexed> items = by_index(params);
  json::object& object = out.emplace_object();
  std::vector<Param> group;
  for (size_t i = 0; i < items.size();) {
    size_t j = i;
    group.clear();
    for (; j < items.size() && items[j].index == items[i].index; ++j) {
      if (!items[j].bare) group.push_back(items[j].param);
    }
    i = j;
    const Param* key = exact(group, shape.key_name);
    if (!key) continue;               // an entry without a key cannot be placed in the map
    json::value v(object.storage());  // same storage: moved into the map, not copied
    if (value_shape.kind == Kind::Struct) {
      if (Error e = to_json(value_shape, below(group, shape.value_name), v)) return e;
    } else if (const Param* value = exact(group, shape.value_name)) {
      if (Error e = scalar_to_json(value_shape, *value, v)) return e;
    } else {
      // A named entry without a value reaches the action layer as an empty value, which then
      // answers the same validation error a JSON client would get.
      v = json::string();
    }
    object.insert_or_assign(key->value, std::move(v));
  }
  return std::nullopt;
}

Error struct_to_json(const Shape& shape, const std::vector<Param>& params, json::value& out) {
  json::object& object = out.emplace_object();
  for (const Member& m : shape.members) {
    switch (m.shape->kind) {
      case Kind::Struct:
      case Kind::List:
      case Kind::Map: {
        std::vector<Param> sub = below(params, m.query);
        if (sub.empty()) break;
        json::value v(object.storage());
        if (Error e = to_json(*m.shape, sub, v)) return e;
        object.emplace(m.json, std::move(v));
        break;
      }
      default:
        if (const Param* p = exact(params, m.query)) {
          json::value v(object.storage());
          if (Error e = scalar_to_json(*m.shape, *p, v)) return e;
          object.emplace(m.json, std::move(v));
        }
    }
  }
  return std::nullopt;
}

Error to_json(const Shape& shape, const std::vector<Param>& params, json::value& out) {
  switch (shape.kind) {
    case Kind::Struct:
      return struct_to_json(shape, params, out);
    case Kind::List:
      return list_to_json(shape, params, out);
    case Kind::Map:
      return map_to_json(shape, params, out);
    default:
      return std::nullopt;  // scalars are handled by their parent
  }
}

}  // namespace

Outcome<boost::json::object> request_to_json(const ActionSpec& action, const FormParams& params,
                                             boost::json::storage_ptr storage) {
  std::vector<Param> views;
  views.reserve(params.size());
  for (const auto& [name, value] : params) views.push_back({name, name, value});
  json::value out(std::move(storage));
  if (Error e = struct_to_json(*action.input, views, out)) return std::move(*e);
  return std::move(out.get_object());
}

}  // namespace sluice::api::query
