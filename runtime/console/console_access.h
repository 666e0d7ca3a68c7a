#pragma once
// Internal: whether the console may do what an endpoint stands for, as ConsoleOptions::principal
// under --auth audit|enforce (see console.h). The principal's identity policies and boundary come
// from the PolicySource and are compiled once per generation of it; the resource's own policy (a
// queue's Policy) is compiled per call.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/mutex.h"
#include "sluice/console/console.h"
#include "sluice/identity/evaluation.h"

namespace sluice::console::detail {

class ConsoleAccess {
 public:
  explicit ConsoleAccess(const ConsoleOptions& options);
  // AccessDenied (AWS's text) when the console's principal may not do `action` on `resource`;
  // nullopt when it may, or when auth is off. In audit mode a refusal is logged, not returned.
  std::optional<common::AwsError> check(std::string_view action, std::string_view resource,
                                        std::string_view resource_account, std::string_view resource_policy) const;

 private:
  struct Compiled {
    uint64_t generation = 0;
    bool loaded = false;
    std::vector<identity::NamedPolicy> identity;
    std::optional<identity::NamedPolicy> boundary;
  };
  void refresh() const;

  identity::AuthMode mode_;
  std::optional<identity::Principal> principal_;
  std::shared_ptr<const identity::PolicySource> policies_;
  std::function<void(std::string_view line)> audit_log_;
  mutable common::Mutex mu_;
  mutable Compiled compiled_ GUARDED_BY(mu_);
};

}  // namespace sluice::console::detail
