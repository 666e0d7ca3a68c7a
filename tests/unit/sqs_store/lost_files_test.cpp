// Files of a data directory lost or damaged between two runs: a WAL deleted or cut short after a
// crash, a database file deleted, emptied or restored from an older copy, a database SQLite cannot read, a
// damaged store marker. Each is refused with a sentence naming the file and what was lost, the
// files left as they were; with `recover` the store opens with what is readable and reports what
// was lost. A directory closed cleanly, or left by a crash with its WAL, opens without a word.
//
// A crash is imaged by copying the files while a store holds them open (the WAL then holds every
// commit not yet checkpointed, and the marker says "open"), which is what kill -9 leaves behind.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

constexpr int kMessages = 50;

struct Opened {
  std::unique_ptr<Store> store;
  std::string error;
  std::vector<std::string> reports;
};

Opened open_store(const TempDir& dir, bool recover) {
  Opened out;
  StoreOpenOptions options;
  options.recover = recover;
  options.report = [&out](const std::string& sentence) { out.reports.push_back(sentence); };
  out.store = open_sqlite_store(dir.path(), options, &out.error);
  return out;
}

void fill(Store& store) {
  store.load();
  std::vector<Mutation> batch{mutation::PutQueue{sample_queue(1)}};
  for (int i = 1; i <= kMessages; ++i) batch.emplace_back(mutation::InsertMessage{sample_message(1, i)});
  store.wait_durable(store.append(std::move(batch)));
}

// A data directory with a queue and its messages, closed cleanly.
void make_closed_store(const TempDir& dir) {
  Opened opened = open_store(dir, false);
  REQUIRE_MESSAGE(opened.store, opened.error);
  fill(*opened.store);
}

// The files a crash leaves: copied from `live` while a store holds them open.
void make_crash_image(const TempDir& live, const TempDir& image) {
  Opened opened = open_store(live, false);
  REQUIRE_MESSAGE(opened.store, opened.error);
  fill(*opened.store);
  for (const char* name : {"sluice.db", "sluice.db-wal", "sluice.state", "sluice.wal-end"}) {
    REQUIRE(std::filesystem::exists(live.file(name)));
    std::filesystem::copy_file(live.file(name), image.file(name));
  }
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a clean close and a crash with its WAL both reopen without a word") {
  TempDir closed;
  make_closed_store(closed);
  CHECK_FALSE(std::filesystem::exists(closed.file("sluice.db-wal")));
  Opened reopened = open_store(closed, false);
  REQUIRE_MESSAGE(reopened.store, reopened.error);
  CHECK(reopened.store->load().messages.size() == kMessages);
  CHECK(reopened.reports.empty());

  TempDir live, image;
  make_crash_image(live, image);
  Opened after_crash = open_store(image, false);
  REQUIRE_MESSAGE(after_crash.store, after_crash.error);
  CHECK(after_crash.store->load().messages.size() == kMessages);
  CHECK(after_crash.reports.empty());
}

TEST_CASE("a WAL deleted after a crash is refused, and --recover goes on with the database file") {
  TempDir live, image;
  make_crash_image(live, image);
  std::filesystem::remove(image.file("sluice.db-wal"));
  const std::string before = read_file(image.file("sluice.db"));

  Opened refused = open_store(image, false);
  CHECK_FALSE(refused.store);
  CHECK(mentions(refused.error, image.file("sluice.db-wal") + " is missing"));
  CHECK(mentions(refused.error, "--recover"));
  CHECK(read_file(image.file("sluice.db")) == before);  // nothing touched
  CHECK_FALSE(std::filesystem::exists(image.file("sluice.db-wal")));

  Opened recovered = open_store(image, true);
  REQUIRE_MESSAGE(recovered.store, recovered.error);
  REQUIRE(recovered.reports.size() == 1);
  CHECK(mentions(recovered.reports[0], "are lost"));
  // What the database file held without its WAL: the commits were all in the WAL.
  CHECK(recovered.store->load().messages.size() < kMessages);
  recovered.store.reset();
  Opened next = open_store(image, false);  // recovered once: a normal directory again
  CHECK_MESSAGE(next.store, next.error);
}

