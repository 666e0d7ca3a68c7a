// What every service that speaks only the Query protocol (STS, IAM, ...) shares: a table of its
// actions sorted by name, the answers that come before an action runs (a form the front door could
// not decode, a missing Action, an Action the table does not have) and the answer after it (the
// action's Query document or the service's <ErrorResponse>). A service keeps its own context type:
// what its actions need from it.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <string_view>

#include "sluice/api/http/server.h"
#include "sluice/api/query/query.h"
#include "sluice/api/server/server.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::server {

template <typename Context>
struct QueryAction {
  std::string_view name;
  common::Outcome<std::string> (*run)(const Call&, Context&);
};

// The row named `name` in `rows` (sorted by name), or nullptr.
template <typename Context>
const QueryAction<Context>* find_query_action(std::span<const QueryAction<Context>> rows, std::string_view name) {
  auto it = std::lower_bound(rows.begin(), rows.end(), name,
                             [](const QueryAction<Context>& row, std::string_view n) { return row.name < n; });
  return it != rows.end() && it->name == name ? &*it : nullptr;
}

// True when `rows` is sorted by name with no name twice: each service static_asserts it of its table.
template <typename Context>
constexpr bool query_actions_sorted(std::span<const QueryAction<Context>> rows) {
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (!(rows[i - 1].name < rows[i].name)) return false;
  }
  return true;
}

// Answers a call that cannot reach an action (form error, missing Action, or `known` false: an
// Action this service version does not have) and returns false; returns true when the action may
// run.
bool admit_query_call(const Call& call, bool known, std::string_view version, const query::Dialect& dialect,
                      http::Responder& responder);

// Answers an action's outcome: its <Action>Response document (with a <Action>Result element when
// `with_result`) or the error in the service's dialect.
void respond_query_outcome(http::Responder& responder, std::string_view action,
                           const common::Outcome<std::string>& outcome, std::string_view request_id,
                           const query::Dialect& dialect, bool with_result);

}  // namespace sluice::api::server
