// Keys and aliases: states, the deletion schedule on a manual clock, rotation status, policies,
// tags, AWS-managed keys, and kms.db across a reopen.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "kms_fixture.h"

using namespace sluice;
using kms_test::kScope;

namespace {

constexpr int64_t kDayS = 24 * 60 * 60;

std::string arn_of(const std::string& id) { return "arn:aws:kms:us-east-1:123456789012:key/" + id; }

}  // namespace

TEST_CASE("a new key: enabled, symmetric, with the default key policy AWS writes") {
  kms_test::Keys k;
  kms::CreateKeyRequest request;
  request.description = "orders";
  request.tags = {{"team", "payments"}};
  auto meta = k.keys->create_key(kScope, request);
  REQUIRE(meta.ok());
  CHECK(meta->key_id.size() == 36);
  CHECK(meta->arn == arn_of(meta->key_id));
  CHECK(meta->state == kms::KeyState::Enabled);
  CHECK(meta->creation_ms == k.clock->now_ms());
  CHECK_FALSE(meta->aws_managed);
  CHECK(meta->policy.find("\"Id\" : \"key-default-1\"") != std::string::npos);
  CHECK(meta->policy.find("\"AWS\" : \"arn:aws:iam::123456789012:root\"") != std::string::npos);
  CHECK(meta->policy.find("\"Action\" : \"kms:*\"") != std::string::npos);
  CHECK(k.keys->describe_key(kScope, meta->arn)->description == "orders");
  REQUIRE(k.keys->list_keys(kScope).size() == 1);
  CHECK(k.keys->list_keys(kms::Scope{"123456789012", "eu-west-1"}).empty());
}

TEST_CASE("unknown keys and aliases are NotFoundException with KMS's texts") {
  kms_test::Keys k;
  const std::string missing = "11111111-2222-3333-4444-555555555555";
  auto by_id = k.keys->describe_key(kScope, missing);
  REQUIRE_FALSE(by_id.ok());
  CHECK(by_id.error().code == common::AwsErrorCode::KmsKeyNotFound);
  CHECK(by_id.error().message == "Key '" + arn_of(missing) + "' does not exist");
  auto by_alias = k.keys->describe_key(kScope, "alias/nothing");
  CHECK(by_alias.error().message == "Alias arn:aws:kms:us-east-1:123456789012:alias/nothing is not found.");
  CHECK(k.keys->describe_key(kScope, "not-a-key").error().message == "Invalid keyId 'not-a-key'");
}

