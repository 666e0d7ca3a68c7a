#pragma once
// Internal: the Query handlers of SNS's mobile actions (platform applications and endpoints, SMS
// attributes, opt-outs, the SMS sandbox, origination numbers) and of the data protection policy
// calls, added to the action table of sns_actions.cpp.

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "form_reader.h"

namespace sluice::api::sns_wire::detail {

// A handler answers the XML inside <ActionResult>, nullopt for an action without a result element,
// or the AwsError.
using ActionBody = std::optional<std::string>;
using ActionHandler = std::function<common::Outcome<ActionBody>(Service&, const Params&, const CallContext&)>;
using ActionTable = std::unordered_map<std::string, ActionHandler>;

// `table` with the mobile and data protection actions added.
ActionTable with_mobile_actions(ActionTable table);

}  // namespace sluice::api::sns_wire::detail
