#pragma once
// Deliveries to endpoints the SNS service does not reach itself: HTTP/S endpoints and Lambda
// functions. This is the one public header of event_sources/sns/delivery.
//
// How it works
// - Each sink is a DeliverySink (sluice/sns/sns.h). deliver() runs on the publishing thread: it
//   journals the delivery (SQLite, WAL, <data_dir>/sns_deliveries.db) and queues it, and returns
//   without touching the network, so a publish answer implies a durable delivery and a slow
//   endpoint never holds up a publisher.
// - Each sink makes its attempts in a lane of the shared worker pool (sluice/common/work_pool.h),
//   at most `threads` at once, so a flood of deliveries to slow endpoints cannot hold up the other
//   work of the pool (API calls, mapping batches). A failed attempt is scheduled
//   again after the delay its retry schedule gives; when the schedule is exhausted, or the
//   failure is one that retrying cannot fix, the message goes to the subscription's
//   RedrivePolicy dead-letter queue (an embedded SQS queue) or, without one, is dropped, as AWS
//   does. Delivered and dead-lettered deliveries leave the journal.
// - Opening a sink with a data directory resumes the journalled deliveries of the previous run
//   (attempt counts kept; the next attempt is made at once).
// - Retry delays are kept on the options' Clock: a test advances a ManualClock through AWS's real
//   delays (1 and 2 minutes for Lambda) instead of waiting for them.
//
// HTTP/S: POST with AWS's headers to an address the DeliveryAllowList allows (a refused address
// is a failed attempt: retried, then dead-lettered, each refusal logged with its rule); the body
// is the JSON envelope, or the bare message with RawMessageDelivery. 2xx is success. 5xx, 429, timeouts and connection
// failures are server-side errors retried under the effective DeliveryPolicy (subscription over topic unless the topic
// disables overrides; AWS's defaults otherwise). Any other status is a client-side error: not
// retried, dead-lettered.
//
// Lambda: an asynchronous invocation of the SNS event through AsyncFunctionInvoker; on function
// error two more attempts after 1 and 2 minutes (configurable), then the invoker's on-failure
// step, then the subscription DLQ. An unknown function is a client-side error: dead-lettered at once.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/work_pool.h"
#include "sluice/sns/sns.h"

namespace sluice::sqs {
class Engine;
}

