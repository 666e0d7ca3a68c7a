// A store write that fails (here: a full disk, made with the process's file size limit, which
// needs no privileges) is answered with the AWS error and leaves the service as it was: nothing of
// the change is in memory or on disk. Once space returns the same calls succeed, without a
// restart, and what they changed survives a reopen.

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>

#include "sns_test_support.h"

namespace common = sluice::common;

using namespace sluice::sns;
using namespace sluice::sns::testing;

namespace {

// Lowers the soft file size limit to what the data directory's files hold now, for its lifetime:
// every write that would grow one of them fails, as on a full file system. (A write past the
// limit raises SIGXFSZ, ignored here so the write fails instead.)
class DiskFull {
 public:
  explicit DiskFull(const std::string& dir) {
    previous_ = signal(SIGXFSZ, SIG_IGN);
    uintmax_t largest = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) largest = std::max(largest, entry.file_size());
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved_) == 0);
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(largest);
    REQUIRE(setrlimit(RLIMIT_FSIZE, &lowered) == 0);
  }
  ~DiskFull() { lift(); }
  DiskFull(const DiskFull&) = delete;
  DiskFull& operator=(const DiskFull&) = delete;
  void lift() {
    if (lifted_) return;
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, previous_);
    lifted_ = true;
  }

 private:
  rlimit saved_{};
  sighandler_t previous_ = SIG_DFL;
  bool lifted_ = false;
};

bool has_topic(Fixture& f, const std::string& arn) {
  auto page = f->list_topics(f.ctx, std::nullopt);
  REQUIRE(page.ok());
  return std::find(page->items.begin(), page->items.end(), arn) != page->items.end();
}

}  // namespace

TEST_CASE("a failed store write is a 503, changes nothing, and the service recovers when space returns") {
  TempDir dir;
  Fixture f(dir.path);
  REQUIRE(f.sns);
  const std::string t = f.topic("t", {{"DisplayName", "before"}});
  const std::string sub = f.subscribe(t, "sqs", f.queue("q"));
  REQUIRE_FALSE(sub.empty());
  const std::string other = "arn:aws:sns:us-east-1:111111111111:other";

  {
    DiskFull full(dir.path);
    auto set = f->set_topic_attributes(f.ctx, t, "DisplayName", std::string("after"));
    REQUIRE_FALSE(set.ok());
    CHECK(set.error().code == common::AwsErrorCode::ServiceUnavailable);
    CHECK(f->get_topic_attributes(f.ctx, t).value().at("DisplayName") == "before");

    auto created = f->create_topic(f.ctx, "other", {}, {});
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().code == common::AwsErrorCode::ServiceUnavailable);
    CHECK_FALSE(has_topic(f, other));

    // The topic and its subscription are deleted together or not at all.
    auto deleted = f->delete_topic(f.ctx, t);
    REQUIRE_FALSE(deleted.ok());
    CHECK(deleted.error().code == common::AwsErrorCode::ServiceUnavailable);
    CHECK(has_topic(f, t));
    CHECK(f->get_subscription_attributes(f.ctx, sub).ok());

    auto unsubscribed = f->unsubscribe(f.ctx, sub);
    REQUIRE_FALSE(unsubscribed.ok());
    CHECK(f->get_subscription_attributes(f.ctx, sub).ok());
    CHECK(f->get_topic_attributes(f.ctx, t).value().at("SubscriptionsDeleted") == "0");

    auto tagged = f->tag_resource(f.ctx, t, {{"k", "v"}});
    REQUIRE_FALSE(tagged.ok());
    CHECK(f->list_tags_for_resource(f.ctx, t).value().empty());

    // Reads go on while writes fail.
    CHECK(f->get_topic_attributes(f.ctx, t).ok());
    full.lift();

    REQUIRE(f->set_topic_attributes(f.ctx, t, "DisplayName", std::string("after")).ok());
    REQUIRE(f->create_topic(f.ctx, "other", {}, {}).ok());
    REQUIRE(f->tag_resource(f.ctx, t, {{"k", "v"}}).ok());
  }

  f.reopen(dir.path);
  REQUIRE(f.sns);
  CHECK(f->get_topic_attributes(f.ctx, t).value().at("DisplayName") == "after");
  CHECK(has_topic(f, other));
  CHECK(f->list_tags_for_resource(f.ctx, t).value() == TagList{{"k", "v"}});
  CHECK(f->get_subscription_attributes(f.ctx, sub).ok());
  REQUIRE(f->delete_topic(f.ctx, t).ok());
  f.reopen(dir.path);
  CHECK_FALSE(has_topic(f, t));
  CHECK(f->get_subscription_attributes(f.ctx, sub).error().code == common::AwsErrorCode::NotFound);
}

