// The JSON documents SNS delivers: the notification/confirmation envelope (SQS bodies, HTTP
// posts, email-json) with keys in the order AWS writes them, the Lambda event, and the text AWS
// signs ("Key\nValue\n" pairs in byte order of the keys).
//
// A Notification envelope is made as an EnvelopeTemplate: the serialized document split around
// the value of UnsubscribeURL, its only per-subscription field. A fan-out serializes once per
// message and then only splices each subscription's URL in; envelope_json() takes the same path,
// so both give the same bytes.

#include <boost/json.hpp>

#include <algorithm>

#include "internal.h"
#include "sluice/common/crypto.h"
#include "sluice/common/utf8.h"

namespace sluice::sns {
namespace json = boost::json;

namespace {

json::object attributes_object(const MessageAttributeMap& attributes) {
  json::object out;
  for (const auto& [name, a] : attributes) {
    bool binary = a.type.substr(0, 6) == "Binary";
    out[name] = json::object{{"Type", a.type}, {"Value", binary ? common::base64_encode(a.value) : a.value}};
  }
  return out;
}

}  // namespace

std::string Delivery::envelope_json() const {
  if (type == "Notification") {
    std::string out;
    detail::envelope_template(*this).render(unsubscribe_url, out);
    return out;
  }
  json::object o;
  o["Type"] = type;
  o["MessageId"] = message_id;
  o["Token"] = token;
  o["TopicArn"] = topic_arn;
  o["Message"] = message;
  o["SubscribeURL"] = subscribe_url;
  o["Timestamp"] = timestamp;
  if (!signature_version.empty()) {
    o["SignatureVersion"] = signature_version;
    o["Signature"] = signature;
    o["SigningCertURL"] = signing_cert_url;
  }
  std::string text = json::serialize(o);
  common::make_well_formed_utf8(text);
  return text;
}

std::string Delivery::lambda_event_json() const {
  json::object sns;
  sns["Type"] = type;
  sns["MessageId"] = message_id;
  if (sequence_number) sns["SequenceNumber"] = *sequence_number;
  sns["TopicArn"] = topic_arn;
  sns["Subject"] = subject ? json::value(*subject) : json::value(nullptr);
  sns["Message"] = message;
  sns["Timestamp"] = timestamp;
  sns["SignatureVersion"] = signature_version;
  sns["Signature"] = signature;
  sns["SigningCertUrl"] = signing_cert_url;
  sns["UnsubscribeUrl"] = unsubscribe_url;
  sns["MessageAttributes"] = attributes_object(message_attributes);
  json::object record{{"EventSource", "aws:sns"},
                      {"EventVersion", "1.0"},
                      {"EventSubscriptionArn", subscription_arn},
                      {"Sns", std::move(sns)}};
  std::string text = json::serialize(json::object{{"Records", json::array{std::move(record)}}});
  common::make_well_formed_utf8(text);  // a Query Publish may carry bytes that are not UTF-8 (utf8.h)
  return text;
}

namespace detail {

EnvelopeTemplate envelope_template(const Delivery& d) {
  json::object head;
  head["Type"] = d.type;
  head["MessageId"] = d.message_id;
  if (d.sequence_number) head["SequenceNumber"] = *d.sequence_number;
  head["TopicArn"] = d.topic_arn;
  if (d.subject) head["Subject"] = *d.subject;
  head["Message"] = d.message;
  head["Timestamp"] = d.timestamp;
  if (!d.signature_version.empty()) head["SignatureVersion"] = d.signature_version;
  // The serializer writes no whitespace, so the whole document is this object without its
  // closing brace, the signature's members (written here, to know where the signature's text
  // starts), the URL member, the attributes member and the brace.
  EnvelopeTemplate t;
  t.head = json::serialize(head);
  // A Query Publish may carry bytes that are not UTF-8 (sluice/common/utf8.h); the envelope is
  // JSON. Made well-formed before the signature's offset is taken, as it may change lengths.
  common::make_well_formed_utf8(t.head);
  t.head.pop_back();
  if (!d.signature_version.empty()) {
    t.head += ",\"Signature\":";
    t.signature_offset = t.head.size() + 1;  // after the opening quote; Base64 needs no escapes
    t.head += json::serialize(json::string_view(d.signature.data(), d.signature.size()));
    t.head += ",\"SigningCertURL\":";
    std::string url = json::serialize(json::string_view(d.signing_cert_url.data(), d.signing_cert_url.size()));
    common::make_well_formed_utf8(url);
    t.head += url;
  }
  t.head += ",\"UnsubscribeURL\":";
  if (!d.message_attributes.empty()) {
    t.tail = ",\"MessageAttributes\":" + json::serialize(attributes_object(d.message_attributes));
  }
  t.tail += '}';
  common::make_well_formed_utf8(t.tail);
  return t;
}

void EnvelopeTemplate::render(std::string_view unsubscribe_url, std::string& out) const {
  // URLs rarely hold a character JSON escapes; the serializer handles those that do.
  const bool plain = std::none_of(unsubscribe_url.begin(), unsubscribe_url.end(),
                                  [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
  out.clear();
  out.reserve(head.size() + unsubscribe_url.size() + tail.size() + 2);
  out += head;
  if (plain) {
    out += '"';
    out += unsubscribe_url;
    out += '"';
  } else {
    out += json::serialize(json::string_view(unsubscribe_url.data(), unsubscribe_url.size()));
  }
  out += tail;
}

std::string string_to_sign(const Delivery& d) {
  std::string out;
  auto add = [&](std::string_view k, std::string_view v) {
    out.append(k).push_back('\n');
    out.append(v).push_back('\n');
  };
  if (d.type == "Notification") {
    add("Message", d.message);
    add("MessageId", d.message_id);
    if (d.subject) add("Subject", *d.subject);
    add("Timestamp", d.timestamp);
    add("TopicArn", d.topic_arn);
    add("Type", d.type);
  } else {
    add("Message", d.message);
    add("MessageId", d.message_id);
    add("SubscribeURL", d.subscribe_url);
    add("Timestamp", d.timestamp);
    add("Token", d.token);
    add("TopicArn", d.topic_arn);
    add("Type", d.type);
  }
  return out;
}

}  // namespace detail
}  // namespace sluice::sns
