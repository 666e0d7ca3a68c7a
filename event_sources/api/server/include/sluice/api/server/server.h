#pragma once
// The front door: one HTTP port for every AWS service sluice speaks. It belongs to none of them.
// A service (SQS, SNS; later Lambda, STS, IAM, KMS, CloudWatch) is a Service registered in
// ApiOptions::services; the front door decodes only as much of a request as routing needs, builds
// the CallContext, picks the service and hands it the Call. Adding a service is adding one folder
// under event_sources/api/ that implements Service (see ARCHITECTURE.md).
//
// Routing, first match wins:
//   1. GET /health (and HEAD): the server's own liveness answer. GET /metrics: the Prometheus
//      text exposition of the front door's own series (requests by service, action and status,
//      their latency histogram per service, open connections, parked calls) followed by
//      ApiOptions::metrics_text's, built off the loop thread when the server has workers.
//   Then the browser policy (request_policy.h): a Host that is not one of the server's names, a
//   CORS preflight from an origin not in allowed_origins, and an unsigned request that a web page
//   made a browser send (a foreign Origin, or Sec-Fetch-Site other than same-origin/none) are
//   answered 403 AccessDenied, in the request's protocol, by the service it would have reached.
//   A preflight from an allowed origin is answered here; answers to allowed origins carry CORS
//   headers.
//   2. A GET of any other path than "/": each service's get() in turn (SNS's signing certificate).
//   3. The SigV4 credential scope's service (Authorization header, or X-Amz-Credential of a
//      presigned request) = a service's signing_name.
//   4. X-Amz-Target "<prefix>.<Operation>" = a service's json_target_prefix (JSON 1.0/1.1).
//   5. The Smithy RPC v2 path POST /service/<Name>/operation/<Operation> = a service's
//      rpc_v2_name.
//   6. A service's REST routes (claims_rest(), e.g. Lambda's /2015-03-31/functions/...).
//   7. The Query Version = a service's query_version; without a Version, the first service
//      (in registration order) whose has_action() knows the Action.
//   8. Otherwise the first registered service, which answers in the request's protocol with the
//      error AWS gives for an unknown operation.
//
// A Query request whose Accept header names application/json is answered in JSON, errors
// included, as AWS answers it (query::answer_in_json): every Query service gets it here.
//
// Authentication, once the service is known (ApiOptions::auth): the SigV4 signature (header or
// presigned query) is checked against the identity directory and the caller's principal goes into
// the CallContext. With Enforce a refused request is answered by its service with AWS's error
// (MissingAuthenticationToken, IncompleteSignature, InvalidClientTokenId, ExpiredToken,
// SignatureDoesNotMatch) in the protocol it spoke; with Audit it is logged and allowed; with Off
// (the default) nothing is checked. Operations AWS leaves unsigned (Service::is_unsigned) pass
// without a signature as the anonymous principal.
//
// Authorization, after authentication (Audit and Enforce): the service names the call's IAM
// action and resource (Service::authorization) and the caller's policies are evaluated as AWS does
// (sluice/identity/evaluation.h): identity policies and permissions boundary from
// ApiOptions::policies, session policies from the credentials, the resource's policy. A refusal
// is AWS's AccessDenied with its "User: ... is not authorized to perform: ..." text (Enforce) or
// a log line with the deciding statement (Audit). With Off nothing is evaluated. The condition
// keys besides the principal's: aws:SourceIp (the TCP peer), aws:SecureTransport, aws:CurrentTime,
// aws:EpochTime, aws:RequestedRegion, and what the service adds (AuthorizationTarget).
//
// Audit (ApiOptions::audit_trail): once authenticated, a call the trail records (sluice/audit/
// audit.h) is recorded when its service answers, refusals by policy included.
//
// Execution: a Loop service runs on the loop thread and must never block (the SQS engine logs
// its changes and returns; DurableAnswers holds its answers for the commit). A Workers service runs
// in the front door's lane of the shared worker pool, whose threads may block (SNS's store commits).
//
// Loops (ApiOptions::loops): the port is served by that many HTTP servers, each on a libuv loop of
// its own, over the one set of services and engines. Loop 0 is the caller's; the others run on
// threads the ApiServer starts and joins. Their listeners share the port (SO_REUSEPORT): the
// kernel hands each new connection to one of them, and all of that connection's requests are read,
// routed and (for a Loop service) run on that loop's thread; Call::loop names it. So a Loop service
// runs on several threads at once and keeps what is loop-bound (parked calls, their timers) per
// loop, everything else thread-safe. A parked call is woken through its own loop's server
// (http::Server::post), whichever thread made it ready: an SQS long poll parked on one loop wakes
// for a send that arrives on another. Every loop applies the same per-connection limits (output
// cap, timeouts, Host and Origin checks), metrics and routes.
//
// Lifecycle of ApiServer: start() attaches every service, binds and listens (and starts the loops
// of its own); run the caller's loop. drain() lets each service answer its parked calls, lets
// requests in flight finish and closes the listeners on every loop; when the done callback runs
// the loop can stop. Destroy the ApiServer after uv_run returned; it joins its loops and workers
// (a loop of its own not drained by then is drained first). The services must outlive the
// ApiServer.