TEST_CASE("Publish is refused with a 503, delivering nowhere, while the delivery sink cannot journal") {
  Fixture f;
  const std::string t = f.topic("t");
  REQUIRE_FALSE(f.subscribe(t, "sqs", f.queue("q")).empty());
  REQUIRE_FALSE(f.subscribe(t, "lambda", "arn:aws:lambda:us-east-1:111111111111:function:f").empty());
  const std::string queue_only = f.topic("queue-only");
  REQUIRE_FALSE(f.subscribe(queue_only, "sqs", f.queue("q2")).empty());

  f.sink.accepts = false;
  auto refused = f.publish(t, "held back");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == common::AwsErrorCode::ServiceUnavailable);
  CHECK(f.sink.deliveries.empty());
  CHECK(f.receive("q").empty());  // nothing half-delivered
  // A topic whose subscriptions do not go through the sink is not held back.
  CHECK(f.publish(queue_only, "to a queue").ok());
  CHECK(f.receive("q2").size() == 1);

  f.sink.accepts = true;
  REQUIRE(f.publish(t, "delivered").ok());
  CHECK(f.sink.deliveries.size() == 1);
  CHECK(f.receive("q").size() == 1);
}

// SNS copies a publish into its SQS subscribers' queues before it answers. When the SQS store
// cannot commit, the copy is neither dropped nor redriven behind a success: Publish answers the
// server's failure (503 while the disk is full) and the publisher's retry delivers it.
TEST_CASE("Publish answers a 503 while the SQS store cannot take a queue's copy, and delivers once it can") {
  TempDir sqs_dir;
  Fixture f;
  {
    sluice::sqs::EngineOptions options;
    options.data_dir = sqs_dir.path;
    options.clock = f.clock;
    options.background_housekeeping = false;
    std::string error;
    f.sqs = sluice::sqs::Engine::open(options, &error);
    REQUIRE_MESSAGE(f.sqs, error);
    f.reopen("");  // SNS in memory, delivering to the durable engine
  }
  const std::string t = f.topic("t");
  const std::string dlq = f.queue("dlq");
  REQUIRE_FALSE(
      f.subscribe(t, "sqs", f.queue("q"), {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlq + "\"}"}}).empty());
  {
    DiskFull full(sqs_dir.path);
    auto failed = f.publish(t, "while full");
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().code == common::AwsErrorCode::ServiceUnavailable);
    // Refused from then on, before the engine takes anything in.
    auto refused = f.publish(t, "still full");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == common::AwsErrorCode::ServiceUnavailable);
    CHECK(f.receive("dlq").empty());  // a server failure is not the subscriber's: never redriven
    full.lift();
  }
  f.sqs->run_housekeeping();  // the engine's periodic commit, which notices that space returned
  REQUIRE(f.publish(t, "after").ok());
  bool delivered = false;
  for (const auto& m : f.receive("q"))
    if (parse_object(m.body).at("Message").as_string() == "after") delivered = true;
  CHECK(delivered);
  CHECK(f.receive("dlq").empty());
}
