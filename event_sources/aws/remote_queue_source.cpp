// The remote QueueSource: QueueSource calls translated to SQS JSON 1.0 actions and back.
// A poll cancelled by interrupt() may already have been answered by the server; those messages
// are simply not seen and come back after their visibility timeout, as with any lost answer.

#include "sluice/aws/remote_queue_source.h"

#include <algorithm>

#include <boost/json.hpp>

#include "http_util.h"
#include "sluice/common/crypto.h"

namespace sluice::aws {
namespace {

namespace json = boost::json;
using sqs::AttributeMap;
using sqs::BatchEntryError;
using sqs::BatchEntryOk;
using sqs::BatchResult;
using sqs::ReceivedMessage;

constexpr size_t kMaxBatch = 10;
constexpr std::chrono::seconds kPollMargin{10};  // read timeout above the long-poll wait

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t next = text.find(sep, pos);
    if (next == std::string_view::npos) next = text.size();
    out.emplace_back(text.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::string str(const json::object& obj, const char* key) {
  const json::value* v = obj.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::object* obj_at(const json::object& obj, const char* key) {
  const json::value* v = obj.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

const json::array* arr_at(const json::object& obj, const char* key) {
  const json::value* v = obj.if_contains(key);
  return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
}

common::Outcome<ReceivedMessage> parse_message(const json::object& m) {
  ReceivedMessage out;
  out.message_id = str(m, "MessageId");
  out.receipt_handle = str(m, "ReceiptHandle");
  out.body = str(m, "Body");
  out.md5_of_body = str(m, "MD5OfBody");
  if (const auto* attrs = obj_at(m, "Attributes")) {
    for (const auto& [name, value] : *attrs) {
      if (value.is_string()) out.attributes.emplace_back(std::string(name), std::string(value.as_string()));
    }
  }
  if (const auto* attrs = obj_at(m, "MessageAttributes")) {
    for (const auto& [name, value] : *attrs) {
      if (!value.is_object()) continue;
      const auto& v = value.as_object();
      sqs::MessageAttribute attr;
      attr.data_type = str(v, "DataType");
      attr.string_value = str(v, "StringValue");
      if (v.contains("BinaryValue")) {
        auto decoded = common::base64_decode(str(v, "BinaryValue"));
        if (!decoded) {
          return common::aws_error(
              common::AwsErrorCode::InternalFailure,
              "message " + out.message_id + ": attribute " + std::string(name) + " is not valid base64");
        }
        attr.binary_value = std::move(*decoded);
      }
      out.message_attributes.emplace(std::string(name), std::move(attr));
    }
  }
  if (std::string md5 = str(m, "MD5OfMessageAttributes"); !md5.empty()) out.md5_of_message_attributes = md5;
  return out;
}

BatchResult<BatchEntryOk> parse_batch_result(const json::object& answer) {
  BatchResult<BatchEntryOk> out;
  if (const auto* ok = arr_at(answer, "Successful")) {
    for (const auto& e : *ok) {
      if (e.is_object()) out.successful.push_back({str(e.as_object(), "Id")});
    }
  }
  if (const auto* failed = arr_at(answer, "Failed")) {
    for (const auto& e : *failed) {
      if (!e.is_object()) continue;
      const auto& f = e.as_object();
      std::string code = str(f, "Code");
      std::string message = str(f, "Message");
      common::AwsError error{common::AwsErrorCode::InvalidParameterValue, code};
      if (auto known = error_code_from_wire(code)) {
        error = common::AwsError{*known, message};
      } else if (!message.empty()) {
        error.message.append(": ").append(message);
      }
      const json::value* sender = f.if_contains("SenderFault");
      bool sender_fault = sender == nullptr || !sender->is_bool() || sender->as_bool();
      out.failed.push_back({str(f, "Id"), std::move(error), sender_fault});
    }
  }
  return out;
}

class RemoteQueueSource final : public sqs::QueueSource {
 public:
  RemoteQueueSource(std::string queue_url, std::string arn, SqsClientOptions options)
      : queue_url_(std::move(queue_url)), arn_(std::move(arn)), region_(options.region), client_(std::move(options)) {}

  const std::string& arn() const override { return arn_; }
  const std::string& region() const override { return region_; }

  common::Outcome<std::vector<ReceivedMessage>> receive(int max_messages, int wait_time_seconds,
                                                        std::optional<int64_t> visibility_timeout) override {
    if (receive_cancel_.cancelled()) return std::vector<ReceivedMessage>{};
    json::object body;
    body["MaxNumberOfMessages"] = max_messages;
    body["WaitTimeSeconds"] = wait_time_seconds;
    if (visibility_timeout) body["VisibilityTimeout"] = *visibility_timeout;
    body["AttributeNames"] = json::array{"All"};
    body["MessageSystemAttributeNames"] = json::array{"All"};
    body["MessageAttributeNames"] = json::array{"All"};
    auto timeout = std::chrono::seconds(std::max(0, wait_time_seconds)) + kPollMargin;
    auto answer = client_.call(queue_url_, "ReceiveMessage", std::move(body), timeout, &receive_cancel_);
    if (!answer) {
      if (receive_cancel_.cancelled()) return std::vector<ReceivedMessage>{};
      return answer.take_error();
    }
    std::vector<ReceivedMessage> out;
    if (const auto* messages = arr_at(*answer, "Messages")) {
      for (const auto& m : *messages) {
        if (!m.is_object()) continue;
        auto parsed = parse_message(m.as_object());
        if (!parsed) return parsed.take_error();
        out.push_back(std::move(*parsed));
      }
    }
    return out;
  }

  common::Outcome<BatchResult<BatchEntryOk>> delete_messages(
      const std::vector<sqs::DeleteMessageBatchEntry>& entries) override {
    return in_batches(entries, "DeleteMessageBatch", [](const sqs::DeleteMessageBatchEntry& e) {
      return json::object{{"Id", e.id}, {"ReceiptHandle", e.receipt_handle}};
    });
  }

  common::Outcome<BatchResult<BatchEntryOk>> change_visibility(
      const std::vector<sqs::ChangeVisibilityBatchEntry>& entries) override {
    return in_batches(entries, "ChangeMessageVisibilityBatch", [](const sqs::ChangeVisibilityBatchEntry& e) {
      json::object o{{"Id", e.id}, {"ReceiptHandle", e.receipt_handle}};
      if (e.visibility_timeout) o["VisibilityTimeout"] = *e.visibility_timeout;
      return o;
    });
  }

  common::Outcome<AttributeMap> attributes(const std::vector<std::string>& names) override {
    json::array list;
    for (const auto& n : names) list.emplace_back(n);
    auto answer = client_.call(queue_url_, "GetQueueAttributes", json::object{{"AttributeNames", std::move(list)}});
    if (!answer) return answer.take_error();
    AttributeMap out;
    if (const auto* attrs = obj_at(*answer, "Attributes")) {
      for (const auto& [name, value] : *attrs) {
        if (value.is_string()) out.emplace(std::string(name), std::string(value.as_string()));
      }
    }
    return out;
  }

  void interrupt() override { receive_cancel_.cancel(); }

 private:
  template <typename Entry, typename ToJson>
  common::Outcome<BatchResult<BatchEntryOk>> in_batches(const std::vector<Entry>& entries, const char* action,
                                                        ToJson to_json) {
    BatchResult<BatchEntryOk> all;
    for (size_t start = 0; start < entries.size(); start += kMaxBatch) {
      json::array chunk;
      for (size_t i = start; i < std::min(entries.size(), start + kMaxBatch); ++i)
        chunk.emplace_back(to_json(entries[i]));
      auto answer = client_.call(queue_url_, action, json::object{{"Entries", std::move(chunk)}});
      if (!answer) return answer.take_error();
      auto result = parse_batch_result(*answer);
      for (auto& ok : result.successful) all.successful.push_back(std::move(ok));
      for (auto& failed : result.failed) all.failed.push_back(std::move(failed));
    }
    return all;
  }

  const std::string queue_url_;
  const std::string arn_;
  const std::string region_;
  SqsClient client_;
  Cancellation receive_cancel_;
};

std::string partition_for_host(std::string_view host) {
  return host.size() >= 3 && host.substr(host.size() - 3) == ".cn" ? "aws-cn" : "aws";
}

}  // namespace

std::optional<std::string> queue_url_from_arn(std::string_view arn, std::string_view endpoint) {
  auto parts = split(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[3].empty() || parts[4].empty() ||
      parts[5].empty()) {
    return std::nullopt;
  }
  std::string base;
  if (!endpoint.empty()) {
    base = std::string(endpoint);
    while (!base.empty() && base.back() == '/') base.pop_back();
  } else {
    base = "https://sqs." + parts[3] + (parts[1] == "aws-cn" ? ".amazonaws.com.cn" : ".amazonaws.com");
  }
  return base + "/" + parts[4] + "/" + parts[5];
}

std::optional<std::string> region_from_queue_url(std::string_view url_text) {
  auto url = detail::parse_url(url_text);
  if (!url) return std::nullopt;
  auto labels = split(url->host, '.');
  // sqs.REGION.amazonaws.com[.cn]
  if (labels.size() >= 4 && labels[0] == "sqs" && labels[2] == "amazonaws") return labels[1];
  // REGION.queue.amazonaws.com (legacy)
  if (labels.size() >= 4 && labels[1] == "queue" && labels[2] == "amazonaws") return labels[0];
  return std::nullopt;
}

std::unique_ptr<sqs::QueueSource> make_remote_queue_source(const RemoteQueueOptions& options, std::string* error) {
  auto fail = [&](std::string why) -> std::unique_ptr<sqs::QueueSource> {
    if (error != nullptr) *error = std::move(why);
    return nullptr;
  };
  std::string queue_url;
  std::string arn;
  std::string region = options.region;
  if (options.queue.rfind("arn:", 0) == 0) {
    auto url = queue_url_from_arn(options.queue, options.endpoint);
    if (!url) return fail("not an SQS queue ARN: " + options.queue);
    queue_url = *url;
    arn = options.queue;
    if (region.empty()) region = split(arn, ':')[3];
  } else {
    auto url = detail::parse_url(options.queue);
    if (!url) return fail("not a queue URL: " + options.queue);
    auto path = split(url->path, '/');  // "", ACCOUNT, NAME
    if (path.size() != 3 || path[1].empty() || path[2].empty()) {
      return fail("queue URL path is not /ACCOUNT/NAME: " + options.queue);
    }
    queue_url = options.queue;
    if (region.empty()) region = region_from_queue_url(queue_url).value_or("");
    if (region.empty()) region = resolve_region().value_or("");
    if (region.empty()) return fail("no region for " + options.queue + " (set AWS_REGION or the region option)");
    arn = "arn:" + partition_for_host(url->host) + ":sqs:" + region + ":" + path[1] + ":" + path[2];
  }
  SqsClientOptions client;
  client.region = region;
  client.endpoint = options.endpoint;
  client.credentials = options.credentials ? options.credentials : default_credentials_chain();
  client.retry = options.retry;
  return std::make_unique<RemoteQueueSource>(std::move(queue_url), std::move(arn), std::move(client));
}

}  // namespace sluice::aws
