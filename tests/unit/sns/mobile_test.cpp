// SNS's mobile side on the service itself: platform applications and endpoints with AWS's texts,
// the outboxes (filters, clearing, what application and sms subscriptions deliver there), opt-outs,
// the sandbox's one-time password, data protection policies, and all of it across a reopen.

#include <doctest/doctest.h>

#include "sluice/sns/mobile.h"
#include "sns_test_support.h"

namespace common = sluice::common;

using namespace sluice::sns;
using namespace sluice::sns::testing;

namespace {

template <typename T>
std::string error_of(const sluice::common::Outcome<T>& r) {
  return r.ok() ? "ok" : r.error().message;
}

std::string make_app(Fixture& f, const std::string& name = "app", const std::string& platform = "GCM") {
  auto r = f->mobile().create_platform_application(f.ctx, name, platform,
                                                   {{"PlatformCredential", "c"}, {"PlatformPrincipal", "p"}});
  REQUIRE(r.ok());
  return r.value();
}

std::string make_endpoint(Fixture& f, const std::string& app, const std::string& token) {
  auto r = f->mobile().create_platform_endpoint(f.ctx, app, token, std::nullopt, {});
  REQUIRE(r.ok());
  return r.value();
}

OutboxFilter everything(const Fixture& f) { return {f.ctx.account_id, f.ctx.region, ""}; }

std::string text_of(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : "(not a string)";
}

}  // namespace

TEST_CASE("platform applications: ARNs, hidden credentials, AWS's texts") {
  Fixture f;
  Mobile& m = f->mobile();
  const std::string app = make_app(f, "my.app-1", "ADM");
  CHECK(app == "arn:aws:sns:us-east-1:111111111111:app/ADM/my.app-1");
  CHECK(m.get_platform_application_attributes(f.ctx, app).value() == AttributeMap{{"Enabled", "true"}});
  CHECK(error_of(m.create_platform_application(f.ctx, "a", "ADM", {})) ==
        "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be "
        "null");
  CHECK(error_of(m.create_platform_application(f.ctx, "", "ADM", {{"Enabled", "true"}})) ==
        "Invalid parameter:  Reason: cannot be empty");
  CHECK(error_of(m.create_platform_application(f.ctx, "a", "AAA", {{"Enabled", "true"}})) ==
        "Invalid parameter: Platform Reason: AAA is not supported");
  CHECK(error_of(m.create_platform_application(f.ctx, "a", "ADM", {{"PlatformPrincipal", "p"}})) ==
        "Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential");
  CHECK(error_of(m.get_platform_application_attributes(f.ctx, "nope")) ==
        "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1");
  auto missing = m.get_platform_application_attributes(f.ctx, app + "x");
  CHECK(missing.error().code == common::AwsErrorCode::NotFound);
  CHECK(missing.error().info().http_status == 404);
  // Another account or region lists nothing.
  CHECK(m.list_platform_applications(CallContext{"222222222222", "us-east-1"}, std::nullopt)->items.empty());
  CHECK(m.list_platform_applications(f.ctx, std::nullopt)->items.size() == 1);
}

