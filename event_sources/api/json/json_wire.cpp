// JSON-protocol requests and answers: the per-request arena and the HTTP answers (see json.h).

#include <cstddef>

#include "sluice/api/json/json.h"
#include "sluice/common/utf8.h"

namespace sluice::api::json {
namespace {

// Big enough for a 10-entry batch of small messages and its answer; larger requests continue in
// blocks the monotonic resource allocates.
constexpr size_t kArenaBytes = size_t{12} * 1024;

class RequestArena final : public boost::json::memory_resource {
 public:
  RequestArena() = default;
  RequestArena(const RequestArena&) = delete;
  RequestArena& operator=(const RequestArena&) = delete;

 private:
  void* do_allocate(size_t n, size_t align) override { return mono_.allocate(n, align); }
  void do_deallocate(void*, size_t, size_t) override {}
  bool do_is_equal(const boost::json::memory_resource& other) const noexcept override { return this == &other; }

  alignas(std::max_align_t) unsigned char buffer_[kArenaBytes];
  boost::json::monotonic_resource mono_{buffer_, sizeof buffer_};
};

}  // namespace

boost::json::storage_ptr request_storage() { return boost::json::make_shared_resource<RequestArena>(); }

http::Response json_response(std::string_view request_id, std::string body, const Dialect& dialect) {
  http::Response response;
  response.status = 200;
  std::string& lines = response.header_lines;
  lines.reserve(96);
  lines.append("x-amzn-RequestId: ").append(request_id).append("\r\n");
  lines.append("Content-Type: ").append(dialect.content_type).append("\r\n");
  response.body = std::move(body);
  common::make_well_formed_utf8(response.body);  // what a Query-encoded request put in a value (utf8.h)
  return response;
}

http::Response error_response(const common::AwsError& error, std::string_view request_id, const Dialect& dialect) {
  const common::AwsErrorInfo& info = error.info();
  http::Response response;
  response.status = info.http_status;
  response.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  boost::json::object body;
  boost::json::string type(dialect.type_namespace);
  type.append(info.json_type);
  body["__type"] = std::move(type);
  body["message"] = error.message;
  response.headers.emplace_back("Content-Type", std::string(dialect.content_type));
  std::string query_error(info.query_code);
  query_error.append(info.fault == common::Fault::Sender ? ";Sender" : ";Receiver");
  response.headers.emplace_back("x-amzn-query-error", std::move(query_error));
  response.body = boost::json::serialize(body);
  common::make_well_formed_utf8(response.body);  // a message may quote the request's bytes
  return response;
}

http::Response error_response_denied_as_400(const common::AwsError& error, std::string_view request_id,
                                            const Dialect& dialect) {
  http::Response response = error_response(error, request_id, dialect);
  if (error.code != common::AwsErrorCode::AccessDenied) return response;
  response.status = 400;
  for (auto& [name, value] : response.headers) {
    if (name == "x-amzn-query-error") value = "AccessDeniedException;Sender";
  }
  return response;
}

}  // namespace sluice::api::json
