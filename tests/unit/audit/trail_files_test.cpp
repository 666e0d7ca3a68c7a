// The trail's files: one JSON record a line, mode 0600, rotated by size and by age, at most
// max_files kept, and read back into the event history when the trail opens again.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "audit_fixture.h"
#include "sluice/audit/audit_reset.h"

using namespace sluice;
using audit_test::call_as_user;

namespace {

std::shared_ptr<audit::Trail> file_trail(const std::string& dir, std::shared_ptr<common::Clock> clock, size_t max_bytes,
                                         size_t max_files) {
  audit::TrailOptions options;
  options.data_dir = dir;
  options.clock = std::move(clock);
  options.max_file_bytes = max_bytes;
  options.max_files = max_files;
  std::string error;
  auto trail = audit::Trail::open(options, &error);
  REQUIRE_MESSAGE(trail, error);
  return trail;
}

}  // namespace

TEST_CASE("records are JSON lines in files of mode 0600, rotated by size, at most max_files kept") {
  audit_test::TempDir dir;
  auto clock = std::make_shared<common::ManualClock>();
  auto trail = file_trail(dir.path, clock, 2048, 3);
  for (int i = 0; i < 40; ++i) {
    trail->record(call_as_user("sqs", "CreateQueue"));
    trail->flush();  // one write each, so the size rule is met record by record
  }
  const auto files = audit_test::trail_files(dir.path);
  CHECK(files.size() == 3);
  size_t lines = 0;
  for (const auto& file : files) {
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(static_cast<size_t>(st.st_size) <= 2048 + 1024);  // one record may pass the bound, never two
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      CHECK(audit_test::text(boost::json::parse(line).as_object().at("eventName")) == "CreateQueue");
      ++lines;
    }
  }
  CHECK(lines < 40);  // the oldest files were deleted
  CHECK(lines >= 3);
}

TEST_CASE("a file older than max_file_age_ms is closed and the next record starts a new one") {
  audit_test::TempDir dir;
  auto clock = std::make_shared<common::ManualClock>();
  audit::TrailOptions options;
  options.data_dir = dir.path;
  options.clock = clock;
  options.max_file_age_ms = 60'000;
  std::string error;
  auto trail = audit::Trail::open(options, &error);
  REQUIRE(trail);
  trail->record(call_as_user("sqs", "CreateQueue"));
  trail->flush();
  clock->advance_s(30);
  trail->record(call_as_user("sqs", "DeleteQueue"));
  trail->flush();
  CHECK(audit_test::trail_files(dir.path).size() == 1);
  clock->advance_s(31);
  trail->record(call_as_user("sqs", "CreateQueue"));
  trail->flush();
  CHECK(audit_test::trail_files(dir.path).size() == 2);
}

TEST_CASE("a trail opened again finds the events its files hold") {
  audit_test::TempDir dir;
  auto clock = std::make_shared<common::ManualClock>();
  std::string id;
  {
    auto trail = file_trail(dir.path, clock, size_t{1} << 20, 4);
    auto call = call_as_user("kms", "ScheduleKeyDeletion", "carol");
    call.request_parameters = R"({"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","PendingWindowInDays":7})";
    trail->record(call);
    id = audit_test::only_event(*trail, "ScheduleKeyDeletion").event_id;
  }
  auto again = file_trail(dir.path, clock, size_t{1} << 20, 4);
  audit::LookupQuery query;
  query.key = audit::LookupKey::EventId;
  query.value = id;
  auto page = again->lookup(query);
  REQUIRE(page);
  REQUIRE(page->events.size() == 1);
  const audit::Event& event = page->events[0];
  CHECK(event.event_name == "ScheduleKeyDeletion");
  CHECK(event.username == "carol");
  CHECK(event.access_key_id == "AKIAcarol");
  CHECK(event.event_source == "kms.amazonaws.com");
  CHECK(event.time_ms == 1'700'000'000'000);
  REQUIRE(event.resources.size() == 1);
  CHECK(event.resources[0].name == "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  query.key = audit::LookupKey::ResourceType;
  query.value = "AWS::KMS::Key";
  CHECK(again->lookup(query)->events.size() == 1);
}

// A DeleteQueue of the test account in eu-west-1 and a CreateKey of another account in us-east-1.
static void record_out_of_scope(audit::Trail& trail) {
  auto elsewhere = call_as_user("sqs", "DeleteQueue");
  elsewhere.region = "eu-west-1";
  trail.record(elsewhere);
  auto other_account = call_as_user("kms", "CreateKey");
  other_account.account_id = "444455556666";
  trail.record(other_account);
}

TEST_CASE("a reset takes the account's events in the region from the history and the files, and no other") {
  audit_test::TempDir dir;
  auto clock = std::make_shared<common::ManualClock>();
  auto names = [](audit::Trail& trail) {
    std::vector<std::string> out;
    const auto found = trail.lookup(audit::LookupQuery{});  // held: a range over ->events would outlive it
    for (const audit::Event& event : found->events) out.push_back(event.event_name);
    return out;
  };
  {
    auto trail = file_trail(dir.path, clock, 1024, 16);  // several files, so that a rewrite meets more than one
    for (int i = 0; i < 6; ++i) {
      trail->record(call_as_user("sqs", "CreateQueue"));
      trail->flush();
    }
    record_out_of_scope(*trail);
    trail->flush();
    REQUIRE(audit_test::trail_files(dir.path).size() > 1);

    CHECK(audit::reset_events(*trail, audit_test::kAccount, "us-east-1") == 6);
    CHECK(names(*trail) == std::vector<std::string>{"CreateKey", "DeleteQueue"});
    trail->record(call_as_user("sqs", "TagQueue"));  // recorded after the reset: kept
    CHECK(names(*trail) == std::vector<std::string>{"TagQueue", "CreateKey", "DeleteQueue"});
  }
  for (const auto& file : audit_test::trail_files(dir.path)) {
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  auto again = file_trail(dir.path, clock, 1024, 16);
  CHECK(names(*again) == std::vector<std::string>{"TagQueue", "CreateKey", "DeleteQueue"});
}

TEST_CASE("a lookup for an account and region finds only that account's events there, before and after a restart") {
  audit_test::TempDir dir;
  auto clock = std::make_shared<common::ManualClock>();
  auto names = [](audit::Trail& trail, const std::string& account, const std::string& region) {
    audit::LookupQuery query;
    query.account_id = account;
    query.region = region;
    std::vector<std::string> out;
    const auto found = trail.lookup(query);
    for (const audit::Event& event : found->events) out.push_back(event.event_name);
    return out;
  };
  {
    auto trail = file_trail(dir.path, clock, 1024, 16);
    trail->record(call_as_user("sqs", "CreateQueue"));
    record_out_of_scope(*trail);
    trail->flush();
    CHECK(names(*trail, audit_test::kAccount, "us-east-1") == std::vector<std::string>{"CreateQueue"});
    CHECK(names(*trail, audit_test::kAccount, "eu-west-1") == std::vector<std::string>{"DeleteQueue"});
    CHECK(names(*trail, "444455556666", "us-east-1") == std::vector<std::string>{"CreateKey"});
    CHECK(names(*trail, "444455556666", "eu-west-1").empty());
  }
  // Read back from the files: the scope comes from each record's recipientAccountId and awsRegion.
  auto again = file_trail(dir.path, clock, 1024, 16);
  CHECK(names(*again, audit_test::kAccount, "us-east-1") == std::vector<std::string>{"CreateQueue"});
  CHECK(names(*again, "444455556666", "us-east-1") == std::vector<std::string>{"CreateKey"});
}
