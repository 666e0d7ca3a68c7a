// Policy JSON -> CompiledPolicy, with SNS's validation.
//
// SNS reads a policy with a streaming parser and reports the first problem in document order, so
// the walk below visits keys and array elements in the order they were written and checks each
// operator's value before noticing a second key in the same match expression. Texts come from
// responses recorded against AWS; the few that no recording shows are marked "unverified".
//
// After the structure is accepted come the whole-policy limits, in this order: nested keys in
// scope MessageAttributes, at most 5 keys, at most 150 combinations.
//
// Combinations, as SNS counts them (and as the recordings confirm: 152 and 160 rejected, 150
// accepted): a leaf key contributes (its nesting depth) x (number of elements in its value
// array); keys of one node multiply; the alternatives of an "$or" add up. Keys inside an "$or"
// alternative sit at the depth of the node holding the "$or".

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <optional>

#include "policy_tree.h"
#include "source_location.h"

namespace sluice::sns::detail {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxPolicyBytes = 256 * 1024;
constexpr int kMaxKeys = 5;
constexpr double kMaxCombinations = 150;

struct Failure {
  std::string message;
  bool labelled = true;
  std::optional<std::size_t> at;  // the parser's position when it found the problem
};

// The spans of a value's children; an empty stand-in where the spans are unknown, so that the
// compiler never has to ask. (Duplicate keys are the one way the two could disagree.)
const SourceNode& child(const SourceNode* node, std::size_t index) {
  static const SourceNode unknown;
  return node != nullptr && index < node->items.size() ? node->items[index] : unknown;
}

// Words that make an "$or" array element an operator, not an alternative.
bool is_reserved_keyword(std::string_view key) {
  static constexpr std::string_view kWords[] = {"prefix", "suffix", "anything-but",       "numeric",
                                                "exists", "cidr",   "equals-ignore-case", "wildcard"};
  return std::find(std::begin(kWords), std::end(kWords), key) != std::end(kWords);
}

// "$or" is an operator only for an array of at least two objects whose keys are no keywords;
// otherwise it is an ordinary key name.
bool is_or_group(std::string_view key, const json::value& v) {
  if (key != "$or" || !v.is_array()) return false;
  const json::array& alternatives = v.get_array();
  if (alternatives.size() < 2) return false;
  for (const json::value& alt : alternatives) {
    if (!alt.is_object()) return false;
    for (const auto& kv : alt.get_object())
      if (is_reserved_keyword(kv.key())) return false;
  }
  return true;
}

std::string json_text(const json::value& v) { return json::serialize(v); }

// Joins message pieces. (Also sidesteps a GCC 12 -O3 false -Wrestrict on "literal" + std::string.)
std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (std::string_view p : parts) size += p.size();
  std::string out;
  out.reserve(size);
  for (std::string_view p : parts) out.append(p);
  return out;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool as_number(const json::value& v, double& out) {
  if (v.is_int64()) {
    out = static_cast<double>(v.get_int64());
    return true;
  }
  if (v.is_uint64()) {
    out = static_cast<double>(v.get_uint64());
    return true;
  }
  if (v.is_double()) {
    out = v.get_double();
    return true;
  }
  return false;
}

class Compiler {
 public:
  Compiler() = default;

  bool nested() const { return nested_; }
  const Failure& failure() const { return failure_; }

  bool compile_node(const json::object& object, int depth, Node& node, const SourceNode& at) {
    std::size_t member = 0;
    for (const auto& kv : object) {
      std::string_view key = kv.key();
      const json::value& value = kv.value();
      const SourceNode& value_at = child(&at, member++);
      if (is_or_group(key, value)) {
        std::vector<Node>& group = node.or_groups.emplace_back();
        std::size_t index = 0;
        for (const json::value& alt : value.get_array()) {
          if (!compile_node(alt.get_object(), depth, group.emplace_back(), child(&value_at, index++))) return false;
        }
        continue;
      }
      Field& field = node.fields.emplace_back();
      field.key = std::string(key);
      field.dotted = key.find('.') != std::string_view::npos;
      if (value.is_array()) {
        if (!compile_leaf(value.get_array(), field.condition, value_at)) return false;
      } else if (value.is_object()) {
        nested_ = true;
        field.leaf = false;
        field.child = std::make_unique<Node>();
        if (!compile_node(value.get_object(), depth + 1, *field.child, value_at)) return false;
      } else {
        return fail(concat({"\"", key, "\" must be an object or an array"}), value_at.token_read());
      }
    }
    return true;
  }

