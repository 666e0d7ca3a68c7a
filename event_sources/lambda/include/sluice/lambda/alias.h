#pragma once
// Lambda's published versions and aliases (AWS: configuration-versions, configuration-aliases).
//
// PublishVersion freezes $LATEST's code and settings as version N (1, 2, ...; a number is never
// given twice, even after its version is deleted); nothing is published when $LATEST has not
// changed since the last version, which is answered again. An alias names one version and may
// send a share of invocations to a second one (RoutingConfig.AdditionalVersionWeights: one
// version, a weight from 0.0 to 1.0).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sluice/lambda/function.h"

namespace sluice::lambda {

using VersionWeights = std::map<std::string, double>;  // version -> share of invocations

struct AliasRecord {
  std::string function_name;
  std::string name;
  std::string arn;  // arn:aws:lambda:REGION:ACCOUNT:function:FUNCTION:ALIAS
  std::string function_version;
  std::string description;
  VersionWeights routing;  // empty: every invocation runs function_version
  std::string revision_id;
};

struct PublishVersionInput {
  std::optional<std::string> code_sha256;  // only if $LATEST's code is still this
  std::optional<std::string> description;  // the version's, instead of $LATEST's
  std::optional<std::string> revision_id;  // only if $LATEST's RevisionId is still this
};

// CreateAlias (function_version required) and UpdateAlias (absent fields are unchanged).
struct AliasInput {
  std::string name;
  std::optional<std::string> function_version;
  std::optional<std::string> description;
  std::optional<VersionWeights> routing;
  std::optional<std::string> revision_id;  // UpdateAlias only
};

struct VersionPage {
  std::vector<FunctionRecord> versions;  // $LATEST first, then by number
  std::string next_marker;
};

struct AliasPage {
  std::vector<AliasRecord> aliases;
  std::string next_marker;
};

// The AliasConfiguration JSON object of the Lambda API.
std::string alias_json(const AliasRecord& alias);

}  // namespace sluice::lambda
