// JSON-protocol result objects -> Query XML, and AwsError -> <ErrorResponse>.
//
// The result object is rendered member by member in the model's order (the service's shape table), under the
// Query names: a flattened list repeats its element name (<QueueUrl>, <Message>,
// <SendMessageBatchResultEntry>), a flattened map repeats its entry name with key and value
// children (<Attribute><Name/><Value/></Attribute>, <Tag><Key/><Value/></Tag>,
// <MessageAttribute><Name/><Value><StringValue/><DataType/></Value></MessageAttribute>).
// JSON members the model does not know are not rendered; null members are left out.

#include <charconv>
#include <cmath>

#include <algorithm>

#include "sluice/api/query/query.h"

namespace sluice::api::query {
namespace {

namespace json = boost::json;
using query::Kind;
using query::Shape;
using query::XmlWriter;

// Scalar JSON as element text; objects, arrays and null have no scalar form and are skipped.
void scalar_element(XmlWriter& w, std::string_view name, const json::value& v) {
  char buf[32];
  switch (v.kind()) {
    case json::kind::string: {
      const json::string& s = v.get_string();
      w.element(name, std::string_view(s.data(), s.size()));
      return;
    }
    case json::kind::int64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_int64());
      w.raw_element(name, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
      return;
    }
    case json::kind::uint64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
      w.raw_element(name, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
      return;
    }
    case json::kind::double_: {
      double d = v.get_double();
      std::to_chars_result r{};
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.2e18) {
        r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
      } else {
        r = std::to_chars(buf, buf + sizeof buf, d);
      }
      w.raw_element(name, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
      return;
    }
    case json::kind::bool_:
      w.raw_element(name, v.get_bool() ? "true" : "false");
      return;
    default:
      return;
  }
}

void struct_body(XmlWriter& w, const Shape& shape, const json::object& object);

// One value of `shape` as element `name` (scalars and structs).
void value_element(XmlWriter& w, std::string_view name, const Shape& shape, const json::value& v) {
  if (shape.kind == Kind::Struct) {
    if (!v.is_object()) return;
    w.open(name);
    struct_body(w, shape, v.get_object());
    w.close(name);
  } else {
    scalar_element(w, name, v);
  }
}

void member_elements(XmlWriter& w, const Member& m, const json::value& v) {
  const Shape& shape = *m.shape;
  switch (shape.kind) {
    case Kind::List:
      if (!v.is_array()) return;
      for (const json::value& element : v.get_array()) value_element(w, m.query, *shape.element, element);
      return;
    case Kind::Map:
      if (!v.is_object()) return;
      for (const auto& entry : v.get_object()) {
        if (entry.value().is_null()) continue;
        w.open(m.query);
        w.element(shape.key_name, std::string_view(entry.key().data(), entry.key().size()));
        value_element(w, shape.value_name, *shape.element, entry.value());
        w.close(m.query);
      }
      return;
    default:
      value_element(w, m.query, shape, v);
  }
}

void struct_body(XmlWriter& w, const Shape& shape, const json::object& object) {
  for (const Member& m : shape.members) {
    auto it = object.find(m.json);
    if (it == object.end() || it->value().is_null()) continue;
    member_elements(w, m, it->value());
  }
}

// <?xml ...?><ActionResponse xmlns="...">
void open_response(XmlWriter& w, std::string_view action, const Dialect& dialect) {
  w.raw(dialect.declaration);
  w.raw("<");
  w.raw(action);
  w.raw("Response xmlns=\"");
  w.raw(dialect.xml_namespace);
  w.raw("\">");
}

// <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata></ActionResponse>
void close_response(XmlWriter& w, std::string_view action, std::string_view request_id) {
  w.open("ResponseMetadata");
  w.element("RequestId", request_id);
  w.close("ResponseMetadata");
  w.raw("</");
  w.raw(action);
  w.raw("Response>");
}

}  // namespace

std::string document(std::string_view action, std::string_view result_body, bool has_result,
                     std::string_view request_id, const Dialect& dialect) {
  std::string out;
  out.reserve(dialect.declaration.size() + 2 * action.size() + result_body.size() + 192);
  XmlWriter w(out);
  open_response(w, action, dialect);
  if (has_result) {
    std::string result_name(action);
    result_name.append("Result");
    w.open(result_name).raw(result_body).close(result_name);
  }
  close_response(w, action, request_id);
  return out;
}

std::string response_to_xml(const ActionSpec& action, const boost::json::object& result, std::string_view request_id,
                            const Dialect& dialect) {
  // Sized like the previous answer on this thread: a steady workload's documents then grow
  // without reallocating.
  thread_local size_t size_hint = 512;
  std::string out;
  out.reserve(size_hint);
  XmlWriter w(out);
  open_response(w, action.name, dialect);
  if (action.output) {
    std::string result_name(action.name);
    result_name.append("Result");
    w.open(result_name);
    struct_body(w, *action.output, result);
    w.close(result_name);
  }
  close_response(w, action.name, request_id);
  size_hint = std::clamp<size_t>(out.size() + out.size() / 8, 512, size_t{64} * 1024);
  return out;
}

std::string error_xml(const common::AwsError& error, std::string_view request_id, const Dialect& dialect) {
  std::string out;
  out.reserve(256 + error.message.size());
  XmlWriter w(out);
  const common::AwsErrorInfo& info = error.info();
  w.raw(dialect.declaration);
  w.raw("<ErrorResponse xmlns=\"");
  w.raw(dialect.xml_namespace);
  w.raw("\">");
  w.open("Error");
  w.raw_element("Type", info.fault == common::Fault::Sender ? "Sender" : "Receiver");
  w.element("Code", info.query_code);
  w.element("Message", error.message);
  if (dialect.error_detail) w.raw("<Detail/>");
  w.close("Error");
  w.element("RequestId", request_id);
  w.close("ErrorResponse");
  return out;
}

http::Response xml_response(std::string_view request_id, std::string body) {
  http::Response response;
  response.status = 200;
  response.header_lines.reserve(80);
  response.header_lines.append("x-amzn-RequestId: ").append(request_id).append("\r\n");
  response.header_lines.append("Content-Type: text/xml\r\n");
  response.body = std::move(body);
  return response;
}

http::Response error_response(const common::AwsError& error, std::string_view request_id, const Dialect& dialect) {
  http::Response response;
  response.status = error.info().http_status;
  response.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  response.headers.emplace_back("Content-Type", "text/xml");
  response.body = error_xml(error, request_id, dialect);
  return response;
}

}  // namespace sluice::api::query
