// HTTP/S deliveries: one POST per attempt with the headers SNS sends, on the runner's workers.
// Status handling follows the SNS retry documentation: the delivery policy covers server-side
// errors (the endpoint's host unavailable: no connection, no answer in time, 5xx, 429
// throttling); any other non-2xx answer is a client-side error, which SNS does not retry. An
// endpoint whose addresses the allow-list refuses fails the attempt like an unreachable host.

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdio>

#include "internal.h"

namespace sluice::sns {

using detail::AttemptResult;

namespace {

struct Url {
  std::string origin;  // scheme://host[:port]
  std::string target;  // path and query, at least "/"
  std::string host;    // without brackets for IPv6
  uint16_t port = 80;
};

std::optional<Url> split_url(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  size_t path = url.find_first_of("/?#", scheme_end + 3);
  Url out;
  out.origin = url.substr(0, path);
  out.target = path == std::string::npos ? "/" : url.substr(path);
  if (out.target[0] == '#') out.target = "/";
  if (out.target[0] == '?') out.target = "/" + out.target;
  if (auto hash = out.target.find('#'); hash != std::string::npos) out.target.resize(hash);
  if (out.origin.size() <= scheme_end + 3) return std::nullopt;
  std::string_view authority = std::string_view(out.origin).substr(scheme_end + 3);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port_text = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return std::nullopt;
  out.port = url.compare(0, 8, "https://") == 0 ? 443 : 80;
  if (!port_text.empty()) {
    unsigned value = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || value > 65535) return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return std::nullopt;
    out.port = static_cast<uint16_t>(value);
  }
  return out;
}

// The addresses `host` resolves to, numeric, in the resolver's order.
std::vector<std::string> resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::vector<std::string> out;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return out;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {0};
    const void* bytes = a->ai_family == AF_INET
                            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) && inet_ntop(a->ai_family, bytes, text, sizeof text)) {
      if (std::find(out.begin(), out.end(), text) == out.end()) out.emplace_back(text);
    }
  }
  freeaddrinfo(found);
  return out;
}

}  // namespace

struct HttpDelivery::Impl {
  HttpDeliveryOptions options;
  std::unique_ptr<detail::Journal> journal;
  std::unique_ptr<detail::DeliveryRunner> runner;

  std::string subscription_policy(const Delivery& d) const {
    auto it = d.subscription_attributes.find("DeliveryPolicy");
    return it == d.subscription_attributes.end() ? std::string() : it->second;
  }

  AttemptResult attempt(const Delivery& d) const {
    auto url = split_url(d.endpoint);
    if (!url) return AttemptResult::Permanent;
    // The name is resolved here, each address checked, and the connection pinned to the first
    // allowed one: what was checked is what is connected to.
    std::string address;
    std::string refusals;
    const std::vector<std::string> addresses = resolve(url->host);
    if (addresses.empty()) return AttemptResult::Retry;  // the endpoint's host is unavailable
    for (const std::string& candidate : addresses) {
      auto refused = options.allow_list.refusal(candidate, url->port);
      if (!refused) {
        address = candidate;
        break;
      }
      refusals += (refusals.empty() ? "" : "; ") + candidate + ":" + std::to_string(url->port) + " " + *refused;
    }
    if (address.empty()) {
      report("sluice: SNS delivery to " + d.endpoint + " (subscription " + d.subscription_arn +
             ") not attempted: " + refusals);
      return AttemptResult::Retry;
    }
    const EffectiveHttpPolicy policy = effective_http_policy(d.topic_delivery_policy, subscription_policy(d));
    httplib::Client client(url->origin);
    client.set_hostname_addr_map({{url->host, address}});
    client.set_connection_timeout(std::chrono::milliseconds(options.connect_timeout_ms));
    client.set_read_timeout(std::chrono::milliseconds(options.request_timeout_ms));
    client.set_write_timeout(std::chrono::milliseconds(options.request_timeout_ms));
    client.enable_server_certificate_verification(options.verify_tls);
    if (!client.is_valid()) return AttemptResult::Permanent;

    httplib::Headers headers{{"x-amz-sns-message-type", d.type},
                             {"x-amz-sns-message-id", d.message_id},
                             {"x-amz-sns-topic-arn", d.topic_arn},
                             {"User-Agent", "Amazon Simple Notification Service Agent"},
                             {"Accept-Encoding", "gzip,deflate"}};
    if (d.type != "SubscriptionConfirmation") headers.emplace("x-amz-sns-subscription-arn", d.subscription_arn);
    const bool raw = d.raw && d.type == "Notification";
    if (raw) headers.emplace("x-amz-sns-rawdelivery", "true");
    const std::string body = raw ? d.message : d.envelope_json();
    auto res = client.Post(url->target, headers, body, policy.content_type);
    if (!res) return AttemptResult::Retry;  // no connection or no answer in time
    const int status = res->status;
    if (status >= 200 && status < 300) return AttemptResult::Delivered;
    if (status == 429 || status >= 500) return AttemptResult::Retry;
    return AttemptResult::Permanent;
  }

  void report(const std::string& line) const {
    if (options.log) {
      options.log(line);
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  }

  std::optional<int64_t> retry_delay(const Delivery& d, int failures) const {
    const auto delays = retry_delays_ms(effective_http_policy(d.topic_delivery_policy, subscription_policy(d)).retry);
    if (failures < 1 || static_cast<size_t>(failures) > delays.size()) return std::nullopt;
    return delays[static_cast<size_t>(failures) - 1];
  }
};

std::unique_ptr<HttpDelivery> HttpDelivery::open(const HttpDeliveryOptions& options, std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (!options.data_dir.empty()) {
    impl->journal = detail::Journal::open(options.data_dir + "/sns_deliveries.db", error);
    if (!impl->journal) return nullptr;
  }
  Impl* self = impl.get();
  detail::DeliveryRunner::Hooks hooks;
  hooks.attempt = [self](const Delivery& d, int) {
    const AttemptResult result = self->attempt(d);
    // Every HTTP/S attempt counts, a failed retry too (AWS/SNS NumberOfNotificationsFailed).
    if (self->options.on_outcome) self->options.on_outcome(d, result == AttemptResult::Delivered);
    return result;
  };
  hooks.retry_delay_ms = [self](const Delivery& d, int failures) { return self->retry_delay(d, failures); };
  hooks.give_up = [self](const Delivery& d, int, bool) {
    return detail::send_to_dead_letter_queue(self->options.sqs, d, self->options.on_dead_letter);
  };
  impl->runner = std::make_unique<detail::DeliveryRunner>("http", impl->journal.get(), options.threads,
                                                          options.clock ? options.clock : common::system_clock(),
                                                          options.work_pool, std::move(hooks));
  impl->runner->start();
  return std::unique_ptr<HttpDelivery>(new HttpDelivery(std::move(impl)));
}

HttpDelivery::HttpDelivery(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpDelivery::~HttpDelivery() { impl_->runner->stop(); }

void HttpDelivery::deliver(const Delivery& delivery) { impl_->runner->submit(delivery); }

bool HttpDelivery::accepting() { return !impl_->journal || !impl_->journal->failing(); }

size_t HttpDelivery::pending() const { return impl_->runner->pending(); }

DeliveryStats HttpDelivery::stats() const { return impl_->runner->stats(); }

}  // namespace sluice::sns
