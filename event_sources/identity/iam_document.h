#pragma once
// Internal: an account's IAM entities as one JSON document, the form identity.db keeps them in
// (one row per account). Reading is lenient: a member that is missing or of the wrong type takes
// its default, so documents written by an earlier release still open.

#include <optional>
#include <string>

#include "sluice/identity/iam_entities.h"

namespace sluice::identity::detail {

std::string iam_account_document(const IamAccount& account);
std::optional<IamAccount> iam_account_of(const std::string& account_id, const std::string& document);

}  // namespace sluice::identity::detail
