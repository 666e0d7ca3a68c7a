#pragma once
// IAM policy documents, compiled once: identity policies, permissions boundaries, session policies
// and resource policies (a queue's or a topic's Policy attribute, a Lambda function policy) all
// share the grammar of the IAM User Guide's "IAM JSON policy element reference":
//
//   Version       "2012-10-17" (policy variables are substituted) or "2008-10-17" (they are text);
//                 absent means 2008-10-17, as IAM reads it.
//   Statement     one object or an array of them, each with
//     Sid           optional
//     Effect        "Allow" or "Deny"
//     Action | NotAction          "service:Name" patterns, '*' and '?' wildcards, case-insensitive
//     Resource | NotResource      ARN patterns, '*' and '?' wildcards, case-sensitive, with policy
//                                 variables (${aws:username}, ${aws:PrincipalTag/team},
//                                 ${key, 'default'}, and ${*} ${?} ${$} for the literal characters)
//     Principal | NotPrincipal    "*" or an object of AWS / Service / Federated / CanonicalUser
//                                 names (resource policies and trust policies)
//     Condition     see conditions.h; policy variables in its values are substituted too
//
// compile_policy() checks the grammar and answers why a document is malformed; PolicyCache keeps
// compiled documents by their text, so a request costs no JSON parsing once a policy was seen.
// Evaluation (which statement applies to which request) is in evaluation.h.
//
// Thread-safety: a CompiledPolicy is immutable and shared; a PolicyCache may be used from any
// thread.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sluice/common/aws_error.h"
#include "sluice/common/mutex.h"

namespace sluice::identity {

// A policy document in the form evaluation reads (defined in the component's internals).
struct CompiledPolicy;
using PolicyPtr = std::shared_ptr<const CompiledPolicy>;

// The compiled document, or why it is malformed.
common::Outcome<PolicyPtr, std::string> compile_policy(std::string_view document);

// Compiled policies by their text. A full cache is emptied and refilled: documents that are still
// in use stay alive through the shared pointers their users hold.
class PolicyCache {
 public:
  explicit PolicyCache(size_t capacity = 4096) : capacity_(capacity) {}
  common::Outcome<PolicyPtr, std::string> get(std::string_view document) const;
  size_t size() const;

 private:
  // Looks documents up by view, without copying them into a key.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  size_t capacity_;
  mutable common::Mutex mu_;
  mutable std::unordered_map<std::string, PolicyPtr, TextHash, std::equal_to<>> compiled_ GUARDED_BY(mu_);
};

}  // namespace sluice::identity
