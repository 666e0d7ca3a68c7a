// The JSON endpoints over real components: queues and their depths, a peek that changes
// nothing, send / purge / redrive with the session token, topics, invocations, alarms.

#include <doctest/doctest.h>

#include <array>
#include <map>

#include "console_fixture.h"

using namespace sluice;
using namespace sluice::console::testing;
namespace json = boost::json;

namespace {

const json::object& queue_named(const json::value& answer, const std::string& name) {
  for (const auto& q : answer.at("queues").as_array())
    if (q.at("name").as_string() == name) return q.as_object();
  FAIL("no queue " << name);
  static const json::object kNone;
  return kNone;
}

std::string depth(ConsoleFixture& f, const std::string& queue, const std::string& name) {
  return f.engine->get_queue_attributes(f.queue(queue), {name})->at(name);
}

void make_redrive_pair(ConsoleFixture& f) {
  REQUIRE(f.engine->create_queue(f.queue("orders-dlq"), {}, {}).ok());
  REQUIRE(
      f.engine
          ->create_queue(f.queue("orders"),
                         {{"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq",)"
                                            R"("maxReceiveCount":1})"},
                          {"VisibilityTimeout", "1"}},
                         {})
          .ok());
}

}  // namespace

TEST_CASE("queues: depths, oldest age, dead-letter links and the visible-messages history") {
  ConsoleFixture f;
  make_redrive_pair(f);
  sqs::SendMessageRequest message;
  message.body = "hello";
  REQUIRE(f.engine->send_message(f.queue("orders"), message).ok());
  REQUIRE(f.engine->send_message(f.queue("orders"), message).ok());
  message.delay_seconds = 300;
  REQUIRE(f.engine->send_message(f.queue("orders"), message).ok());
  sqs::ReceiveMessageRequest receive;
  receive.visibility_timeout = 600;
  REQUIRE(f.engine->receive_message(f.queue("orders"), receive)->messages.size() == 1);
  // A sampled gauge two minutes ago shows in its minute's slot of the 30-minute history.
  const metrics::MetricKey key{common::kDefaultAccountId,
                               common::kDefaultRegion,
                               "AWS/SQS",
                               "ApproximateNumberOfMessagesVisible",
                               {{"QueueName", "orders"}}};
  f.metrics->put(key, 7, "Count", kT0 - 120'000);
  f.clock->advance_s(90);

  const Answer answer = f.get("queues");
  REQUIRE(answer.status == 200);
  const json::value body = answer.json();
  const json::object& orders = queue_named(body, "orders");
  CHECK(orders.at("visible").as_int64() == 1);
  CHECK(orders.at("inFlight").as_int64() == 1);
  CHECK(orders.at("delayed").as_int64() == 1);
  CHECK(orders.at("oldestAgeSeconds").as_int64() == 90);
  CHECK(orders.at("deadLetterTargetArn").as_string() == "arn:aws:sqs:us-east-1:123456789012:orders-dlq");
  const json::array& history = orders.at("history").as_array();
  REQUIRE(history.size() == 30);
  CHECK(history.back().is_null());
  size_t samples = 0;
  for (const auto& v : history) samples += v.is_null() ? 0 : 1;
  CHECK(samples == 1);
  const json::object& dlq = queue_named(body, "orders-dlq");
  CHECK(dlq.at("oldestAgeSeconds").is_null());
  CHECK(dlq.at("deadLetterSources").as_array().size() == 1);
  CHECK(dlq.at("deadLetterSources").as_array()[0].as_string() == "orders");
}

TEST_CASE("a POST without the page's token is refused and changes nothing") {
  ConsoleFixture f;
  REQUIRE(f.engine->create_queue(f.queue("q"), {}, {}).ok());
  for (const std::string& token :
       {std::string("-"), std::string(""), std::string("0.0"), f.token().substr(0, 33) + std::string(32, '0')}) {
    CAPTURE(token);
    const Answer refused = f.post("send", R"({"queue":"q","body":"x"})", token);
    CHECK(refused.status == 403);
    CHECK(refused.json().at("__type").as_string() == "AccessDeniedException");
    CHECK(refused.json().at("message").as_string().find("session token") != json::string::npos);
  }
  CHECK(depth(f, "q", "ApproximateNumberOfMessages") == "0");
}

TEST_CASE("send from the console, then a peek that leaves the message visible with its receive count") {
  ConsoleFixture f;
  REQUIRE(f.engine->create_queue(f.queue("q"), {}, {}).ok());
  const Answer sent = f.post("send", R"({"queue":"q","body":"order 42","delaySeconds":0})", f.token());
  REQUIRE(sent.status == 200);
  const std::string id(sent.json().at("messageId").as_string());
  CHECK(depth(f, "q", "ApproximateNumberOfMessages") == "1");

  for (int i = 0; i < 3; ++i) {
    const Answer queue = f.get("queue", "name=q");
    REQUIRE(queue.status == 200);
    const json::value body = queue.json();
    const json::array& messages = body.at("messages").as_array();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].at("messageId").as_string() == id);
    CHECK(messages[0].at("body").as_string() == "order 42");
    CHECK(messages[0].at("state").as_string() == "visible");
    CHECK(messages[0].at("receiveCount").as_int64() == 0);
    CHECK(queue.json().at("attributes").at("ApproximateNumberOfMessages").as_string() == "1");
  }
  sqs::ReceiveMessageRequest receive;
  receive.system_attribute_names = {"ApproximateReceiveCount"};
  auto received = f.engine->receive_message(f.queue("q"), receive);
  REQUIRE(received->messages.size() == 1);
  CHECK(received->messages[0].message_id == id);
  CHECK(received->messages[0].attributes[0].second == "1");
}

