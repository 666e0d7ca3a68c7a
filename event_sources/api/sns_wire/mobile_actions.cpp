// Query handlers of the mobile and data protection actions: flattened parameters in (the model's
// own spellings: "attributes.entry.N.key" and "phoneNumber" for the SMS calls, "Attributes" and
// "PhoneNumber" for the others), the service's Mobile called once, the result's XML out.

#include "mobile_actions.h"

#include "sluice/sns/mobile.h"
#include "sns_xml.h"

namespace sluice::api::sns_wire::detail {

namespace {

std::string arg(const Params& p, const char* name) { return get(p, name).value_or(""); }

common::Outcome<ActionBody> no_result(const common::Status& st) {
  if (!st) return st.error();
  return ActionBody(std::nullopt);
}

// For actions whose result element is there but empty (<SetSMSAttributesResult/>).
common::Outcome<ActionBody> empty_result(const common::Status& st) {
  if (!st) return st.error();
  return ActionBody(std::string());
}

template <typename T, typename F>
common::Outcome<ActionBody> then(common::Outcome<T> r, F render) {
  if (!r) return r.error();
  return ActionBody(render(r.value()));
}

Xml& entries(Xml& x, std::string_view element, const AttributeMap& attrs) {
  x.open(element);
  for (const auto& [k, v] : attrs) x.open("entry").element("key", k).element("value", v).close("entry");
  return x.close(element);
}

std::string attributes_xml(const AttributeMap& attrs) {
  Xml x;
  return entries(x, "Attributes", attrs).out;
}

// <List><member><ArnElement/><Attributes/></member>...</List><NextToken/>
std::string arn_members(const Page<ArnWithAttributes>& page, std::string_view list, std::string_view arn_element) {
  Xml x;
  x.open(list);
  for (const auto& item : page.items) {
    x.open("member").element(arn_element, item.arn);
    entries(x, "Attributes", item.attributes).close("member");
  }
  x.close(list);
  if (page.next_token) x.element("NextToken", *page.next_token);
  return x.out;
}

std::string boolean(bool b) { return b ? "true" : "false"; }

const ActionTable& mobile_actions() {
  static const ActionTable table = {
      // Platform applications
      {"CreatePlatformApplication",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().create_platform_application(c, arg(p, "Name"), arg(p, "Platform"),
                                                            read_attribute_map(p, "Attributes")),
                     [](const std::string& arn) { return Xml().element("PlatformApplicationArn", arn).out; });
       }},
      {"GetPlatformApplicationAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().get_platform_application_attributes(c, arg(p, "PlatformApplicationArn")),
                     attributes_xml);
       }},
      {"SetPlatformApplicationAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return no_result(s.mobile().set_platform_application_attributes(c, arg(p, "PlatformApplicationArn"),
                                                                         read_attribute_map(p, "Attributes")));
       }},
      {"DeletePlatformApplication",
       [](Service& s, const Params& p, const CallContext& c) {
         return no_result(s.mobile().delete_platform_application(c, arg(p, "PlatformApplicationArn")));
       }},
      {"ListPlatformApplications",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().list_platform_applications(c, get(p, "NextToken")),
                     [](const Page<ArnWithAttributes>& page) {
                       return arn_members(page, "PlatformApplications", "PlatformApplicationArn");
                     });
       }},
      // Platform endpoints
      {"CreatePlatformEndpoint",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().create_platform_endpoint(c, arg(p, "PlatformApplicationArn"), get(p, "Token"),
                                                         get(p, "CustomUserData"), read_attribute_map(p, "Attributes")),
                     [](const std::string& arn) { return Xml().element("EndpointArn", arn).out; });
       }},
      {"GetEndpointAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().get_endpoint_attributes(c, arg(p, "EndpointArn")), attributes_xml);
       }},
      {"SetEndpointAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return no_result(
             s.mobile().set_endpoint_attributes(c, arg(p, "EndpointArn"), read_attribute_map(p, "Attributes")));
       }},
      {"DeleteEndpoint",
       [](Service& s, const Params& p, const CallContext& c) {
         return no_result(s.mobile().delete_endpoint(c, arg(p, "EndpointArn")));
       }},
      {"ListEndpointsByPlatformApplication",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().list_endpoints_by_platform_application(c, arg(p, "PlatformApplicationArn"),
                                                                       get(p, "NextToken")),
                     [](const Page<ArnWithAttributes>& page) { return arn_members(page, "Endpoints", "EndpointArn"); });
       }},
      // SMS attributes and opt-outs
      {"SetSMSAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return empty_result(s.mobile().set_sms_attributes(c, read_attribute_map(p, "attributes")));
       }},
      {"GetSMSAttributes",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().get_sms_attributes(c, read_list(p, "attributes")), [](const AttributeMap& attrs) {
           Xml x;
           return entries(x, "attributes", attrs).out;
         });
       }},
      {"CheckIfPhoneNumberIsOptedOut",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().check_if_phone_number_is_opted_out(c, get(p, "phoneNumber")),
                     [](bool opted_out) { return Xml().element("isOptedOut", boolean(opted_out)).out; });
       }},
      {"ListPhoneNumbersOptedOut",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().list_phone_numbers_opted_out(c, get(p, "nextToken")),
                     [](const Page<std::string>& page) {
                       Xml x;
                       x.open("phoneNumbers");
                       for (const auto& n : page.items) x.element("member", n);
                       x.close("phoneNumbers");
                       if (page.next_token) x.element("nextToken", *page.next_token);
                       return x.out;
                     });
       }},
      {"OptInPhoneNumber",
       [](Service& s, const Params& p, const CallContext& c) {
         return empty_result(s.mobile().opt_in_phone_number(c, get(p, "phoneNumber")));
       }},
      // The SMS sandbox and origination numbers
      {"GetSMSSandboxAccountStatus",
       [](Service& s, const Params&, const CallContext& c) {
         return then(s.mobile().get_sms_sandbox_account_status(c),
                     [](bool in_sandbox) { return Xml().element("IsInSandbox", boolean(in_sandbox)).out; });
       }},
      {"CreateSMSSandboxPhoneNumber",
       [](Service& s, const Params& p, const CallContext& c) {
         return empty_result(
             s.mobile().create_sms_sandbox_phone_number(c, get(p, "PhoneNumber"), get(p, "LanguageCode")));
       }},
      {"VerifySMSSandboxPhoneNumber",
       [](Service& s, const Params& p, const CallContext& c) {
         return empty_result(
             s.mobile().verify_sms_sandbox_phone_number(c, get(p, "PhoneNumber"), get(p, "OneTimePassword")));
       }},
      {"DeleteSMSSandboxPhoneNumber",
       [](Service& s, const Params& p, const CallContext& c) {
         return empty_result(s.mobile().delete_sms_sandbox_phone_number(c, get(p, "PhoneNumber")));
       }},
      {"ListSMSSandboxPhoneNumbers",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().list_sms_sandbox_phone_numbers(c, get(p, "NextToken"), get(p, "MaxResults")),
                     [](const Page<SandboxPhoneNumber>& page) {
                       Xml x;
                       x.open("PhoneNumbers");
                       for (const auto& n : page.items) {
                         x.open("member").element("PhoneNumber", n.phone_number).element("Status", n.status);
                         x.close("member");
                       }
                       x.close("PhoneNumbers");
                       if (page.next_token) x.element("NextToken", *page.next_token);
                       return x.out;
                     });
       }},
      {"ListOriginationNumbers",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.mobile().list_origination_numbers(c, get(p, "NextToken"), get(p, "MaxResults")),
                     [](const Page<std::string>& page) {
                       Xml x;
                       x.open("PhoneNumbers");
                       for (const auto& n : page.items) x.open("member").element("PhoneNumber", n).close("member");
                       x.close("PhoneNumbers");
                       if (page.next_token) x.element("NextToken", *page.next_token);
                       return x.out;
                     });
       }},
      // Data protection policies
      {"PutDataProtectionPolicy",
       [](Service& s, const Params& p, const CallContext& c) {
         return no_result(s.put_data_protection_policy(c, arg(p, "ResourceArn"), get(p, "DataProtectionPolicy")));
       }},
      {"GetDataProtectionPolicy",
       [](Service& s, const Params& p, const CallContext& c) {
         return then(s.get_data_protection_policy(c, arg(p, "ResourceArn")),
                     [](const std::string& policy) { return Xml().element("DataProtectionPolicy", policy).out; });
       }},
  };
  return table;
}

}  // namespace

ActionTable with_mobile_actions(ActionTable table) {
  for (const auto& [name, handler] : mobile_actions()) table.emplace(name, handler);
  return table;
}

}  // namespace sluice::api::sns_wire::detail
