#pragma once
// A fake SQS JSON 1.0 endpoint on loopback. Every request's Authorization header is checked by
// recomputing the signature from the headers it names; a mismatch answers SignatureDoesNotMatch.
// Answers: ReceiveMessage (a canned list; a long poll with nothing to give blocks until
// release() or its wait ends), DeleteMessageBatch / ChangeMessageVisibilityBatch (receipt handle
// "bad" fails), GetQueueAttributes; a QueueUrl containing "missing" gets NonExistentQueue.
// throttle_next / fail_next make the next requests answer RequestThrottled / HTTP 500.

#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "sluice/aws/sigv4.h"
#include "test_support.h"

namespace sluice::aws::test {

struct RecordedCall {
  std::string action;
  boost::json::object body;
  std::string session_token;
  bool signature_ok = false;
};

class FakeSqs {
 public:
  Credentials credentials{"AKIDFAKE", "fake-secret", "", std::nullopt};
  std::string region = "us-east-1";
  boost::json::array messages;  // answered to a ReceiveMessage
  std::atomic<int> throttle_next{0};
  std::atomic<int> fail_next{0};

  FakeSqs() {
    http_.server.Post("/", [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    http_.start();
  }
  ~FakeSqs() { release(); }

  std::string url() const { return http_.url(); }

  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  std::vector<RecordedCall> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  int polls_waiting() {
    std::lock_guard lock(mu_);
    return waiting_;
  }

 private:
  static void error(httplib::Response& res, int status, const char* query_code, const char* type, const char* message) {
    res.status = status;
    if (query_code != nullptr) res.set_header("x-amzn-query-error", std::string(query_code) + ";Sender");
    boost::json::object body{{"__type", std::string("com.amazonaws.sqs#") + type}, {"message", message}};
    res.set_content(boost::json::serialize(body), "application/x-amz-json-1.0");
  }

  bool signature_matches(const httplib::Request& req, std::string* token) {
    auto parsed = parse_authorization(req.get_header_value("Authorization"));
    if (!parsed || parsed->access_key_id != credentials.access_key_id || parsed->service != "sqs" ||
        parsed->region != region) {
      return false;
    }
    SignableRequest signable;
    signable.method = req.method;
    signable.path = req.path;
    signable.body = req.body;
    for (const auto& name : parsed->signed_headers) {
      auto range = req.headers.equal_range(name);
      if (range.first == range.second) return false;
      for (auto it = range.first; it != range.second; ++it) signable.headers.emplace_back(name, it->second);
    }
    Credentials creds = credentials;
    *token = req.get_header_value("X-Amz-Security-Token");
    std::string date = req.get_header_value("X-Amz-Date");
    std::string expected = authorization_value(signable, creds, {region, "sqs", date});
    return expected == req.get_header_value("Authorization");
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    RecordedCall call;
    std::string target = req.get_header_value("X-Amz-Target");
    call.action = target.rfind("AmazonSQS.", 0) == 0 ? target.substr(10) : target;
    call.signature_ok = signature_matches(req, &call.session_token);
    boost::system::error_code ec;
    auto parsed = boost::json::parse(req.body, ec);
    if (!ec && parsed.is_object()) call.body = parsed.as_object();
    {
      std::lock_guard lock(mu_);
      calls_.push_back(call);
    }
    if (!call.signature_ok) {
      return error(res, 403, "SignatureDoesNotMatch", "SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you provided.");
    }
    if (req.get_header_value("Content-Type") != "application/x-amz-json-1.0") {
      return error(res, 400, nullptr, "SerializationException", "bad content type");
    }
    if (throttle_next > 0) {
      --throttle_next;
      return error(res, 400, "RequestThrottled", "RequestThrottled", "Rate exceeded");
    }
    if (fail_next > 0) {
      --fail_next;
      res.status = 500;
      res.set_content(R"({"__type":"com.amazonaws.sqs#InternalFailure","message":"boom"})",
                      "application/x-amz-json-1.0");
      return;
    }
    std::string queue_url = call.body.contains("QueueUrl") ? std::string(call.body["QueueUrl"].as_string()) : "";
    if (queue_url.find("missing") != std::string::npos) {
      return error(res, 400, "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
                   "The specified queue does not exist.");
    }
    boost::json::object answer;
    if (call.action == "ReceiveMessage") {
      int64_t wait = call.body.contains("WaitTimeSeconds") ? call.body["WaitTimeSeconds"].as_int64() : 0;
      if (messages.empty() && wait > 0) {
        std::unique_lock lock(mu_);
        ++waiting_;
        cv_.wait_for(lock, std::chrono::seconds(wait), [this] { return released_; });
        --waiting_;
      }
      if (!messages.empty()) answer["Messages"] = messages;
    } else if (call.action == "DeleteMessageBatch" || call.action == "ChangeMessageVisibilityBatch") {
      boost::json::array ok, failed;
      for (const auto& e : call.body["Entries"].as_array()) {
        const auto& entry = e.as_object();
        if (entry.at("ReceiptHandle").as_string() == "bad") {
          failed.push_back(boost::json::object{{"Id", entry.at("Id")},
                                               {"SenderFault", true},
                                               {"Code", "ReceiptHandleIsInvalid"},
                                               {"Message", "The input receipt handle is invalid."}});
        } else {
          ok.push_back(boost::json::object{{"Id", entry.at("Id")}});
        }
      }
      answer["Successful"] = ok;
      if (!failed.empty()) answer["Failed"] = failed;
    } else if (call.action == "GetQueueAttributes") {
      boost::json::object attrs;
      for (const auto& n : call.body["AttributeNames"].as_array()) {
        if (n.as_string() == "VisibilityTimeout") attrs["VisibilityTimeout"] = "30";
        if (n.as_string() == "QueueArn") attrs["QueueArn"] = "arn:aws:sqs:us-east-1:123456789012:q";
      }
      answer["Attributes"] = attrs;
    } else {
      return error(res, 400, nullptr, "UnknownOperationException", "unknown operation");
    }
    res.set_content(boost::json::serialize(answer), "application/x-amz-json-1.0");
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  int waiting_ = 0;
  std::vector<RecordedCall> calls_;
  LoopbackServer http_;  // last: stopped (and its handlers joined) before the state above goes
};

}  // namespace sluice::aws::test