#include <uv.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/api/http/server.h"
#include "sluice/api/query/query.h"
#include "sluice/audit/audit.h"
#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/common/defaults.h"
#include "sluice/common/work_pool.h"
#include "sluice/identity/identity.h"

namespace sluice::api::server {

// The wire protocol a request spoke; answers and errors go back in the same one. Json is AWS's JSON
// 1.0/1.1 (X-Amz-Target); RpcV2Cbor is Smithy RPC v2 (a smithy-protocol header).
enum class Protocol { Query, Json, RpcV2Cbor };

// Who is calling and where: what a request's credentials and URL say.
struct CallContext {
  std::string account_id = common::kDefaultAccountId;
  std::string region = common::kDefaultRegion;
  // Who signed: root, a user or a role session (Anonymous for unsigned operations). With --auth
  // off it is what the access key names without a check (principal.authenticated is false).
  identity::Principal principal;
  std::string access_key_id;  // the signing credential's access key id, "" when unsigned
  std::string request_id;
  Protocol protocol = Protocol::Query;
  std::string signing_service;                     // the SigV4 credential scope's service, "" when unsigned
  std::string base_url = "http://127.0.0.1:9324";  // scheme and host the client reached us by
  std::string request_path = "/";                  // the request's path, e.g. "/123456789012/orders"
  bool secure_transport = false;                   // arrived over TLS (aws:SecureTransport)
  std::string source_ip;  // the TCP peer's address ("127.0.0.1", "::1"): aws:SourceIp, CloudTrail's sourceIPAddress
  std::string default_region = common::kDefaultRegion;  // the server's region for unsigned requests
};

// One request as the front door hands it to the service that claimed it.
struct Call {
  http::Request request;
  CallContext ctx;
  std::string action;                          // the operation: X-Amz-Target's, the RPC v2 path's or Query's Action
  query::Form form;                            // Query: the decoded form, query string first, then the body
  std::optional<common::AwsError> form_error;  // Query: the form could not be decoded
  size_t loop = 0;                             // the front-door loop it arrived on (see ServiceHost)
};

class ServiceHost;

// One more resource a call must be allowed on, with its own policy: KMS's alias actions need the
// alias and every key they affect, ReEncrypt kms:ReEncryptFrom on one key and kms:ReEncryptTo on
// another, CloudWatch's DeleteAlarms each alarm it names.
struct AuthorizedResource {
  std::string action;  // "" = the target's action
  std::string resource;
  std::string resource_account;
  std::string resource_policy;  // "" = none
  bool key_policy = false;      // resource_policy is a KMS key policy (sluice/identity/evaluation.h)
};

// What IAM authorizes for one call: the action, the resource and the policy attached to it.
struct AuthorizationTarget {
  std::string action;            // "sqs:SendMessage" (batch actions are authorized as their single form)
  std::string resource;          // the resource's ARN, or "*"
  std::string resource_account;  // its owner
  std::string resource_policy;   // its policy document (queue or topic Policy, function policy), "" = none
  // resource_policy is a KMS key policy: IAM policies count only where it allows the account.
  bool key_policy = false;
  // The call's service-specific and tag condition keys, each with its values: sns:Protocol,
  // lambda:FunctionArn, aws:RequestTag/<key>, aws:TagKeys, aws:ResourceTag/<key>.
  std::vector<std::pair<std::string, std::vector<std::string>>> condition_keys;
  // Every one of these must be allowed too, after the resource above; the first refusal answers.
  std::vector<AuthorizedResource> also;
};

class Service {
 public:
  // How requests find the service; empty fields are routes it does not have.
  struct Routes {
    std::string_view name;                // "sqs"
    std::string_view signing_name;        // SigV4 credential scope's service, "sqs"
    std::string_view json_target_prefix;  // X-Amz-Target prefix, "AmazonSQS"
    std::string_view rpc_v2_name;         // Smithy RPC v2 service name, e.g. "GraniteServiceVersion20100801"
    std::string_view query_version;       // Query API Version, "2012-11-05"
  };
  enum class Execution { Loop, Workers };

