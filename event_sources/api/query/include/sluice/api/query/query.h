#pragma once
// The AWS Query protocol kit, shared by every service on the port that speaks it (SQS, SNS; later
// STS, IAM, CloudWatch): form-encoded requests in, XML documents out.
//
// - Forms: Form::decode() decodes application/x-www-form-urlencoded text (a POST body, a GET
//   query string, or both) into name/value views in arrival order, over one buffer of its own.
// - Models: a service describes its actions as Shape tables (botocore's model, reduced to what
//   the codec needs). A Member pairs the JSON-protocol member name with its Query serialization
//   name; for flattened lists and maps the Query name is the repeated element's name (JSON
//   "AttributeNames" <-> Query "AttributeName.N", JSON "Tags" <-> Query "Tag.N.Key/Value"). Both
//   directions walk the same table, so request and response naming cannot disagree.
// - request_to_json() turns a form into the JSON-protocol request object of an action, and
//   response_to_xml() renders a JSON-protocol result object as the action's Query document, so a
//   service that also speaks JSON runs one set of actions for both protocols.
// - XmlWriter and append_escaped() are the one XML writer and escaper of the tree; document() and
//   error_xml() write the envelopes, with what differs between services in a Dialect.
// - answer_in_json() turns a finished Query answer into its JSON form, for requests that send
//   "Accept: application/json" (AWS answers those in JSON, errors included).

#include <boost/json.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/api/http/server.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::query {

// ---- Forms ---------------------------------------------------------------------------------------

// Decoded name/value pairs in arrival order ('+' is a space, %XX decoded), as views into the text
// they were decoded from: a Form's, or for pairs written by hand, text that outlives them.
using FormParams = std::vector<std::pair<std::string_view, std::string_view>>;

// A decoded form and the text its pairs view. The text is copied once into a buffer of the Form's
// own and decoded there in place (decoded text is never longer than encoded), so no pair owns a
// string; a Form moves without moving that buffer, so its views stay valid wherever it goes.
class Form {
 public:
  Form() = default;

  // Decodes application/x-www-form-urlencoded text: `first`'s pairs, then `second`'s (a Query
  // request's query string, then its form body). A malformed percent escape is an error (AWS:
  // MalformedQueryString).
  static common::Outcome<Form> decode(std::string_view first, std::string_view second = {});

  const FormParams& params() const { return params_; }
  FormParams::const_iterator begin() const { return params_.begin(); }
  FormParams::const_iterator end() const { return params_.end(); }
  size_t size() const { return params_.size(); }
  bool empty() const { return params_.empty(); }
  const std::pair<std::string_view, std::string_view>& operator[](size_t i) const { return params_[i]; }

 private:
  std::unique_ptr<char[]> text_;  // what params_ views
  FormParams params_;
};

// Form::decode of one text.
inline common::Outcome<Form> parse_form(std::string_view encoded) { return Form::decode(encoded); }

// ---- Models --------------------------------------------------------------------------------------

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

// Builds the JSON-protocol request object of `action` from its flattened Query parameters
// (Attribute.N.Name/Value -> "Attributes" map, Entry.N.* -> "Entries", AttributeName.N ->
// "AttributeNames", numbers as JSON numbers where the model has integers, ...). Parameters the
// action does not know (Action and Version among them) are ignored, as AWS does. A value that
// should be an integer but is not answers InvalidParameterValue as AWS would. The object and
// everything in it are allocated from `storage`.
common::Outcome<boost::json::object> request_to_json(const ActionSpec& action, const FormParams& params,
                                                     boost::json::storage_ptr storage = {});

// ---- Walking a form by its model ----------------------------------------------------------------
//
// The pieces request_to_json() is made of, for readers that fill typed requests straight from a
// form. A node is the list of parameters below one structure, as views: `rel` is the name below
// that structure, `index` the parameter's position in the FormParams. A scalar member is the
// parameter whose rel equals its Query name (the last one when repeated); a list, map or struct
// member owns every parameter named "<QueryName>.<rest>". A flattened list or map groups those by
// the leading number N of <rest> ("1", "1.Name", "02.Value.DataType"; N as a number, so 2 and 02
// are one group), in numeric order; names whose head is not a number belong to no group.

struct FormParam {
  std::string_view rel;
  size_t index;
};
using FormNode = std::span<const FormParam>;

struct FormGroup {
  std::uint64_t index;
  const FormParam* bare;             // the parameter named just "N" (the last one), or null
  std::span<const FormParam> below;  // the parameters named "N.<rest>", re-rooted at <rest>
};
// The groups of a node, with the re-rooted parameters they point into.
struct FormGroups {
  std::vector<FormParam> below;
  std::vector<FormGroup> groups;
};

