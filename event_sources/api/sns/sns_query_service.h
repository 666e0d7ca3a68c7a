#pragma once
// SNS on the API port: the QueryService that hands SNS requests (claimed by SigV4 scope "sns",
// Version 2010-03-31, or an SNS-only action) to the SNS Query API, and serves the signing
// certificate at the path SigningCertURL names. SubscribeURL and UnsubscribeURL are Query GETs
// (?Action=ConfirmSubscription|Unsubscribe&...) and arrive through handle() like any request.

#include <memory>

#include "sluice/sns/sns.h"
#include "sqs/sqs_api.h"

namespace sluice::api::sns {

std::shared_ptr<sqs::QueryService> make_sns_query_service(sluice::sns::Service& service);

}  // namespace sluice::api::sns
