// Request encoding for both SQS wire protocols, SigV4 signing, and answer scanning.
// JSON strings are escaped for '"', '\\' and control bytes; Query values are percent-encoded
// (RFC 3986 unreserved characters pass). Answers: JSON values are found by key and unescaped;
// XML values by element and entity-decoded. Both are enough for what SQS answers carry.

#include "sqs_wire.h"

#include <cstdio>
#include <cstring>
#include <ctime>

#include "sluice/common/crypto.h"

namespace bench_http {

namespace {

constexpr std::string_view kAccessKey = "AKIDBENCHEXAMPLE0000";
constexpr std::string_view kSecretKey = "benchSecretKeyNotRealbenchSecretKeyNotRe";

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_form_value(std::string& out, std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

// The path of an absolute queue URL ("http://host:port/123/q" -> "/123/q"); "/" if none.
std::string_view path_of(std::string_view url) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t slash = url.find('/', start);
  return slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
}

std::string amz_date_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The full request: headers for the protocol, a signature if asked, then the body.
std::string http_request(const Endpoint& ep, std::string_view action, std::string_view path, const std::string& body) {
  std::string host = "127.0.0.1:" + std::to_string(ep.port);
  std::string content_type = ep.protocol == Protocol::kJson ? "application/x-amz-json-1.0"
                                                            : "application/x-www-form-urlencoded; charset=utf-8";
  std::string target = "AmazonSQS." + std::string(action);
  std::string out;
  out.reserve(body.size() + 512);
  out += "POST ";
  out += path;
  out += " HTTP/1.1\r\nHost: ";
  out += host;
  out += "\r\nContent-Type: ";
  out += content_type;
  if (ep.protocol == Protocol::kJson) {
    out += "\r\nX-Amz-Target: ";
    out += target;
  }
  out += "\r\nContent-Length: ";
  out += std::to_string(body.size());
  out += "\r\n";
  if (ep.sign) {
    std::string date = amz_date_now();
    std::string canonical = "content-type:" + content_type + "\nhost:" + host + "\nx-amz-date:" + date + "\n";
    std::string signed_headers = "content-type;host;x-amz-date";
    if (ep.protocol == Protocol::kJson) {
      canonical += "x-amz-target:" + target + "\n";
      signed_headers += ";x-amz-target";
    }
    SigV4Input in{kAccessKey, kSecretKey, date, "us-east-1", "sqs", "POST", path, "", canonical, signed_headers, body};
    out += "X-Amz-Date: " + date + "\r\nAuthorization: " + sigv4_authorization(in) + "\r\n";
  }
  out += "\r\n";
  out += body;
  return out;
}

// Query bodies open with the action and version; JSON bodies are built by the callers.
std::string query_head(std::string_view action, std::string_view queue_url) {
  std::string body = "Action=";
  body += action;
  body += "&Version=2012-11-05";
  if (!queue_url.empty()) {
    body += "&QueueUrl=";
    append_form_value(body, queue_url);
  }
  return body;
}

std::string request_path(const Endpoint& ep, std::string_view queue_url) {
  return ep.protocol == Protocol::kJson ? std::string("/") : std::string(path_of(queue_url));
}

}  // namespace

std::string protocol_name(Protocol protocol) { return protocol == Protocol::kJson ? "json" : "query"; }

std::string sigv4_authorization(const SigV4Input& in) {
  std::string date8(in.amz_date.substr(0, 8));
  std::string canonical_request = std::string(in.method) + "\n" + std::string(in.path) + "\n" + std::string(in.query) +
                                  "\n" + std::string(in.canonical_headers) + "\n" + std::string(in.signed_headers) +
                                  "\n" + sluice::common::sha256_hex(in.payload);
  std::string scope = date8 + "/" + std::string(in.region) + "/" + std::string(in.service) + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + std::string(in.amz_date) + "\n" + scope + "\n" +
                        sluice::common::sha256_hex(canonical_request);
  std::string key = sluice::common::hmac_sha256_raw("AWS4" + std::string(in.secret_key), date8);
  key = sluice::common::hmac_sha256_raw(key, in.region);
  key = sluice::common::hmac_sha256_raw(key, in.service);
  key = sluice::common::hmac_sha256_raw(key, "aws4_request");
  std::string signature = sluice::common::to_hex(sluice::common::hmac_sha256_raw(key, to_sign));
  return "AWS4-HMAC-SHA256 Credential=" + std::string(in.access_key) + "/" + scope +
         ", SignedHeaders=" + std::string(in.signed_headers) + ", Signature=" + signature;
}

std::string create_queue_request(const Endpoint& ep, const std::string& queue_name) {
  std::string body;
  if (ep.protocol == Protocol::kJson) {
    body = "{\"QueueName\":";
    append_json_string(body, queue_name);
    body += "}";
  } else {
    body = query_head("CreateQueue", "") + "&QueueName=";
    append_form_value(body, queue_name);
  }
  return http_request(ep, "CreateQueue", "/", body);
}

std::string list_queues_request(const Endpoint& ep) {
  std::string body = ep.protocol == Protocol::kJson ? "{}" : query_head("ListQueues", "");
  return http_request(ep, "ListQueues", "/", body);
}

std::string send_batch_request(const Endpoint& ep, const std::string& queue_url, int count,
                               const std::string& message) {
  std::string body;
  if (ep.protocol == Protocol::kJson) {
    body = "{\"QueueUrl\":";
    append_json_string(body, queue_url);
    body += ",\"Entries\":[";
    for (int i = 0; i < count; ++i) {
      if (i > 0) body += ',';
      body += "{\"Id\":\"m" + std::to_string(i) + "\",\"MessageBody\":";
      append_json_string(body, message);
      body += '}';
    }
    body += "]}";
  } else {
    body = query_head("SendMessageBatch", queue_url);
    for (int i = 0; i < count; ++i) {
      std::string prefix = "&SendMessageBatchRequestEntry." + std::to_string(i + 1);
      body += prefix + ".Id=m" + std::to_string(i);
      body += prefix + ".MessageBody=";
      append_form_value(body, message);
    }
  }
  return http_request(ep, "SendMessageBatch", request_path(ep, queue_url), body);
}

std::string send_request(const Endpoint& ep, const std::string& queue_url, const std::string& message) {
  std::string body;
  if (ep.protocol == Protocol::kJson) {
    body = "{\"QueueUrl\":";
    append_json_string(body, queue_url);
    body += ",\"MessageBody\":";
    append_json_string(body, message);
    body += '}';
  } else {
    body = query_head("SendMessage", queue_url) + "&MessageBody=";
    append_form_value(body, message);
  }
  return http_request(ep, "SendMessage", request_path(ep, queue_url), body);
}

std::string receive_request(const Endpoint& ep, const std::string& queue_url, int max_messages, int wait_seconds) {
  std::string body;
  if (ep.protocol == Protocol::kJson) {
    body = "{\"QueueUrl\":";
    append_json_string(body, queue_url);
    body += ",\"MaxNumberOfMessages\":" + std::to_string(max_messages) +
            ",\"WaitTimeSeconds\":" + std::to_string(wait_seconds) + "}";
  } else {
    body = query_head("ReceiveMessage", queue_url) + "&MaxNumberOfMessages=" + std::to_string(max_messages) +
           "&WaitTimeSeconds=" + std::to_string(wait_seconds);
  }
  return http_request(ep, "ReceiveMessage", request_path(ep, queue_url), body);
}

std::string delete_batch_request(const Endpoint& ep, const std::string& queue_url,
                                 const std::vector<std::string>& handles) {
  std::string body;
  if (ep.protocol == Protocol::kJson) {
    body = "{\"QueueUrl\":";
    append_json_string(body, queue_url);
    body += ",\"Entries\":[";
    for (size_t i = 0; i < handles.size(); ++i) {
      if (i > 0) body += ',';
      body += "{\"Id\":\"d" + std::to_string(i) + "\",\"ReceiptHandle\":";
      append_json_string(body, handles[i]);
      body += '}';
    }
    body += "]}";
  } else {
    body = query_head("DeleteMessageBatch", queue_url);
    for (size_t i = 0; i < handles.size(); ++i) {
      std::string prefix = "&DeleteMessageBatchRequestEntry." + std::to_string(i + 1);
      body += prefix + ".Id=d" + std::to_string(i);
      body += prefix + ".ReceiptHandle=";
      append_form_value(body, handles[i]);
    }
  }
  return http_request(ep, "DeleteMessageBatch", request_path(ep, queue_url), body);
}

std::string delete_request(const Endpoint& ep, const std::string& queue_url, const std::string& handle) {
  std::string body;
  if (ep.protocol == Protocol::kJson) {
    body = "{\"QueueUrl\":";
    append_json_string(body, queue_url);
    body += ",\"ReceiptHandle\":";
    append_json_string(body, handle);
    body += '}';
  } else {
    body = query_head("DeleteMessage", queue_url) + "&ReceiptHandle=";
    append_form_value(body, handle);
  }
  return http_request(ep, "DeleteMessage", request_path(ep, queue_url), body);
}

// ---- scanning answers ----

namespace {

// The string value after "key": at or after `from`; sets *next past it. False if none.
bool next_json_string(std::string_view body, std::string_view key, size_t from, std::string* value, size_t* next) {
  std::string quoted = "\"" + std::string(key) + "\"";
  for (size_t at = body.find(quoted, from); at != std::string_view::npos; at = body.find(quoted, at + 1)) {
    size_t p = at + quoted.size();
    while (p < body.size() && (body[p] == ' ' || body[p] == '\n' || body[p] == '\t' || body[p] == '\r')) ++p;
    if (p >= body.size() || body[p] != ':') continue;
    ++p;
    while (p < body.size() && (body[p] == ' ' || body[p] == '\n' || body[p] == '\t' || body[p] == '\r')) ++p;
    if (p >= body.size() || body[p] != '"') continue;
    ++p;
    value->clear();
    while (p < body.size() && body[p] != '"') {
      char c = body[p++];
      if (c != '\\' || p >= body.size()) {
        *value += c;
        continue;
      }
      char e = body[p++];
      switch (e) {
        case 'n':
          *value += '\n';
          break;
        case 't':
          *value += '\t';
          break;
        case 'r':
          *value += '\r';
          break;
        case 'b':
          *value += '\b';
          break;
        case 'f':
          *value += '\f';
          break;
        case 'u': {
          unsigned code = static_cast<unsigned>(std::strtoul(std::string(body.substr(p, 4)).c_str(), nullptr, 16));
          p += 4;
          if (code < 0x80) {
            *value += static_cast<char>(code);
          } else if (code < 0x800) {
            *value += static_cast<char>(0xC0 | (code >> 6));
            *value += static_cast<char>(0x80 | (code & 0x3F));
          } else {
            *value += static_cast<char>(0xE0 | (code >> 12));
            *value += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            *value += static_cast<char>(0x80 | (code & 0x3F));
          }
          break;
        }
        default:
          *value += e;
          break;  // \" \\ \/
      }
    }
    *next = p + 1;
    return true;
  }
  return false;
}

bool next_xml_element(std::string_view body, std::string_view name, size_t from, std::string* value, size_t* next) {
  std::string open = "<" + std::string(name) + ">";
  std::string close = "</" + std::string(name) + ">";
  size_t at = body.find(open, from);
  if (at == std::string_view::npos) return false;
  size_t start = at + open.size();
  size_t end = body.find(close, start);
  if (end == std::string_view::npos) return false;
  value->clear();
  for (size_t p = start; p < end;) {
    if (body[p] != '&') {
      *value += body[p++];
      continue;
    }
    size_t semi = body.find(';', p);
    std::string_view entity = body.substr(p + 1, semi - p - 1);
    if (entity == "amp") *value += '&';
    else if (entity == "lt") *value += '<';
    else if (entity == "gt") *value += '>';
    else if (entity == "quot") *value += '"';
    else if (entity == "apos") *value += '\'';
    else if (!entity.empty() && entity[0] == '#') {
      bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
      *value +=
          static_cast<char>(std::strtoul(std::string(entity.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10));
    }
    p = semi + 1;
  }
  *next = end + close.size();
  return true;
}

bool next_value(Protocol protocol, std::string_view body, std::string_view key, size_t from, std::string* value,
                size_t* next) {
  return protocol == Protocol::kJson ? next_json_string(body, key, from, value, next)
                                     : next_xml_element(body, key, from, value, next);
}

size_t count_of(std::string_view body, std::string_view needle) {
  size_t n = 0;
  for (size_t at = body.find(needle); at != std::string_view::npos; at = body.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace

std::string queue_url_of(Protocol protocol, std::string_view body) {
  std::string value;
  size_t next = 0;
  return next_value(protocol, body, "QueueUrl", 0, &value, &next) ? value : std::string();
}

std::vector<std::string> receipt_handles_of(Protocol protocol, std::string_view body) {
  std::vector<std::string> handles;
  std::string value;
  size_t pos = 0;
  while (next_value(protocol, body, "ReceiptHandle", pos, &value, &pos)) handles.push_back(value);
  return handles;
}

int failed_entries_of(Protocol protocol, std::string_view body) {
  return static_cast<int>(protocol == Protocol::kJson ? count_of(body, "\"SenderFault\"")
                                                      : count_of(body, "<BatchResultErrorEntry>"));
}

}  // namespace bench_http