TEST_CASE("a WAL cut short after a crash is refused, and --recover goes on with what is left of it") {
  TempDir live, image;
  make_crash_image(live, image);
  const std::string wal = read_file(image.file("sluice.db-wal"));
  const std::string database = read_file(image.file("sluice.db"));
  REQUIRE(wal.size() > 32 + 2 * (24 + 4096));
  SUBCASE("cut inside its frames") {
    // Loses the end of the log, where the last commit is: SQLite alone opens what is left as a
    // whole store, without a word.
    write_file(image.file("sluice.db-wal"), wal.substr(0, wal.size() / 2));
  }
  SUBCASE("cut inside its header") { write_file(image.file("sluice.db-wal"), wal.substr(0, 20)); }
  const std::string cut = read_file(image.file("sluice.db-wal"));

  Opened refused = open_store(image, false);
  CHECK_FALSE(refused.store);
  CHECK(mentions(refused.error, image.file("sluice.db-wal") + " has been cut short"));
  CHECK(mentions(refused.error, "--recover"));
  CHECK(read_file(image.file("sluice.db")) == database);  // nothing touched
  CHECK(read_file(image.file("sluice.db-wal")) == cut);

  Opened recovered = open_store(image, true);
  REQUIRE_MESSAGE(recovered.store, recovered.error);
  REQUIRE(recovered.reports.size() == 1);
  CHECK(mentions(recovered.reports[0], "are lost"));
  CHECK(recovered.store->load().messages.size() < kMessages);
  recovered.store.reset();
  Opened next = open_store(image, false);  // recovered once: a normal directory again
  CHECK_MESSAGE(next.store, next.error);
}

TEST_CASE("a WAL that grew past its mark, or restarted since, is whole") {
  // The mark can only lag the log (a process killed between a commit and its mark): a log longer
  // than the mark says, or one whose salt is newer, opens without a word.
  TempDir live, image;
  make_crash_image(live, image);
  std::string mark = read_file(image.file("sluice.wal-end"));
  REQUIRE(mark.size() == 16);
  SUBCASE("fewer frames marked") {
    for (size_t i = 8; i < 16; ++i) mark[i] = i == 15 ? '\x01' : '\0';
  }
  SUBCASE("another salt marked") { mark[0] = static_cast<char>(mark[0] ^ 0x5A); }
  write_file(image.file("sluice.wal-end"), mark);
  Opened opened = open_store(image, false);
  REQUIRE_MESSAGE(opened.store, opened.error);
  CHECK(opened.reports.empty());
  CHECK(opened.store->load().messages.size() == kMessages);
}

TEST_CASE("a WAL that restarted after checkpoints is whole after a crash") {
  // Enough commits that the log is checkpointed and restarts from its beginning (new salts, a
  // file longer than what the restarted log holds) several times before the crash.
  TempDir live, image;
  constexpr int kCommits = 2500;
  Opened opened = open_store(live, false);
  REQUIRE_MESSAGE(opened.store, opened.error);
  opened.store->load();
  opened.store->wait_durable(opened.store->append(mutation::PutQueue{sample_queue(1)}));
  for (int i = 1; i <= kCommits; ++i)
    opened.store->wait_durable(opened.store->append(mutation::InsertMessage{sample_message(1, i)}));
  for (const char* name : {"sluice.db", "sluice.db-wal", "sluice.state", "sluice.wal-end"})
    std::filesystem::copy_file(live.file(name), image.file(name));
  const std::string wal = read_file(image.file("sluice.db-wal"));
  REQUIRE(wal.size() >= 32 + 1000 * (24 + 4096));  // it did grow to a checkpoint

  Opened after_crash = open_store(image, false);
  REQUIRE_MESSAGE(after_crash.store, after_crash.error);
  CHECK(after_crash.reports.empty());
  CHECK(after_crash.store->load().messages.size() == kCommits);
}

TEST_CASE("a database file deleted or emptied is refused, and --recover starts an empty store") {
  TempDir dir;
  make_closed_store(dir);
  SUBCASE("deleted") {
    std::filesystem::remove(dir.file("sluice.db"));
    Opened refused = open_store(dir, false);
    CHECK_FALSE(refused.store);
    CHECK(mentions(refused.error, dir.file("sluice.db") + " is missing, but " + dir.file("sluice.state")));
    CHECK_FALSE(std::filesystem::exists(dir.file("sluice.db")));  // not silently recreated
  }
  SUBCASE("truncated to nothing") {
    write_file(dir.file("sluice.db"), "");
    Opened refused = open_store(dir, false);
    CHECK_FALSE(refused.store);
    CHECK(mentions(refused.error, dir.file("sluice.db") + " is empty"));
    CHECK(mentions(refused.error, "its queues and messages are gone"));
  }
  Opened recovered = open_store(dir, true);
  REQUIRE_MESSAGE(recovered.store, recovered.error);
  REQUIRE(recovered.reports.size() == 1);
  CHECK(mentions(recovered.reports[0], "the store starts empty"));
  CHECK(recovered.store->load().queues.empty());
}

