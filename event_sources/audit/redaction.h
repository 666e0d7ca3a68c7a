#pragma once
// Internal: what an audit record must not hold, taken out of a call's parameters and answer as
// CloudTrail does. Members are matched by name at any depth, case-insensitively, on the last
// dotted part of a Query name ("SendMessageBatchRequestEntry.1.MessageBody" is a MessageBody):
//
// - dropped: secrets and key material (SecretAccessKey, SessionToken, Password, NewPassword,
//   OldPassword, PrivateKey, WebIdentityToken, SAMLAssertion), KMS plaintexts and ciphertexts
//   (Plaintext, CiphertextBlob, SourceCiphertextBlob), function code and payloads (ZipFile, Payload);
// - hidden ("HIDDEN_DUE_TO_SECURITY_REASONS", as CloudTrail writes SQS's and SNS's): message
//   bodies, SNS messages and subjects, message attribute values, function environment variables.

#include <string_view>

namespace sluice::audit::detail {

enum class Redaction { Keep, Drop, Hide };

// What becomes of a member named `key` (its name as the record writes it). The record is built
// with this applied as each member is copied (event_record.cpp), so nothing hidden or dropped is
// copied first.
Redaction redaction_of(std::string_view key);

}  // namespace sluice::audit::detail