 private:
  // `at`: where the parser stood; CIDR texts are recorded without a location.
  bool fail(std::string message, std::optional<std::size_t> at = std::nullopt) {
    failure_.message = std::move(message);
    failure_.at = at;
    return false;
  }

  bool compile_leaf(const json::array& values, Condition& condition, const SourceNode& at) {
    if (values.empty()) return fail("Empty arrays are not allowed", at.finished());
    condition.element_count = values.size();
    std::size_t index = 0;
    for (const json::value& v : values) {
      const SourceNode& v_at = child(&at, index++);
      Matcher m;
      switch (v.kind()) {
        case json::kind::string:
          m.kind = Matcher::Kind::ExactString;
          m.text = std::string(v.get_string());
          break;
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_:
          m.kind = Matcher::Kind::ExactNumber;
          as_number(v, m.number);
          if (!in_numeric_range(m.number, v_at)) return false;
          break;
        case json::kind::bool_:
          m.kind = v.get_bool() ? Matcher::Kind::ExactTrue : Matcher::Kind::ExactFalse;
          break;
        case json::kind::null:
          m.kind = Matcher::Kind::ExactNull;
          break;
        case json::kind::array:
          return fail("Match value must be String, number, true, false, or null", v_at.token_read());
        case json::kind::object:
          if (!compile_operator(v.get_object(), m, v_at)) return false;
          break;
      }
      // Numbers are kept in the units they are compared in (after the range checks above).
      m.number = five_digit_units(m.number);
      m.low = five_digit_units(m.low);
      m.high = five_digit_units(m.high);
      for (double& n : m.numbers) n = five_digit_units(n);
      if (m.kind == Matcher::Kind::Exists) {
        (m.exists ? condition.exists_true : condition.exists_false) = true;
      } else {
        condition.value_matchers.push_back(std::move(m));
      }
    }
    return true;
  }

  // SNS numbers have five digits after the point and lie within ±1,000,000,000 (documented);
  // unverified: the text for a policy number outside that range (the matching engine's own).
  bool in_numeric_range(double n, const SourceNode& at) {
    if (n >= -1e9 && n <= 1e9) return true;
    return fail("Value must be between -1.0E9 and 1.0E9, inclusive", at.token_read());
  }

  bool string_pattern(const json::value& v, std::string_view op, std::string& out, const SourceNode& at) {
    if (!v.is_string()) return fail(concat({op, " match pattern must be a string"}), at.token_read());
    out = std::string(v.get_string());
    return true;
  }

  bool compile_operator(const json::object& object, Matcher& m, const SourceNode& at) {
    // unverified: no recording shows the text for an empty match expression.
    if (object.empty()) return fail("Empty objects are not allowed", at.finished());
    const auto& first = *object.begin();
    std::string_view op = first.key();
    const json::value& v = first.value();
    const SourceNode& v_at = child(&at, 0);
    bool ok = true;
    if (op == "prefix") {
      m.kind = Matcher::Kind::Prefix;
      ok = string_pattern(v, "prefix", m.text, v_at);
    } else if (op == "suffix") {
      m.kind = Matcher::Kind::Suffix;
      ok = string_pattern(v, "suffix", m.text, v_at);
    } else if (op == "equals-ignore-case") {
      m.kind = Matcher::Kind::EqualsIgnoreCase;
      ok = string_pattern(v, "equals-ignore-case", m.text, v_at);
      m.text = lower_ascii(m.text);
    } else if (op == "anything-but") {
      ok = compile_anything_but(v, m, v_at);
    } else if (op == "numeric") {
      m.kind = Matcher::Kind::Numeric;
      ok = compile_numeric(v, m, v_at);
    } else if (op == "exists") {
      m.kind = Matcher::Kind::Exists;
      if (!v.is_bool()) return fail("exists match pattern must be either true or false.", v_at.token_read());
      m.exists = v.get_bool();
    } else if (op == "cidr") {
      m.kind = Matcher::Kind::Cidr;
      // AWS answers with the prefix text here (recorded).
      if (!v.is_string()) return fail("prefix match pattern must be a string", v_at.token_read());
      ok = compile_cidr(v.get_string(), m.block);
    } else {
      return fail(concat({"Unrecognized match type ", op}), v_at.token_read());
    }
    if (!ok) return false;
    // Found on reading the second key, which also reads the first token of its value.
    if (object.size() > 1) return fail("Only one key allowed in match expression", child(&at, 1).token_read());
    return true;
  }