TEST_CASE("a database file older than the store last used is refused") {
  TempDir dir;
  make_closed_store(dir);
  const std::string older = read_file(dir.file("sluice.db"));
  {
    Opened again = open_store(dir, false);  // one more session: the marker moves on
    REQUIRE_MESSAGE(again.store, again.error);
    again.store->load();
  }
  write_file(dir.file("sluice.db"), older);
  Opened refused = open_store(dir, false);
  CHECK_FALSE(refused.store);
  CHECK(mentions(refused.error, "is older than the store last used here"));
  Opened recovered = open_store(dir, true);
  REQUIRE_MESSAGE(recovered.store, recovered.error);
  CHECK(recovered.reports.size() == 1);
  CHECK(recovered.store->load().messages.size() == kMessages);
}

TEST_CASE("--recover keeps an unreadable database file aside and starts a new store") {
  TempDir dir;
  make_closed_store(dir);
  std::string bytes = read_file(dir.file("sluice.db"));
  for (size_t i = 0; i < 100; ++i) bytes[i] = static_cast<char>(0xA5);  // the header is gone
  write_file(dir.file("sluice.db"), bytes);
  Opened refused = open_store(dir, false);
  CHECK_FALSE(refused.store);
  CHECK(mentions(refused.error, "is not a sluice data file"));

  Opened recovered = open_store(dir, true);
  REQUIRE_MESSAGE(recovered.store, recovered.error);
  REQUIRE(recovered.reports.size() == 2);
  CHECK(mentions(recovered.reports[0], "it is kept as " + dir.file("sluice.db.damaged")));
  CHECK(mentions(recovered.reports[1], "nothing of " + dir.file("sluice.db.damaged") + " can be read"));
  CHECK(read_file(dir.file("sluice.db.damaged")) == bytes);
  CHECK(recovered.store->load().queues.empty());
}

TEST_CASE("--recover salvages the readable rows of a corrupt database file") {
  TempDir dir;
  constexpr int kMany = 2000;
  {
    Opened opened = open_store(dir, false);
    REQUIRE_MESSAGE(opened.store, opened.error);
    opened.store->load();
    std::vector<Mutation> batch{mutation::PutQueue{sample_queue(1)}, mutation::PutQueue{sample_queue(2, "other")}};
    for (int i = 1; i <= kMany; ++i) batch.emplace_back(mutation::InsertMessage{sample_message(1 + i % 2, i)});
    opened.store->wait_durable(opened.store->append(std::move(batch)));
  }
  std::string bytes = read_file(dir.file("sluice.db"));
  REQUIRE(bytes.size() > 4096 * 40);
  // Scribble over a few pages in the middle of the message table, as a torn write would.
  for (size_t page = 20; page < 23; ++page) {
    for (size_t i = 0; i < 4096; ++i) bytes[page * 4096 + i] = static_cast<char>(0xF7);
  }
  write_file(dir.file("sluice.db"), bytes);
  {
    // Without --recover the start reads only the queues; the damage shows when a queue loads.
    Opened opened = open_store(dir, false);
    REQUIRE_MESSAGE(opened.store, opened.error);
    std::string error;
    QueueContents first, second;
    const bool both_read = opened.store->load_queue(1, &first, &error) && opened.store->load_queue(2, &second, &error);
    CHECK_FALSE(both_read);
    CHECK(mentions(error, " is corrupt"));
  }

  Opened recovered = open_store(dir, true);
  REQUIRE_MESSAGE(recovered.store, recovered.error);
  REQUIRE(recovered.reports.size() == 2);
  CHECK(mentions(recovered.reports[1], "salvaged 2 queue(s) and "));
  CHECK(mentions(recovered.reports[1], "unreadable row(s) or stretch(es) of rows are lost"));
  LoadedState state = recovered.store->load();
  CHECK(state.queues.size() == 2);
  CHECK(state.messages.size() > kMany / 2);  // most of it
  CHECK(state.messages.size() < kMany);      // not what was on the scribbled pages
  for (const MessageRecord& m : state.messages) CHECK(m.body == sample_message(m.queue_id, m.seq).body);
  CHECK(state.max_seq >= kMany);  // ids are never handed out again
  recovered.store.reset();
  Opened next = open_store(dir, false);
  CHECK_MESSAGE(next.store, next.error);
}

TEST_CASE("a damaged store marker is refused, and --recover writes it anew") {
  TempDir dir;
  make_closed_store(dir);
  write_file(dir.file("sluice.state"), "garbage\n");
  Opened refused = open_store(dir, false);
  CHECK_FALSE(refused.store);
  CHECK(mentions(refused.error, dir.file("sluice.state") + " is damaged"));
  Opened recovered = open_store(dir, true);
  REQUIRE_MESSAGE(recovered.store, recovered.error);
  CHECK(recovered.reports.size() == 1);
  CHECK(recovered.store->load().messages.size() == kMessages);
}
