// Fuzzes the typed codecs of SQS's seven message actions (SendMessage(Batch), ReceiveMessage,
// DeleteMessage(Batch), ChangeMessageVisibility(Batch)) in both wire protocols, as the service runs
// them (tests/unit/sqs_api/test_support.h: a Call decoded the front door's way, the action's reader,
// the engine, the writer), on an in-memory engine holding a standard queue "q" and a FIFO queue
// "f.fifo".
//
// Input: byte 0 picks the protocol (its low bit: JSON 1.0 or Query) and the action (the rest);
// the other bytes are the body (for Query, after "Action=<name>&"). Invariants: no malformed
// request is an internal error (5xx), and every answer is well-formed in its protocol: a JSON
// object (an error with __type) or an XML document.

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "test_support.h"

namespace {

namespace http = sluice::api::http;
namespace testing = sluice::api::sqs_wire::testing;

constexpr std::string_view kActions[] = {"SendMessage",
                                         "SendMessageBatch",
                                         "ReceiveMessage",
                                         "DeleteMessage",
                                         "DeleteMessageBatch",
                                         "ChangeMessageVisibility",
                                         "ChangeMessageVisibilityBatch"};

// The engine keeps what the calls send, so a long run starts afresh now and then.
struct World {
  testing::Fixture fixture;
  int calls = 0;
  World() {
    fixture.create("q");
    fixture.create("f.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  }
};

http::Request query_request(std::string_view action, std::string_view body) {
  http::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"host", "localhost:9324"}, {"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = "Action=" + std::string(action) + "&" + std::string(body);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static std::unique_ptr<World> world;
  if (!world || ++world->calls > 2000) {
    world.reset();
    world = std::make_unique<World>();
  }
  const bool json = (data[0] & 1) == 0;
  const std::string_view action = kActions[(data[0] >> 1) % std::size(kActions)];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  const http::Request request = json ? testing::json_request(action, body) : query_request(action, body);
  const http::Response answer = testing::wire_answer(*world->fixture.engine, request);

  if (answer.status < 200 || answer.status >= 500) std::abort();  // bad input is the client's error
  if (json) {
    boost::json::error_code ec;
    const boost::json::value parsed = boost::json::parse(answer.body, ec);
    if (ec || !parsed.is_object()) std::abort();
    if (answer.status != 200 && !parsed.as_object().contains("__type")) std::abort();
  } else if (!answer.body.starts_with("<")) {
    std::abort();
  }
  return 0;
}
