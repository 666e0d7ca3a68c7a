// Query parameters -> JSON-protocol request object, driven by a service's shape tables, and the
// form-walking pieces it is made of (query.h, "Walking a form by its model").
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

std::vector<FormParam> form_root(const FormParams& params) {
  std::vector<FormParam> node;
  node.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i) node.push_back({params[i].first, i});
  return node;
}

std::vector<FormParam> form_below(FormNode node, std::string_view prefix) {
  std::vector<FormParam> sub;
  for (const FormParam& p : node) {
    if (p.rel.size() > prefix.size() && p.rel[prefix.size()] == '.' && p.rel.starts_with(prefix)) {
      if (sub.empty()) sub.reserve(node.size());  // once, and only for a member that is present
      sub.push_back({p.rel.substr(prefix.size() + 1), p.index});
    }
  }
  return sub;
}

const FormParam* form_member(FormNode node, std::string_view name) {
  const FormParam* found = nullptr;
  for (const FormParam& p : node) {
    if (p.rel == name) found = &p;  // a repeated name: the last one wins
  }
  return found;
}

FormGroups form_groups(FormNode node) {
  struct Indexed {
    std::uint64_t index;
    const FormParam* param;
    std::string_view rest;  // what follows "N." ("" when the name was just "N")
    bool bare;
  };
  std::vector<Indexed> items;
  items.reserve(node.size());
  for (const FormParam& p : node) {
    size_t dot = p.rel.find('.');
    std::string_view head = p.rel.substr(0, dot);
    std::uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(head.data(), head.data() + head.size(), n);
    if (head.empty() || ec != std::errc{} || ptr != head.data() + head.size()) continue;
    bool bare = dot == std::string_view::npos;
    items.push_back({n, &p, bare ? std::string_view{} : p.rel.substr(dot + 1), bare});
  }
  auto by_index = [](const Indexed& a, const Indexed& b) { return a.index < b.index; };
  // Clients send entries in index order; only others pay for the sort.
  if (!std::is_sorted(items.begin(), items.end(), by_index)) std::stable_sort(items.begin(), items.end(), by_index);
  // Two passes: the re-rooted parameters first (never reallocated after), then the groups'
  // views into them.
  FormGroups out;
  out.below.reserve(items.size());
  out.groups.reserve(items.size());
  for (const Indexed& item : items) {
    if (!item.bare) out.below.push_back({item.rest, item.param->index});
  }
  const FormParam* next = out.below.data();
  for (const Indexed& item : items) {
    if (out.groups.empty() || out.groups.back().index != item.index)
      out.groups.push_back({item.index, nullptr, {next, 0}});
    FormGroup& group = out.groups.back();
    if (item.bare) {
      group.bare = item.param;
    } else {
      group.below = {group.below.data(), group.below.size() + 1};
      ++next;
    }
  }
  return out;
}

