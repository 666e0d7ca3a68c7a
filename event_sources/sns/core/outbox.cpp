// The outbox: email, email-json and sms deliveries cannot leave the machine, so each one becomes
// a JSON line ({"Timestamp","Protocol","Endpoint","SubscriptionArn","TopicArn","Type","Subject",
// "Body"}) appended to <data_dir>/outbox.jsonl, or kept in memory. Body is what the recipient
// would read: the plain message for email and sms, the JSON envelope for email-json.

#include <boost/json.hpp>

#include <fstream>

#include "internal.h"

namespace sluice::sns::detail {
namespace json = boost::json;

void Outbox::append(const Delivery& d) {
  std::string body;
  if (d.protocol == "email-json") {
    body = d.envelope_json();
  } else if (d.type == "Notification") {
    body = d.message;
  } else {
    body = d.message + "\n" + d.subscribe_url;
  }
  json::object line{{"Timestamp", d.timestamp},
                    {"Protocol", d.protocol},
                    {"Endpoint", d.endpoint},
                    {"SubscriptionArn", d.subscription_arn},
                    {"TopicArn", d.topic_arn},
                    {"Type", d.type},
                    {"MessageId", d.message_id},
                    {"Subject", d.subject ? json::value(*d.subject) : json::value(nullptr)},
                    {"Body", body}};
  if (!d.subscribe_url.empty()) line["SubscribeURL"] = d.subscribe_url;
  std::string text = json::serialize(line);
  std::lock_guard lock(mu_);
  if (path_.empty()) {
    memory_.push_back(std::move(text));
    return;
  }
  std::ofstream out(path_, std::ios::app | std::ios::binary);
  out << text << '\n';
}

std::vector<std::string> Outbox::lines() {
  std::lock_guard lock(mu_);
  if (path_.empty()) return memory_;
  std::vector<std::string> out;
  std::ifstream in(path_, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace sluice::sns::detail
