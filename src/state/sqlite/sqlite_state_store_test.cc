// Tests for SqliteStateStore: the shared conformance suite (in memory, and two handles
// on one file as two processes would), sharing a file with the queue, persistence,
// schema versioning.
#include "state/sqlite/sqlite_state_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "queue/sqlite/sqlite_queue.h"
#include "state/conformance/state_conformance.h"
#include "testing/temp_dirs.h"

namespace dth {
namespace {

// A database path in a fresh directory, removed when the test process exits.
std::string TempDbPath() {
  return (std::filesystem::path(testing::NewTempDir("dth-state")) / "state.db").string();
}

std::unique_ptr<StateStore> MustOpen(const std::string& path, Clock* clock) {
  auto store = SqliteStateStore::Open(path, StateStoreOptions{clock});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

StateHandles InMemory(Clock* clock) { return {MustOpen(":memory:", clock), nullptr, nullptr}; }

StateHandles SharedFile(Clock* clock) {
  const std::string path = TempDbPath();
  StateHandles handles{MustOpen(path, clock), MustOpen(path, clock), nullptr};
  handles.cleanup = [path] {
    std::filesystem::remove_all(std::filesystem::path(path).parent_path());
  };
  return handles;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StateConformance,
                         ::testing::Values(StateTarget{"memory", InMemory},
                                           StateTarget{"shared_file", SharedFile}),
                         StateTargetName);

TEST(SqliteStateStore, SharesAFileWithTheQueueAndSurvivesReopen) {
  const std::string path = TempDbPath();
  FakeClock clock;
  {
    auto store = MustOpen(path, &clock);
    ASSERT_TRUE(store);
    ObjectRecord r;
    r.task_id = "t";
    r.key = "k";
    r.status = ObjectStatus::kDone;
    ASSERT_TRUE(store->UpsertObject(r).ok());
    auto queue = SqliteQueue::Open(path, QueueOptions{5, &clock});
    ASSERT_TRUE(queue.ok()) << queue.status().ToString();
    ASSERT_TRUE((*queue)->Send({Job{"t", "k", "{}"}}).ok());
  }
  auto store = MustOpen(path, &clock);
  ASSERT_TRUE(store);
  auto got = store->GetObject("t", "k");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, ObjectStatus::kDone);
  auto queue = SqliteQueue::Open(path, QueueOptions{5, &clock});
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ((*queue)->Stats("t")->waiting, 1);
}

TEST(SqliteStateStore, SharesOneConnectionWithTheQueueAcrossThreads) {
  const std::string path = TempDbPath();
  auto conn = SqliteConnection::Open(path);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto state = SqliteStateStore::Open(*conn);
  auto queue = SqliteQueue::Open(*conn);
  ASSERT_TRUE(state.ok() && queue.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string key = std::to_string(t) + "-" + std::to_string(i);
        ASSERT_TRUE((*queue)->Send({Job{"task", key, "{}"}}).ok());
        ObjectRecord r;
        r.task_id = "task";
        r.key = key;
        ASSERT_TRUE((*state)->UpsertObject(r).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto counts = (*state)->CountObjects("task");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total(), 200);
  auto stats = (*queue)->Stats("task");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->waiting, 200);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(SqliteStateStore, NewerSchemaVersionIsAClearError) {
  const std::string path = TempDbPath();
  ASSERT_TRUE(SqliteStateStore::Open(path).ok());
  {
    auto db = SqliteDb::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("UPDATE schema_version SET version = 7 WHERE component = 'state'")
                    .ok());
  }
  auto store = SqliteStateStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kNotSupported);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos);
}

TEST(ObjectStatusNames, RoundTrip) {
  for (ObjectStatus s : {ObjectStatus::kPending, ObjectStatus::kCopying, ObjectStatus::kDone,
                         ObjectStatus::kFailed, ObjectStatus::kSkipped}) {
    EXPECT_EQ(ParseObjectStatus(ObjectStatusName(s)), s);
  }
  EXPECT_FALSE(ParseObjectStatus("bogus").has_value());
}

TEST(SqliteStateStore, StateFilesArePrivate) {
  // Key names are data too: the database, its -wal and -shm, and the task locks are
  // 0600, the directories made for them 0700, whatever the umask lets others read.
  namespace fs = std::filesystem;
  const fs::path base = fs::path(TempDbPath()).parent_path();
  const std::string path = (base / "made" / "state.db").string();
  auto store = SqliteStateStore::Open(path, StateStoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->UpsertObject(ObjectRecord{"t", "secret/key/name", 1, "e",
                                                  ObjectStatus::kDone, 1, "", 1, {}, {}}).ok());
  auto lock = (*store)->LockTask("t", TaskLockMode::kExclusive);
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  const fs::perms file = fs::perms::owner_read | fs::perms::owner_write;
  for (const std::string& p : {path, path + "-wal", path + "-shm", path + ".locks/t.lock"}) {
    SCOPED_TRACE(p);
    ASSERT_TRUE(fs::exists(p));
    EXPECT_EQ(fs::status(p).permissions(), file);
  }
  EXPECT_EQ(fs::status(base / "made").permissions(), fs::perms::owner_all);
  EXPECT_EQ(fs::status(path + ".locks").permissions(), fs::perms::owner_all);
}

}  // namespace
}  // namespace dth
