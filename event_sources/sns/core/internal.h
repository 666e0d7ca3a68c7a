#pragma once
// Internal pieces of the SNS service: the records it keeps, the validation rules (one file per
// family), the signer, the store and the outbox. Nothing here is part of the public API.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/mutex.h"
#include "sluice/common/sqlite.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

namespace sluice::sns::detail {

// ---- Records -------------------------------------------------------------------------------

struct Topic {
  std::string arn;
  std::string name;
  std::string account_id;
  std::string region;
  bool fifo = false;
  AttributeMap attributes;  // settable attributes as set (Policy only once changed)
  TagList tags;
  uint64_t sequence = 0;  // last FIFO sequence number handed out
  int64_t subscriptions_deleted = 0;
};

struct Subscription {
  std::string arn;
  std::string topic_arn;
  std::string owner;
  std::string principal;  // the subscriber's IAM ARN; empty in records stored before it was kept
  std::string protocol;
  std::string endpoint;
  bool confirmed = false;
  std::string token;
  AttributeMap attributes;             // DeliveryPolicy, FilterPolicy, ... as set
  std::optional<FilterPolicy> filter;  // compiled from attributes["FilterPolicy"]
  bool raw = false;
  std::optional<sqs::QueueAddress> queue;  // an sqs endpoint, parsed once (queue_of)
};

// The queue an sqs subscription's endpoint names, or nullopt (not sqs, or not a queue ARN).
std::optional<sqs::QueueAddress> queue_of(const std::string& protocol, const std::string& endpoint);

std::string topic_to_json(const Topic& topic);
std::optional<Topic> topic_from_json(std::string_view text);
std::string subscription_to_json(const Subscription& sub);
std::optional<Subscription> subscription_from_json(std::string_view text);  // recompiles the filter

// ---- ARNs ----------------------------------------------------------------------------------

struct Arn {
  std::string region;
  std::string account_id;
  std::string resource;  // topic name
  std::string sub_id;    // subscription id, empty for a topic ARN
};

// Checks an ARN parameter the way SNS does and reports with its texts; `param` names it
// ("TopicArn", "SubscriptionArn", ...). A missing value answers "no value for required parameter".
common::Outcome<Arn> parse_sns_arn(std::string_view arn, std::string_view param);
std::string topic_arn(std::string_view region, std::string_view account, std::string_view name);

// ---- Topics (topic_rules.cpp) ----------------------------------------------------------------

bool valid_topic_name(std::string_view name, bool fifo);
// SNS reads its boolean attributes (FifoTopic) without regard to case: "True" and "TRUE" are true.
bool is_true_text(std::string_view value);
bool is_false_text(std::string_view value);
// Validates one attribute for CreateTopic (creating = true) or SetTopicAttributes and stores its
// normalised value into `topic`.
common::Status apply_topic_attribute(Topic& topic, const std::string& name, const std::string& value, bool creating);
AttributeMap render_topic_attributes(const Topic& topic, int64_t confirmed, int64_t pending);
std::string default_topic_policy(const Topic& topic);
common::Status add_policy_statement(Topic& topic, const std::string& label, const std::vector<std::string>& accounts,
                                    const std::vector<std::string>& actions);
common::Status remove_policy_statement(Topic& topic, const std::string& label);
common::Status validate_tags(const TagList& tags);

// ---- Subscriptions (subscription_rules.cpp) ----------------------------------------------------

// Protocol and endpoint checks, run before the subscription exists.
common::Status validate_endpoint(const Topic& topic, const std::string& protocol,
                                 const std::optional<std::string>& endpoint);
// Validates and applies one subscription attribute. `subscribing` selects Subscribe's texts
// ("Attributes Reason: ...") over SetSubscriptionAttributes'.
common::Status apply_subscription_attribute(const Topic& topic, Subscription& sub, const std::string& name,
                                            const std::string& value, bool subscribing);
AttributeMap render_subscription_attributes(const Subscription& sub);
bool confirms_at_once(const Subscription& sub, const std::string& caller_account);

// ---- Messages (message_rules.cpp) --------------------------------------------------------------

constexpr size_t kMaxMessageBytes = 262144;

// Checks message, subject, MessageStructure and attributes. `entry_index` (1-based) is set for
// PublishBatch entries and shapes the ValidationError path. On success, for MessageStructure
// json, *per_protocol receives the parsed protocol → text map (key "default" always present).
common::Status validate_message(const PublishRequest& request, std::optional<int> entry_index,
                                std::map<std::string, std::string>* per_protocol);
size_t message_size(const PublishRequest& request);
MessageAttributeMap to_filter_attributes(const PublishAttributes& attributes);
bool valid_phone_number(std::string_view number);  // Publish's PhoneNumber: E.164 digits only
bool valid_sms_endpoint(std::string_view number);  // Subscribe's sms Endpoint: digits and single separators

// ---- Envelopes (envelope.cpp) -------------------------------------------------------------------

// A Notification envelope split around the JSON string of its UnsubscribeURL (the one field that
// differs between the subscriptions of a publish): render() gives exactly the bytes of
// envelope_json() for that URL, at the cost of two copies.
struct EnvelopeTemplate {
  std::string head;  // '{' ... ',"UnsubscribeURL":'
  std::string tail;  // [',"MessageAttributes":{...}'] '}'
  // Where the Signature's text starts in head (and in every rendering); npos when unsigned.
  size_t signature_offset = std::string::npos;
  void render(std::string_view unsubscribe_url, std::string& out) const;  // replaces `out`
};
EnvelopeTemplate envelope_template(const Delivery& notification);  // ignores its unsubscribe_url
std::string string_to_sign(const Delivery& delivery);

// ---- Signing (signer.cpp) ----------------------------------------------------------------------

class Signer {
 public:
  // Loads the key and certificate PEMs, or makes new ones when both are empty.
  static std::unique_ptr<Signer> create(const std::string& key_pem, const std::string& cert_pem, std::string* error);
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  // Base64 of SHA1withRSA (version "1") or SHA256withRSA (version "2") over `text`.
  std::string sign(std::string_view text, std::string_view version) const;
  // The length of every sign() answer: the Base64 of one RSA block of the key.
  size_t signature_size() const;
  const std::string& key_pem() const { return key_pem_; }
  const std::string& cert_pem() const { return cert_pem_; }

