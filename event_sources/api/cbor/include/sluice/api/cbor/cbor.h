#pragma once
// The Smithy RPC v2 CBOR protocol kit (smithy.protocols#rpcv2Cbor): `POST /service/<Service>/
// operation/<Operation>` with a CBOR body, `smithy-protocol: rpc-v2-cbor` on requests and answers.
// Decoding and encoding are Debian's libcbor (its streaming decoder and its item encoders); this
// kit maps CBOR to the Boost.JSON values the services' actions already read and write, so a
// service that speaks JSON 1.0 answers CBOR with its JSON actions unchanged:
//
// - reading: a map becomes an object (text keys only), an array an array, text a string, a byte
//   string its base64 text (as the JSON protocols carry blobs), integers int64 (uint64 above),
//   floats of any width double, tag 1 (epoch-seconds timestamps) its number, null and undefined
//   null. Definite and indefinite lengths alike; nesting deeper than kMaxDepth, other tags, a
//   truncated item or bytes after the top-level map are refused (SerializationException).
// - writing: objects, arrays, strings, booleans, null; int64/uint64 as CBOR integers, doubles as
//   float64; a member that the service names a timestamp (TimestampMember) as tag 1 around its
//   number, element by element for an array of timestamps.
// - answers: 200 with Content-Type application/cbor; errors with AWS's status and the body
//   {"__type": "<namespace>#<Type>", "message": ...}, plus the x-amzn-query-error header that the
//   SDKs read for services that keep their Query error codes.

#include <boost/json/fwd.hpp>

#include <string>
#include <string_view>

#include "sluice/api/http/server.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::cbor {

constexpr int kMaxDepth = 32;  // containers nested in the body, as the JSON kit allows

// The request body as an object ({} for an empty body).
common::Outcome<boost::json::object> read_object(std::string_view body);

// Whether an object member of this name holds a timestamp (or an array of them).
using TimestampMember = bool (*)(std::string_view member);
std::string write(const boost::json::value& value, TimestampMember is_timestamp);

struct Dialect {
  std::string_view type_namespace;  // "com.amazonaws.cloudwatch#"
};

http::Response response(std::string_view request_id, std::string body);
http::Response error_response(const common::AwsError& error, std::string_view request_id, const Dialect& dialect);

}  // namespace sluice::api::cbor
