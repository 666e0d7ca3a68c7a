#pragma once
// KMS on the front door: AWS Key Management Service's JSON 1.1 protocol. The front door routes a
// request here when its X-Amz-Target is "TrentService.<Operation>" or its SigV4 scope names "kms".
//
// Actions: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion,
// CancelKeyDeletion, EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, GetKeyPolicy,
// PutKeyPolicy, ListKeyPolicies, TagResource, UntagResource, ListResourceTags, CreateAlias,
// UpdateAlias, DeleteAlias, ListAliases, Encrypt, Decrypt, ReEncrypt, GenerateDataKey,
// GenerateDataKeyWithoutPlaintext, GenerateRandom. Symmetric keys only: a CreateKey asking for an
// asymmetric or HMAC key spec, another origin or a multi-Region key is refused with
// UnsupportedOperationException, and grants, custom key stores and imported key material are not
// implemented (UnknownOperationException).
//
// Calls run on the front door's workers (a change commits to kms.db before the answer). The
// KeyManager must outlive the service.

#include <memory>

#include "sluice/api/server/server.h"
#include "sluice/kms/kms.h"

namespace sluice::api::kms_wire {

std::shared_ptr<server::Service> make_kms_service(std::shared_ptr<kms::KeyManager> keys);

}  // namespace sluice::api::kms_wire