std::vector<FormParam> form_root(const FormParams& params);
// Parameters named "<prefix>.<rest>", re-rooted at <rest>.
std::vector<FormParam> form_below(FormNode node, std::string_view prefix);
// The parameter named exactly `name` (the last one when repeated), or null.
const FormParam* form_member(FormNode node, std::string_view name);
FormGroups form_groups(FormNode node);

// An integer parameter as the Query protocol reads it: an optional '-', digits, within int64_t.
bool parse_form_integer(std::string_view text, std::int64_t* out);
// InvalidParameterValue for an integer parameter whose value is not one ("Value x for parameter
// Name is invalid. Reason: must be an integer.").
common::AwsError form_integer_error(std::string_view name, std::string_view text);

// ---- Documents -----------------------------------------------------------------------------------

// What differs between two services' Query documents.
struct Dialect {
  std::string_view xml_namespace;  // e.g. "http://queue.amazonaws.com/doc/2012-11-05/"
  std::string_view declaration;    // text before the root element, e.g. "<?xml version=\"1.0\"?>"
  bool error_detail = false;       // errors carry an empty <Detail/> (SQS does, SNS does not)
};

// Appends `text` as XML character data. '&', '<', '>', '"' become entities and '\r' becomes
// "&#xD;" so a parser hands it back instead of normalising it away (message bodies may carry CR).
// Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF)
// become U+FFFD so the document stays well formed.
void append_escaped(std::string& out, std::string_view text);

// Appends elements to a string: escaped text content, no attributes beyond a root's namespace.
class XmlWriter {
 public:
  explicit XmlWriter(std::string& out) : out_(out) {}

  XmlWriter& open(std::string_view name) { return tag(name, false); }
  XmlWriter& close(std::string_view name) { return tag(name, true); }
  // <name>text</name>, text escaped.
  XmlWriter& element(std::string_view name, std::string_view text);
  // For text already known to need no escaping (numbers, true/false).
  XmlWriter& raw_element(std::string_view name, std::string_view text) {
    open(name);
    out_.append(text);
    return close(name);
  }
  XmlWriter& raw(std::string_view text) {
    out_.append(text);
    return *this;
  }

 private:
  // <name> or </name>, assembled on the stack and appended in one piece: a document is mostly
  // tags, and each append is a call.
  XmlWriter& tag(std::string_view name, bool closing) {
    char buf[128];
    if (name.size() + 3 > sizeof buf) {
      out_.append(closing ? "</" : "<").append(name).push_back('>');
      return *this;
    }
    size_t n = 0;
    buf[n++] = '<';
    if (closing) buf[n++] = '/';
    std::memcpy(buf + n, name.data(), name.size());
    n += name.size();
    buf[n++] = '>';
    out_.append(buf, n);
    return *this;
  }

  std::string& out_;
};

// <ActionResponse xmlns=...><ActionResult>result_body</ActionResult><ResponseMetadata>
// <RequestId/></ResponseMetadata></ActionResponse>; without a result element when !has_result.
std::string document(std::string_view action, std::string_view result_body, bool has_result,
                     std::string_view request_id, const Dialect& dialect);

// Renders the JSON-protocol result object of `action` as its Query document, member by member in
// the model's order.
std::string response_to_xml(const ActionSpec& action, const boost::json::object& result, std::string_view request_id,
                            const Dialect& dialect);

// <ErrorResponse><Error><Type/><Code/><Message/>[<Detail/>]</Error><RequestId/></ErrorResponse>
std::string error_xml(const common::AwsError& error, std::string_view request_id, const Dialect& dialect);

// ---- HTTP answers --------------------------------------------------------------------------------

// HTTP 200, text/xml, with the request id header.
http::Response xml_response(std::string_view request_id, std::string body);
// The error's HTTP status, text/xml, error_xml() as the body.
http::Response error_response(const common::AwsError& error, std::string_view request_id, const Dialect& dialect);

// ---- Answers in JSON ------------------------------------------------------------------------------

// The entries of flattened lists and maps in a service's documents, as "<parent>/<entry>" element
// names ("ListQueuesResult/QueueUrl", "Message/Attribute"): JSON arrays even with one entry.
using FlattenedNames = std::span<const std::string_view>;

// True when the request's Accept header names application/json.
bool wants_json(const http::Request& request);

// The JSON form of a Query document: {"<Action>Response": {"<Action>Result": {...},
// "ResponseMetadata": {"RequestId": ...}}}, or for an <ErrorResponse> {"Error": {...}, "RequestId":
// ...}. nullopt when `xml` is not a document this kit writes.
std::optional<std::string> document_to_json(std::string_view xml, FlattenedNames flattened);

// Rewrites an XML answer (Content-Type text/xml) as document_to_json() and application/json;
// other answers are left as they are.
void answer_in_json(http::Response& response, FlattenedNames flattened);

}  // namespace sluice::api::query
