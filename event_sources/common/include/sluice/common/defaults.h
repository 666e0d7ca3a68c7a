#pragma once
// The account and region sluice acts for when nothing names one: no 12-digit access key id, no
// region in the credential scope, no --account / --region flag, a function without an ARN. One
// pair for every component, so an ARN built by one part names what another part created.

namespace sluice::common {

inline constexpr char kDefaultAccountId[] = "123456789012";
inline constexpr char kDefaultRegion[] = "us-east-1";

}  // namespace sluice::common
