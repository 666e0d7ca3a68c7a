#pragma once
// Internal: the readings of a request that routing needs beyond those in server.h.

#include <string_view>

#include "sluice/api/server/server.h"

namespace sluice::api::server::detail {

// A POST whose body is a form (no Content-Type, or application/x-www-form-urlencoded).
bool is_form_body(const http::Request& request);
// The first value of `name` in the form, or "".
std::string_view form_value(const query::FormParams& form, std::string_view name);
// "/service/<Name>/operation/<Operation>" (Smithy RPC v2) -> Name, else "".
std::string_view rpc_v2_service(std::string_view path);

}  // namespace sluice::api::server::detail