TEST_CASE("send answers SQS's own errors, and bad bodies a validation error") {
  ConsoleFixture f;
  REQUIRE(f.engine->create_queue(f.queue("q.fifo"), {{"FifoQueue", "true"}}, {}).ok());
  const std::string token = f.token();
  const Answer missing = f.post("send", R"({"queue":"nope","body":"x"})", token);
  CHECK(missing.status == 400);
  CHECK(missing.json().at("message").as_string() == "The specified queue does not exist.");
  const Answer no_group = f.post("send", R"({"queue":"q.fifo","body":"x"})", token);
  CHECK(no_group.status == 400);
  CHECK(no_group.json().at("message").as_string().find("MessageGroupId") != json::string::npos);
  const Answer fifo =
      f.post("send", R"({"queue":"q.fifo","body":"x","messageGroupId":"g","messageDeduplicationId":"d"})", token);
  CHECK(fifo.status == 200);
  CHECK(fifo.json().as_object().contains("sequenceNumber"));
  CHECK(f.post("send", "not json", token).status == 400);
  CHECK(f.post("send", R"({"body":"x"})", token).json().at("message").as_string() == "queue is required.");
  CHECK(f.post("send", R"({"queue":"q.fifo","body":7})", token).status == 400);
  CHECK(f.post("nope", "{}", token).status == 404);
}

TEST_CASE("purge empties the queue") {
  ConsoleFixture f;
  REQUIRE(f.engine->create_queue(f.queue("q"), {}, {}).ok());
  const std::string token = f.token();
  for (int i = 0; i < 3; ++i) REQUIRE(f.post("send", R"({"queue":"q","body":"x"})", token).status == 200);
  CHECK(f.post("purge", R"({"queue":"q"})", token).status == 200);
  CHECK(depth(f, "q", "ApproximateNumberOfMessages") == "0");
  CHECK(f.post("purge", R"({"queue":"q"})", "-").status == 403);
}

TEST_CASE("redrive moves a dead-letter queue's messages back to their source") {
  ConsoleFixture f;
  make_redrive_pair(f);
  sqs::SendMessageRequest message;
  message.body = "poison";
  REQUIRE(f.engine->send_message(f.queue("orders"), message).ok());
  REQUIRE(f.engine->receive_message(f.queue("orders"), {})->messages.size() == 1);
  f.clock->advance_s(2);
  REQUIRE(f.engine->receive_message(f.queue("orders"), {})->messages.empty());  // moved to the DLQ
  const Answer dlq = f.get("queue", "name=orders-dlq");
  REQUIRE(dlq.json().at("messages").as_array().size() == 1);
  CHECK(dlq.json().at("messages").as_array()[0].at("deadLetterQueueSourceArn").as_string() ==
        "arn:aws:sqs:us-east-1:123456789012:orders");
  CHECK(dlq.json().at("deadLetterSources").as_array().size() == 1);

  const Answer started = f.post("redrive", R"({"queue":"orders-dlq"})", f.token());
  REQUIRE(started.status == 200);
  CHECK(!started.json().at("taskHandle").as_string().empty());
  for (int i = 0; i < 10 && depth(f, "orders", "ApproximateNumberOfMessages") != "1"; ++i) {
    f.clock->advance_s(1);
    f.engine->run_housekeeping();
  }
  CHECK(depth(f, "orders", "ApproximateNumberOfMessages") == "1");
  CHECK(depth(f, "orders-dlq", "ApproximateNumberOfMessages") == "0");
  const json::value after = f.get("queue", "name=orders-dlq").json();
  const json::array& tasks = after.at("moveTasks").as_array();
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0].at("status").as_string() == "COMPLETED");
  // A queue that is no one's dead-letter queue cannot be redriven: SQS's error.
  CHECK(f.post("redrive", R"({"queue":"orders"})", f.token()).status == 400);
}

