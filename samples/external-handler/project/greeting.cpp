// A complete handler outside the sluice tree: answers {"greeting": "hello <name>"} for a direct
// payload {"name": "..."}.
#include <sluice/handler.hpp>

#include <boost/json.hpp>

namespace {

sluice::handler::Result handle(std::string_view event, sluice::handler::Context&) {
  auto payload = boost::json::parse(event).as_object();
  std::string name = payload.contains("name") ? std::string(payload.at("name").as_string()) : "world";
  return sluice::handler::Result::payload(boost::json::serialize(boost::json::object{{"greeting", "hello " + name}}));
}

}  // namespace

SLUICE_HANDLER(handle)
