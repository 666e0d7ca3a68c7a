#pragma once
// Where a principal's own policies come from: the seam between the stores of identity policies
// (the configuration file's users and roles today, the IAM API's users, groups, roles and managed
// policies when they hold them) and the evaluation that the front door runs for every request.
//
// Thread-safety: policies_for() is called from any thread; implementations lock what they read.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sluice/identity/principal.h"

namespace sluice::identity {

// A policy document with the name explanations give it ("alice/inline:send", a policy ARN).
struct PolicyDocument {
  std::string name;
  std::string document;  // JSON text
};

struct PolicyDocuments {
  std::vector<PolicyDocument> identity;    // the user's (and its groups') or the role's policies
  std::optional<PolicyDocument> boundary;  // the permissions boundary, if one is set
};

class PolicySource {
 public:
  virtual ~PolicySource() = default;
  // The identity policies and boundary of a user, or of the role behind a role session; none for
  // the root user and anonymous callers.
  virtual PolicyDocuments policies_for(const Principal& principal) const = 0;
  // Changes whenever any principal's policies may have changed, so that a reader may keep what
  // policies_for() answered (compiled) until it does.
  virtual uint64_t generation() const = 0;
};

}  // namespace sluice::identity