  bool compile_anything_but(const json::value& v, Matcher& m, const SourceNode& at) {
    m.kind = Matcher::Kind::AnythingBut;
    double n = 0;
    if (v.is_string()) {
      m.strings.emplace_back(v.get_string());
      return true;
    }
    if (as_number(v, n)) {
      m.numbers.push_back(n);
      return true;
    }
    if (v.is_array()) {
      // unverified: the texts for an empty list and for non-string, non-number members.
      if (v.get_array().empty()) return fail("Empty arrays are not allowed", at.finished());
      std::size_t index = 0;
      for (const json::value& e : v.get_array()) {
        const SourceNode& e_at = child(&at, index++);
        if (e.is_string()) {
          m.strings.emplace_back(e.get_string());
        } else if (as_number(e, n)) {
          m.numbers.push_back(n);
        } else {
          return fail("Inside anything but list, start|null|boolean is not supported.", e_at.token_read());
        }
      }
      return true;
    }
    if (v.is_object()) {
      const json::object& inner = v.get_object();
      if (inner.empty()) return fail("Empty objects are not allowed", at.finished());  // unverified
      std::string_view op = inner.begin()->key();
      const SourceNode& op_at = child(&at, 0);
      if (op != "prefix") return fail(concat({"Unsupported anything-but pattern: ", op}), op_at.token_read());
      m.kind = Matcher::Kind::AnythingButPrefix;
      if (!string_pattern(inner.begin()->value(), "prefix", m.text, op_at)) return false;
      if (inner.size() > 1) return fail("Only one key allowed in match expression", child(&at, 1).token_read());
      return true;
    }
    // unverified
    return fail("Value of anything-but must be an array or single string/number value.", at.token_read());
  }

  // ["=", n] | ["<"|"<=", n] | [">"|">=", n] | [">"|">=", n, "<"|"<=", n]
  //
  // Locations follow the order SNS reads the array in: an operator is judged once the token after
  // it has been read (the closing bracket when it is missing); the second operator of a range is
  // judged as soon as its text is read; a range is compared once the array is closed.
  bool compile_numeric(const json::value& v, Matcher& m, const SourceNode& at) {
    if (!v.is_array()) return fail("Value of numeric must be an array.", at.token_read());  // unverified
    const json::array& a = v.get_array();
    // The position after element i's first token, or after the closing bracket past the last one.
    auto after = [&](std::size_t i) { return i < a.size() ? child(&at, i).token_read() : at.finished(); };
    if (a.empty()) return fail("Invalid member in numeric match: ]", at.finished());
    if (!a[0].is_string()) return fail(concat({"Invalid member in numeric match: ", json_text(a[0])}), after(0));
    std::string_view op = a[0].get_string();
    double n = 0;
    if (op == "=") {
      if (a.size() < 2 || !as_number(a[1], n)) return fail("Value of equals must be numeric", after(1));
      if (!in_numeric_range(n, child(&at, 1))) return false;
      if (a.size() > 2) return fail("Too many elements in numeric expression", after(2));
      m.has_low = m.has_high = m.low_inclusive = m.high_inclusive = true;
      m.low = m.high = n;
      return true;
    }
    if (op == "<" || op == "<=") {
      if (a.size() < 2 || !as_number(a[1], n)) return fail(concat({"Value of ", op, " must be numeric"}), after(1));
      if (!in_numeric_range(n, child(&at, 1))) return false;
      if (a.size() > 2) return fail("Too many elements in numeric expression", after(2));
      m.has_high = true;
      m.high = n;
      m.high_inclusive = op == "<=";
      return true;
    }
    if (op != ">" && op != ">=") return fail(concat({"Unrecognized numeric range operator: ", op}), after(1));
    if (a.size() < 2 || !as_number(a[1], n)) return fail(concat({"Value of ", op, " must be numeric"}), after(1));
    if (!in_numeric_range(n, child(&at, 1))) return false;
    m.has_low = true;
    m.low = n;
    m.low_inclusive = op == ">=";
    if (a.size() == 2) return true;
    if (!a[2].is_string()) return fail(concat({"Bad value in numeric range: ", json_text(a[2])}), after(2));
    std::string_view op2 = a[2].get_string();
    if (op2 != "<" && op2 != "<=") {
      return fail(concat({"Bad numeric range operator: ", op2}), child(&at, 2).finished());
    }
    if (a.size() < 4 || !as_number(a[3], n)) return fail(concat({"Value of ", op2, " must be numeric"}), after(3));
    if (!in_numeric_range(n, child(&at, 3))) return false;
    if (a.size() > 4) return fail("Too many terms in numeric range expression", after(4));
    m.has_high = true;
    m.high = n;
    m.high_inclusive = op2 == "<=";
    if (!(m.low < m.high)) return fail("Bottom must be less than top", at.finished());
    return true;
  }

