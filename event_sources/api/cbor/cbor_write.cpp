// Writing CBOR answers (see cbor.h) with libcbor's item-head encoders into one string, and the
// protocol's HTTP answers.

#include <cbor.h>

#include <boost/json.hpp>

#include "sluice/api/cbor/cbor.h"
#include "sluice/common/utf8.h"

namespace sluice::api::cbor {
namespace {

namespace bj = boost::json;

constexpr uint64_t kEpochSecondsTag = 1;

class Writer {
 public:
  explicit Writer(TimestampMember is_timestamp) : is_timestamp_(is_timestamp) {}

  void value(const bj::value& v, bool timestamp = false) {
    switch (v.kind()) {
      case bj::kind::null:
        return head(cbor_encode_null(buffer_, sizeof buffer_));
      case bj::kind::bool_:
        return head(cbor_encode_bool(v.get_bool(), buffer_, sizeof buffer_));
      case bj::kind::int64:
      case bj::kind::uint64:
      case bj::kind::double_:
        if (timestamp) head(cbor_encode_tag(kEpochSecondsTag, buffer_, sizeof buffer_));
        return number(v);
      case bj::kind::string:
        return text(v.get_string());
      case bj::kind::array:
        head(cbor_encode_array_start(v.get_array().size(), buffer_, sizeof buffer_));
        for (const bj::value& element : v.get_array()) value(element, timestamp);
        return;
      case bj::kind::object:
        head(cbor_encode_map_start(v.get_object().size(), buffer_, sizeof buffer_));
        for (const auto& member : v.get_object()) {
          text(member.key());
          value(member.value(), is_timestamp_ != nullptr && is_timestamp_(member.key()));
        }
        return;
    }
  }

  std::string take() { return std::move(out_); }

 private:
  void number(const bj::value& v) {
    if (v.is_int64()) {
      const int64_t n = v.get_int64();
      // CBOR's negative integers hold -1 - n.
      return head(n >= 0 ? cbor_encode_uint(static_cast<uint64_t>(n), buffer_, sizeof buffer_)
                         : cbor_encode_negint(static_cast<uint64_t>(-1 - n), buffer_, sizeof buffer_));
    }
    if (v.is_uint64()) return head(cbor_encode_uint(v.get_uint64(), buffer_, sizeof buffer_));
    head(cbor_encode_double(v.get_double(), buffer_, sizeof buffer_));
  }

  void text(std::string_view s) {
    std::string valid(s);
    common::make_well_formed_utf8(valid);  // CBOR text must be UTF-8; a message may quote the request's bytes
    head(cbor_encode_string_start(valid.size(), buffer_, sizeof buffer_));
    out_ += valid;
  }

  void head(size_t written) { out_.append(reinterpret_cast<const char*>(buffer_), written); }

  TimestampMember is_timestamp_;
  unsigned char buffer_[16];  // one item head: at most 9 bytes
  std::string out_;
};

http::Response with_protocol(http::Response response, std::string_view request_id) {
  response.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  response.headers.emplace_back("smithy-protocol", "rpc-v2-cbor");
  response.headers.emplace_back("Content-Type", "application/cbor");
  return response;
}

}  // namespace

std::string write(const bj::value& value, TimestampMember is_timestamp) {
  Writer writer(is_timestamp);
  writer.value(value);
  return writer.take();
}

http::Response response(std::string_view request_id, std::string body) {
  http::Response r;
  r.body = std::move(body);
  return with_protocol(std::move(r), request_id);
}

http::Response error_response(const common::AwsError& error, std::string_view request_id, const Dialect& dialect) {
  const common::AwsErrorInfo& info = error.info();
  http::Response r;
  r.status = info.http_status;
  bj::object body;
  std::string type(dialect.type_namespace);
  type.append(info.json_type);
  body["__type"] = type;
  body["message"] = error.message;
  r.body = write(body, nullptr);
  std::string query_error(info.query_code);
  query_error.append(info.fault == common::Fault::Sender ? ";Sender" : ";Receiver");
  r.headers.emplace_back("x-amzn-query-error", std::move(query_error));
  return with_protocol(std::move(r), request_id);
}

}  // namespace sluice::api::cbor
