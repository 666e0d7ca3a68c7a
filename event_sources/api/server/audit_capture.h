#pragma once
// Internal: the front door's side of the audit trail (sluice/audit/audit.h). A call the trail
// records gets a responder that, when the service answers, copies what the record needs (the
// caller, the request's text, the answer's status and, for calls whose answer is kept, its text)
// and queues it; turning the wire's form, XML or JSON into the record's JSON runs later, in the
// trail's lane.

#include <memory>
#include <string>

#include "sluice/api/server/server.h"
#include "sluice/audit/audit.h"

namespace sluice::api::server::detail {

// `inner` wrapped so that its answer is recorded as event `event_name` of `service`. `rest`: the
// call is one of the service's REST routes (a JSON body, errors named by x-amzn-ErrorType).
// `query_spec`: the model of the operation's Query request, when the service has one
// (Service::query_action_spec).
http::ResponderPtr audit_responder(http::ResponderPtr inner, std::shared_ptr<audit::Trail> trail, const Call& call,
                                   std::string service, std::string event_name, bool rest,
                                   const query::ActionSpec* query_spec);

}  // namespace sluice::api::server::detail
