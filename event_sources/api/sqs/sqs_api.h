#pragma once
// The SQS API front end: the 23 SQS actions over the engine, in AWS's JSON-protocol shapes, and
// the HTTP service that speaks both SQS wire protocols (JSON 1.0 and Query/XML) on a libuv loop.
// This is the one public header of api/sqs; everything else here is internal (namespace detail).
//
// Layers
// - SqsActions::call() takes an action name and its JSON-protocol input object and answers the
//   JSON-protocol output object or the AwsError AWS would send. Both wire protocols end here: the
//   Query codec turns form parameters into the same JSON objects.
// - ApiServer owns an http::Server. SQS actions run on the loop thread: engine calls log their
//   changes without waiting for the commit (DeferDurability in engine.h), and an answer that
//   reports a change is sent once its commit is done, by one thread that commits for every
//   waiting answer. Long polls stay parked (a map entry and a timer each, no thread). A small
//   worker pool runs other Query services (SNS), whose calls block on their own stores.
//
// Lifecycle of ApiServer: start() binds and listens; run the loop. drain() answers every parked
// long poll with an empty result, lets requests in flight finish and closes the listener; when the
// done callback runs the loop can stop. Destroy the ApiServer after uv_run returned; it joins its
// workers. The Engine must outlive the ApiServer.

#include <uv.h>

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_server.h"
#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/common/defaults.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs {

// Who is calling and where: what a request's credentials and URL say.
struct CallContext {
  std::string account_id = kDefaultAccountId;
  std::string region = kDefaultRegion;
  std::string base_url = "http://127.0.0.1:9324";  // queue URLs answered are <base_url>/<account>/<name>
  std::string request_path = "/";                  // a Query request POSTed to /<account>/<name> names its queue
};

// Everything ReceiveMessage needs to park a long poll: the answer so far and, when the engine
// registered a wake-up, the watch to cancel and the times to retry at.
struct ReceiveAttempt {
  boost::json::object result;  // the JSON-protocol answer if answered now
  bool has_messages = false;
  int64_t wait_time_seconds = 0;           // effective long-poll time
  std::optional<int64_t> next_visible_ms;  // engine clock: earliest time something may show up
  std::unique_ptr<sluice::sqs::ReceiveWatch> watch;
};

class SqsActions {
 public:
  explicit SqsActions(sluice::sqs::Engine& engine) : engine_(engine) {}

  // Runs one action. Unknown action -> InvalidAction "The action X is not valid for this endpoint.".
  // ReceiveMessage through call() never waits: it answers what is there now.
  Outcome<boost::json::object> call(std::string_view action, const boost::json::object& input, const CallContext& ctx);

  // ReceiveMessage with an optional wake-up callback for long polling (see engine.h).
  Outcome<ReceiveAttempt> receive(const boost::json::object& input, const CallContext& ctx,
                                  sluice::sqs::WatchCallback on_wake);

  // True for the 23 action names SQS knows.
  static bool is_action(std::string_view action);

 private:
  sluice::sqs::Engine& engine_;
};

// Resolves a queue URL (any scheme and host, path /<account>/<name>) to the engine's address.
// The region comes from an AWS host (sqs.<region>.amazonaws.com, <region>.queue.amazonaws.com),
// else from ctx. Anything else -> QueueDoesNotExist.
Outcome<sluice::sqs::QueueAddress> resolve_queue_url(std::string_view url, const CallContext& ctx);
// <base_url>/<account>/<name>
std::string make_queue_url(const CallContext& ctx, const sluice::sqs::QueueAddress& queue);

// Another AWS service that speaks the Query protocol on the same port (SNS). The server offers it
// every Query request first, and every GET of a path other than "/".
class QueryService {
 public:
  virtual ~QueryService() = default;
  // True when the request is this service's: by the SigV4 scope's service, the API Version, or
  // an action only this service has.
  virtual bool claims(std::string_view action, std::string_view version, std::string_view signing_service) const = 0;
  // Runs on a worker (or the loop thread for in-memory engines); answers the whole HTTP response.
  virtual http::Response handle(const std::vector<std::pair<std::string, std::string>>& params, const CallContext& ctx,
                                const std::string& request_id) = 0;
  // A plain GET this service serves (e.g. its signing certificate), or nullopt.
  virtual std::optional<http::Response> get(const http::Request& request) = 0;
};

struct ApiOptions {
  std::string host = "127.0.0.1";
  int port = 9324;                             // 0 = any free port (ApiServer::port() tells which)
  std::string account_id = kDefaultAccountId;  // when the credentials do not name a 12-digit account
  std::string region = kDefaultRegion;         // when the credentials carry no region scope
  // Scheme and host of answered queue URLs, e.g. "http://sqs.local:9324". Empty = "http://" + the
  // request's Host header, so a URL points back at whatever address the client reached us by
  // (SDKs such as JS v3 send later calls to the QueueUrl's host).
  std::string public_base_url;
  int worker_threads = 4;  // for other Query services (SNS); 0: on the loop thread
  // Query form-encoding can triple a 1 MiB message; JSON escaping can double it.
  size_t max_body_bytes = 8 * 1024 * 1024;
  std::shared_ptr<Clock> clock;  // must be the engine's clock; default the system clock
  std::vector<std::shared_ptr<QueryService>> query_services;
};

class ApiServer {
 public:
  // Binds and listens on loop. Returns null and sets *error on failure (e.g. port in use).
  static std::unique_ptr<ApiServer> start(uv_loop_t* loop, sluice::sqs::Engine& engine, ApiOptions options,
                                          std::string* error);
  virtual ~ApiServer() = default;
  virtual int port() const = 0;
  // Loop thread only. Answers parked polls empty, finishes requests in flight, closes the server,
  // then calls done.
  virtual void drain(std::function<void()> done) = 0;
  virtual size_t parked_polls() const = 0;  // loop thread only
};

}  // namespace sluice::api::sqs
