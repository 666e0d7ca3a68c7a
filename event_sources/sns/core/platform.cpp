// Platform applications and endpoints (mobile push). An application is named by
// arn:aws:sns:REGION:ACCOUNT:app/PLATFORM/NAME and keeps its credentials without ever showing
// them; an endpoint (…:endpoint/PLATFORM/NAME/UUID) is a device token under one application.
// CreatePlatformEndpoint is idempotent for a token whose attributes are the same, and refuses the
// same token with different ones. Deleting an application deletes its endpoints; deleting an
// endpoint leaves the subscriptions that name it (as AWS does). Publishing to an endpoint puts
// the message into the platform outbox; a disabled application (PlatformApplicationDisabled) or
// endpoint (EndpointDisabled) refuses it. Creating, updating and deleting an endpoint send the
// application's event notifications (application_events.h).

#include "mobile_impl.h"

namespace sluice::sns::detail {

namespace {

constexpr size_t kApplicationsPerPage = 15;  // ListPlatformApplications: up to 15 per page
constexpr size_t kEndpointsPerPage = 100;

common::AwsError application_not_found() {
  return common::aws_error(common::AwsErrorCode::NotFound, "PlatformApplication does not exist");
}
common::AwsError endpoint_not_found() {
  return common::aws_error(common::AwsErrorCode::NotFound, "Endpoint does not exist");
}

// What Get/List show: the settable attributes, never the credentials, Enabled "true" unless set.
AttributeMap shown_application_attributes(const PlatformApplication& app) {
  AttributeMap shown = app.attributes;
  shown.erase("PlatformCredential");
  shown.erase("PlatformPrincipal");
  shown.emplace("Enabled", "true");
  return shown;
}

std::string arn_prefix(const CallContext& ctx) { return "arn:aws:sns:" + ctx.region + ":" + ctx.account_id + ":"; }

}  // namespace

common::Outcome<std::string> MobileImpl::create_platform_application(const CallContext& ctx, const std::string& name,
                                                                     const std::string& platform,
                                                                     const AttributeMap& attributes) {
  if (attributes.empty()) return null_member("attributes");
  if (auto st = validate_application_name(name); !st) return st.error();
  if (!supported_platform(platform)) return invalid_parameter("Platform Reason: " + platform + " is not supported");
  if (auto st = validate_application_attributes(attributes, true); !st) return st.error();
  PlatformApplication app{
      arn_prefix(ctx) + "app/" + platform + "/" + name, name, platform, ctx.account_id, ctx.region, attributes};
  common::MutexLock lock(mu_);
  if (auto st = put("platform-application", app.arn, application_to_json(app)); !st) return st.error();
  std::string arn = app.arn;
  applications_[arn] = std::move(app);
  return arn;
}

common::Outcome<AttributeMap> MobileImpl::get_platform_application_attributes(const CallContext&,
                                                                              const std::string& arn) {
  if (auto parsed = parse_application_arn(arn); !parsed) return parsed.error();
  common::MutexLock lock(mu_);
  auto it = applications_.find(arn);
  if (it == applications_.end()) return application_not_found();
  return shown_application_attributes(it->second);
}

common::Status MobileImpl::set_platform_application_attributes(const CallContext&, const std::string& arn,
                                                               const AttributeMap& attributes) {
  if (attributes.empty()) return null_member("attributes");
  if (auto parsed = parse_application_arn(arn); !parsed) return parsed.error();
  common::MutexLock lock(mu_);
  auto it = applications_.find(arn);
  if (it == applications_.end()) return application_not_found();
  if (auto st = validate_application_attributes(attributes, false); !st) return st;
  PlatformApplication updated = it->second;
  for (const auto& [k, v] : attributes) updated.attributes[k] = v;
  if (auto st = put("platform-application", arn, application_to_json(updated)); !st) return st;
  it->second = std::move(updated);
  return common::ok_status();
}

common::Status MobileImpl::delete_platform_application(const CallContext&, const std::string& arn) {
  if (auto parsed = parse_application_arn(arn); !parsed) return parsed.error();
  common::MutexLock lock(mu_);
  if (applications_.count(arn) == 0) return common::ok_status();  // idempotent, as AWS documents
  if (auto st = erase("platform-application", arn); !st) return st;
  applications_.erase(arn);
  for (auto it = endpoints_.begin(); it != endpoints_.end();) {
    // An endpoint whose row cannot be erased stays listed: memory never claims less than the file.
    if (it->second.application_arn == arn && erase("platform-endpoint", it->first).ok()) {
      it = endpoints_.erase(it);
    } else {
      ++it;
    }
  }
  return common::ok_status();
}

common::Outcome<Page<ArnWithAttributes>> MobileImpl::list_platform_applications(
    const CallContext& ctx, const std::optional<std::string>& token) {
  std::vector<ArnWithAttributes> all;
  {
    common::MutexLock lock(mu_);
    for (const auto& [arn, app] : applications_) {
      if (app.account_id == ctx.account_id && app.region == ctx.region) {
        all.push_back({arn, shown_application_attributes(app)});
      }
    }
  }
  return page_after(all, token, kApplicationsPerPage, [](const ArnWithAttributes& a) { return a.arn; });
}

common::Outcome<std::string> MobileImpl::create_platform_endpoint(const CallContext& ctx,
                                                                  const std::string& application_arn,
                                                                  const std::optional<std::string>& token,
                                                                  const std::optional<std::string>& custom_user_data,
                                                                  const AttributeMap& attributes) {
  if (!token) return null_member("token");
  if (auto parsed = parse_application_arn(application_arn); !parsed) return parsed.error();
  AttributeMap wanted = attributes;
  if (custom_user_data) wanted["CustomUserData"] = *custom_user_data;  // the parameter wins over the attribute
  if (auto st = validate_endpoint_attributes(wanted); !st) return st.error();
  if (token->empty()) return invalid_parameter("Token Reason: cannot be empty");
  wanted["Token"] = *token;
  wanted.emplace("Enabled", "true");

  ApplicationEvents events(publish_event_);  // sent once the lock below is released
  common::MutexLock lock(mu_);
  auto app = applications_.find(application_arn);
  if (app == applications_.end()) return application_not_found();
  for (const auto& [arn, endpoint] : endpoints_) {
    if (endpoint.application_arn != application_arn) continue;
    auto existing_token = endpoint.attributes.find("Token");
    if (existing_token == endpoint.attributes.end() || existing_token->second != *token) continue;
    if (endpoint.attributes != wanted) {
      return invalid_parameter("Token Reason: Endpoint " + arn +
                               " already exists with the same Token, but different attributes.");
    }
    return arn;
  }
  const PlatformApplication& a = app->second;
  PlatformEndpoint endpoint{arn_prefix(ctx) + "endpoint/" + a.platform + "/" + a.name + "/" + common::uuid4(),
                            application_arn, a.account_id, a.region, std::move(wanted)};
  if (auto st = put("platform-endpoint", endpoint.arn, endpoint_to_json(endpoint)); !st) return st.error();
  std::string arn = endpoint.arn;
  endpoints_[arn] = std::move(endpoint);
  events.add(a.attributes, event_attribute(EndpointEvent::Created),
             endpoint_event_message(EndpointEvent::Created, arn, application_arn, clock_->now_ms()));
  return arn;
}

common::Outcome<AttributeMap> MobileImpl::get_endpoint_attributes(const CallContext&, const std::string& arn) {
  if (auto parsed = parse_endpoint_arn(arn, "EndpointArn"); !parsed) return parsed.error();
  common::MutexLock lock(mu_);
  auto it = endpoints_.find(arn);
  if (it == endpoints_.end()) return endpoint_not_found();
  return it->second.attributes;
}

common::Status MobileImpl::set_endpoint_attributes(const CallContext&, const std::string& arn,
                                                   const AttributeMap& attributes) {
  if (attributes.empty()) return null_member("attributes");
  if (auto parsed = parse_endpoint_arn(arn, "EndpointArn"); !parsed) return parsed.error();
  ApplicationEvents events(publish_event_);  // sent once the lock below is released
  common::MutexLock lock(mu_);
  auto it = endpoints_.find(arn);
  if (it == endpoints_.end()) return endpoint_not_found();
  if (auto st = validate_endpoint_attributes(attributes); !st) return st;
  PlatformEndpoint updated = it->second;
  for (const auto& [k, v] : attributes) updated.attributes[k] = v;
  if (auto st = put("platform-endpoint", arn, endpoint_to_json(updated)); !st) return st;
  const bool changed = updated.attributes != it->second.attributes;
  it->second = std::move(updated);
  if (auto app = applications_.find(it->second.application_arn); changed && app != applications_.end()) {
    events.add(app->second.attributes, event_attribute(EndpointEvent::Updated),
               endpoint_event_message(EndpointEvent::Updated, arn, app->first, clock_->now_ms()));
  }
  return common::ok_status();
}

common::Status MobileImpl::delete_endpoint(const CallContext&, const std::string& arn) {
  if (auto parsed = parse_endpoint_arn(arn, "EndpointArn"); !parsed) return parsed.error();
  ApplicationEvents events(publish_event_);  // sent once the lock below is released
  common::MutexLock lock(mu_);
  if (auto it = endpoints_.find(arn); it != endpoints_.end()) {
    if (auto st = erase("platform-endpoint", arn); !st) return st;
    const std::string application_arn = it->second.application_arn;
    endpoints_.erase(it);
    if (auto app = applications_.find(application_arn); app != applications_.end()) {
      events.add(app->second.attributes, event_attribute(EndpointEvent::Deleted),
                 endpoint_event_message(EndpointEvent::Deleted, arn, application_arn, clock_->now_ms()));
    }
  }
  return common::ok_status();  // idempotent, as AWS documents
}

common::Outcome<Page<ArnWithAttributes>> MobileImpl::list_endpoints_by_platform_application(
    const CallContext&, const std::string& application_arn, const std::optional<std::string>& token) {
  if (auto parsed = parse_application_arn(application_arn); !parsed) return parsed.error();
  std::vector<ArnWithAttributes> all;
  {
    common::MutexLock lock(mu_);
    if (applications_.count(application_arn) == 0) return application_not_found();
    for (const auto& [arn, endpoint] : endpoints_) {
      if (endpoint.application_arn == application_arn) all.push_back({arn, endpoint.attributes});
    }
  }
  return page_after(all, token, kEndpointsPerPage, [](const ArnWithAttributes& a) { return a.arn; });
}

common::Outcome<PublishResult> MobileImpl::publish_to_endpoint(const CallContext&, const PublishRequest& request) {
  const std::string& target = *request.target_arn;
  auto parsed = parse_endpoint_arn(target, "TargetArn");
  if (!parsed) return parsed.error();
  if (auto st = validate_message(request, std::nullopt, nullptr); !st) return st.error();
  ApplicationEvents events(publish_event_);  // sent once the lock below is released
  common::MutexLock lock(mu_);
  auto it = endpoints_.find(target);
  if (it == endpoints_.end()) {
    return invalid_parameter("TargetArn Reason: No endpoint found for the target arn specified");
  }
  // A disabled application (Enabled=false, which AWS also sets when the push service refuses its
  // credentials) refuses before its endpoint is looked at; the text is AWS's.
  auto app = applications_.find(it->second.application_arn);
  if (app != applications_.end()) {
    auto app_enabled = app->second.attributes.find("Enabled");
    if (app_enabled != app->second.attributes.end() && app_enabled->second == "false") {
      return common::aws_error(common::AwsErrorCode::PlatformApplicationDisabled, "Platform application is disabled");
    }
  }
  auto enabled = it->second.attributes.find("Enabled");
  if (enabled != it->second.attributes.end() && enabled->second == "false") {
    return common::aws_error(common::AwsErrorCode::EndpointDisabled, "Endpoint is disabled");
  }
  OutboxMessage m;
  m.account_id = it->second.account_id;
  m.region = it->second.region;
  m.target = target;
  m.message_id = common::uuid4();
  if (push_refused(it->second, m.message_id, events)) return PublishResult{request.id, m.message_id, std::nullopt};
  m.message = *request.message;
  m.subject = request.subject;
  m.message_structure = request.message_structure;
  m.message_attributes = request.message_attributes;
  PublishResult result{request.id, m.message_id, std::nullopt};
  record(Box::Platform, std::move(m));
  return result;
}

common::Status MobileImpl::reject_platform_token(const std::string& endpoint_arn) {
  common::MutexLock lock(mu_);
  if (endpoints_.count(endpoint_arn) == 0) return endpoint_not_found();
  rejected_tokens_.insert(endpoint_arn);
  return common::ok_status();
}

bool MobileImpl::push_refused(PlatformEndpoint& endpoint, const std::string& message_id, ApplicationEvents& events) {
  if (rejected_tokens_.erase(endpoint.arn) == 0) return false;
  PlatformEndpoint disabled = endpoint;
  disabled.attributes["Enabled"] = "false";
  // The push failed either way; a store failure only means Enabled is not remembered as false.
  if (put("platform-endpoint", endpoint.arn, endpoint_to_json(disabled)).ok()) endpoint = std::move(disabled);
  auto app = applications_.find(endpoint.application_arn);
  if (app != applications_.end()) {
    const int64_t now = clock_->now_ms();
    events.add(app->second.attributes, "EventDeliveryFailure",
               delivery_failure_message(endpoint.arn, app->first, message_id, "InvalidPlatformToken",
                                        "Platform token associated with the endpoint is not valid", now));
    events.add(app->second.attributes, event_attribute(EndpointEvent::Updated),
               endpoint_event_message(EndpointEvent::Updated, endpoint.arn, app->first, now));
  }
  return true;
}

}  // namespace sluice::sns::detail
