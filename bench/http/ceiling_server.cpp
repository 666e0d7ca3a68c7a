// bench_http_ceiling: the loopback ceiling of the HTTP benchmarks. A server that does everything
// sluice's front end does with a request except the work: it runs sluice's own HTTP server
// (sluice/api/http/server.h: libuv, libhttp-parser, keep-alive, the same reads and writes), which
// frames every request and reads its whole body, and answers each SQS action of the http-cycle
// with a fixed answer shaped and sized like sluice's (the same fields, a 128-byte body per
// message, 50-character receipt handles, a request id, the same headers). Nothing is stored,
// hashed or checked.
//
// bench_http cycle against it measures what the generator, the kernel's loopback TCP and the HTTP
// layer allow on this machine: http-cycle reports every other figure as a fraction of it.
//
//   bench_http_ceiling --port P        (GET /health answers 200 once it listens)

#include <uv.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sluice/api/http/server.h"

namespace {

using sluice::api::http::Request;
using sluice::api::http::Response;

constexpr int kBatch = 10;
constexpr const char* kRequestId = "4f8e3a1c-6b2d-5e9f-8a7c-1d2e3f4a5b6c";
constexpr const char* kMessageId = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
constexpr const char* kMd5 = "d41d8cd98f00b204e9800998ecf8427e";
constexpr const char* kReceiptHandle = "0100000000000000010000000000000001000000017a3b9c1d";  // 50 hex digits

std::string message_body() {
  std::string body;
  for (size_t i = 0; body.size() < 128; ++i) body.push_back(static_cast<char>('a' + i % 26));
  return body;
}

struct Answers {
  Response json_create, json_send, json_receive, json_delete, json_other;
  Response query_create, query_send, query_receive, query_delete, query_other;
};

Response json_answer(std::string body) {
  Response r;
  r.header_lines = std::string("x-amzn-RequestId: ") + kRequestId + "\r\nContent-Type: application/x-amz-json-1.0\r\n";
  r.body = std::move(body);
  return r;
}

Response query_answer(const std::string& action, const std::string& result) {
  Response r;
  r.header_lines = std::string("x-amzn-RequestId: ") + kRequestId + "\r\nContent-Type: text/xml\r\n";
  r.body = "<?xml version=\"1.0\"?><" + action + "Response xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><" +
           action + "Result>" + result + "</" + action + "Result><ResponseMetadata><RequestId>" + kRequestId +
           "</RequestId></ResponseMetadata></" + action + "Response>";
  return r;
}

Answers make_answers(int port) {
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/000000000000/ceiling";
  const std::string body = message_body();
  Answers a;
  a.json_create = json_answer("{\"QueueUrl\":\"" + url + "\"}");
  a.query_create = query_answer("CreateQueue", "<QueueUrl>" + url + "</QueueUrl>");
  std::string send = "{\"Successful\":[", send_xml, receive = "{\"Messages\":[", receive_xml,
              remove = "{\"Successful\":[", remove_xml;
  for (int i = 0; i < kBatch; ++i) {
    const std::string n = std::to_string(i);
    const char* comma = i == 0 ? "" : ",";
    send += std::string(comma) + "{\"Id\":\"m" + n + "\",\"MessageId\":\"" + kMessageId + "\",\"MD5OfMessageBody\":\"" +
            kMd5 + "\"}";
    send_xml += "<SendMessageBatchResultEntry><Id>m" + n + "</Id><MessageId>" + kMessageId +
                "</MessageId><MD5OfMessageBody>" + kMd5 + "</MD5OfMessageBody></SendMessageBatchResultEntry>";
    receive += std::string(comma) + "{\"MessageId\":\"" + kMessageId + "\",\"ReceiptHandle\":\"" + kReceiptHandle +
               "\",\"MD5OfBody\":\"" + kMd5 + "\",\"Body\":\"" + body + "\"}";
    receive_xml += std::string("<Message><MessageId>") + kMessageId + "</MessageId><ReceiptHandle>" + kReceiptHandle +
                   "</ReceiptHandle><MD5OfBody>" + kMd5 + "</MD5OfBody><Body>" + body + "</Body></Message>";
    remove += std::string(comma) + "{\"Id\":\"d" + n + "\"}";
    remove_xml += "<DeleteMessageBatchResultEntry><Id>d" + n + "</Id></DeleteMessageBatchResultEntry>";
  }
  a.json_send = json_answer(send + "]}");
  a.json_receive = json_answer(receive + "]}");
  a.json_delete = json_answer(remove + "]}");
  a.json_other = json_answer("{}");
  a.query_send = query_answer("SendMessageBatch", send_xml);
  a.query_receive = query_answer("ReceiveMessage", receive_xml);
  a.query_delete = query_answer("DeleteMessageBatch", remove_xml);
  a.query_other = query_answer("ListQueues", "");
  return a;
}

// The action of a JSON request (X-Amz-Target: AmazonSQS.<Action>) or a Query one (Action=<Action>
// in the form body).
std::string_view action_of(const Request& r, bool* json) {
  if (const std::string* target = r.header("x-amz-target")) {
    *json = true;
    std::string_view t = *target;
    size_t dot = t.find('.');
    return dot == std::string_view::npos ? t : t.substr(dot + 1);
  }
  *json = false;
  std::string_view body = r.body;
  size_t at = body.rfind("Action=", 0) == 0 ? 0 : body.find("&Action=");
  if (at == std::string_view::npos) return {};
  size_t start = body.find('=', at) + 1;
  size_t end = body.find('&', start);
  return body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

const Response& answer_for(const Answers& a, const Request& r) {
  bool json = false;
  std::string_view action = action_of(r, &json);
  if (action == "SendMessageBatch") return json ? a.json_send : a.query_send;
  if (action == "ReceiveMessage") return json ? a.json_receive : a.query_receive;
  if (action == "DeleteMessageBatch") return json ? a.json_delete : a.query_delete;
  if (action == "CreateQueue") return json ? a.json_create : a.query_create;
  return json ? a.json_other : a.query_other;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--port") port = std::atoi(argv[i + 1]);
  }
  if (port <= 0) {
    std::fprintf(stderr, "usage: bench_http_ceiling --port P\n");
    return 64;
  }
  const Answers answers = make_answers(port);
  uv_loop_t* loop = uv_default_loop();
  sluice::api::http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  auto server = sluice::api::http::Server::create(
      loop, options, [&answers](Request&& request, sluice::api::http::ResponderPtr responder) {
        responder->respond(request.path == "/health" ? Response{} : answer_for(answers, request));
      });
  if (int rc = server->listen(); rc != 0) {
    std::fprintf(stderr, "bench_http_ceiling: cannot listen on 127.0.0.1:%d (%s)\n", port, uv_strerror(rc));
    return 1;
  }
  return uv_run(loop, UV_RUN_DEFAULT);
}
