// See invocation_metrics.h.

#include "invocation_metrics.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace sluice::lambda::detail {

metrics::LambdaResource invoked_resource(std::string function_name, std::string_view qualifier,
                                         std::string executed_version) {
  metrics::LambdaResource resource;
  resource.function_name = std::move(function_name);
  resource.executed_version = std::move(executed_version);
  // $LATEST is the unqualified function: no Resource of its own, as for a call that names none.
  if (qualifier.empty() || qualifier == "$LATEST") return resource;
  resource.qualifier = std::string(qualifier);
  // A version is a number; any other qualifier is an alias.
  resource.alias = !std::all_of(qualifier.begin(), qualifier.end(),
                                [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  return resource;
}

metrics::LambdaResource invoked_resource_of_arn(std::string_view invoked_arn, std::string executed_version) {
  // arn : aws : lambda : REGION : ACCOUNT : function : NAME [: QUALIFIER]
  std::string_view rest = invoked_arn;
  for (int i = 0; i < 6; ++i) {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos)
      return invoked_resource(std::string(invoked_arn), "", std::move(executed_version));
    rest.remove_prefix(colon + 1);
  }
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return invoked_resource(std::string(rest), "", std::move(executed_version));
  return invoked_resource(std::string(rest.substr(0, colon)), rest.substr(colon + 1), std::move(executed_version));
}

}  // namespace sluice::lambda::detail