namespace sluice::sns {

// ---- HTTP/S delivery policy ----------------------------------------------------------------

struct HealthyRetryPolicy {
  int min_delay_target = 20;  // seconds
  int max_delay_target = 20;  // seconds
  int num_retries = 3;
  int num_no_delay_retries = 0;
  int num_min_delay_retries = 0;
  int num_max_delay_retries = 0;
  std::string backoff_function = "linear";  // linear | arithmetic | geometric | exponential
};

struct EffectiveHttpPolicy {
  HealthyRetryPolicy retry;
  std::string content_type = "text/plain; charset=UTF-8";
};

// The policy that applies to one delivery: AWS's defaults, then the topic's DeliveryPolicy
// ({"http":{"defaultHealthyRetryPolicy":…,"disableSubscriptionOverrides":…,"defaultRequestPolicy":…}}),
// then the subscription's ({"healthyRetryPolicy":…,"requestPolicy":…}) unless overrides are disabled.
// Malformed parts are ignored (the service validated what it stored).
EffectiveHttpPolicy effective_http_policy(std::string_view topic_delivery_policy,
                                          std::string_view subscription_delivery_policy);

// The delay before each retry in milliseconds, in order (size = number of retries). Phases:
// no-delay, pre-backoff (min delay), backoff (min → max by the backoff function), post-backoff
// (max delay). The schedule is cut where the total would pass AWS's 3,600 s limit.
std::vector<int64_t> retry_delays_ms(const HealthyRetryPolicy& policy);

// ---- Shared options and counters -------------------------------------------------------------

struct DeliveryStats {
  uint64_t accepted = 0;  // handed to deliver() (or resumed from the journal)
  uint64_t attempts = 0;  // attempts made
  uint64_t delivered = 0;
  uint64_t dead_lettered = 0;  // sent to a subscription DLQ (or the invoker's on-failure step)
  uint64_t dropped = 0;        // failed finally without anywhere to go
};

struct DeliveryWorkerOptions {
  std::string data_dir;                         // journal location; empty keeps the queue in memory only
  sqs::Engine* sqs = nullptr;                   // where RedrivePolicy dead-letter queues live
  size_t threads = 4;                           // attempts at once (at least 1)
  std::shared_ptr<common::Clock> clock;         // retry delays are waited on it; default: the system clock
  std::shared_ptr<common::WorkPool> work_pool;  // where the attempts run; default: a pool of the sink's own
  // What AWS/SNS counts of a delivery (NumberOfNotificationsDelivered when `delivered`, else
  // NumberOfNotificationsFailed), told on the attempting thread. HTTP/S: every attempt counts,
  // failed retries included, as AWS counts them. Lambda: once per delivery, delivered when the
  // function ran, failed when the delivery was given up (its retries spent, or the function
  // unknown or refused). May be empty.
  std::function<void(const Delivery& delivery, bool delivered)> on_outcome;
  // A delivery given up on a subscription with a RedrivePolicy: `moved` when its dead-letter queue
  // took the message (AWS/SNS NumberOfNotificationsRedrivenToDlq), else
  // NumberOfNotificationsFailedToRedriveToDlq. May be empty.
  std::function<void(const Delivery& delivery, bool moved)> on_dead_letter;
};

// ---- Where HTTP/S deliveries may connect ----------------------------------------------------

// AWS accepts any well-formed URL at Subscribe, and so does sluice; what an endpoint may reach is
// decided here, per address, after the endpoint's host name has been resolved and just before
// connecting (the connection then goes to the address that was checked, so a name that resolves
// differently the second time cannot get around the list).
//
// An address is allowed when an entry of the list holds it, except where a guard refuses it:
//   guards   169.254.0.0/16 and fe80::/10 (link-local, where instance metadata answers),
//            fd00:ec2::/32 (the IPv6 instance-metadata range), and sluice's own listening ports on
//            this machine's addresses (a delivery that would call sluice itself): the ports given
//            to guard_own_port() and every port the process listens on (the AWS port, each
//            function's Runtime API port; sluice/common/own_listeners.h)
//   entries  "*" (everything, guards included); an address or CIDR block ("10.0.0.0/8",
//            "fd12:3456::/32", "::1"); an address with a port ("127.0.0.1:4566", "[::1]:4566"),
//            which allows that address and port even where a guard would refuse it
// The default list is loopback and the private ranges: 127.0.0.0/8, ::1, 10.0.0.0/8,
// 172.16.0.0/12, 192.168.0.0/16, fc00::/7. IPv4-mapped IPv6 addresses are judged as IPv4.
class DeliveryAllowList {
 public:
  DeliveryAllowList();  // the default list
  // Reads a configured list, which replaces the default. nullopt (and *error) on a bad entry.
  static std::optional<DeliveryAllowList> parse(const std::vector<std::string>& entries, std::string* error);

  // Adds a listening port of sluice's own to the guards.
  void guard_own_port(uint16_t port);

  // nullopt when `ip` (numeric, v4 or v6) and `port` may be connected to; otherwise the rule that
  // refuses them, worded for a log line.
  std::optional<std::string> refusal(std::string_view ip, uint16_t port) const;

  struct Rule;

