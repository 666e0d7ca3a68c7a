// KMS cryptographic actions: Encrypt, Decrypt, ReEncrypt, the data keys and GenerateRandom (see
// kms_actions.h). Blobs travel base64-encoded in JSON.

#include "kms_actions.h"
#include "sluice/common/crypto.h"

namespace sluice::api::kms_wire::detail {

namespace json = boost::json;

namespace {

constexpr std::string_view kAlgorithm = "SYMMETRIC_DEFAULT";

void check_algorithm(KmsRequest& request, std::string_view member) {
  if (auto algorithm = request.string(member)) {
    request.validation().one_of(field_name(member), *algorithm,
                                {"SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"});
  }
}

std::optional<common::AwsError> symmetric_only(KmsRequest& request, std::string_view member) {
  auto algorithm = request.string(member);
  if (algorithm && *algorithm != kAlgorithm) {
    return common::aws_error(
        common::AwsErrorCode::KmsInvalidKeyUsage,
        "The encryption algorithm " + *algorithm + " is not compatible with the key spec of this KMS key.");
  }
  return std::nullopt;
}

std::string required_blob(KmsRequest& request, std::string_view member) {
  std::optional<std::string> blob = request.blob(member);
  request.validation().not_null(field_name(member), blob.has_value());
  return blob.value_or("");
}

// A blob's length constraint; AWS's text leaves the (secret) value out.
std::optional<common::AwsError> check_blob_length(std::string_view member, const std::string& blob, size_t max) {
  if (blob.size() >= 1 && blob.size() <= max) return std::nullopt;
  return common::aws_error(
      common::AwsErrorCode::KmsValidation,
      "1 validation error detected: Value at '" + field_name(member) +
          "' failed to satisfy constraint: Member must have length " +
          (blob.empty() ? "greater than or equal to 1" : "less than or equal to " + std::to_string(max)));
}

// GenerateDataKey(WithoutPlaintext): NumberOfBytes 1..1024 or KeySpec AES_128/AES_256, one of them.
common::Outcome<size_t> data_key_size(KmsRequest& request) {
  std::optional<int64_t> bytes = request.integer("NumberOfBytes");
  std::optional<std::string> spec = request.string("KeySpec");
  if (bytes) request.validation().range("numberOfBytes", std::to_string(*bytes), *bytes, 1, 1024);
  if (spec) request.validation().one_of("keySpec", *spec, {"AES_256", "AES_128"});
  if (auto error = request.error()) return *error;
  if (bytes.has_value() == spec.has_value()) {
    return common::aws_error(common::AwsErrorCode::KmsValidation, "Please specify either number of bytes or key spec.");
  }
  if (bytes) return static_cast<size_t>(*bytes);
  return size_t{*spec == "AES_128" ? 16u : 32u};
}

Result data_key(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys, bool with_plaintext) {
  std::string key_id = request.key_id();
  kms::EncryptionContext context = request.context("EncryptionContext").value_or(kms::EncryptionContext{});
  (void)request.strings("GrantTokens");
  auto size = data_key_size(request);
  if (!size) return size.take_error();
  auto key = keys.generate_data_key(scope, key_id, *size, context, with_plaintext);
  if (!key) return key.take_error();
  json::object out{{"CiphertextBlob", common::base64_encode(key->ciphertext_blob)}, {"KeyId", key->key_arn}};
  if (with_plaintext) out["Plaintext"] = common::base64_encode(key->plaintext);
  return out;
}

}  // namespace

Result encrypt(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  std::string plaintext = required_blob(request, "Plaintext");
  kms::EncryptionContext context = request.context("EncryptionContext").value_or(kms::EncryptionContext{});
  check_algorithm(request, "EncryptionAlgorithm");
  (void)request.strings("GrantTokens");
  if (auto error = request.error()) return *error;
  if (auto invalid = check_blob_length("Plaintext", plaintext, 4096)) return *invalid;
  if (auto refused = symmetric_only(request, "EncryptionAlgorithm")) return *refused;
  auto sealed = keys.encrypt(scope, key_id, plaintext, context);
  if (!sealed) return sealed.take_error();
  return json::object{{"CiphertextBlob", common::base64_encode(sealed->ciphertext_blob)},
                      {"KeyId", sealed->key_arn},
                      {"EncryptionAlgorithm", kAlgorithm}};
}

Result decrypt(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string blob = required_blob(request, "CiphertextBlob");
  kms::EncryptionContext context = request.context("EncryptionContext").value_or(kms::EncryptionContext{});
  std::optional<std::string> key_id = request.string("KeyId");
  if (key_id) request.validation().length("keyId", *key_id, 1, 2048);
  check_algorithm(request, "EncryptionAlgorithm");
  (void)request.strings("GrantTokens");
  if (auto error = request.error()) return *error;
  if (auto invalid = check_blob_length("CiphertextBlob", blob, 6144)) return *invalid;
  if (auto refused = symmetric_only(request, "EncryptionAlgorithm")) return *refused;
  auto plain = keys.decrypt(scope, blob, context, key_id);
  if (!plain) return plain.take_error();
  return json::object{{"KeyId", plain->key_arn},
                      {"Plaintext", common::base64_encode(plain->plaintext)},
                      {"EncryptionAlgorithm", kAlgorithm}};
}

Result re_encrypt(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string blob = required_blob(request, "CiphertextBlob");
  kms::EncryptionContext source_context = request.context("SourceEncryptionContext").value_or(kms::EncryptionContext{});
  std::optional<std::string> source_key = request.string("SourceKeyId");
  if (source_key) request.validation().length("sourceKeyId", *source_key, 1, 2048);
  std::string destination_key = request.key_id("DestinationKeyId");
  kms::EncryptionContext destination_context =
      request.context("DestinationEncryptionContext").value_or(kms::EncryptionContext{});
  check_algorithm(request, "SourceEncryptionAlgorithm");
  check_algorithm(request, "DestinationEncryptionAlgorithm");
  (void)request.strings("GrantTokens");
  if (auto error = request.error()) return *error;
  if (auto invalid = check_blob_length("CiphertextBlob", blob, 6144)) return *invalid;
  if (auto refused = symmetric_only(request, "SourceEncryptionAlgorithm")) return *refused;
  if (auto refused = symmetric_only(request, "DestinationEncryptionAlgorithm")) return *refused;
  auto plain = keys.decrypt(scope, blob, source_context, source_key);
  if (!plain) return plain.take_error();
  auto sealed = keys.encrypt(scope, destination_key, plain->plaintext, destination_context);
  if (!sealed) return sealed.take_error();
  return json::object{{"CiphertextBlob", common::base64_encode(sealed->ciphertext_blob)},
                      {"SourceKeyId", plain->key_arn},
                      {"KeyId", sealed->key_arn},
                      {"SourceEncryptionAlgorithm", kAlgorithm},
                      {"DestinationEncryptionAlgorithm", kAlgorithm}};
}

Result generate_data_key(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  return data_key(request, scope, keys, true);
}

Result generate_data_key_without_plaintext(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  return data_key(request, scope, keys, false);
}

Result generate_random(KmsRequest& request, const kms::Scope&, kms::KeyManager&) {
  std::optional<int64_t> bytes = request.integer("NumberOfBytes");
  (void)request.string("CustomKeyStoreId");
  if (bytes) request.validation().range("numberOfBytes", std::to_string(*bytes), *bytes, 1, 1024);
  if (auto error = request.error()) return *error;
  // AWS answers a missing NumberOfBytes with a one-line ValidationException of its own.
  if (!bytes) return common::aws_error(common::AwsErrorCode::KmsValidation, "NumberOfBytes is required.");
  return json::object{{"Plaintext", common::base64_encode(common::random_bytes(static_cast<size_t>(*bytes)))}};
}

}  // namespace sluice::api::kms_wire::detail
