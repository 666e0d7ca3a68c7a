// Reads one form-encoded SNS request per line from stdin and writes one JSON line per answer:
// {"status":N,"body":"<xml>"}. A line "#receive <queue>" answers {"bodies":[...]} with what an
// embedded queue holds. Runs an in-memory SQS engine with queues q1 and q1.fifo in the default
// account and region (sluice/common/defaults.h), so subscriptions have somewhere to deliver.

#include <boost/json.hpp>

#include <iostream>
#include <string>

#include "sluice/api/query/query.h"
#include "sluice/common/defaults.h"
#include "sluice/sqs/engine.h"
#include "sns_api.h"

namespace common = sluice::common;

int main() {
  using namespace sluice;
  sqs::EngineOptions eo;
  eo.in_memory = true;
  eo.background_housekeeping = false;
  std::string error;
  auto engine = sqs::Engine::open(eo, &error);
  if (!engine) {
    std::cerr << error << "\n";
    return 1;
  }
  (void)engine->create_queue({common::kDefaultAccountId, common::kDefaultRegion, "q1"}, {}, {});
  (void)engine->create_queue({common::kDefaultAccountId, common::kDefaultRegion, "q1.fifo"}, {{"FifoQueue", "true"}},
                             {});
  sns::ServiceOptions so;
  so.in_memory = true;
  so.sqs = engine.get();
  auto service = sns::Service::open(so, &error);
  sluice::api::sns_wire::SnsApi api(*service);
  sns::CallContext ctx;
  std::string line;
  while (std::getline(std::cin, line)) {
    boost::json::object out;
    if (line.rfind("#receive ", 0) == 0) {
      sqs::ReceiveMessageRequest r;
      r.max_number_of_messages = 10;
      auto got = engine->receive_message({common::kDefaultAccountId, common::kDefaultRegion, line.substr(9)}, r);
      boost::json::array bodies;
      if (got) {
        for (const auto& m : got.value().messages) bodies.emplace_back(m.body);
      }
      out["bodies"] = std::move(bodies);
    } else {
      auto form = api::query::parse_form(line);
      if (!form) {
        out["status"] = 400;
        out["body"] = "";
      } else {
        auto response = api.handle(form->params(), ctx);
        out["status"] = response.status;
        out["body"] = response.body;
      }
    }
    std::cout << boost::json::serialize(out) << std::endl;
  }
  return 0;
}
