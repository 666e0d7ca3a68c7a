// Filter-policy evaluation throughput on one thread.
//
// A 5-key policy mixing exact, prefix, numeric range, anything-but and exists is evaluated
// round-robin against a few ~1 KiB messages (some match, some fail at different keys), for about
// two seconds in scope MessageAttributes, then shorter runs in scope MessageBody against a parsed
// body and against body text (parse included). Each figure is printed as one JSON object per line.

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "sluice/sns/filter_policy.h"

using namespace sluice::sns;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kPolicy = R"({
  "store": ["example_corp", "acme"],
  "event": [{"prefix": "order-"}],
  "price_usd": [{"numeric": [">=", 100, "<", 500]}],
  "customer_interests": [{"anything-but": ["rugby", "tennis"]}],
  "trace_id": [{"exists": true}]
})";

struct Message {
  MessageAttributeMap attributes;
  std::string body;
};

Message make_message(const std::string& store, const std::string& event, const std::string& price,
                     const std::string& interest, bool traced) {
  Message m;
  std::string filler(60, 'x');
  m.attributes["store"] = {"String", store};
  m.attributes["event"] = {"String", event};
  m.attributes["price_usd"] = {"Number", price};
  m.attributes["customer_interests"] = {"String", interest};
  if (traced) m.attributes["trace_id"] = {"String", "Root=1-5759e988-bd862e3fe1be46a994272793"};
  for (int i = 0; i < 8; ++i) m.attributes["extra_" + std::to_string(i)] = {"String", filler + std::to_string(i)};

  boost::json::object body;
  body["store"] = store;
  body["event"] = event;
  body["price_usd"] = std::stod(price);
  body["customer_interests"] = interest;
  if (traced) body["trace_id"] = "Root=1-5759e988-bd862e3fe1be46a994272793";
  for (int i = 0; i < 8; ++i) body["extra_" + std::to_string(i)] = filler + std::to_string(i);
  boost::json::object detail;
  detail["description"] = std::string(200, 'd');
  body["detail"] = detail;
  m.body = boost::json::serialize(body);
  return m;
}

template <typename F>
void run(const char* figure, double seconds, F&& evaluate) {
  std::size_t evaluations = 0, matched = 0;
  Clock::time_point start = Clock::now();
  Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  Clock::time_point now = start;
  while (now < deadline) {
    for (int i = 0; i < 4096; ++i) matched += evaluate(evaluations++) ? 1 : 0;
    now = Clock::now();
  }
  double elapsed = std::chrono::duration<double>(now - start).count();
  std::printf("{\"bench\":\"filter-eval\",\"figure\":\"%s\",\"value\":%.0f,\"unit\":\"1/s\",\"matched_share\":%.3f}\n",
              figure, static_cast<double>(evaluations) / elapsed,
              static_cast<double>(matched) / static_cast<double>(evaluations));
  std::fflush(stdout);
}

}  // namespace

int main() {
  std::vector<Message> messages = {
      make_message("example_corp", "order-placed", "250", "soccer", true),    // match
      make_message("acme", "order-cancelled", "100", "baseball", true),       // match
      make_message("other_corp", "order-placed", "250", "soccer", true),      // fails on store
      make_message("acme", "refund-issued", "250", "soccer", true),           // fails on event
      make_message("acme", "order-placed", "500", "soccer", true),            // fails on price
      make_message("acme", "order-placed", "250", "rugby", true),             // fails on anything-but
      make_message("acme", "order-placed", "250", "soccer", false),           // fails on exists
      make_message("example_corp", "order-shipped", "499.99", "golf", true),  // match
  };
  double body_bytes = 0;
  for (const Message& m : messages) body_bytes += static_cast<double>(m.body.size());

  auto attributes_policy = FilterPolicy::compile(kPolicy, FilterScope::MessageAttributes);
  auto body_policy = FilterPolicy::compile(kPolicy, FilterScope::MessageBody);
  if (!attributes_policy.ok() || !body_policy.ok()) {
    std::fprintf(stderr, "policy rejected\n");
    return 1;
  }
  std::vector<boost::json::value> bodies;
  for (const Message& m : messages) bodies.push_back(boost::json::parse(m.body));
  const std::size_t n = messages.size();

  std::fprintf(stderr, "messages: %zu, mean body %.0f bytes, 13 attributes each\n", n,
               body_bytes / static_cast<double>(n));
  run("evaluations_per_second", 2.0,
      [&](std::size_t i) { return attributes_policy.value().matches_attributes(messages[i % n].attributes); });
  run("body_evaluations_per_second", 0.5,
      [&](std::size_t i) { return body_policy.value().matches_body(bodies[i % n]); });
  run("body_text_evaluations_per_second", 0.5,
      [&](std::size_t i) { return body_policy.value().matches_body_text(messages[i % n].body); });
  return 0;
}
