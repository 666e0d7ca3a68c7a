#pragma once
// Request bodies sent compressed (internal to the front door). The AWS SDKs compress a request
// body with gzip and say so in Content-Encoding when the operation allows it (CloudWatch's
// PutMetricData, with botocore's and the JavaScript SDK's request compression), in every protocol
// (a Query form, a JSON document). The front door inflates such a body before anything reads it,
// so routing, the Query form and the services see the plain request.
//
// Guard against decompression bombs: inflating stops at `limit` bytes (the body limit the request
// would have had uncompressed), and the request is refused as too large; zlib's work is bounded by
// the output it may write.
//
// SigV4 signs the body as sent: the SHA-256 of the compressed bytes goes to the signature check
// (Authenticator::authenticate).

#include <optional>
#include <string>

#include "sluice/api/http/server.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::server::detail {

// With Content-Encoding gzip: inflates request.body in place, drops the header, and sets
// *sent_sha256 to the hex SHA-256 of the bytes as sent. RequestEntityTooLarge past `limit`,
// SerializationException for bytes that are not gzip. Any other request is left as it is.
std::optional<common::AwsError> decode_content_encoding(http::Request& request, size_t limit, std::string* sent_sha256);

}  // namespace sluice::api::server::detail
