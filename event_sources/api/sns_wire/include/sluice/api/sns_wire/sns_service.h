#pragma once
// SNS on the front door: the SNS Query API over the SNS service, as one server::Service. The front
// door routes a request here when its SigV4 scope names "sns", its Version is 2010-03-31, or (with
// neither) its Action is one SQS does not also have. SubscribeURL and UnsubscribeURL are Query GETs
// (?Action=ConfirmSubscription|Unsubscribe&...) and arrive like any request; the signing
// certificate is served as a plain GET at the path SigningCertURL names. Calls run on the front
// door's worker pool: they block on SNS's store commits.
//
// The SNS service must outlive this one; this one must outlive the ApiServer it is registered with.

#include <memory>

#include "sluice/api/server/server.h"
#include "sluice/sns/sns.h"

namespace sluice::api::sns_wire {

std::shared_ptr<server::Service> make_sns_service(sluice::sns::Service& service);

}  // namespace sluice::api::sns_wire
