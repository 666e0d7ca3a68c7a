#pragma once
// Internal: the JSON 1.0 Reader of the typed message codecs (message_readers.h), over the JSON
// kit's JsonScanner. It reads members in the order they arrive and hands each one the model knows
// to the codec; members the model does not know are read and dropped, as AWS drops them. A value
// of the wrong JSON type is filed as SerializationException ("Value for parameter X is not of the
// expected type T.") and skipped, and reading goes on: a syntax error further on still makes the
// whole body "not valid JSON". A null counts as absent, as in AWS's JSON protocols.
//
// The Reader interface both protocol readers offer (form_request_reader.h is the other):
//   structure(members, key, name, expected, on_member)  a struct; on_member(index, Reader&) per
//                                                       member present, `index` into `members`
//   string(out, member, key), integer(out, member, key), string_list(out, member, key)
//   list(member, key, on_element)                       on_element(Reader&) per element
//   map(member, key, on_entry)                          on_entry(std::string name, Reader& value)
//   skip(), errors()

#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "read_errors.h"
#include "sluice/api/json/json.h"
#include "sluice/api/query/query.h"

namespace sluice::api::sqs_wire::detail {

class JsonRequestReader {
 public:
  using Token = api::json::JsonScanner::Token;

  JsonRequestReader(api::json::JsonScanner& in, ReadErrors& errors) : in_(in), errors_(errors) {}

  ReadErrors& errors() { return errors_; }

  // A value that is not an object is filed as serialization_error(name, expected) at `key`.
  template <typename OnMember>
  void structure(std::span<const query::Member> members, ErrorKey key, std::string_view name, std::string_view expected,
                 OnMember on_member) {
    if (in_.peek() != Token::Object) {
      errors_.set(key, serialization_error(name, expected));
      in_.skip_value();
      return;
    }
    in_.begin_object();
    std::string_view member;
    while (in_.next_member(&member)) {
      size_t index = find(members, member);
      if (index == members.size()) {
        if (!in_.skip_value()) return;
      } else {
        on_member(index, *this);
        if (!in_.ok()) return;
      }
    }
  }

  void string(std::optional<std::string>& out, const query::Member& m, ErrorKey key) {
    errors_.clear(key);
    switch (in_.peek()) {
      case Token::String:
        out.emplace();
        in_.read_string(&*out);
        return;
      case Token::Null:
        out.reset();
        in_.read_literal();
        return;
      default:
        out.reset();
        mistyped(m, key, "String");
    }
  }

  // A string whose absence reads as "" (batch entry ids and receipt handles).
  void string(std::string& out, const query::Member& m, ErrorKey key) {
    errors_.clear(key);
    switch (in_.peek()) {
      case Token::String:
        in_.read_string(&out);
        return;
      case Token::Null:
        out.clear();
        in_.read_literal();
        return;
      default:
        out.clear();
        mistyped(m, key, "String");
    }
  }

  void integer(std::optional<int64_t>& out, const query::Member& m, ErrorKey key) {
    errors_.clear(key);
    out.reset();
    switch (in_.peek()) {
      case Token::Number:
        if (in_.read_number(&out) && !out) errors_.set(key, serialization_error(m.json, "Integer"));
        return;
      case Token::Null:
        in_.read_literal();
        return;
      default:
        mistyped(m, key, "Integer");
    }
  }

  void string_list(std::vector<std::string>& out, const query::Member& m, ErrorKey key) {
    errors_.clear(key);
    out.clear();
    if (!begin_array(m, key)) return;
    while (in_.next_element()) {
      if (in_.peek() == Token::String) {
        in_.read_string(&out.emplace_back());
      } else {
        errors_.set(key, serialization_error(m.json, "List of String"));
        if (!in_.skip_value()) return;
      }
    }
  }

  // Elements that are not objects are filed as "List of Structure" at key.part(0); the codec
  // reads each element with structure().
  template <typename OnElement>
  void list(const query::Member& m, ErrorKey key, OnElement on_element) {
    errors_.clear(key);
    if (!begin_array(m, key)) return;
    while (in_.next_element()) {
      if (in_.peek() == Token::Object) {
        on_element(*this);
        if (!in_.ok()) return;
      } else {
        errors_.set(key.part(0), serialization_error(m.json, "List of Structure"));
        if (!in_.skip_value()) return;
      }
    }
  }

  template <typename OnEntry>
  void map(const query::Member& m, ErrorKey key, OnEntry on_entry) {
    errors_.clear(key);
    switch (in_.peek()) {
      case Token::Object:
        break;
      case Token::Null:
        in_.read_literal();
        return;
      default:
        mistyped(m, key, "Map");
        return;
    }
    in_.begin_object();
    std::string_view name;
    while (in_.next_member(&name)) {
      on_entry(std::string(name), *this);
      if (!in_.ok()) return;
    }
  }

  void skip() { in_.skip_value(); }

 private:
  // Length and first letter settle nearly every mismatch without a call to memcmp (model names
  // are never empty).
  static size_t find(std::span<const query::Member> members, std::string_view name) {
    for (size_t i = 0; i < members.size(); ++i) {
      std::string_view m = members[i].json;
      if (m.size() == name.size() && m[0] == name[0] && std::memcmp(m.data(), name.data(), m.size()) == 0) return i;
    }
    return members.size();
  }

  void mistyped(const query::Member& m, ErrorKey key, std::string_view expected) {
    errors_.set(key, serialization_error(m.json, expected));
    in_.skip_value();
  }

  // True at an array's first element; a null is an absent list, anything else a "List" error.
  bool begin_array(const query::Member& m, ErrorKey key) {
    switch (in_.peek()) {
      case Token::Array:
        return in_.begin_array();
      case Token::Null:
        in_.read_literal();
        return false;
      default:
        mistyped(m, key, "List");
        return false;
    }
  }

  api::json::JsonScanner& in_;
  ReadErrors& errors_;
};

}  // namespace sluice::api::sqs_wire::detail
