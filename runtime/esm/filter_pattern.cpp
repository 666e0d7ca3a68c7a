// Compiles event patterns into a tree of fields and matchers once (at create/update), then
// evaluates each received message against it. The record's metadata is built as a JsonText tree
// per message; the body is parsed at most once per message, only when a pattern looks into it.
#include "filter_pattern.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

#include "sluice/common/crypto.h"

namespace sluice::esm::detail {

using Kind = JsonText::Kind;

struct Matcher {
  enum class Op { Equals, Prefix, Suffix, EqualsIgnoreCase, AnythingBut, AnythingButPrefix, Numeric, Exists };
  enum class Cmp { Eq, Lt, Le, Gt, Ge };
  Op op = Op::Equals;
  JsonText literal;                // Equals; text for Prefix/Suffix/EqualsIgnoreCase/AnythingButPrefix
  std::vector<JsonText> excluded;  // AnythingBut
  std::vector<std::pair<Cmp, double>> numeric;
  bool exists = true;
};

struct PatternField {
  std::string key;
  bool leaf = true;
  std::vector<Matcher> matchers;       // leaf: alternatives
  std::vector<PatternField> children;  // object: all must match
};

namespace {

std::optional<Matcher::Cmp> comparison(const JsonText& v) {
  if (v.kind != Kind::String) return std::nullopt;
  if (v.text == "=") return Matcher::Cmp::Eq;
  if (v.text == "<") return Matcher::Cmp::Lt;
  if (v.text == "<=") return Matcher::Cmp::Le;
  if (v.text == ">") return Matcher::Cmp::Gt;
  if (v.text == ">=") return Matcher::Cmp::Ge;
  return std::nullopt;
}

double number_value(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

bool scalar(const JsonText& v) { return v.kind != Kind::Array && v.kind != Kind::Object; }

std::optional<Matcher> compile_numeric(const JsonText& spec) {
  if (!spec.is_array() || (spec.items.size() != 2 && spec.items.size() != 4)) return std::nullopt;
  Matcher m;
  m.op = Matcher::Op::Numeric;
  for (size_t i = 0; i < spec.items.size(); i += 2) {
    auto cmp = comparison(spec.items[i]);
    if (!cmp || spec.items[i + 1].kind != Kind::Number) return std::nullopt;
    m.numeric.emplace_back(*cmp, number_value(spec.items[i + 1].text));
  }
  if (m.numeric.size() == 2) {  // a range: a lower bound, then an upper bound
    auto lower = m.numeric[0].first, upper = m.numeric[1].first;
    if (!(lower == Matcher::Cmp::Gt || lower == Matcher::Cmp::Ge)) return std::nullopt;
    if (!(upper == Matcher::Cmp::Lt || upper == Matcher::Cmp::Le)) return std::nullopt;
    if (m.numeric[0].second >= m.numeric[1].second) return std::nullopt;
  }
  return m;
}

std::optional<Matcher> compile_operator(const JsonText& spec) {
  if (spec.members.size() != 1) return std::nullopt;
  const auto& [name, arg] = spec.members.front();
  Matcher m;
  if (name == "prefix" || name == "suffix" || name == "equals-ignore-case") {
    if (arg.kind != Kind::String) return std::nullopt;
    m.op = name == "prefix"   ? Matcher::Op::Prefix
           : name == "suffix" ? Matcher::Op::Suffix
                              : Matcher::Op::EqualsIgnoreCase;
    m.literal = arg;
    return m;
  }
  if (name == "exists") {
    if (arg.kind != Kind::Bool) return std::nullopt;
    m.op = Matcher::Op::Exists;
    m.exists = arg.boolean;
    return m;
  }
  if (name == "numeric") return compile_numeric(arg);
  if (name == "anything-but") {
    m.op = Matcher::Op::AnythingBut;
    if (arg.kind == Kind::String || arg.kind == Kind::Number) {
      m.excluded.push_back(arg);
      return m;
    }
    if (arg.is_array()) {
      if (arg.items.empty()) return std::nullopt;
      for (const auto& v : arg.items)
        if (v.kind != Kind::String && v.kind != Kind::Number) return std::nullopt;
      m.excluded = arg.items;
      return m;
    }
    if (arg.is_object() && arg.members.size() == 1 && arg.members[0].first == "prefix" &&
        arg.members[0].second.kind == Kind::String) {
      m.op = Matcher::Op::AnythingButPrefix;
      m.literal = arg.members[0].second;
      return m;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

bool compile_fields(const JsonText& object, std::vector<PatternField>& out) {
  for (const auto& [key, value] : object.members) {
    PatternField f;
    f.key = key;
    if (value.is_object()) {
      f.leaf = false;
      if (value.members.empty() || !compile_fields(value, f.children)) return false;
    } else if (value.is_array()) {
      if (value.items.empty()) return false;
      for (const auto& item : value.items) {
        if (scalar(item)) {
          Matcher m;
          m.literal = item;
          f.matchers.push_back(std::move(m));
        } else if (item.is_object()) {
          auto m = compile_operator(item);
          if (!m) return false;
          f.matchers.push_back(std::move(*m));
        } else {
          return false;
        }
      }
    } else {
      return false;  // a bare value where a list of alternatives is required
    }
    // Duplicate keys: the last one wins.
    std::erase_if(out, [&](const PatternField& existing) { return existing.key == f.key; });
    out.push_back(std::move(f));
  }
  return true;
}

bool same_value(const JsonText& a, const JsonText& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Kind::Bool) return a.boolean == b.boolean;
  if (a.kind == Kind::Null) return true;
  return a.text == b.text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool match_scalar(const Matcher& m, const JsonText& v) {
  switch (m.op) {
    case Matcher::Op::Equals:
      return same_value(m.literal, v);
    case Matcher::Op::Prefix:
      return v.kind == Kind::String && v.text.starts_with(m.literal.text);
    case Matcher::Op::Suffix:
      return v.kind == Kind::String && v.text.ends_with(m.literal.text);
    case Matcher::Op::EqualsIgnoreCase:
      return v.kind == Kind::String && iequals(v.text, m.literal.text);
    case Matcher::Op::AnythingBut:
      return std::none_of(m.excluded.begin(), m.excluded.end(), [&](const JsonText& x) { return same_value(x, v); });
    case Matcher::Op::AnythingButPrefix:
      return v.kind == Kind::String && !v.text.starts_with(m.literal.text);
    case Matcher::Op::Numeric: {
      if (v.kind != Kind::Number) return false;
      double x = number_value(v.text);
      for (const auto& [cmp, bound] : m.numeric) {
        bool ok = cmp == Matcher::Cmp::Eq   ? x == bound
                  : cmp == Matcher::Cmp::Lt ? x < bound
                  : cmp == Matcher::Cmp::Le ? x <= bound
                  : cmp == Matcher::Cmp::Gt ? x > bound
                                            : x >= bound;
        if (!ok) return false;
      }
      return true;
    }
    case Matcher::Op::Exists:
      return m.exists;
  }
  return false;
}

bool match_leaf(const PatternField& f, const JsonText* v) {
  for (const auto& m : f.matchers) {
    if (!v) {
      if (m.op == Matcher::Op::Exists && !m.exists) return true;
      continue;
    }
    if (m.op == Matcher::Op::Exists) {
      if (m.exists) return true;
      continue;
    }
    if (v->is_array()) {
      for (const auto& item : v->items)
        if (scalar(item) && match_scalar(m, item)) return true;
    } else if (scalar(*v) && match_scalar(m, *v)) {
      return true;
    }
  }
  return false;
}

bool match_fields(const std::vector<PatternField>& fields, const JsonText* object);

bool match_field(const PatternField& f, const JsonText* v) {
  if (f.leaf) return match_leaf(f, v);
  if (v && v->is_array()) {
    for (const auto& item : v->items)
      if (item.is_object() && match_fields(f.children, &item)) return true;
    return false;
  }
  return match_fields(f.children, v && v->is_object() ? v : nullptr);
}

bool match_fields(const std::vector<PatternField>& fields, const JsonText* object) {
  for (const auto& f : fields)
    if (!match_field(f, object ? object->find(f.key) : nullptr)) return false;
  return true;
}

JsonText str(std::string s) {
  JsonText v;
  v.kind = Kind::String;
  v.text = std::move(s);
  return v;
}

JsonText obj() {
  JsonText v;
  v.kind = Kind::Object;
  return v;
}

// The record Lambda would deliver, without its body (shape of sqs_event_json).
JsonText record_metadata(const sqs::ReceivedMessage& m, std::string_view arn, std::string_view region) {
  JsonText r = obj();
  r.members.emplace_back("messageId", str(m.message_id));
  r.members.emplace_back("receiptHandle", str(m.receipt_handle));
  JsonText attrs = obj();
  for (const auto& [name, value] : m.attributes) attrs.members.emplace_back(name, str(value));
  r.members.emplace_back("attributes", std::move(attrs));
  JsonText mattrs = obj();
  for (const auto& [name, a] : m.message_attributes) {
    JsonText v = obj();
    if (a.data_type.starts_with("Binary"))
      v.members.emplace_back("binaryValue", str(common::base64_encode(a.binary_value)));
    else v.members.emplace_back("stringValue", str(a.string_value));
    JsonText empty;
    empty.kind = Kind::Array;
    v.members.emplace_back("stringListValues", empty);
    v.members.emplace_back("binaryListValues", empty);
    v.members.emplace_back("dataType", str(a.data_type));
    mattrs.members.emplace_back(name, std::move(v));
  }
  r.members.emplace_back("messageAttributes", std::move(mattrs));
  r.members.emplace_back("md5OfMessageAttributes",
                         m.md5_of_message_attributes ? str(*m.md5_of_message_attributes) : JsonText{});
  r.members.emplace_back("md5OfBody", str(m.md5_of_body));
  r.members.emplace_back("eventSource", str("aws:sqs"));
  r.members.emplace_back("eventSourceARN", str(std::string(arn)));
  r.members.emplace_back("awsRegion", str(std::string(region)));
  return r;
}

}  // namespace

FilterSet::FilterSet() = default;
FilterSet::~FilterSet() = default;
FilterSet::FilterSet(FilterSet&&) noexcept = default;
FilterSet& FilterSet::operator=(FilterSet&&) noexcept = default;

std::optional<FilterSet> FilterSet::compile(const std::vector<std::string>& patterns) {
  FilterSet set;
  for (const auto& text : patterns) {
    auto doc = parse_json_text(text);
    if (!doc || !doc->is_object()) return std::nullopt;
    std::vector<PatternField> fields;
    if (!compile_fields(*doc, fields)) return std::nullopt;
    set.patterns_.push_back(std::move(fields));
  }
  return set;
}

bool FilterSet::matches(const sqs::ReceivedMessage& message, std::string_view event_source_arn,
                        std::string_view region) const {
  if (patterns_.empty()) return true;
  JsonText record = record_metadata(message, event_source_arn, region);
  std::optional<std::optional<JsonText>> body;  // parsed on first use; inner nullopt: not JSON
  auto parsed_body = [&]() -> const std::optional<JsonText>& {
    if (!body) {
      auto doc = parse_json_text(message.body);
      body.emplace(doc && (doc->is_object() || doc->is_array()) ? std::move(doc) : std::nullopt);
    }
    return *body;
  };
  for (const auto& fields : patterns_) {
    bool all = true;
    for (const auto& f : fields) {
      if (f.key == "body") {
        const auto& json = parsed_body();
        if (f.leaf) {
          JsonText plain = str(message.body);
          all = !json && match_field(f, &plain);  // a JSON body never matches a plain-string pattern
        } else {
          all = json && json->is_object() && match_field(f, &*json);  // a plain body never matches an object pattern
        }
      } else {
        all = match_field(f, record.find(f.key));
      }
      if (!all) break;
    }
    if (all) return true;
  }
  return false;
}

}  // namespace sluice::esm::detail
