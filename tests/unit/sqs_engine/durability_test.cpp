#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <set>
#include <stdexcept>

#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

TEST_CASE("a reopened engine has every queue, message, receive count and FIFO state") {
  TempDir dir;
  std::string handle, first_sequence;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("q"), {{"VisibilityTimeout", "60"}}, {{"team", "x"}}).ok());
    REQUIRE(t->create_queue(address("f.fifo"), {{"FifoQueue", "true"}}, {}).ok());
    SendMessageRequest request = message("kept");
    request.message_attributes["bin"] = {"Binary", "", std::string("\x00\xff", 2)};
    REQUIRE(t->send_message(address("q"), request).ok());
    REQUIRE(t->send_message(address("q"), message("second")).ok());
    auto got = t->receive_message(address("q"), receive(1));
    REQUIRE(got->messages.size() == 1);
    handle = got->messages[0].receipt_handle;
    first_sequence = *t->send_message(address("f.fifo"), fifo_message("f", "g", "d"))->sequence_number;
  }
  TestEngine t(dir.path);
  auto tags = t->list_queue_tags(address("q"));
  REQUIRE(tags.ok());
  CHECK(tags->at("team") == "x");
  CHECK(t->get_queue_attributes(address("q"), {"VisibilityTimeout"})->at("VisibilityTimeout") == "60");
  auto attrs = *t->get_queue_attributes(address("q"), {"All"});
  CHECK(attrs["ApproximateNumberOfMessages"] == "1");
  CHECK(attrs["ApproximateNumberOfMessagesNotVisible"] == "1");
  // The handle from before the restart still deletes its message.
  CHECK(t->delete_message(address("q"), handle).ok());
  t.clock->advance_s(61);
  auto rest = t->receive_message(address("q"), receive());
  REQUIRE(rest->messages.size() == 1);
  CHECK(rest->messages[0].body == "second");
  // FIFO dedup window and sequence numbers survive.
  auto duplicate = t->send_message(address("f.fifo"), fifo_message("f", "g", "d"));
  CHECK(duplicate->sequence_number == first_sequence);
  auto next = t->send_message(address("f.fifo"), fifo_message("f2", "g", "d2"));
  CHECK(*next->sequence_number > first_sequence);
}

namespace {

// Runs `writer` in a child process on a durable engine in `dir` (queue "q" exists); it writes one
// line per acknowledged message id to the fd it is given, forever. Once 2,000 acknowledgements
// arrived the child is killed with SIGKILL. Answers the acknowledged ids.
std::set<std::string> acknowledged_before_kill_9(const TempDir& dir, const std::function<void(Engine&, int)>& writer) {
  {
    TestEngine setup(dir.path);
    REQUIRE(setup->create_queue(address("q"), {}, {}).ok());
  }
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(pipe_fds[0]);
    EngineOptions options;
    options.data_dir = dir.path;
    options.background_housekeeping = false;
    options.clock = std::make_shared<common::ManualClock>();  // the same time the reopening test engine starts at
    std::string error;
    auto engine = Engine::open(options, &error);
    if (!engine) _exit(2);
    writer(*engine, pipe_fds[1]);
    _exit(5);
  }
  close(pipe_fds[1]);
  std::set<std::string> acknowledged;
  std::string buffer;
  char chunk[4096];
  while (acknowledged.size() < 2000) {
    ssize_t n = read(pipe_fds[0], chunk, sizeof chunk);
    REQUIRE(n > 0);
    buffer.append(chunk, static_cast<size_t>(n));
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      acknowledged.insert(buffer.substr(0, newline));
      buffer.erase(0, newline + 1);
    }
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(pipe_fds[0]);
  // Acknowledgements still in the pipe were acknowledged too.
  CHECK(WIFSIGNALED(status));
  return acknowledged;
}

