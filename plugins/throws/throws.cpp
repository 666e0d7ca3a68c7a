// throws: a C++ handler that throws std::invalid_argument when the event has "throw": true, and
// answers {"thrown":false} otherwise. Shows that SLUICE_HANDLER turns an exception into a function
// error (type = the exception's C++ type, message = what()) instead of letting it cross the C ABI.
#include <sluice/handler.hpp>

#include <stdexcept>

namespace {

sluice::handler::Result handle(std::string_view event, sluice::handler::Context&) {
  boost::json::value v = boost::json::parse(event);
  if (v.is_object() && v.as_object().contains("throw") && v.at("throw").is_bool() && v.at("throw").as_bool())
    throw std::invalid_argument("order 1002 has no customer");
  return sluice::handler::Result::payload(R"({"thrown":false})");
}

}  // namespace

SLUICE_HANDLER(handle)
