#pragma once
// Internal: the two Writers of the typed message codecs (message_writers.h). A codec walks a
// result's members in the model's order and says what each is; the writer spells it in its
// protocol, naming members by the model: JSON by a member's JSON name, XML by its Query name.
//
//   member kind         JSON 1.0                    Query XML
//   string / boolean    "Name":"v" / "Name":true    <Name>v</Name> / <Name>true</Name>
//   list (flattened)    "Name":[ ... ]              its elements, one after the other
//   struct element      {...}                       <Name>...</Name>
//   map of strings      "Name":{"k":"v",...}        per entry <Name><Key>k</Key><Value>v</Value></Name>
//   map of structs      "Name":{"k":{...},...}      per entry <Name><Key>k</Key><Value>...</Value></Name>
// (Name is the member's JSON or Query name; Key and Value the map shape's key and value names.)

#include <string>
#include <string_view>

#include "sluice/api/json/json.h"
#include "sluice/api/query/query.h"

namespace sluice::api::sqs_wire::detail {

class JsonResultWriter {
 public:
  explicit JsonResultWriter(std::string& out) : w_(out) {}

  void string(const query::Member& m, std::string_view value) { w_.member(m.json, value); }
  void boolean(const query::Member& m, bool value) {
    w_.key(m.json);
    w_.boolean(value);
  }
  void begin_list(const query::Member& m) {
    w_.key(m.json);
    w_.begin_array();
  }
  void end_list(const query::Member&) { w_.end_array(); }
  void begin_element(const query::Member&) { w_.begin_object(); }
  void end_element(const query::Member&) { w_.end_object(); }
  void begin_map(const query::Member& m) {
    w_.key(m.json);
    w_.begin_object();
  }
  void end_map(const query::Member&) { w_.end_object(); }
  void map_string(const query::Member&, std::string_view key, std::string_view value) { w_.member(key, value); }
  void begin_map_struct(const query::Member&, std::string_view key) {
    w_.key(key);
    w_.begin_object();
  }
  void end_map_struct(const query::Member&) { w_.end_object(); }

  // The result object itself.
  void begin_result() { w_.begin_object(); }
  void end_result() { w_.end_object(); }

 private:
  api::json::JsonWriter w_;
};

class XmlResultWriter {
 public:
  explicit XmlResultWriter(std::string& out) : w_(out) {}

  void string(const query::Member& m, std::string_view value) { w_.element(m.query, value); }
  void boolean(const query::Member& m, bool value) { w_.raw_element(m.query, value ? "true" : "false"); }
  void begin_list(const query::Member&) {}
  void end_list(const query::Member&) {}
  void begin_element(const query::Member& m) { w_.open(m.query); }
  void end_element(const query::Member& m) { w_.close(m.query); }
  void begin_map(const query::Member&) {}
  void end_map(const query::Member&) {}
  void map_string(const query::Member& m, std::string_view key, std::string_view value) {
    w_.open(m.query).element(m.shape->key_name, key).element(m.shape->value_name, value).close(m.query);
  }
  void begin_map_struct(const query::Member& m, std::string_view key) {
    w_.open(m.query).element(m.shape->key_name, key).open(m.shape->value_name);
  }
  void end_map_struct(const query::Member& m) { w_.close(m.shape->value_name).close(m.query); }

 private:
  query::XmlWriter w_;
};

}  // namespace sluice::api::sqs_wire::detail