TEST_CASE("platform endpoints: idempotent tokens, attribute rules, deletion with the application") {
  Fixture f;
  Mobile& m = f->mobile();
  const std::string app = make_app(f);
  const std::string endpoint = make_endpoint(f, app, "token_1");
  CHECK(endpoint.rfind("arn:aws:sns:us-east-1:111111111111:endpoint/GCM/app/", 0) == 0);
  CHECK(make_endpoint(f, app, "token_1") == endpoint);
  CHECK(error_of(m.create_platform_endpoint(f.ctx, app, "token_1", std::string("data"), {})) ==
        "Invalid parameter: Token Reason: Endpoint " + endpoint +
            " already exists with the same Token, but different attributes.");
  CHECK(error_of(m.create_platform_endpoint(f.ctx, app, std::nullopt, std::nullopt, {})) ==
        "1 validation error detected: Value null at 'token' failed to satisfy constraint: Member must not be null");
  CHECK(error_of(m.set_endpoint_attributes(f.ctx, endpoint, {{"InvalidKey", "x"}})) ==
        "Invalid parameter: Attributes Reason: Invalid attribute name: InvalidKey");
  CHECK(error_of(m.set_endpoint_attributes(f.ctx, app, {{"Enabled", "false"}})) ==
        "Invalid parameter: EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.");
  REQUIRE(m.set_endpoint_attributes(f.ctx, endpoint, {{"Enabled", "false"}}).ok());
  CHECK(m.get_endpoint_attributes(f.ctx, endpoint).value() == AttributeMap{{"Enabled", "false"}, {"Token", "token_1"}});
  REQUIRE(m.delete_platform_application(f.ctx, app).ok());
  CHECK(m.get_endpoint_attributes(f.ctx, endpoint).error().message == "Endpoint does not exist");
  CHECK(m.list_endpoints_by_platform_application(f.ctx, app, std::nullopt).error().message ==
        "PlatformApplication does not exist");
}

TEST_CASE("publishing to an endpoint and through an application subscription fills the platform outbox") {
  Fixture f;
  Mobile& m = f->mobile();
  const std::string endpoint = make_endpoint(f, make_app(f), "device");
  PublishRequest direct;
  direct.target_arn = endpoint;
  direct.message = "direct";
  auto published = f->publish(f.ctx, direct);
  REQUIRE(published.ok());
  const std::string topic = f.topic("push");
  f.subscribe(topic, "application", endpoint);
  REQUIRE(f.publish(topic, "fan-out").ok());
  CHECK(f.sink.deliveries.empty());  // pushed to the outbox, not handed to the sink

  auto messages = m.platform_messages(everything(f));
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].message_id == published->message_id);
  CHECK(messages[0].message == "direct");
  CHECK(messages[1].message == "fan-out");
  CHECK(m.platform_messages({f.ctx.account_id, "eu-west-1", ""}).empty());

  REQUIRE(m.set_endpoint_attributes(f.ctx, endpoint, {{"Enabled", "false"}}).ok());
  auto disabled = f->publish(f.ctx, direct);
  CHECK(disabled.error().code == common::AwsErrorCode::EndpointDisabled);
  REQUIRE(f.publish(topic, "not pushed").ok());
  CHECK(m.platform_messages(everything(f)).size() == 2);

  m.clear_platform_messages({f.ctx.account_id, f.ctx.region, endpoint});
  CHECK(m.platform_messages(everything(f)).empty());
}

TEST_CASE("a disabled platform application refuses publishes with AWS's PlatformApplicationDisabled") {
  Fixture f;
  Mobile& m = f->mobile();
  const std::string app = make_app(f);
  const std::string endpoint = make_endpoint(f, app, "device");
  REQUIRE(m.set_platform_application_attributes(f.ctx, app, {{"Enabled", "false"}}).ok());
  PublishRequest direct;
  direct.target_arn = endpoint;
  direct.message = "to a disabled app";
  auto refused = f->publish(f.ctx, direct);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == common::AwsErrorCode::PlatformApplicationDisabled);
  CHECK(refused.error().message == "Platform application is disabled");
  CHECK(refused.error().info().http_status == 400);
  CHECK(std::string(refused.error().info().query_code) == "PlatformApplicationDisabled");
  // Through a subscription nothing is pushed either.
  const std::string topic = f.topic("push");
  f.subscribe(topic, "application", endpoint);
  REQUIRE(f.publish(topic, "fan-out").ok());
  CHECK(m.platform_messages(everything(f)).empty());
  // Enabled again, publishes go through.
  REQUIRE(m.set_platform_application_attributes(f.ctx, app, {{"Enabled", "true"}}).ok());
  CHECK(f->publish(f.ctx, direct).ok());
  CHECK(m.platform_messages(everything(f)).size() == 1);
}

