#pragma once
// Internal: the Query Reader of the typed message codecs (message_readers.h), over a decoded form.
// It walks the form by the model exactly as the Query kit's request_to_json() does (query.h,
// "Walking a form by its model"): members in the model's order, list elements and map entries in
// index order, repeated names settled the same way, names the model does not know ignored. Values
// are views into the call's form (query.h: Form), copied once into the engine's request types.
// Every value is text here; an integer member whose
// text is not an integer files the Query kit's InvalidParameterValue at kRequestKey, and the first
// one met wins, as request_to_json() stops at the first.
//
// The Reader interface is described in json_request_reader.h.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "read_errors.h"
#include "sluice/api/query/query.h"

namespace sluice::api::sqs_wire::detail {

class FormRequestReader {
 public:
  // The whole form, as the request's top-level structure.
  FormRequestReader(const query::FormParams& params, ReadErrors& errors)
      : params_(params), errors_(errors), owned_(query::form_root(params)), node_(owned_) {}

  // Sub-readers view their parent's parameters: never copied or moved.
  FormRequestReader(const FormRequestReader&) = delete;
  FormRequestReader& operator=(const FormRequestReader&) = delete;

  ReadErrors& errors() { return errors_; }

  template <typename OnMember>
  void structure(std::span<const query::Member> members, ErrorKey, std::string_view, std::string_view,
                 OnMember on_member) {
    for (size_t i = 0; i < members.size(); ++i) {
      const query::Member& m = members[i];
      if (m.shape->kind == query::Kind::Struct || m.shape->kind == query::Kind::List ||
          m.shape->kind == query::Kind::Map) {
        std::vector<query::FormParam> sub = query::form_below(node_, m.query);
        if (sub.empty()) continue;
        FormRequestReader value(*this, std::move(sub));
        on_member(i, value);
      } else if (const query::FormParam* p = query::form_member(node_, m.query)) {
        FormRequestReader value(*this, p);
        on_member(i, value);
      }
    }
  }

  void string(std::optional<std::string>& out, const query::Member&, ErrorKey) { out.emplace(value()); }
  void string(std::string& out, const query::Member&, ErrorKey) { out.assign(value()); }

  void integer(std::optional<int64_t>& out, const query::Member&, ErrorKey) {
    const auto& [name, text] = params_[scalar_->index];
    int64_t value = 0;
    if (query::parse_form_integer(text, &value)) {
      out = value;
    } else {
      errors_.set_if_absent(kRequestKey, query::form_integer_error(name, text));
    }
  }

  void string_list(std::vector<std::string>& out, const query::Member&, ErrorKey) {
    out.clear();
    query::FormGroups groups = query::form_groups(node_);
    for (const query::FormGroup& group : groups.groups) {
      if (group.bare) out.emplace_back(params_[group.bare->index].second);
    }
  }

  template <typename OnElement>
  void list(const query::Member&, ErrorKey, OnElement on_element) {
    query::FormGroups groups = query::form_groups(node_);
    for (const query::FormGroup& group : groups.groups) {
      if (group.below.empty()) continue;
      FormRequestReader element(*this, group.below);
      on_element(element);
    }
  }

  template <typename OnEntry>
  void map(const query::Member& m, ErrorKey, OnEntry on_entry) {
    const query::Shape& shape = *m.shape;
    query::FormGroups groups = query::form_groups(node_);
    for (const query::FormGroup& group : groups.groups) {
      const query::FormParam* key = query::form_member(group.below, shape.key_name);
      if (!key) continue;  // an entry without a key cannot be placed in the map
      FormRequestReader value(*this, query::form_below(group.below, shape.value_name));
      on_entry(std::string(params_[key->index].second), value);
    }
  }

  void skip() {}

 private:
  // A structure's, list's or map's parameters, owned or viewed; a scalar member's parameter.
  FormRequestReader(FormRequestReader& parent, std::vector<query::FormParam> owned)
      : params_(parent.params_), errors_(parent.errors_), owned_(std::move(owned)), node_(owned_) {}
  FormRequestReader(FormRequestReader& parent, query::FormNode node)
      : params_(parent.params_), errors_(parent.errors_), node_(node) {}
  FormRequestReader(FormRequestReader& parent, const query::FormParam* scalar)
      : params_(parent.params_), errors_(parent.errors_), scalar_(scalar) {}

  std::string_view value() const { return params_[scalar_->index].second; }

  const query::FormParams& params_;
  ReadErrors& errors_;
  std::vector<query::FormParam> owned_;
  query::FormNode node_;                      // a structure's, list's or map's parameters
  const query::FormParam* scalar_ = nullptr;  // a scalar member's parameter
};

}  // namespace sluice::api::sqs_wire::detail