namespace {

namespace json = boost::json;

using Error = std::optional<common::AwsError>;

// A parameter as the conversion reads it.
struct Value {
  std::string_view full;  // the name as the client sent it, for error texts
  std::string_view text;
};

Value value_of(const FormParams& params, const FormParam& p) { return {params[p.index].first, params[p.index].second}; }

// Unverified: AWS's exact text for a non-numeric integer parameter in a Query request. This
// follows the shape of its range errors ("Value 1000 for parameter MaxNumberOfMessages is
// invalid. Reason: Must be between 1 and 10, if provided.").
common::AwsError invalid_value(const Value& p, std::string_view reason) {
  std::string msg;
  msg.reserve(64 + p.text.size() + p.full.size());
  msg.append("Value ").append(p.text).append(" for parameter ").append(p.full);
  msg.append(" is invalid. Reason: ").append(reason);
  return common::aws_error(common::AwsErrorCode::InvalidParameterValue, std::move(msg));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

Error scalar_to_json(const Shape& shape, const Value& p, json::value& out) {
  switch (shape.kind) {
    case Kind::Integer: {
      std::int64_t n = 0;
      if (!parse_form_integer(p.text, &n)) return invalid_value(p, "must be an integer.");
      out = n;
      return std::nullopt;
    }
    case Kind::Boolean:
      if (iequals(p.text, "true")) {
        out = true;
      } else if (iequals(p.text, "false")) {
        out = false;
      } else {
        return invalid_value(p, "must be a boolean.");
      }
      return std::nullopt;
    default:  // String, Blob (base64 text in both protocols)
      out = json::string(p.text, out.storage());
      return std::nullopt;
  }
}

class Converter {
 public:
  explicit Converter(const FormParams& params) : params_(params) {}

  Error to_json(const Shape& shape, FormNode node, json::value& out) {
    switch (shape.kind) {
      case Kind::Struct:
        return struct_to_json(shape, node, out);
      case Kind::List:
        return list_to_json(shape, node, out);
      case Kind::Map:
        return map_to_json(shape, node, out);
      default:
        return std::nullopt;  // scalars are handled by their parent
    }
  }

 private:
  Error scalar(const Shape& shape, const FormParam& p, json::value& out) {
    return scalar_to_json(shape, value_of(params_, p), out);
  }

  Error list_to_json(const Shape& shape, FormNode node, json::value& out) {
    const Shape& element = *shape.element;
    json::array& array = out.emplace_array();
    FormGroups groups = form_groups(node);
    for (const FormGroup& group : groups.groups) {
      if (element.kind == Kind::Struct) {
        if (!group.below.empty()) {
          json::value& v = array.emplace_back(nullptr);
          if (Error e = to_json(element, group.below, v)) return e;
        }
      } else if (group.bare) {
        json::value& v = array.emplace_back(nullptr);
        if (Error e = scalar(element, *group.bare, v)) return e;
      }
    }
    return std::nullopt;
  }

  Error map_to_json(const Shape& shape, FormNode node, json::value& out) {
    const Shape& value_shape = *shape.element;
    json::object& object = out.emplace_object();
    FormGroups groups = form_groups(node);
    for (const FormGroup& group : groups.groups) {
      const FormParam* key = form_member(group.below, shape.key_name);
      if (!key) continue;               // an entry without a key cannot be placed in the map
      json::value v(object.storage());  // same storage: moved into the map, not copied
      if (value_shape.kind == Kind::Struct) {
        if (Error e = to_json(value_shape, form_below(group.below, shape.value_name), v)) return e;
      } else if (const FormParam* value = form_member(group.below, shape.value_name)) {
        if (Error e = scalar(value_shape, *value, v)) return e;
      } else {
        // A named entry without a value reaches the action layer as an empty value, which then
        // answers the same validation error a JSON client would get.
        v = json::string();
      }
      object.insert_or_assign(params_[key->index].second, std::move(v));
    }
    return std::nullopt;
  }

  Error struct_to_json(const Shape& shape, FormNode node, json::value& out) {
    json::object& object = out.emplace_object();
    for (const Member& m : shape.members) {
      switch (m.shape->kind) {
        case Kind::Struct:
        case Kind::List:
        case Kind::Map: {
          std::vector<FormParam> sub = form_below(node, m.query);
          if (sub.empty()) break;
          json::value v(object.storage());
          if (Error e = to_json(*m.shape, sub, v)) return e;
          object.emplace(m.json, std::move(v));
          break;
        }
        default:
          if (const FormParam* p = form_member(node, m.query)) {
            json::value v(object.storage());
            if (Error e = scalar(*m.shape, *p, v)) return e;
            object.emplace(m.json, std::move(v));
          }
      }
    }
    return std::nullopt;
  }

  const FormParams& params_;
};

}  // namespace

bool parse_form_integer(std::string_view text, std::int64_t* out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc{} && ptr == text.data() + text.size();
}

common::AwsError form_integer_error(std::string_view name, std::string_view text) {
  return invalid_value({name, text}, "must be an integer.");
}

common::Outcome<boost::json::object> request_to_json(const ActionSpec& action, const FormParams& params,
                                                     boost::json::storage_ptr storage) {
  json::value out(std::move(storage));
  if (Error e = Converter(params).to_json(*action.input, form_root(params), out)) return std::move(*e);
  return std::move(out.get_object());
}

}  // namespace sluice::api::query