TEST_CASE("topics show their subscriptions and AWS/SNS counts") {
  ConsoleFixture f;
  REQUIRE(f.engine->create_queue(f.queue("inbox"), {}, {}).ok());
  const sns::CallContext ctx(common::kDefaultAccountId, common::kDefaultRegion);
  auto arn = f.topics->create_topic(ctx, "orders", {}, {});
  REQUIRE(arn.ok());
  sns::SubscribeRequest subscribe;
  subscribe.topic_arn = *arn;
  subscribe.protocol = "sqs";
  subscribe.endpoint = "arn:aws:sqs:us-east-1:123456789012:inbox";
  REQUIRE(f.topics->subscribe(ctx, subscribe).ok());
  auto count = [&](const char* metric, double value) {
    f.metrics->put({common::kDefaultAccountId, common::kDefaultRegion, "AWS/SNS", metric, {{"TopicName", "orders"}}},
                   value, "Count", kT0);
  };
  count("NumberOfMessagesPublished", 1);
  count("NumberOfMessagesPublished", 1);
  count("NumberOfNotificationsDelivered", 2);
  count("NumberOfNotificationsFailed", 1);
  const Answer answer = f.get("topics");
  REQUIRE(answer.status == 200);
  const json::value body = answer.json();
  const json::array& topics = body.at("topics").as_array();
  REQUIRE(topics.size() == 1);
  CHECK(topics[0].at("name").as_string() == "orders");
  CHECK(topics[0].at("published").as_double() == 2);
  CHECK(topics[0].at("delivered").as_double() == 2);
  CHECK(topics[0].at("failed").as_double() == 1);
  const json::array& subscriptions = topics[0].at("subscriptions").as_array();
  REQUIRE(subscriptions.size() == 1);
  CHECK(subscriptions[0].at("protocol").as_string() == "sqs");
  CHECK(subscriptions[0].at("endpoint").as_string() == "arn:aws:sqs:us-east-1:123456789012:inbox");
}

TEST_CASE("each subscription shows what became of the topic's notifications for it") {
  ConsoleFixture f;
  REQUIRE(f.engine->create_queue(f.queue("all"), {}, {}).ok());
  REQUIRE(f.engine->create_queue(f.queue("paid"), {}, {}).ok());
  const sns::CallContext ctx(common::kDefaultAccountId, common::kDefaultRegion);
  auto arn = f.topics->create_topic(ctx, "shop", {}, {});
  REQUIRE(arn.ok());
  sns::SubscribeRequest all;
  all.topic_arn = *arn;
  all.protocol = "sqs";
  all.endpoint = "arn:aws:sqs:us-east-1:123456789012:all";
  REQUIRE(f.topics->subscribe(ctx, all).ok());
  sns::SubscribeRequest paid = all;
  paid.endpoint = "arn:aws:sqs:us-east-1:123456789012:paid";
  paid.attributes["FilterPolicy"] = R"({"state":["paid"]})";
  REQUIRE(f.topics->subscribe(ctx, paid).ok());
  for (const char* state : {"paid", "open", "open"}) {
    sns::PublishRequest publish;
    publish.topic_arn = *arn;
    publish.message = "order";
    publish.message_attributes["state"] = sns::PublishAttribute{"String", std::string(state), std::nullopt};
    REQUIRE(f.topics->publish(ctx, publish).ok());
  }
  // A function subscription's deliveries are counted by the delivery sink (command_up wires it).
  f.notification_counts->count("arn:aws:sns:us-east-1:123456789012:shop:lambda-sub",
                               sns::NotificationCounts::Outcome::Failed);
  const json::value body = f.get("topics").json();
  const json::array& subscriptions = body.at("topics").as_array().at(0).at("subscriptions").as_array();
  REQUIRE(subscriptions.size() == 2);
  std::map<std::string, std::array<uint64_t, 3>> by_endpoint;
  for (const auto& s : subscriptions) {
    by_endpoint[std::string(s.at("endpoint").as_string())] = {s.at("delivered").to_number<uint64_t>(),
                                                              s.at("failed").to_number<uint64_t>(),
                                                              s.at("filteredOut").to_number<uint64_t>()};
  }
  CHECK(by_endpoint["arn:aws:sqs:us-east-1:123456789012:all"] == std::array<uint64_t, 3>{3, 0, 0});
  CHECK(by_endpoint["arn:aws:sqs:us-east-1:123456789012:paid"] == std::array<uint64_t, 3>{1, 0, 2});
}