  virtual ~Service() = default;
  virtual const Routes& routes() const = 0;
  virtual Execution execution() const { return Execution::Loop; }
  // True for the operations this service answers.
  virtual bool has_action(std::string_view action) const = 0;
  // True for operations AWS accepts without a signature (STS AssumeRoleWithWebIdentity).
  virtual bool is_unsigned(std::string_view action) const {
    (void)action;
    return false;
  }
  // True when this REST request (method and path) is one of the service's routes.
  virtual bool claims_rest(const http::Request& request) const {
    (void)request;
    return false;
  }
  // The largest request body a route of this service accepts (headers are complete, the body is
  // not read yet). Most services take the front door's default.
  virtual std::optional<size_t> max_body_bytes(const http::Request& headers) const {
    (void)headers;
    return std::nullopt;
  }
  // Loop thread, once, before the first call.
  virtual void attach(ServiceHost& host) { (void)host; }
  // Loop thread, once, when the ApiServer goes (after drain): send what is still held and release
  // everything that refers to the host (timers, watches). No call follows.
  virtual void detach() {}
  // Answers the call exactly once through `responder`, now or later, from any thread.
  virtual void handle(Call call, http::ResponderPtr responder) = 0;
  // The service's answer to `error` in `protocol`, for failures before handle() (a body too large).
  virtual http::Response error_response(Protocol protocol, const common::AwsError& error,
                                        std::string_view request_id) const = 0;
  // Query: the entry names of the flattened lists and maps in its documents, so that a Query
  // request answered in JSON (Accept: application/json) keeps them arrays (query::answer_in_json).
  virtual query::FlattenedNames query_flattened_names() const { return {}; }
  // With --auth audit|enforce: the action and resource a call asks IAM for, once its principal is
  // known; nullopt for calls that are not authorized by policy (the service does not say, or the
  // call names no resource it can find: the service then answers its own error). Called where
  // handle() runs: on the loop thread for a Loop service, in the workers' lane for a Workers one.
  virtual std::optional<AuthorizationTarget> authorization(const Call& call) const {
    (void)call;
    return std::nullopt;
  }
  // The operation a call asks for, as the audit trail names its event: the action, for REST
  // services the operation their route names ("" when none does).
  virtual std::string operation_name(const Call& call) const { return call.action; }
  // Query: the model of the action's request when the service has one (the audit trail then
  // records its Query parameters under their JSON names and shapes, as CloudTrail does); null
  // otherwise (the trail reads the form by the Query protocol's conventions). Points into a
  // static table.
  virtual const query::ActionSpec* query_action_spec(std::string_view action) const {
    (void)action;
    return nullptr;
  }
  // A plain GET this service serves, or nullopt.
  virtual std::optional<http::Response> get(const http::Request& request) {
    (void)request;
    return std::nullopt;
  }
  // Loop `loop`'s thread: that loop is draining; answer every call parked on it now. Each loop
  // drains once.
  virtual void drain(size_t loop) { (void)loop; }
  // Any thread: calls parked by the service on every loop (long polls, calls waiting for their
  // queue's read).
  virtual size_t parked_calls() const { return 0; }
};

// What the front door offers the services it hosts.
class ServiceHost {
 public:
  virtual ~ServiceHost() = default;
  // The front-door loops (see the note on loops above): a call arrives on one (Call::loop).
  virtual size_t loops() const = 0;
  // Loop `loop`'s HTTP server: post() from any thread; timers on that loop's thread only.
  virtual http::Server& http(size_t loop) = 0;
  virtual const std::shared_ptr<common::Clock>& clock() const = 0;
};

struct ApiOptions {
  std::string host = "127.0.0.1";
  int port = 9324;  // 0 = any free port (ApiServer::port() tells which)
  // Front-door loops serving the port, each an HTTP server on a thread of its own (see the note on
  // loops above); 1 = the caller's loop alone. `sluice up` defaults to one per core.
  size_t loops = 1;
  std::string account_id = common::kDefaultAccountId;  // when the credentials do not name a 12-digit account
  std::string region = common::kDefaultRegion;         // when the credentials carry no region scope
  // Scheme and host of answered resource URLs (queue URLs), e.g. "http://sqs.local:9324". Empty =
  // "http://" + the request's Host header, so a URL points back at whatever address the client
  // reached us by (SDKs such as JS v3 send later calls to the QueueUrl's host).
  std::string public_base_url;
  // Web origins ("http://localhost:3000") whose pages may call: their CORS preflights are answered
  // and their answers readable. Every other origin is refused (see the routing note above).
  std::vector<std::string> allowed_origins;
  // Host names served besides the built-in ones (IP literals, single-label names, *.localhost),
  // the listen host and public_base_url's host. A request for any other name is refused, which is
  // what defeats DNS rebinding.
  std::vector<std::string> allowed_hosts;
  // Workers services' calls run in a lane of work_pool, at most worker_threads at once; 0: on the
  // loop thread. Without a pool the server makes one of its own.
  int worker_threads = 4;
  std::shared_ptr<common::WorkPool> work_pool;
  // Query form-encoding can triple a 1 MiB message; JSON escaping can double it. A service may
  // raise it for its own routes (Service::max_body_bytes), never globally.
  size_t max_body_bytes = size_t{8} * 1024 * 1024;
  std::shared_ptr<common::Clock> clock;  // default the system clock
  // Signatures (see the note on authentication above). The directory names the access keys and
  // holds STS's temporary credentials; null = no one is known. Temporary credentials expire on
  // `clock`; the 15-minute clock-skew window is measured on wall_clock (default the system clock,
  // also when `clock` is scaled for tests), since the signer's time is a wall time.
  identity::AuthMode auth = identity::AuthMode::Off;
  std::shared_ptr<identity::Directory> identities;
  // Where a principal's identity policies and permissions boundary come from; null = identities.
  std::shared_ptr<const identity::PolicySource> policies;
  std::shared_ptr<common::Clock> wall_clock;
  // Where Audit mode writes what it would have refused, one line each; default stderr.
  std::function<void(std::string_view line)> audit_log;
  // The audit trail every answered call of a known operation is recorded in (after
  // authentication: refusals by policy are recorded, bad signatures are not); null = none.
  std::shared_ptr<audit::Trail> audit_trail;
  // In routing order; the first is also the answer of last resort.
  std::vector<std::shared_ptr<Service>> services;
  // HTTPS on the same port (see sluice/api/http/tls.h); null = plain HTTP only.
  std::shared_ptr<http::TlsContext> tls;
  // More members of GET /health's object after "status": each a name and its value as JSON text.
  // Called on the loop thread for every health request, so it must not block.
  std::function<std::vector<std::pair<std::string, std::string>>()> health_details;
  // More series for GET /metrics, already in the Prometheus text format (sluice/common/
  // prometheus_text.h). Called for every scrape in the front door's worker lane (on the loop
  // thread when worker_threads is 0), so it may take a few milliseconds but must not wait long.
  std::function<std::string()> metrics_text;
};

class ApiServer {
 public:
  // Binds and listens on loop. Returns null and sets *error on failure (e.g. port in use).
  static std::unique_ptr<ApiServer> start(uv_loop_t* loop, ApiOptions options, std::string* error);
  virtual ~ApiServer() = default;
  virtual int port() const = 0;
  // Loop 0's thread only. Every loop drains: services answer their parked calls, requests in
  // flight finish, the servers close; then done runs on loop 0's thread.
  virtual void drain(std::function<void()> done) = 0;
  virtual size_t parked_calls() const = 0;  // any thread
  virtual size_t loops() const = 0;
  // Connections open on one loop, from any thread: where the kernel put a client.
  virtual size_t open_connections(size_t loop) const = 0;
};

// What a context holds when the request does not say.
struct CallDefaults {
  std::string account_id = common::kDefaultAccountId;
  std::string region = common::kDefaultRegion;
  std::string public_base_url;  // see ApiOptions
};

// The front door's first step, for services and tests: the Call a request becomes (its context with
// a new request id, its action, and for Query its decoded form).
Call decode_call(http::Request&& request, const CallDefaults& defaults);

// A second Call for running a call again later (running it may move its form's values out): the
// request, context and action copied, a Query form decoded again from the copied request.
Call copy_call(const Call& call);

// The pieces of routing.
Protocol protocol_of(const http::Request& request);
// The credential of the Authorization header ("AKID/20240101/us-east-1/sqs/aws4_request"), or "".
std::string_view header_credential(const http::Request& request);
// Applies a credential scope to ctx: a 12-digit access key id selects the account, the scope's
// region the region, and its service becomes ctx.signing_service.
void apply_credential_scope(std::string_view credential, CallContext& ctx);

}  // namespace sluice::api::server
