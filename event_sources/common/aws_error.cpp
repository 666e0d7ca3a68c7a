// The error table as two arrays indexed by AwsErrorCode: the facts of each row and its name.

#include "sluice/common/aws_error.h"

namespace sluice::common {
namespace {

constexpr AwsErrorInfo kInfos[] = {
#define X(service, id, status, query, json, fault) {AwsService::service, status, query, json, Fault::fault},
#include "sluice/common/aws_error_codes.def"
#undef X
};

constexpr std::string_view kNames[] = {
#define X(service, id, status, query, json, fault) #id,
#include "sluice/common/aws_error_codes.def"
#undef X
};

}  // namespace

const AwsErrorInfo& error_info(AwsErrorCode code) { return kInfos[static_cast<int>(code)]; }
std::string_view error_name(AwsErrorCode code) { return kNames[static_cast<int>(code)]; }

}  // namespace sluice::common
