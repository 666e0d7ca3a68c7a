// MobileImpl's durable side: loading every mobile record from the SNS store at open, writing each
// change through, and the two outboxes (messages under increasing 20-digit keys, so the store
// returns them in arrival order; read and cleared per account, region and target).

#include <cstdio>

#include "mobile_impl.h"

namespace sluice::sns::detail {

namespace {

std::string outbox_key(uint64_t n) {
  char text[24];
  std::snprintf(text, sizeof text, "%020llu", static_cast<unsigned long long>(n));
  return text;
}

bool matches(const OutboxMessage& m, const OutboxFilter& f) {
  return m.account_id == f.account_id && m.region == f.region && (f.target.empty() || m.target == f.target);
}

}  // namespace

bool MobileImpl::load(std::string* error) {
  if (store_ == nullptr) return true;
  auto fail = [&](const std::string& what, const std::string& key) {
    if (error != nullptr) *error = "the SNS store holds an unreadable " + what + " record: " + key;
    return false;
  };
  common::MutexLock lock(mu_);
  for (const auto& [key, value] : store_->load("platform-application")) {
    auto app = application_from_json(value);
    if (!app) return fail("platform application", key);
    applications_[app->arn] = std::move(*app);
  }
  for (const auto& [key, value] : store_->load("platform-endpoint")) {
    auto endpoint = endpoint_from_json(value);
    if (!endpoint) return fail("platform endpoint", key);
    endpoints_[endpoint->arn] = std::move(*endpoint);
  }
  for (const auto& [key, value] : store_->load("sms-attributes")) sms_attributes_[key] = attribute_map_from_json(value);
  for (const auto& [key, value] : store_->load("sms-opt-out")) opted_out_.insert(key);
  for (const auto& [key, value] : store_->load("sms-sandbox")) {
    AttributeMap fields = attribute_map_from_json(value);
    sandbox_[key] = SandboxEntry{fields["status"], fields["otp"]};
  }
  for (Box box : {Box::Sms, Box::Platform}) {
    Outbox& o = outbox(box);
    for (const auto& [key, value] : store_->load(o.kind)) {
      auto message = outbox_message_from_json(value);
      if (!message) return fail("outbox message", key);
      const uint64_t n = std::strtoull(key.c_str(), nullptr, 10);
      o.messages[n] = std::move(*message);
      if (n >= next_outbox_key_) next_outbox_key_ = n + 1;
    }
  }
  return true;
}

common::Status MobileImpl::put(std::string_view kind, const std::string& key, const std::string& value) {
  if (store_ == nullptr) return common::ok_status();
  return store_->write({RecordWrite{std::string(kind), key, value}});
}

common::Status MobileImpl::erase(std::string_view kind, const std::string& key) {
  if (store_ == nullptr) return common::ok_status();
  return store_->write({RecordWrite{std::string(kind), key, std::nullopt}});
}

void MobileImpl::record(Box box, OutboxMessage message) {
  Outbox& o = outbox(box);
  const uint64_t n = next_outbox_key_++;
  // A delivery is not undone for its outbox copy: one that cannot be stored is still listed
  // until a restart.
  (void)put(o.kind, outbox_key(n), outbox_message_to_json(message));
  o.messages[n] = std::move(message);
}

std::vector<OutboxMessage> MobileImpl::select(Box box, const OutboxFilter& filter) {
  std::vector<OutboxMessage> out;
  common::MutexLock lock(mu_);
  for (const auto& [n, m] : outbox(box).messages) {
    if (matches(m, filter)) out.push_back(m);
  }
  return out;
}

void MobileImpl::clear(Box box, const OutboxFilter& filter) {
  common::MutexLock lock(mu_);
  Outbox& o = outbox(box);
  for (auto it = o.messages.begin(); it != o.messages.end();) {
    if (matches(it->second, filter) && erase(o.kind, outbox_key(it->first)).ok()) {
      it = o.messages.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<OutboxMessage> MobileImpl::sms_messages(const OutboxFilter& filter) { return select(Box::Sms, filter); }
void MobileImpl::clear_sms_messages(const OutboxFilter& filter) { clear(Box::Sms, filter); }
std::vector<OutboxMessage> MobileImpl::platform_messages(const OutboxFilter& filter) {
  return select(Box::Platform, filter);
}
void MobileImpl::clear_platform_messages(const OutboxFilter& filter) { clear(Box::Platform, filter); }

}  // namespace sluice::sns::detail