TEST_CASE("disabled keys refuse cryptography until enabled again") {
  kms_test::Keys k;
  const std::string id = k.new_key();
  std::string blob = k.keys->encrypt(kScope, id, "x", {})->ciphertext_blob;
  REQUIRE(k.keys->disable_key(kScope, id).ok());
  CHECK(k.keys->describe_key(kScope, id)->state == kms::KeyState::Disabled);
  auto refused = k.keys->encrypt(kScope, id, "x", {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == common::AwsErrorCode::KmsKeyDisabled);
  CHECK(refused.error().message == arn_of(id) + " is disabled.");
  CHECK(k.keys->decrypt(kScope, blob, {}, std::nullopt).error().code == common::AwsErrorCode::KmsKeyDisabled);
  CHECK(k.keys->generate_data_key(kScope, id, 32, {}, true).error().code == common::AwsErrorCode::KmsKeyDisabled);
  REQUIRE(k.keys->enable_key(kScope, id).ok());
  CHECK(k.keys->decrypt(kScope, blob, {}, std::nullopt)->plaintext == "x");
}

TEST_CASE("scheduled deletion: pending for the window, cancellable, then gone with its aliases") {
  kms_test::Keys k;
  const std::string id = k.new_key();
  REQUIRE(k.keys->create_alias(kScope, "alias/doomed", id).ok());
  auto scheduled = k.keys->schedule_key_deletion(kScope, id, 7);
  REQUIRE(scheduled.ok());
  CHECK(scheduled->state == kms::KeyState::PendingDeletion);
  CHECK(*scheduled->deletion_ms == k.clock->now_ms() + 7 * kDayS * 1000);
  CHECK(*scheduled->pending_window_days == 7);

  auto refused = k.keys->encrypt(kScope, "alias/doomed", "x", {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == common::AwsErrorCode::KmsKeyInvalidState);
  CHECK(refused.error().message == arn_of(id) + " is pending deletion.");
  CHECK(k.keys->enable_key(kScope, id).error().code == common::AwsErrorCode::KmsKeyInvalidState);
  CHECK(k.keys->schedule_key_deletion(kScope, id, 30).error().code == common::AwsErrorCode::KmsKeyInvalidState);

  // Cancelled: back, but disabled (as AWS leaves it).
  auto cancelled = k.keys->cancel_key_deletion(kScope, id);
  REQUIRE(cancelled.ok());
  CHECK(cancelled->state == kms::KeyState::Disabled);
  CHECK_FALSE(cancelled->deletion_ms.has_value());
  CHECK(k.keys->cancel_key_deletion(kScope, id).error().message == arn_of(id) + " is not pending deletion.");

  // Scheduled again: one second before the window ends it is still there; at its end it is gone.
  REQUIRE(k.keys->schedule_key_deletion(kScope, id, 7).ok());
  k.clock->advance_s(7 * kDayS - 1);
  CHECK(k.keys->describe_key(kScope, id)->state == kms::KeyState::PendingDeletion);
  k.clock->advance_s(1);
  CHECK(k.keys->describe_key(kScope, id).error().code == common::AwsErrorCode::KmsKeyNotFound);
  CHECK(k.keys->list_keys(kScope).empty());
  auto aliases = k.keys->list_aliases(kScope, std::nullopt);
  REQUIRE(aliases.ok());
  for (const auto& alias : *aliases) CHECK(alias.name != "alias/doomed");
}

TEST_CASE("aliases: unique names, reserved prefix, update and delete") {
  kms_test::Keys k;
  const std::string a = k.new_key("a");
  const std::string b = k.new_key("b");
  REQUIRE(k.keys->create_alias(kScope, "alias/app", a).ok());
  auto duplicate = k.keys->create_alias(kScope, "alias/app", b);
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.error().code == common::AwsErrorCode::KmsAlreadyExists);
  CHECK(duplicate.error().message ==
        "An alias with the name arn:aws:kms:us-east-1:123456789012:alias/app already exists");
  CHECK(k.keys->create_alias(kScope, "app", a).error().code == common::AwsErrorCode::KmsValidation);
  CHECK(k.keys->create_alias(kScope, "alias/aws/mine", a).error().code == common::AwsErrorCode::KmsNotAuthorized);
  CHECK(k.keys->create_alias(kScope, "alias/other", "alias/app").error().code == common::AwsErrorCode::KmsValidation);

  CHECK(k.keys->describe_key(kScope, "alias/app")->key_id == a);
  CHECK(k.keys->describe_key(kScope, "arn:aws:kms:us-east-1:123456789012:alias/app")->key_id == a);
  REQUIRE(k.keys->update_alias(kScope, "alias/app", b).ok());
  CHECK(k.keys->describe_key(kScope, "alias/app")->key_id == b);
  CHECK(k.keys->list_aliases(kScope, b)->size() == 1);
  CHECK(k.keys->list_aliases(kScope, a)->empty());

  // Every listing names the AWS-managed aliases, without a key until one is used.
  auto all = k.keys->list_aliases(kScope, std::nullopt);
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].name == "alias/app");
  CHECK((*all)[1].name == "alias/aws/sns");
  CHECK((*all)[1].target_key_id.empty());

  REQUIRE(k.keys->delete_alias(kScope, "alias/app").ok());
  CHECK(k.keys->delete_alias(kScope, "alias/app").error().code == common::AwsErrorCode::KmsKeyNotFound);
  CHECK(k.keys->describe_key(kScope, "alias/app").error().code == common::AwsErrorCode::KmsKeyNotFound);
}

TEST_CASE("alias/aws/sqs names an AWS-managed key made on first use") {
  kms_test::Keys k;
  auto managed = k.keys->managed_key(kScope, kms::kSqsManagedAlias);
  REQUIRE(managed.ok());
  CHECK(managed->aws_managed);
  CHECK(managed->rotation_enabled);
  CHECK(managed->description == "Default key that protects my SQS messages when no other key is defined");
  CHECK(managed->policy.find("sqs.us-east-1.amazonaws.com") != std::string::npos);
  // The same key every time after.
  CHECK(k.keys->describe_key(kScope, "alias/aws/sqs")->key_id == managed->key_id);
  CHECK(k.keys->list_keys(kScope).size() == 1);
  CHECK(k.keys->list_aliases(kScope, managed->key_id)->at(0).name == "alias/aws/sqs");
  // Its rotation is AWS's to change.
  CHECK(k.keys->set_key_rotation(kScope, managed->key_id, false, std::nullopt).error().code ==
        common::AwsErrorCode::KmsUnsupportedOperation);
}

