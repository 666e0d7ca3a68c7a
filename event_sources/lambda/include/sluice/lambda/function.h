#pragma once
// Lambda's function resource: what CreateFunction, UpdateFunctionCode and
// UpdateFunctionConfiguration set, with AWS's defaults, and its JSON shape on the wire
// (FunctionConfiguration of the Lambda REST API).
//
// States (AWS: functions-states): a function is created Pending and becomes Active once its code
// is runnable (Failed, with StateReason and StateReasonCode, when it cannot be). An update of its
// code or configuration sets LastUpdateStatus InProgress until the new code or settings are in
// place, then Successful (or Failed).

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace sluice::lambda {

using TagMap = std::map<std::string, std::string>;
using EnvironmentMap = std::map<std::string, std::string>;

// Where a function's code lives on this machine.
struct CodeLocation {
  // A directory holding the unpacked zip (kept under the data directory), or, for hot-reload
  // code, the local directory or file the user named.
  std::string path;
  bool hot_reload = false;  // Code.S3Bucket "hot-reload": path is the user's, picked up on change
};

struct FunctionRecord {
  std::string name;
  // arn:aws:lambda:REGION:ACCOUNT:function:NAME; a published version's (or an alias's, when an
  // alias named it) carries its qualifier: ...:function:NAME:3
  std::string arn;
  std::string version = "$LATEST";     // "$LATEST", or the number of a published version
  int64_t last_published_version = 0;  // $LATEST only: numbers are never given twice
  std::string runtime;
  std::string role;
  std::string handler;
  std::string description;
  int64_t timeout_s = 3;
  int64_t memory_size_mb = 128;
  std::optional<EnvironmentMap> environment;
  std::string dead_letter_target_arn;           // "" = none
  std::optional<int64_t> reserved_concurrency;  // PutFunctionConcurrency; none = the unreserved pool
  std::string code_sha256;                      // base64 of the zip's SHA-256
  int64_t code_size = 0;                        // bytes of the zip
  CodeLocation code;
  int64_t last_modified_ms = 0;
  std::string revision_id;
  std::string state = "Pending";  // Pending | Active | Inactive | Failed
  std::string state_reason;
  std::string state_reason_code;
  std::string last_update_status;  // "" (never updated) | InProgress | Successful | Failed
  std::string last_update_status_reason;
  std::string last_update_status_reason_code;
  TagMap tags;
};

// Code as a request gives it: a zip (already base64-decoded) or an S3 location.
struct CodeInput {
  std::optional<std::string> zip_file;
  std::string s3_bucket;
  std::string s3_key;
  std::string s3_object_version;
  std::optional<std::string> revision_id;  // UpdateFunctionCode: only if it is still this one
  bool publish = false;                    // CreateFunction / UpdateFunctionCode: publish a version too
};

struct CreateFunctionInput {
  std::string function_name;
  std::string runtime;
  std::string role;
  std::string handler;
  std::string description;
  std::optional<int64_t> timeout_s;
  std::optional<int64_t> memory_size_mb;
  std::optional<EnvironmentMap> environment;
  std::string dead_letter_target_arn;
  CodeInput code;
  TagMap tags;
};

// Absent fields are unchanged.
struct UpdateConfigurationInput {
  std::optional<std::string> runtime;
  std::optional<std::string> role;
  std::optional<std::string> handler;
  std::optional<std::string> description;
  std::optional<int64_t> timeout_s;
  std::optional<int64_t> memory_size_mb;
  std::optional<EnvironmentMap> environment;
  std::optional<std::string> dead_letter_target_arn;
  std::optional<std::string> revision_id;  // only if the function's RevisionId is still this one
};

// The name under which the runtime runs a record: NAME for $LATEST, NAME:VERSION for a published
// version (each version keeps its own code and settings).
std::string deployment_name(const FunctionRecord& function);

// The FunctionConfiguration JSON object of the Lambda API.
std::string configuration_json(const FunctionRecord& function);
// Lambda's timestamp text: "2024-05-01T12:00:00.000+0000".
std::string lambda_timestamp(int64_t epoch_ms);

}  // namespace sluice::lambda
