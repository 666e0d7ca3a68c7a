// Fuzzes the Smithy RPC v2 CBOR reader (sluice/api/cbor/cbor.h): any bytes are read or refused
// without a crash, a hang or a sanitizer report, and a body that is read writes back to CBOR that
// reads again and writes the same bytes (the writer and the reader agree on every value).

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sluice/api/cbor/cbor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace cbor = sluice::api::cbor;
  auto read = cbor::read_object(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!read.ok()) return 0;
  const std::string written = cbor::write(*read, nullptr);
  auto again = cbor::read_object(written);
  if (!again.ok() || cbor::write(*again, nullptr) != written) std::abort();
  return 0;
}
