// The KMS service on the front door (see kms_service.h): a sorted table of actions over the
// KeyManager, answers and errors in the JSON 1.1 protocol.

#include "sluice/api/kms_wire/kms_service.h"

#include <algorithm>

#include "authorization.h"
#include "kms_actions.h"
#include "sluice/api/json/json.h"

namespace sluice::api::kms_wire {
namespace {

constexpr server::Service::Routes kRoutes{"kms", "kms", "TrentService", "", ""};
// KMS's error types carry no namespace prefix.
constexpr json::Dialect kDialect{"", "application/x-amz-json-1.1"};

struct ActionRow {
  std::string_view name;
  detail::Action run;
};
// Sorted by name.
constexpr ActionRow kActions[] = {
    {"CancelKeyDeletion", detail::cancel_key_deletion},
    {"CreateAlias", detail::create_alias},
    {"CreateKey", detail::create_key},
    {"Decrypt", detail::decrypt},
    {"DeleteAlias", detail::delete_alias},
    {"DescribeKey", detail::describe_key},
    {"DisableKey", detail::disable_key},
    {"DisableKeyRotation", detail::disable_key_rotation},
    {"EnableKey", detail::enable_key},
    {"EnableKeyRotation", detail::enable_key_rotation},
    {"Encrypt", detail::encrypt},
    {"GenerateDataKey", detail::generate_data_key},
    {"GenerateDataKeyWithoutPlaintext", detail::generate_data_key_without_plaintext},
    {"GenerateRandom", detail::generate_random},
    {"GetKeyPolicy", detail::get_key_policy},
    {"GetKeyRotationStatus", detail::get_key_rotation_status},
    {"ListAliases", detail::list_aliases},
    {"ListKeyPolicies", detail::list_key_policies},
    {"ListKeys", detail::list_keys},
    {"ListResourceTags", detail::list_resource_tags},
    {"PutKeyPolicy", detail::put_key_policy},
    {"ReEncrypt", detail::re_encrypt},
    {"ScheduleKeyDeletion", detail::schedule_key_deletion},
    {"TagResource", detail::tag_resource},
    {"UntagResource", detail::untag_resource},
    {"UpdateAlias", detail::update_alias},
};

const ActionRow* find_action(std::string_view name) {
  auto it = std::lower_bound(std::begin(kActions), std::end(kActions), name,
                             [](const ActionRow& row, std::string_view n) { return row.name < n; });
  return it != std::end(kActions) && it->name == name ? it : nullptr;
}

class KmsService final : public server::Service {
 public:
  explicit KmsService(std::shared_ptr<kms::KeyManager> keys) : keys_(std::move(keys)) {}

  const Routes& routes() const override { return kRoutes; }
  // Changes commit to kms.db before they are answered.
  Execution execution() const override { return Execution::Workers; }
  bool has_action(std::string_view action) const override { return find_action(action) != nullptr; }

  void handle(server::Call call, http::ResponderPtr responder) override { responder->respond(answer(call)); }

  http::Response error_response(server::Protocol, const common::AwsError& error,
                                std::string_view request_id) const override {
    // KMS speaks only JSON 1.1, whatever the request tried. A refusal by policy is the common
    // AccessDeniedException with the front door's text, answered with HTTP 400 as KMS answers it (SDKs
    // report "AccessDeniedException: User: ... is not authorized to perform: kms:GenerateDataKey on
    // resource: ... because no resource-based policy allows the kms:GenerateDataKey action", "status
    // code: 400") where the common row says 403.
    return json::error_response_denied_as_400(error, request_id, kDialect);
  }

  // Runs in the workers' lane: naming the key reads the KeyManager, whose calls may wait on kms.db.
  std::optional<server::AuthorizationTarget> authorization(const server::Call& call) const override {
    if (call.request.method != "POST" || find_action(call.action) == nullptr) return std::nullopt;
    return detail::authorization_target(*keys_, call);
  }

 private:
  http::Response answer(const server::Call& call) {
    const std::string& request_id = call.ctx.request_id;
    const ActionRow* action = call.request.method == "POST" ? find_action(call.action) : nullptr;
    if (action == nullptr) {
      return json::error_response(common::aws_error(common::AwsErrorCode::UnknownOperation, ""), request_id, kDialect);
    }
    auto request = detail::KmsRequest::parse(call.request.body);
    if (!request) return json::error_response(request.error(), request_id, kDialect);
    const kms::Scope scope{call.ctx.account_id, call.ctx.region};
    detail::Result result = action->run(*request, scope, *keys_);
    if (!result) return json::error_response(result.error(), request_id, kDialect);
    return json::json_response(request_id, boost::json::serialize(*result), kDialect);
  }

  std::shared_ptr<kms::KeyManager> keys_;
};

}  // namespace

std::shared_ptr<server::Service> make_kms_service(std::shared_ptr<kms::KeyManager> keys) {
  return std::make_shared<KmsService>(std::move(keys));
}

}  // namespace sluice::api::kms_wire