TEST_CASE("rotation status, policies and tags") {
  kms_test::Keys k;
  const std::string id = k.new_key();
  CHECK_FALSE(k.keys->describe_key(kScope, id)->rotation_enabled);
  REQUIRE(k.keys->set_key_rotation(kScope, id, true, 180).ok());
  auto rotating = k.keys->describe_key(kScope, id);
  CHECK(rotating->rotation_enabled);
  CHECK(rotating->rotation_period_days == 180);
  CHECK(*rotating->next_rotation_ms == k.clock->now_ms() + 180 * kDayS * 1000);
  REQUIRE(k.keys->set_key_rotation(kScope, id, false, std::nullopt).ok());
  CHECK_FALSE(k.keys->describe_key(kScope, id)->next_rotation_ms.has_value());

  REQUIRE(k.keys->put_key_policy(kScope, id, "{\"Version\":\"2012-10-17\",\"Statement\":[]}").ok());
  CHECK(k.keys->describe_key(kScope, id)->policy == "{\"Version\":\"2012-10-17\",\"Statement\":[]}");

  REQUIRE(k.keys->tag_resource(kScope, id, {{"a", "1"}, {"b", "2"}}).ok());
  REQUIRE(k.keys->tag_resource(kScope, id, {{"a", "3"}}).ok());
  REQUIRE(k.keys->untag_resource(kScope, id, {"b"}).ok());
  CHECK(k.keys->describe_key(kScope, id)->tags == kms::Tags{{"a", "3"}});
}

TEST_CASE("kms.db keeps keys, material and aliases across a reopen, readable by its owner only") {
  std::string pattern = (std::filesystem::temp_directory_path() / "kms_test_XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  const std::string dir = pattern;
  std::string id;
  std::string blob;
  {
    kms_test::Keys k(dir);
    id = k.new_key("durable");
    REQUIRE(k.keys->create_alias(kScope, "alias/kept", id).ok());
    REQUIRE(k.keys->disable_key(kScope, id).ok());
    REQUIRE(k.keys->enable_key(kScope, id).ok());
    blob = k.keys->encrypt(kScope, id, "survives", {{"k", "v"}})->ciphertext_blob;
  }
  struct stat st {};
  REQUIRE(::stat((dir + "/kms.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  {
    kms_test::Keys k(dir);
    CHECK(k.keys->describe_key(kScope, "alias/kept")->description == "durable");
    CHECK(k.keys->decrypt(kScope, blob, {{"k", "v"}}, std::nullopt)->plaintext == "survives");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("reset forgets the scope's keys and aliases at once, also in kms.db, and no other scope's") {
  std::string pattern = (std::filesystem::temp_directory_path() / "kms_test_XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  const std::string dir = pattern;
  const kms::Scope other{"123456789012", "eu-west-1"};
  std::string kept;
  {
    kms_test::Keys k(dir);
    const std::string id = k.new_key("goes");
    REQUIRE(k.keys->create_alias(kScope, "alias/goes", id).ok());
    REQUIRE(k.keys->managed_key(kScope, kms::kSqsManagedAlias).ok());
    auto elsewhere = k.keys->create_key(other, kms::CreateKeyRequest{});
    REQUIRE(elsewhere.ok());
    kept = elsewhere->key_id;
    CHECK(k.keys->reset(kScope) == 2);
    CHECK(k.keys->list_keys(kScope).empty());
    CHECK_FALSE(k.keys->describe_key(kScope, id).ok());
    auto aliases = k.keys->list_aliases(kScope, std::nullopt);
    REQUIRE(aliases.ok());
    for (const auto& alias : *aliases) {
      CAPTURE(alias.name);
      CHECK(alias.name.starts_with("alias/aws/"));  // listed as on AWS, with no key until first use
      CHECK(alias.target_key_id.empty());
    }
    CHECK(k.keys->list_keys(other).size() == 1);
  }
  kms_test::Keys reopened(dir);
  CHECK(reopened.keys->list_keys(kScope).empty());
  REQUIRE(reopened.keys->list_keys(other).size() == 1);
  CHECK(reopened.keys->list_keys(other)[0].key_id == kept);
  std::filesystem::remove_all(dir);
}