TEST_CASE("application event topics hear of endpoints created, updated, deleted and failed deliveries") {
  Fixture f;
  Mobile& m = f->mobile();
  auto topic_into_queue = [&](const std::string& name) {
    const std::string topic = f.topic(name);
    f.subscribe(topic, "sqs", f.queue(name), {{"RawMessageDelivery", "true"}});
    return topic;
  };
  const std::string created = topic_into_queue("created");
  const std::string updated = topic_into_queue("updated");
  const std::string deleted = topic_into_queue("deleted");
  const std::string failed = topic_into_queue("failed");
  auto app = m.create_platform_application(f.ctx, "app", "GCM",
                                           {{"PlatformCredential", "c"},
                                            {"PlatformPrincipal", "p"},
                                            {"EventEndpointCreated", created},
                                            {"EventEndpointUpdated", updated},
                                            {"EventEndpointDeleted", deleted},
                                            {"EventDeliveryFailure", failed}});
  REQUIRE(app.ok());
  auto event_in = [&](const std::string& queue) {
    auto received = f.receive(queue);
    REQUIRE(received.size() == 1);
    return parse_object(received[0].body);
  };

  const std::string endpoint = make_endpoint(f, *app, "device");
  auto event = event_in("created");
  CHECK(event.at("EventType") == "EndpointCreated");
  CHECK(text_of(event.at("EndpointArn")) == endpoint);
  CHECK(text_of(event.at("Resource")) == *app);
  CHECK(event.at("Service") == "SNS");
  CHECK(std::string(event.at("Time").as_string()).ends_with("Z"));
  make_endpoint(f, *app, "device");  // the same token and attributes: no new endpoint, no event
  CHECK(f.receive("created").empty());

  REQUIRE(m.set_endpoint_attributes(f.ctx, endpoint, {{"Enabled", "false"}}).ok());
  CHECK(event_in("updated").at("EventType") == "EndpointUpdated");
  REQUIRE(m.set_endpoint_attributes(f.ctx, endpoint, {{"Enabled", "false"}}).ok());  // nothing changed
  CHECK(f.receive("updated").empty());

  // A delivery to the disabled endpoint fails permanently.
  const std::string push = f.topic("push");
  f.subscribe(push, "application", endpoint);
  auto published = f.publish(push, "not pushed");
  REQUIRE(published.ok());
  auto failure = event_in("failed");
  CHECK(failure.at("EventType") == "DeliveryFailure");
  CHECK(text_of(failure.at("EndpointArn")) == endpoint);
  CHECK(failure.at("FailureType") == "EndpointDisabled");
  CHECK(failure.at("FailureMessage") == "Endpoint is disabled");
  CHECK(text_of(failure.at("MessageId")) == published->message_id);
  CHECK(failure.at("DeliveryAttempts") == 1);
  CHECK(m.platform_messages(everything(f)).empty());

  REQUIRE(m.delete_endpoint(f.ctx, endpoint).ok());
  CHECK(event_in("deleted").at("EventType") == "EndpointDeleted");
  REQUIRE(m.delete_endpoint(f.ctx, endpoint).ok());  // already gone: nothing more
  CHECK(f.receive("deleted").empty());
}

