#pragma once
// Internal: the console's JSON endpoints (see console.h for the list), over the components'
// public interfaces. Reads are in console_reads.cpp, state-changing calls in console_actions.cpp;
// Boost.JSON stays in those two files.

#include <string>
#include <string_view>

#include "console_access.h"
#include "sluice/common/aws_error.h"
#include "sluice/console/console.h"

namespace sluice::console::detail {

struct ApiAnswer {
  int status = 200;
  std::string body;  // JSON
};

// {"__type": code, "message": text} with the code's HTTP status.
ApiAnswer error_answer(const common::AwsError& error);

class ConsoleApi {
 public:
  explicit ConsoleApi(const ConsoleOptions& options) : options_(options), access_(options) {}

  // GET /_sluice/console/api/<endpoint>?<query>; nullopt-like NotFound answer for an unknown one.
  ApiAnswer read(std::string_view endpoint, std::string_view query) const;
  // POST /_sluice/console/api/<endpoint> with a JSON body (the token is checked by the caller).
  ApiAnswer act(std::string_view endpoint, std::string_view body) const;

 private:
  ApiAnswer queues() const;
  ApiAnswer queue(const std::string& name) const;
  ApiAnswer topics() const;
  ApiAnswer functions() const;
  ApiAnswer function(const std::string& name) const;
  ApiAnswer alarms() const;
  ApiAnswer send(std::string_view body) const;
  ApiAnswer purge(std::string_view body) const;
  ApiAnswer redrive(std::string_view body) const;

  sqs::QueueAddress address(const std::string& name) const { return {options_.account_id, options_.region, name}; }
  // The access check of an action on one of the account's queues, with the queue's policy.
  std::optional<common::AwsError> check_queue(std::string_view action, const std::string& name) const;
  std::optional<common::AwsError> check_account(std::string_view action) const;

  ConsoleOptions options_;
  ConsoleAccess access_;
};

// The value of `name` in a raw query string, percent-decoded; "" when absent.
std::string query_parameter(std::string_view query, std::string_view name);

}  // namespace sluice::console::detail
