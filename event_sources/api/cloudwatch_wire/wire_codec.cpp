// Query forms to JSON objects and JSON results to Query XML, for CloudWatch's wrapped lists (see
// wire_codec.h).

#include "wire_codec.h"

#include <charconv>
#include <cmath>

namespace sluice::api::cloudwatch_wire::detail {
namespace {

namespace bj = boost::json;

bool parse_index(std::string_view text, size_t* out) {
  if (text.empty() || text.size() > 6) return false;
  auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && *out >= 1;
}

// Walks `name` part by part from `node`, making objects and arrays as needed, and stores `value`
// at the end. Names whose shape conflicts with what is there already are ignored.
void place(bj::value& node, std::string_view name, std::string_view value) {
  size_t dot = name.find('.');
  std::string_view head = name.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  if (!node.is_object()) return;
  bj::object& object = node.get_object();
  if (dot == std::string_view::npos) {
    object[head] = value;
    return;
  }
  // "<head>.member.N[.rest]": an array element.
  std::string_view after_member;
  if (rest.rfind("member.", 0) == 0) {
    after_member = rest.substr(7);
    size_t next = after_member.find('.');
    size_t index = 0;
    if (!parse_index(after_member.substr(0, next), &index)) return;
    bj::value& slot = object[head];
    if (!slot.is_array()) {
      if (!slot.is_null() && !(slot.is_string() && slot.get_string().empty())) return;
      slot = bj::array();
    }
    bj::array& array = slot.get_array();
    // Elements keep their numbers' order; gaps are filled with null and dropped later.
    if (array.size() < index) array.resize(index);
    bj::value& element = array[index - 1];
    if (next == std::string_view::npos) {
      element = value;
      return;
    }
    if (element.is_null()) element = bj::object();
    place(element, after_member.substr(next + 1), value);
    return;
  }
  bj::value& child = object[head];
  if (child.is_null()) child = bj::object();
  place(child, rest, value);
}

void drop_gaps(bj::value& v) {
  if (v.is_array()) {
    bj::array& a = v.get_array();
    bj::array kept;
    for (bj::value& e : a) {
      if (e.is_null()) continue;
      drop_gaps(e);
      kept.push_back(std::move(e));
    }
    a = std::move(kept);
  } else if (v.is_object()) {
    for (auto& member : v.get_object()) drop_gaps(member.value());
  }
}

void value_xml(query::XmlWriter& w, std::string_view name, const bj::value& v);

void scalar_text(std::string& out, const bj::value& v) {
  char buf[40];
  switch (v.kind()) {
    case bj::kind::string:
      query::append_escaped(out, std::string_view(v.get_string().data(), v.get_string().size()));
      return;
    case bj::kind::int64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_int64());
      out.append(buf, r.ptr);
      return;
    }
    case bj::kind::uint64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
      out.append(buf, r.ptr);
      return;
    }
    case bj::kind::double_: {
      double d = v.get_double();
      std::to_chars_result r{};
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e15) {
        r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
        out.append(buf, r.ptr);
        out.append(".0");
        return;
      }
      r = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, r.ptr);
      return;
    }
    case bj::kind::bool_:
      out.append(v.get_bool() ? "true" : "false");
      return;
    default:
      return;
  }
}

void object_body(query::XmlWriter& w, const bj::object& object) {
  for (const auto& member : object) {
    if (member.value().is_null()) continue;
    value_xml(w, std::string_view(member.key().data(), member.key().size()), member.value());
  }
}

// The maps of CloudWatch's answers (a datapoint's ExtendedStatistics): <entry><key/><value/></entry>.
bool is_map_member(std::string_view name) { return name == "ExtendedStatistics"; }

void value_xml(query::XmlWriter& w, std::string_view name, const bj::value& v) {
  if (v.is_object() && is_map_member(name)) {
    w.open(name);
    for (const auto& entry : v.get_object()) {
      w.open("entry").element("key", std::string_view(entry.key().data(), entry.key().size()));
      value_xml(w, "value", entry.value());
      w.close("entry");
    }
    w.close(name);
  } else if (v.is_object()) {
    w.open(name);
    object_body(w, v.get_object());
    w.close(name);
  } else if (v.is_array()) {
    w.open(name);
    for (const bj::value& e : v.get_array()) value_xml(w, "member", e);
    w.close(name);
  } else {
    std::string text;
    scalar_text(text, v);
    w.open(name).raw(text).close(name);
  }
}

}  // namespace

bj::object form_to_object(const query::FormParams& params) {
  bj::value root = bj::object();
  for (const auto& [name, value] : params) {
    if (name == "Action" || name == "Version") continue;
    place(root, name, value);
  }
  drop_gaps(root);
  return std::move(root.get_object());
}

std::string object_to_xml(const bj::object& result) {
  std::string out;
  query::XmlWriter w(out);
  object_body(w, result);
  return out;
}

}  // namespace sluice::api::cloudwatch_wire::detail