TEST_CASE("a token the push service rejects fails its next delivery and disables the endpoint") {
  Fixture f;
  Mobile& m = f->mobile();
  const std::string failed = f.topic("failed");
  f.subscribe(failed, "sqs", f.queue("failed"), {{"RawMessageDelivery", "true"}});
  auto app = m.create_platform_application(
      f.ctx, "app", "GCM", {{"PlatformCredential", "c"}, {"PlatformPrincipal", "p"}, {"EventDeliveryFailure", failed}});
  REQUIRE(app.ok());
  const std::string endpoint = make_endpoint(f, *app, "uninstalled");
  CHECK(m.reject_platform_token(endpoint + "x").error().code == common::AwsErrorCode::NotFound);
  REQUIRE(m.reject_platform_token(endpoint).ok());
  CHECK(m.get_endpoint_attributes(f.ctx, endpoint)->at("Enabled") == "true");  // until a delivery finds out

  PublishRequest direct;
  direct.target_arn = endpoint;
  direct.message = "to an uninstalled app";
  auto published = f->publish(f.ctx, direct);
  REQUIRE(published.ok());  // accepted: the push service answers after the publish
  CHECK(m.platform_messages(everything(f)).empty());
  CHECK(m.get_endpoint_attributes(f.ctx, endpoint)->at("Enabled") == "false");
  auto received = f.receive("failed");
  REQUIRE(received.size() == 1);
  auto failure = parse_object(received[0].body);
  CHECK(failure.at("FailureType") == "InvalidPlatformToken");
  CHECK(failure.at("FailureMessage") == "Platform token associated with the endpoint is not valid");
  CHECK(text_of(failure.at("MessageId")) == published->message_id);
  // Now disabled: refused like any disabled endpoint until re-enabled.
  CHECK(f->publish(f.ctx, direct).error().code == common::AwsErrorCode::EndpointDisabled);
  REQUIRE(m.set_endpoint_attributes(f.ctx, endpoint, {{"Enabled", "true"}}).ok());
  REQUIRE(f->publish(f.ctx, direct).ok());
  CHECK(m.platform_messages(everything(f)).size() == 1);
}

TEST_CASE("texts: direct and subscribed numbers, per-number filter, opted-out numbers get nothing") {
  Fixture f;
  Mobile& m = f->mobile();
  PublishRequest text;
  text.phone_number = "+15555550100";
  text.message = "hello";
  text.message_attributes["AWS.SNS.SMS.SMSType"] = {"String", std::string("Transactional"), std::nullopt};
  REQUIRE(f->publish(f.ctx, text).ok());
  const std::string topic = f.topic("texts");
  const std::string sub = f.subscribe(topic, "sms", "+15555550101");
  REQUIRE(f.publish(topic, "news").ok());

  auto first = m.sms_messages({f.ctx.account_id, f.ctx.region, "+15555550100"});
  REQUIRE(first.size() == 1);
  CHECK(first[0].message == "hello");
  CHECK(!first[0].topic_arn);
  CHECK(first[0].message_attributes.at("AWS.SNS.SMS.SMSType").string_value == "Transactional");
  auto second = m.sms_messages({f.ctx.account_id, f.ctx.region, "+15555550101"});
  REQUIRE(second.size() == 1);
  CHECK(second[0].topic_arn == topic);
  CHECK(second[0].subscription_arn == sub);

  REQUIRE(m.opt_out_phone_number(f.ctx.account_id, "+15555550100").ok());
  CHECK(m.check_if_phone_number_is_opted_out(f.ctx, std::string("+15555550100")).value());
  REQUIRE(f->publish(f.ctx, text).ok());
  CHECK(m.sms_messages({f.ctx.account_id, f.ctx.region, "+15555550100"}).size() == 1);
  REQUIRE(m.opt_in_phone_number(f.ctx, std::string("+15555550100")).ok());
  CHECK(!m.check_if_phone_number_is_opted_out(f.ctx, std::string("+15555550100")).value());
  CHECK(error_of(m.opt_in_phone_number(f.ctx, std::string("NAA+1"))) ==
        "Invalid parameter: PhoneNumber Reason: input incorrectly formatted");
}