 private:
  std::vector<std::shared_ptr<const Rule>> entries_;
  std::vector<uint16_t> own_ports_;
  bool allow_all_ = false;
};

// ---- HTTP/S --------------------------------------------------------------------------------

struct HttpDeliveryOptions : DeliveryWorkerOptions {
  int64_t connect_timeout_ms = 5000;
  int64_t request_timeout_ms = 15000;  // AWS gives an endpoint 15 s to answer
  bool verify_tls = true;              // https endpoints: check the server certificate
  DeliveryAllowList allow_list;        // where attempts may connect; a refused one is a failed attempt
  // Where a refused attempt is reported (one line naming endpoint, address and rule); default: stderr.
  std::function<void(const std::string& line)> log;
};

class HttpDelivery final : public DeliverySink {
 public:
  // Opens the journal and starts the workers (resuming journalled deliveries). On failure returns
  // null and sets *error.
  static std::unique_ptr<HttpDelivery> open(const HttpDeliveryOptions& options, std::string* error);
  ~HttpDelivery() override;  // stops the workers; undelivered deliveries stay journalled

  void deliver(const Delivery& delivery) override;
  bool accepting() override;  // false while journal writes are held (a full disk)
  size_t pending() const;     // journalled and not yet delivered or dead-lettered
  DeliveryStats stats() const;

  struct Impl;

 private:
  explicit HttpDelivery(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- Lambda --------------------------------------------------------------------------------

// How deliveries reach functions; the embedder implements it with its function hosts.
class AsyncFunctionInvoker {
 public:
  virtual ~AsyncFunctionInvoker() = default;
  // Runs the function with the event. True on success. On failure sets *error_type (e.g.
  // "Unhandled" for a function error, "ResourceNotFoundException" for an unknown function) and
  // *error_message.
  virtual bool invoke(std::string_view function_arn, std::string event_json, std::string* error_type,
                      std::string* error_message) = 0;
  // Called when all attempts failed with function errors: the function's own on-failure
  // destination. Return true when it took the event; false lets the subscription DLQ take it.
  virtual bool on_failure(std::string_view function_arn, const std::string& event_json, int attempts,
                          const std::string& error_type, const std::string& error_message) {
    (void)function_arn, (void)event_json, (void)attempts, (void)error_type, (void)error_message;
    return false;
  }
};

// Error types that mean the function cannot be reached at all (not retried).
bool is_client_side_lambda_error(std::string_view error_type);

struct LambdaDeliveryOptions : DeliveryWorkerOptions {
  AsyncFunctionInvoker* invoker = nullptr;              // required; must outlive the sink
  std::vector<int64_t> retry_delays_ms{60000, 120000};  // AWS: 2 retries, 1 min then 2 min
  // With --auth audit|enforce: whether sns.amazonaws.com may invoke the function for the topic
  // (the function's resource policy, lambda:InvokeFunction with aws:SourceArn the topic). nullopt
  // allows; otherwise the refusal's text, and the delivery fails as a client-side error
  // (AccessDeniedException: not retried, to the subscription's dead-letter queue). Empty: allowed.
  std::function<std::optional<std::string>(const std::string& topic_arn, const std::string& function_arn)>
      authorize_invoke;
};

class LambdaDelivery final : public DeliverySink {
 public:
  static std::unique_ptr<LambdaDelivery> open(const LambdaDeliveryOptions& options, std::string* error);
  ~LambdaDelivery() override;

  void deliver(const Delivery& delivery) override;
  bool accepting() override;  // false while journal writes are held (a full disk)
  size_t pending() const;
  DeliveryStats stats() const;

  struct Impl;

 private:
  explicit LambdaDelivery(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- Routing by protocol -------------------------------------------------------------------

// http/https → http, lambda → lambda, anything else → other (each may be null: dropped).
class CompositeSink final : public DeliverySink {
 public:
  CompositeSink(DeliverySink* http, DeliverySink* lambda, DeliverySink* other = nullptr)
      : http_(http), lambda_(lambda), other_(other) {}
  void deliver(const Delivery& delivery) override;
  bool accepting() override;  // every sink it routes to accepts

 private:
  DeliverySink* http_;
  DeliverySink* lambda_;
  DeliverySink* other_;
};

}  // namespace sluice::sns