  bool compile_cidr(std::string_view text, IpBlock& block) {
    std::size_t slash = text.find('/');
    if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos)
      return fail("Malformed CIDR, one '/' required");
    std::string_view ip = text.substr(0, slash);
    std::string_view bits_text = text.substr(slash + 1);
    std::array<uint8_t, 16> address{};
    if (!parse_ip(ip, block.v6, address)) return fail(concat({"Nonstandard IP address: ", ip}));
    int bits = 0;
    if (bits_text.empty() || bits_text.size() > 3) return fail("Malformed CIDR, mask bits must be an integer");
    for (char c : bits_text) {
      if (c < '0' || c > '9') return fail("Malformed CIDR, mask bits must be an integer");
      bits = bits * 10 + (c - '0');
    }
    int max_bits = block.v6 ? 128 : 32;
    if (bits > max_bits)  // unverified text
      return fail(concat({"Malformed CIDR, mask bits must be between 0 and ", std::to_string(max_bits)}));
    for (int i = 0; i < 16; ++i) {
      int take = std::clamp(bits - i * 8, 0, 8);
      block.mask[static_cast<std::size_t>(i)] = static_cast<uint8_t>(take == 0 ? 0 : (0xFF << (8 - take)) & 0xFF);
      block.address[static_cast<std::size_t>(i)] =
          static_cast<uint8_t>(address[static_cast<std::size_t>(i)] & block.mask[static_cast<std::size_t>(i)]);
    }
    return true;
  }

  bool nested_ = false;
  Failure failure_;
};

// Σ over the DNF disjuncts of Π (depth × values) over their leaf keys; capped to stay finite.
double combinations(const Node& node, int depth) {
  double total = 1;
  for (const Field& f : node.fields) {
    if (f.leaf) {
      total *= static_cast<double>(depth) * static_cast<double>(f.condition.element_count);
    } else {
      total *= combinations(*f.child, depth + 1);
    }
    total = std::min(total, 1e18);
  }
  for (const std::vector<Node>& group : node.or_groups) {
    double sum = 0;
    for (const Node& alt : group) sum += combinations(alt, depth);
    total = std::min(total * sum, 1e18);
  }
  return total;
}

// Top-level keys of the largest DNF disjunct (nested keys are not counted).
int key_count(const Node& node) {
  int count = static_cast<int>(node.fields.size());
  for (const std::vector<Node>& group : node.or_groups) {
    int widest = 0;
    for (const Node& alt : group) widest = std::max(widest, key_count(alt));
    count += widest;
  }
  return count;
}

}  // namespace

common::Outcome<std::unique_ptr<CompiledPolicy>, FilterPolicyError> compile_policy(std::string_view text,
                                                                                   FilterScope scope) {
  // unverified: the text AWS answers for a policy over 256 KB.
  if (text.size() > kMaxPolicyBytes) return FilterPolicyError{"Filter policy is too large", true};
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec) return FilterPolicyError{concat({"failed to parse JSON. ", syntax_error_text(text)}), true};
  // unverified: a policy that is valid JSON but not an object.
  if (!parsed.is_object()) return FilterPolicyError{"failed to parse JSON. Filter policy must be a JSON object", true};

  auto policy = std::make_unique<CompiledPolicy>();
  policy->scope = scope;
  Compiler compiler;  // the scope's one rule (no nesting under MessageAttributes) is checked below
  const std::optional<SourceNode> spans = locate_values(text);
  static const SourceNode unknown;
  if (!compiler.compile_node(parsed.get_object(), 1, policy->root, spans ? *spans : unknown)) {
    const Failure& failure = compiler.failure();
    std::string message = failure.message;
    if (failure.at && spans) message += source_suffix(text, *failure.at);
    return FilterPolicyError{std::move(message), failure.labelled};
  }
  if (scope == FilterScope::MessageAttributes && compiler.nested())
    return FilterPolicyError{"Filter policy scope MessageAttributes does not support nested filter policy", false};
  if (key_count(policy->root) > kMaxKeys) return FilterPolicyError{"Filter policy can not have more than 5 keys", true};
  if (combinations(policy->root, 1) > kMaxCombinations) return FilterPolicyError{"Filter policy is too complex", true};
  return policy;
}

}  // namespace sluice::sns::detail
