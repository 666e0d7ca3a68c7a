// Service: opening and loading, topics (create/delete/list/attributes), policy statements, tags,
// and the signing certificate.

#include <algorithm>
#include <filesystem>
#include <thread>

#include "service_impl.h"
#include "sluice/common/crypto.h"

namespace sluice::sns {

std::unique_ptr<Service> Service::open(const ServiceOptions& options, std::string* error) {
  std::unique_ptr<detail::Store> store;
  if (!options.in_memory) {
    if (options.data_dir.empty()) {
      if (error != nullptr) *error = "no data directory given for the SNS store";
      return nullptr;
    }
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir, ec);
    store = detail::Store::open((std::filesystem::path(options.data_dir) / "sns.db").string(), error);
    if (!store) return nullptr;
  }
  auto service = std::make_unique<detail::ServiceImpl>(options, std::move(store));
  if (!service->load(error)) return nullptr;
  return service;
}

namespace detail {

namespace {
constexpr size_t kPageSize = 100;

template <typename T, typename Key>
common::Outcome<Page<T>> paginate(const std::vector<T>& all, const std::optional<std::string>& token, Key key) {
  size_t start = 0;
  if (token) {
    auto after = common::base64_decode(*token);
    if (!after) return invalid_parameter("NextToken");
    while (start < all.size() && key(all[start]) <= *after) ++start;
  }
  Page<T> page;
  for (size_t i = start; i < all.size() && page.items.size() < kPageSize; ++i) page.items.push_back(all[i]);
  if (start + page.items.size() < all.size()) page.next_token = common::base64_encode(key(page.items.back()));
  return page;
}
}  // namespace

ServiceImpl::ServiceImpl(const ServiceOptions& options, std::unique_ptr<Store> store)
    : options_(options),
      clock_(options.clock ? options.clock : common::system_clock()),
      store_(std::move(store)),
      outbox_(options.in_memory ? std::string() : (std::filesystem::path(options.data_dir) / "outbox.jsonl").string()),
      mobile_(std::make_unique<MobileImpl>(store_.get(), clock_,
                                           [this](const std::string& topic_arn, const std::string& message) {
                                             publish_application_event(topic_arn, message);
                                           })) {
  if (options.work_pool) {
    const size_t workers = std::max<size_t>(1, std::thread::hardware_concurrency());
    max_queued_signatures_ = 4 * workers;
    signing_lane_ = options.work_pool->lane("sns-signing", workers);
  }
}

bool ServiceImpl::load(std::string* error) {
  if (!store_) return true;
  if (!mobile_->load(error)) return false;
  for (const auto& [arn, policy] : store_->load("data-protection-policy")) data_protection_[arn] = policy;
  for (const auto& [key, value] : store_->load("topic")) {
    auto topic = topic_from_json(value);
    if (!topic) {
      if (error != nullptr) *error = "the SNS store holds an unreadable topic record: " + key;
      return false;
    }
    const std::string arn = topic->arn;
    topics_[arn] = std::move(*topic);
  }
  for (const auto& [key, value] : store_->load("subscription")) {
    auto sub = subscription_from_json(value);
    if (!sub) {
      if (error != nullptr) *error = "the SNS store holds an unreadable subscription record: " + key;
      return false;
    }
    const std::string arn = sub->arn;
    subs_[arn] = std::make_shared<const Subscription>(std::move(*sub));
  }
  return true;
}

common::Status ServiceImpl::persist(const std::vector<RecordWrite>& writes) {
  return store_ ? store_->write(writes) : common::ok_status();
}

common::Status ServiceImpl::persist_topic(const Topic& topic) {
  return persist({RecordWrite{"topic", topic.arn, topic_to_json(topic)}});
}

common::Status ServiceImpl::persist_subscription(const Subscription& sub) {
  return persist({RecordWrite{"subscription", sub.arn, subscription_to_json(sub)}});
}

common::Outcome<Topic*> ServiceImpl::find_topic(const CallContext& ctx, const std::string& arn,
                                                std::string_view param) {
  auto parsed = parse_sns_arn(arn, param);
  if (!parsed) return parsed.error();
  if (parsed->region != ctx.region) return invalid_parameter(param);
  auto it = topics_.find(arn);
  if (it == topics_.end()) return common::aws_error(common::AwsErrorCode::NotFound, "Topic does not exist");
  return &it->second;
}

std::vector<ServiceImpl::SubPtr> ServiceImpl::topic_subscriptions(const std::string& topic_arn) const {
  std::vector<SubPtr> out;
  const std::string prefix = topic_arn + ":";
  for (auto it = subs_.lower_bound(prefix); it != subs_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::pair<int64_t, int64_t> ServiceImpl::count_subscriptions(const std::string& topic_arn) const {
  int64_t confirmed = 0, pending = 0;
  for (const auto& s : topic_subscriptions(topic_arn)) (s->confirmed ? confirmed : pending)++;
  return {confirmed, pending};
}

common::Outcome<std::string> ServiceImpl::create_topic(const CallContext& ctx, const std::string& name,
                                                       const AttributeMap& attributes, const TagList& tags) {
  auto fifo_it = attributes.find("FifoTopic");
  bool fifo = fifo_it != attributes.end() && is_true_text(fifo_it->second);
  if (!valid_topic_name(name, fifo)) return invalid_parameter("Topic Name");
  if (auto st = validate_tags(tags); !st) return st.error();
  Topic topic;
  topic.arn = topic_arn(ctx.region, ctx.account_id, name);
  topic.name = name;
  topic.account_id = ctx.account_id;
  topic.region = ctx.region;
  topic.fifo = fifo;
  for (const auto& [k, v] : attributes) {
    if (auto st = apply_topic_attribute(topic, k, v, true); !st) return st.error();
  }
  topic.tags = tags;

  std::unique_lock lock(mu_);
  if (auto it = topics_.find(topic.arn); it != topics_.end()) {
    const Topic& existing = it->second;
    for (const auto& [k, v] : topic.attributes) {
      auto e = existing.attributes.find(k);
      if (e == existing.attributes.end() || e->second != v) {
        return invalid_parameter("Attributes Reason: Topic already exists with different attributes");
      }
    }
    // Tags given again are checked as a subset, like the attributes: each must be there already
    // with the same value; an existing topic's other tags do not make the call fail.
    for (const Tag& tag : tags) {
      // Not a structured binding: clang before 16 cannot capture one in the lambda below.
      const std::string& key = tag.first;
      auto e = std::find_if(existing.tags.begin(), existing.tags.end(), [&](const Tag& t) { return t.first == key; });
      if (e == existing.tags.end() || e->second != tag.second) {
        return invalid_parameter("Tags Reason: Topic already exists with different tags");
      }
    }
    return existing.arn;
  }
  if (auto st = persist_topic(topic); !st) return st.error();
  std::string arn = topic.arn;
  topics_.emplace(arn, std::move(topic));
  return arn;
}

common::Status ServiceImpl::delete_topic(const CallContext& ctx, const std::string& arn) {
  auto parsed = parse_sns_arn(arn, "TopicArn");
  if (!parsed) return parsed.error();
  if (parsed->region != ctx.region) return invalid_parameter("TopicArn");
  std::unique_lock lock(mu_);
  if (topics_.count(arn) == 0) return common::ok_status();  // deleting a missing topic is not an error
  // The topic, its data protection policy and its subscriptions go in one transaction, or not at all.
  const std::vector<SubPtr> subscriptions = topic_subscriptions(arn);
  std::vector<RecordWrite> erase{RecordWrite{"topic", arn, std::nullopt}};
  const bool has_policy = data_protection_.count(arn) != 0;
  if (has_policy) erase.push_back(RecordWrite{"data-protection-policy", arn, std::nullopt});
  for (const auto& s : subscriptions) erase.push_back(RecordWrite{"subscription", s->arn, std::nullopt});
  if (auto st = persist(erase); !st) return st;
  topics_.erase(arn);
  data_protection_.erase(arn);
  for (const auto& s : subscriptions) subs_.erase(s->arn);
  return common::ok_status();
}

common::Outcome<Page<std::string>> ServiceImpl::list_topics(const CallContext& ctx,
                                                            const std::optional<std::string>& token) {
  std::vector<std::string> arns;
  {
    std::shared_lock lock(mu_);
    for (const auto& [arn, t] : topics_) {
      if (t.account_id == ctx.account_id && t.region == ctx.region) arns.push_back(arn);
    }
  }
  return paginate(arns, token, [](const std::string& a) { return a; });
}

common::Outcome<AttributeMap> ServiceImpl::get_topic_attributes(const CallContext& ctx, const std::string& arn) {
  std::shared_lock lock(mu_);
  auto it = topics_.find(arn);
  if (it == topics_.end() || it->second.region != ctx.region) {
    auto parsed = parse_sns_arn(arn, "TopicArn");
    if (!parsed) return parsed.error();
    if (parsed->region != ctx.region) return invalid_parameter("TopicArn");
    return common::aws_error(common::AwsErrorCode::NotFound, "Topic does not exist");
  }
  auto [confirmed, pending] = count_subscriptions(arn);
  return render_topic_attributes(it->second, confirmed, pending);
}

std::optional<Service::TopicAccess> ServiceImpl::topic_access(const std::string& arn) {
  std::shared_lock lock(mu_);
  auto it = topics_.find(arn);
  if (it == topics_.end()) return std::nullopt;
  const Topic& topic = it->second;
  auto policy = topic.attributes.find("Policy");
  return TopicAccess{policy != topic.attributes.end() ? policy->second : default_topic_policy(topic), topic.tags};
}

common::Status ServiceImpl::set_topic_attributes(const CallContext& ctx, const std::string& arn,
                                                 const std::string& name, const std::optional<std::string>& value) {
  std::unique_lock lock(mu_);
  auto topic = find_topic(ctx, arn, "TopicArn");
  if (!topic) return topic.error();
  Topic updated = *topic.value();
  if (auto st = apply_topic_attribute(updated, name, value.value_or(""), false); !st) return st;
  if (auto st = persist_topic(updated); !st) return st;
  *topic.value() = std::move(updated);
  return common::ok_status();
}

common::Status ServiceImpl::add_permission(const CallContext& ctx, const std::string& arn, const std::string& label,
                                           const std::vector<std::string>& account_ids,
                                           const std::vector<std::string>& actions) {
  std::unique_lock lock(mu_);
  auto topic = find_topic(ctx, arn, "TopicArn");
  if (!topic) return topic.error();
  Topic updated = *topic.value();
  if (auto st = add_policy_statement(updated, label, account_ids, actions); !st) return st;
  if (auto st = persist_topic(updated); !st) return st;
  *topic.value() = std::move(updated);
  return common::ok_status();
}

common::Status ServiceImpl::remove_permission(const CallContext& ctx, const std::string& arn,
                                              const std::string& label) {
  std::unique_lock lock(mu_);
  auto topic = find_topic(ctx, arn, "TopicArn");
  if (!topic) return topic.error();
  Topic updated = *topic.value();
  if (auto st = remove_policy_statement(updated, label); !st) return st;
  if (auto st = persist_topic(updated); !st) return st;
  *topic.value() = std::move(updated);
  return common::ok_status();
}

common::Status ServiceImpl::tag_resource(const CallContext&, const std::string& arn, const TagList& tags) {
  if (auto st = validate_tags(tags); !st) return st;
  std::unique_lock lock(mu_);
  auto it = topics_.find(arn);
  if (it == topics_.end())
    return common::aws_error(common::AwsErrorCode::SnsResourceNotFound, "Resource does not exist");
  Topic updated = it->second;
  for (const auto& tag : tags) {  // not a structured binding: clang before 16 cannot capture one
    const auto& [k, v] = tag;
    auto existing =
        std::find_if(updated.tags.begin(), updated.tags.end(), [&](const Tag& t) { return t.first == tag.first; });
    if (existing != updated.tags.end()) {
      existing->second = v;
    } else {
      updated.tags.emplace_back(k, v);
    }
  }
  if (updated.tags.size() > 50) {
    return common::aws_error(common::AwsErrorCode::TagLimitExceeded,
                             "Could not complete request: tag quota of per resource exceeded");
  }
  if (auto st = persist_topic(updated); !st) return st;
  it->second = std::move(updated);
  return common::ok_status();
}

common::Status ServiceImpl::untag_resource(const CallContext&, const std::string& arn,
                                           const std::vector<std::string>& keys) {
  std::unique_lock lock(mu_);
  auto it = topics_.find(arn);
  if (it == topics_.end())
    return common::aws_error(common::AwsErrorCode::SnsResourceNotFound, "Resource does not exist");
  Topic updated = it->second;
  for (const auto& k : keys) {
    std::erase_if(updated.tags, [&](const Tag& t) { return t.first == k; });
  }
  if (auto st = persist_topic(updated); !st) return st;
  it->second = std::move(updated);
  return common::ok_status();
}

common::Outcome<TagList> ServiceImpl::list_tags_for_resource(const CallContext&, const std::string& arn) {
  std::shared_lock lock(mu_);
  auto it = topics_.find(arn);
  if (it == topics_.end())
    return common::aws_error(common::AwsErrorCode::SnsResourceNotFound, "Resource does not exist");
  TagList tags = it->second.tags;
  std::sort(tags.begin(), tags.end());
  return tags;
}

// Keeps the signing key and certificate (one transaction), so that deliveries are signed by the
// same certificate after a restart. A failed write is retried by the next signature.
void ServiceImpl::store_signer() {
  if (signer_stored_ || !store_) return;
  signer_stored_ = static_cast<bool>(persist({RecordWrite{"meta", "signing-key", signer_->key_pem()},
                                              RecordWrite{"meta", "signing-cert", signer_->cert_pem()}}));
}

const Signer& ServiceImpl::signer() {
  std::lock_guard lock(signer_mu_);
  if (signer_) {
    store_signer();
    return *signer_;
  }
  std::string key, cert, error;
  if (store_) {
    for (const auto& [k, v] : store_->load("meta")) {
      if (k == "signing-key") key = v;
      if (k == "signing-cert") cert = v;
    }
  }
  signer_ = Signer::create(key, cert, &error);
  if (!signer_) signer_ = Signer::create("", "", &error);  // unreadable stored key: make a new one
  signer_stored_ = !key.empty() && key == signer_->key_pem();
  store_signer();
  return *signer_;
}

std::shared_ptr<const Signer> ServiceImpl::shared_signer() {
  (void)signer();
  std::lock_guard lock(signer_mu_);
  return signer_;
}

std::string ServiceImpl::signing_certificate_pem() { return signer().cert_pem(); }

std::string ServiceImpl::signing_certificate_path() {
  const Signer& s = signer();
  std::lock_guard lock(signer_mu_);
  if (cert_path_.empty()) cert_path_ = "/SimpleNotificationService-" + common::md5_hex(s.cert_pem()) + ".pem";
  return cert_path_;
}

std::vector<std::string> ServiceImpl::outbox_lines() { return outbox_.lines(); }

}  // namespace detail
}  // namespace sluice::sns