TEST_CASE("SMS attributes and the sandbox's one-time password") {
  Fixture f;
  Mobile& m = f->mobile();
  CHECK(m.get_sms_attributes(f.ctx, {}).value() == AttributeMap{{"MonthlySpendLimit", "1"}});
  CHECK(error_of(m.set_sms_attributes(f.ctx, {{"DefaultSendID", "x"}})) == "DefaultSendID is not a valid attribute");
  CHECK(error_of(m.set_sms_attributes(f.ctx, {{"DefaultSenderID", "123"}})) == "DefaultSenderID is invalid");
  REQUIRE(m.set_sms_attributes(f.ctx, {{"DefaultSMSType", "Promotional"}}).ok());
  CHECK(m.get_sms_attributes(f.ctx, {"DefaultSMSType"}).value() == AttributeMap{{"DefaultSMSType", "Promotional"}});

  const std::string number = "+15555550123";
  REQUIRE(m.create_sms_sandbox_phone_number(f.ctx, number, std::nullopt).ok());
  auto texts = m.sms_messages({f.ctx.account_id, f.ctx.region, number});
  REQUIRE(texts.size() == 1);
  const std::string otp = texts[0].message.substr(texts[0].message.rfind(' ') + 1);
  CHECK(otp.size() == 6);
  const std::string wrong = otp == "999999" ? "111111" : "999999";
  CHECK(m.verify_sms_sandbox_phone_number(f.ctx, number, wrong).error().code == common::AwsErrorCode::Verification);
  REQUIRE(m.verify_sms_sandbox_phone_number(f.ctx, number, otp).ok());
  CHECK(m.list_sms_sandbox_phone_numbers(f.ctx, std::nullopt, std::nullopt)->items.at(0).status == "Verified");
  CHECK(m.list_sms_sandbox_phone_numbers(f.ctx, std::nullopt, std::string("0")).error().code ==
        common::AwsErrorCode::ValidationError);
  REQUIRE(m.opt_out_phone_number(f.ctx.account_id, "+15555550999").ok());
  CHECK(m.create_sms_sandbox_phone_number(f.ctx, std::string("+15555550999"), std::nullopt).error().code ==
        common::AwsErrorCode::OptedOut);
}

TEST_CASE("everything mobile, and data protection policies, survive a reopen") {
  TempDir dir;
  Fixture f(dir.path);
  Mobile* m = &f->mobile();
  const std::string app = make_app(f);
  const std::string endpoint = make_endpoint(f, app, "device");
  PublishRequest push;
  push.target_arn = endpoint;
  push.message = "pushed";
  REQUIRE(f->publish(f.ctx, push).ok());
  PublishRequest text;
  text.phone_number = "+15555550100";
  text.message = "texted";
  REQUIRE(f->publish(f.ctx, text).ok());
  REQUIRE(m->set_sms_attributes(f.ctx, {{"DefaultSMSType", "Transactional"}}).ok());
  REQUIRE(m->opt_out_phone_number(f.ctx.account_id, "+15555550199").ok());
  const std::string topic = f.topic("t");
  REQUIRE(f->put_data_protection_policy(f.ctx, topic, std::string(R"({"Name":"p"})")).ok());

  f.reopen(dir.path);
  m = &f->mobile();
  CHECK(m->get_endpoint_attributes(f.ctx, endpoint).value().at("Token") == "device");
  CHECK(m->get_platform_application_attributes(f.ctx, app).ok());
  CHECK(m->platform_messages(everything(f)).at(0).message == "pushed");
  CHECK(m->sms_messages(everything(f)).at(0).message == "texted");
  CHECK(m->get_sms_attributes(f.ctx, {"DefaultSMSType"}).value().at("DefaultSMSType") == "Transactional");
  CHECK(m->check_if_phone_number_is_opted_out(f.ctx, std::string("+15555550199")).value());
  CHECK(f->get_data_protection_policy(f.ctx, topic).value() == R"({"Name":"p"})");
  REQUIRE(f->delete_topic(f.ctx, topic).ok());
  f.topic("t");
  CHECK(f->get_data_protection_policy(f.ctx, topic).value().empty());  // went with the deleted topic
}
