#pragma once
// Where requests to an AWS service go, resolved as the AWS SDKs resolve it (the SDKs' "endpoints"
// and "FIPS and dual-stack endpoints" settings):
//
//   1. an explicit endpoint (a flag, a mapping's Endpoint) wins;
//   2. else the service-specific environment variable AWS_ENDPOINT_URL_<SERVICE> (AWS_ENDPOINT_URL_SQS,
//      AWS_ENDPOINT_URL_AUTO_SCALING), then AWS_ENDPOINT_URL, unless
//      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true;
//   3. else the region's endpoint: https://<service>.<region>.amazonaws.com, with the FIPS variant
//      (<service>-fips.<region>.amazonaws.com) and the dual-stack variant (<service>.<region>.api.aws;
//      both: <service>-fips.<region>.api.aws) when asked for by flag or by AWS_USE_FIPS_ENDPOINT /
//      AWS_USE_DUALSTACK_ENDPOINT=true. China regions (cn-*) use amazonaws.com.cn and
//      api.amazonwebservices.com.cn; GovCloud regions (us-gov-*) are FIPS endpoints already.

#include <optional>
#include <string>

namespace sluice::aws {

struct EndpointSettings {
  std::string service;                // endpoint prefix: "sqs", "autoscaling"
  std::string env_suffix;             // the AWS_ENDPOINT_URL_<SUFFIX> of the service: "SQS", "AUTO_SCALING"
  std::string region;                 // required for the region's endpoint
  std::string explicit_endpoint;      // "" = none
  std::optional<bool> use_fips;       // nullopt: AWS_USE_FIPS_ENDPOINT
  std::optional<bool> use_dualstack;  // nullopt: AWS_USE_DUALSTACK_ENDPOINT
};

// The endpoint URL (scheme://host[:port], no trailing slash), or "" with *error set when no region
// is known and nothing configured names an endpoint.
std::string resolve_endpoint(const EndpointSettings& settings, std::string* error = nullptr);

}  // namespace sluice::aws
