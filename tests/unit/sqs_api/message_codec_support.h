#pragma once
// Pieces the message codec tests of both protocols share: golden answers. Each case's answer is
// compared, as text, with the answer the general path (a Boost.JSON tree read by SqsActions, and
// for Query the shape-driven conversion) gave to the same request on an engine in the same state,
// recorded before the typed codecs replaced it: status, the x-amzn-query-error header of JSON
// errors and the body, with the random MessageId, ReceiptHandle and RequestId values blanked and,
// for JSON (whose member order carries no meaning), members sorted by name. Any change of code,
// wording, status or shape fails the case.
//
// To record again (only when AWS's behaviour is what changed): run the suite with
// SLUICE_RECORD_GOLDEN=<file>; the answers are written there as the table to paste into
// golden_json.inc or golden_query.inc.

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <span>
#include <string>
#include <string_view>

#include "test_support.h"

namespace sluice::api::sqs_wire::testing {

struct GoldenAnswer {
  std::string_view name;
  std::string_view answer;
};

// JSON with MessageId and ReceiptHandle values blanked and members sorted by name.
inline void write_canonical(const boost::json::value& v, std::string& out) {
  if (v.is_object()) {
    std::vector<const boost::json::key_value_pair*> members;
    for (const auto& m : v.as_object()) members.push_back(&m);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    for (size_t i = 0; i < members.size(); ++i) {
      if (i > 0) out += ',';
      out += boost::json::serialize(boost::json::value(members[i]->key()));
      out += ':';
      if (members[i]->key() == "MessageId" || members[i]->key() == "ReceiptHandle") {
        out += "\"*\"";
      } else {
        write_canonical(members[i]->value(), out);
      }
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (size_t i = 0; i < v.as_array().size(); ++i) {
      if (i > 0) out += ',';
      write_canonical(v.as_array()[i], out);
    }
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

inline std::string canonical_json(std::string_view body) {
  std::string out;
  write_canonical(boost::json::parse(body), out);
  return out;
}

inline std::string blanked_xml(const std::string& xml) {
  static const std::regex kRandom("<(MessageId|ReceiptHandle|RequestId)>[^<]*</");
  return std::regex_replace(xml, kRandom, "<$1>*</");
}

// "<status> <x-amzn-query-error or ->\n<body>" with the body normalized as above.
inline std::string answer_text(const http::Response& r, bool json) {
  std::string query_error = "-";
  for (const auto& [name, value] : r.headers) {
    if (name == "x-amzn-query-error") query_error = value;
  }
  return std::to_string(r.status) + " " + query_error + "\n" + (json ? canonical_json(r.body) : blanked_xml(r.body));
}

class GoldenAnswers {
 public:
  explicit GoldenAnswers(std::span<const GoldenAnswer> recorded) : recorded_(recorded) {
    if (const char* path = std::getenv("SLUICE_RECORD_GOLDEN")) record_.open(path, std::ios::app);
  }

  void check(std::string_view name, const std::string& answer) {
    CAPTURE(name);
    if (record_.is_open()) {
      record_ << "    {\"" << name << "\",\n     R\"golden(" << answer << ")golden\"},\n";
      return;
    }
    auto it = std::find_if(recorded_.begin(), recorded_.end(), [&](const GoldenAnswer& g) { return g.name == name; });
    REQUIRE_MESSAGE(it != recorded_.end(), "no recorded answer");
    CHECK(answer == it->answer);
    ++checked_;
  }

  size_t checked() const { return checked_; }

 private:
  std::span<const GoldenAnswer> recorded_;
  std::ofstream record_;
  size_t checked_ = 0;
};

}  // namespace sluice::api::sqs_wire::testing
