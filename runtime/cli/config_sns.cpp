// The "sns" section of the configuration file: where SNS may deliver over HTTP/S (see config.h).

#include <boost/json.hpp>

#include "config.h"
#include "config_fields.h"
#include "sluice/sns/delivery.h"

namespace sluice::cli {

namespace json = boost::json;

void parse_sns(const json::value* sns, Config* config) {
  if (sns == nullptr) return;
  const json::object& section = object_at(*sns, "sns");
  only_fields(section, {"DeliveryAllowList"}, "sns");
  const json::value* list = section.if_contains("DeliveryAllowList");
  if (list == nullptr) return;
  if (!list->is_array()) fail("sns.DeliveryAllowList", "must be an array of strings");
  std::vector<std::string> entries;
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    const json::value& entry = list->as_array()[i];
    const std::string path = "sns.DeliveryAllowList[" + std::to_string(i) + "]";
    if (!entry.is_string()) fail(path, "must be a string");
    entries.emplace_back(entry.as_string());
    std::string error;
    if (!sns::DeliveryAllowList::parse({entries.back()}, &error)) fail(path, error);
  }
  config->sns_delivery_allow_list = std::move(entries);
}

}  // namespace sluice::cli
