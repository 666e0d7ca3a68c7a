#pragma once
// What `sluice up` was asked to do: the values of its flags (bound in up_flags.cpp, run by
// command_up.cpp).

#include <cstddef>
#include <string>
#include <vector>

#include "sluice/common/defaults.h"
#include "sluice/functions/log_format.h"
#include "sluice/identity/identity.h"
#include "tls_setup.h"

namespace sluice::cli {

// What an answered change survives with a data directory (--durability).
enum class Durability {
  Kill9,     // a commit is a write to SQLite's WAL: survives the process being killed
  PowerLoss  // and an fsync of the WAL per commit: survives power loss and a kernel crash
};

struct UpOptions {
  std::string host = "127.0.0.1";  // numeric: --listen's name resolved
  int port = 9324;
  std::string data_dir = ".sluice";
  bool in_memory = false;
  bool recover = false;  // --recover: open a data directory with lost or damaged files anyway
  std::string account_id = common::kDefaultAccountId;
  std::string region = common::kDefaultRegion;
  std::string config_path;
  std::string template_path;                          // --template: a CloudFormation/SAM template declaring more
  double time_scale = 1;                              // > 1: every timer runs this many times faster (tests only)
  std::vector<std::string> allowed_origins;           // --allow-origin, repeatable
  std::vector<std::string> allowed_hosts;             // --allow-host, repeatable (+ --listen's name)
  identity::AuthMode auth = identity::AuthMode::Off;  // --auth off|audit|enforce
  TlsFlags tls;                                       // --tls, --tls-cert FILE, --tls-key FILE
  std::vector<std::string> reset_principals;          // --allow-reset ARN: may POST /_sluice/reset under enforce
  bool audit_data_events = false;                     // --audit-data-events: data events in the audit trail too
  functions::LogFormat log_format = functions::LogFormat::Text;  // --log-format text|json
  bool aws_metrics = true;                    // --no-aws-metrics: SQS, SNS and Lambda record no CloudWatch metrics
  size_t loops = 0;                           // --loops N: front-door loops; 0 = one per core
  Durability durability = Durability::Kill9;  // --durability kill-9|power-loss
};

int command_up(const UpOptions& options);

}  // namespace sluice::cli