 private:
  Signer() = default;
  void* key_ = nullptr;  // EVP_PKEY*
  std::string key_pem_;
  std::string cert_pem_;
};

// ---- Store (store.cpp) -------------------------------------------------------------------------

// Key/value records by kind ("topic", "subscription", "meta") in SQLite, WAL mode. Every put/erase
// is its own committed transaction. Thread-safe: each call prepares its own statement and the
// connection (SQLITE_OPEN_FULLMUTEX) serialises them.
// One change to a record: `value` stored under (kind, key), or the record erased (nullopt).
struct RecordWrite {
  std::string kind;
  std::string key;
  std::optional<std::string> value;
};

class Store {
 public:
  static std::unique_ptr<Store> open(const std::string& path, std::string* error);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Applies the writes in one transaction: all of them or, when a write fails, none (rolled back,
  // so the next write starts from what is committed and succeeds once the cause has passed). The
  // failure is the AWS error for the caller to answer: ServiceUnavailable (503, which SDKs retry)
  // when the disk is full, InternalError otherwise; its cause is logged once per failing spell.
  common::Status write(const std::vector<RecordWrite>& writes);
  std::vector<std::pair<std::string, std::string>> load(std::string_view kind);

 private:
  struct Failure {
    std::string reason;
    bool disk_full;
  };
  Store(common::sqlite::Connection db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
  std::optional<Failure> run_transaction(const std::vector<RecordWrite>& writes) REQUIRES(write_mu_);

  // Writes come from two locks of the service's (topics and subscriptions; the signer), so a
  // transaction of several statements holds this one.
  common::Mutex write_mu_;
  common::sqlite::Connection db_;
  std::string path_;
  bool failing_ GUARDED_BY(write_mu_) = false;  // the last write failed
};

// ---- Outbox (outbox.cpp) -----------------------------------------------------------------------

// email / email-json / sms deliveries, one JSON object per line.
class Outbox {
 public:
  explicit Outbox(std::string path) : path_(std::move(path)) {}  // empty path: memory only
  void append(const Delivery& delivery);
  std::vector<std::string> lines();

 private:
  std::mutex mu_;
  std::string path_;
  std::vector<std::string> memory_;
};

}  // namespace sluice::sns::detail
