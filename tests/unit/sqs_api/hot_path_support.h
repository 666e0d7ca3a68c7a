#pragma once
// Pieces the hot-path tests of both protocols share: the general path as ApiServer runs it, and
// two engines prepared alike so the hot path runs on one and the general path on the other.

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "hot_path.h"
#include "sluice/api/server/server.h"
#include "test_support.h"
#include "wire.h"

namespace sluice::api::sqs_wire::testing {

inline server::CallDefaults defaults() { return server::CallDefaults{"123456789012", "us-east-1", ""}; }

// The Call the front door makes of a request.
inline server::Call call_of(const http::Request& request) {
  return server::decode_call(http::Request(request), defaults());
}

// The JSON and Query hot paths on a request as the front door hands it over.
inline std::optional<http::Response> hot_json(sluice::sqs::Engine& engine, const http::Request& request) {
  return detail::try_hot_path(engine, call_of(request));
}
inline std::optional<http::Response> hot_query(sluice::sqs::Engine& engine, const http::Request& request) {
  server::Call call = call_of(request);
  if (call.form_error) return std::nullopt;
  return detail::try_query_hot_path(engine, call);
}

// What ApiServer's general path answers (the long-poll parker answers a receive that finds
// messages the same way).
inline http::Response general_path(Fixture& f, const http::Request& request) {
  std::optional<AwsError> error;
  detail::WireRequest wire = detail::decode_request(call_of(request), &error);
  if (error) return detail::render_error(wire.protocol, *error, wire.request_id);
  auto result = f.actions->call(wire.action, wire.input, wire.ctx);
  return result ? detail::render_result(wire, *result)
                : detail::render_error(wire.protocol, result.error(), wire.request_id);
}

inline int64_t visible_messages(Fixture& f, const std::string& url) {
  auto out = f.call("GetQueueAttributes", R"({"QueueUrl":")" + url + R"(","AttributeNames":["All"]})");
  REQUIRE(out);
  return std::stoll(str(out->at("Attributes").at("ApproximateNumberOfMessages")));
}

struct TwinEngines {
  Fixture hot;
  Fixture general;

  void both(std::string_view action, const std::string& input) {
    REQUIRE(hot.call(action, input));
    REQUIRE(general.call(action, input));
  }
  void create(const std::string& name, const std::string& attributes = "{}") {
    hot.create(name, attributes);
    general.create(name, attributes);
  }

  // Runs the request through hot_path (on `hot`) and the general path (on `general`) and checks
  // the answers match once `normalize` has blanked the random values; the texts must also be
  // equally long. The general path's answer goes to *general_answer when asked for.
  template <typename HotPath, typename Normalize>
  http::Response compare(const http::Request& request, HotPath hot_path, Normalize normalize,
                         http::Response* general_answer) {
    std::optional<http::Response> fast = hot_path(*hot.engine, request);
    REQUIRE(fast.has_value());
    http::Response slow = general_path(general, request);
    if (general_answer != nullptr) *general_answer = slow;
    CHECK(fast->status == slow.status);
    CHECK(normalize(fast->body) == normalize(slow.body));
    CHECK(fast->body.size() == slow.body.size());
    return *fast;
  }
};

}  // namespace sluice::api::sqs_wire::testing