// Message ids in queue "q" of the engine in `dir`.
std::set<std::string> ids_after_restart(const TempDir& dir) {
  TestEngine t(dir.path);
  std::set<std::string> found;
  for (;;) {
    auto got = t->receive_message(address("q"), receive(10, 3600));
    REQUIRE(got.ok());
    if (got->messages.empty()) break;
    for (const auto& m : got->messages) found.insert(m.message_id);
  }
  return found;
}

bool write_all(int fd, const std::string& text) {
  return write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

}  // namespace

TEST_CASE("every acknowledged send survives kill -9 of the process") {
  TempDir dir;
  auto acknowledged = acknowledged_before_kill_9(dir, [](Engine& engine, int fd) {
    for (int i = 0;; ++i) {
      auto sent = engine.send_message(address("q"), message("message-" + std::to_string(i)));
      if (!sent.ok()) _exit(3);
      if (!write_all(fd, sent->message_id + "\n")) _exit(4);
    }
  });
  auto found = ids_after_restart(dir);
  for (const auto& id : acknowledged) CHECK_MESSAGE(found.count(id) == 1, id);
}

TEST_CASE("under DeferDurability a durable engine logs and returns; the ticket's commit is awaited apart") {
  TempDir dir;
  TestEngine t(dir.path);
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  uint64_t first = 0;
  {
    DeferDurability deferral;
    CHECK(DeferDurability::current() == &deferral);
    CHECK_THROWS_AS(DeferDurability{}, std::logic_error);  // one per thread
    REQUIRE(t->send_message(address("q"), message("a")).ok());
    first = deferral.ticket();
    CHECK(first > 0);
    REQUIRE(t->send_message(address("q"), message("b")).ok());
    CHECK(deferral.ticket() > first);  // the highest commit the calls need
    // A read logs nothing and needs nothing more.
    uint64_t before_read = deferral.ticket();
    REQUIRE(t->get_queue_attributes(address("q"), {"All"}).ok());
    CHECK(deferral.ticket() == before_read);
    // The changes are visible at once, before their commit.
    CHECK(t->get_queue_attributes(address("q"), {"ApproximateNumberOfMessages"})->at("ApproximateNumberOfMessages") ==
          "2");
    first = deferral.ticket();
  }
  CHECK(DeferDurability::current() == nullptr);
  CHECK(t->wait_durable(first).ok());  // commits what is pending and returns

  TestEngine memory;
  REQUIRE(memory->create_queue(address("q"), {}, {}).ok());
  DeferDurability deferral;
  REQUIRE(memory->send_message(address("q"), message("a")).ok());
  CHECK(deferral.ticket() == 0);  // nothing to commit in memory
}

TEST_CASE("a change acknowledged after wait_durable of its deferred ticket survives kill -9") {
  TempDir dir;
  auto acknowledged = acknowledged_before_kill_9(dir, [](Engine& engine, int fd) {
    for (int i = 0;; ++i) {
      std::string acknowledgements;
      uint64_t ticket = 0;
      {
        // A batch of sends logged without waiting, as the HTTP loop does, then one wait for all.
        DeferDurability deferral;
        for (int k = 0; k < 10; ++k) {
          auto sent = engine.send_message(address("q"), message("m-" + std::to_string(i) + "-" + std::to_string(k)));
          if (!sent.ok()) _exit(3);
          acknowledgements += sent->message_id + "\n";
        }
        ticket = deferral.ticket();
      }
      if (!engine.wait_durable(ticket).ok()) _exit(5);
      if (!write_all(fd, acknowledgements)) _exit(4);
    }
  });
  auto found = ids_after_restart(dir);
  for (const auto& id : acknowledged) CHECK_MESSAGE(found.count(id) == 1, id);
}

TEST_CASE("a foreign data directory is refused with a clear error") {
  TempDir dir;
  {
    std::ofstream junk(dir.path + "/sluice.db", std::ios::binary);
    junk << std::string(8192, 'x');
  }
  EngineOptions options;
  options.data_dir = dir.path;
  options.background_housekeeping = false;
  std::string error;
  auto engine = Engine::open(options, &error);
  CHECK_FALSE(engine);
  CHECK(error.find("sluice.db") != std::string::npos);
}