TEST_CASE("a function's recent invocations are its START..REPORT lines, newest first") {
  ConsoleFixture f;
  const std::string group = "/aws/lambda/echo";
  REQUIRE(f.logs
              ->append(group, "2026/12/07/[$LATEST]a",
                       {{kT0, "START RequestId: r1 Version: $LATEST\n"},
                        {kT0 + 1, "r1\tINFO\thello\n"},
                        {kT0 + 2, "END RequestId: r1\n"},
                        {kT0 + 3, "REPORT RequestId: r1\tDuration: 1.00 ms\n"},
                        {kT0 + 10, "START RequestId: r2 Version: $LATEST\n"}})
              .ok());
  f.clock->advance_s(1);
  const Answer answer = f.get("function", "name=echo");
  REQUIRE(answer.status == 200);
  const json::value body = answer.json();
  const json::array& invocations = body.at("invocations").as_array();
  REQUIRE(invocations.size() == 2);
  CHECK(invocations[0].at("requestId").as_string() == "r2");
  CHECK(invocations[0].at("finished").as_bool() == false);
  CHECK(invocations[1].at("requestId").as_string() == "r1");
  CHECK(invocations[1].at("report").as_string().starts_with("REPORT RequestId: r1"));
  CHECK(invocations[1].at("lines").as_array().size() == 4);
  CHECK(f.get("function", "name=unknown").json().at("invocations").as_array().empty());
}

TEST_CASE("recent invocations are found in the JSON log format too, by their platform records") {
  ConsoleFixture f;
  const std::string group = "/aws/lambda/echo";
  const std::string start = R"({"time":"2026-12-07T12:00:00.000Z","type":"platform.start","functionName":"echo",)"
                            R"("record":{"requestId":"j1","version":"$LATEST"}})";
  const std::string app = R"({"timestamp":"2026-12-07T12:00:00.001Z","level":"INFO","message":"hello",)"
                          R"("requestId":"j1","functionName":"echo"})";
  const std::string done = R"({"time":"2026-12-07T12:00:00.002Z","type":"platform.runtimeDone",)"
                           R"("functionName":"echo","record":{"requestId":"j1","status":"success",)"
                           R"("metrics":{"durationMs":1.5}}})";
  const std::string report = R"({"time":"2026-12-07T12:00:00.002Z","type":"platform.report","functionName":"echo",)"
                             R"("record":{"requestId":"j1","status":"success","metrics":{"durationMs":1.5,)"
                             R"("billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":9,"initDurationMs":20.25}}})";
  // A line that only mentions a platform record's name is not one.
  const std::string mention = R"({"level":"INFO","message":""platform.start" is a type","requestId":"j2"})";
  REQUIRE(f.logs
              ->append(group, "2026/12/07/[$LATEST]b",
                       {{kT0, start}, {kT0 + 1, app}, {kT0 + 1, mention}, {kT0 + 2, done}, {kT0 + 2, report}})
              .ok());
  f.clock->advance_s(1);
  const json::value body = f.get("function", "name=echo").json();
  const json::array& invocations = body.at("invocations").as_array();
  REQUIRE(invocations.size() == 1);
  CHECK(invocations[0].at("requestId").as_string() == "j1");
  CHECK(invocations[0].at("finished").as_bool());
  CHECK(invocations[0].at("report").as_string() ==
        "REPORT RequestId: j1\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB"
        "\tInit Duration: 20.25 ms");
  CHECK(invocations[0].at("lines").as_array().size() == 5);
}

TEST_CASE("alarms show their state; functions without a control plane are an empty list") {
  ConsoleFixture f;
  cloudwatch::MetricAlarm alarm;
  alarm.account_id = common::kDefaultAccountId;
  alarm.region = common::kDefaultRegion;
  alarm.name = "orders-backlog";
  alarm.namespace_name = "AWS/SQS";
  alarm.metric_name = "ApproximateNumberOfMessagesVisible";
  alarm.dimensions = {{"QueueName", "orders"}};
  alarm.statistic = "Maximum";
  alarm.threshold = 10;
  alarm.comparison_operator = "GreaterThanThreshold";
  REQUIRE(f.alarms->put_metric_alarm(alarm).ok());
  const json::value body = f.get("alarms").json();
  const json::array& alarms = body.at("alarms").as_array();
  REQUIRE(alarms.size() == 1);
  CHECK(alarms[0].at("name").as_string() == "orders-backlog");
  CHECK(alarms[0].at("state").as_string() == "INSUFFICIENT_DATA");
  CHECK(alarms[0].at("threshold").as_double() == 10);
  const json::value functions = f.get("functions").json();
  CHECK(functions.at("functions").as_array().empty());
  CHECK(functions.at("mappings").as_array().empty());
  CHECK(f.get("nope").status == 404);
}
