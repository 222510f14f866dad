// Tests for SqliteQueue: the shared conformance suite (in memory, and two handles on
// one file as two processes would), persistence across reopen, schema versioning.
#include "queue/sqlite/sqlite_queue.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "queue/conformance/queue_conformance.h"
#include "testing/temp_dirs.h"

namespace dth {
namespace {

// A database path in a fresh directory, removed when the test process exits.
std::string TempDbPath() {
  return (std::filesystem::path(testing::NewTempDir("dth-queue")) / "queue.db").string();
}

std::unique_ptr<JobQueue> MustOpen(const std::string& path, Clock* clock) {
  auto queue = SqliteQueue::Open(path, QueueOptions{5, clock});
  EXPECT_TRUE(queue.ok()) << queue.status().ToString();
  return queue.ok() ? std::move(queue).value() : nullptr;
}

QueueHandles InMemory(Clock* clock) { return {MustOpen(":memory:", clock), nullptr, nullptr}; }

QueueHandles SharedFile(Clock* clock) {
  const std::string path = TempDbPath();
  QueueHandles handles{MustOpen(path, clock), MustOpen(path, clock), nullptr};
  handles.cleanup = [path] {
    std::filesystem::remove_all(std::filesystem::path(path).parent_path());
  };
  return handles;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, QueueConformance,
                         ::testing::Values(QueueTarget{"memory", InMemory},
                                           QueueTarget{"shared_file", SharedFile}),
                         QueueTargetName);

TEST(SqliteQueue, JobsSurviveReopen) {
  const std::string path = TempDbPath();
  FakeClock clock;
  {
    auto queue = MustOpen(path, &clock);
    ASSERT_TRUE(queue);
    ASSERT_TRUE(queue->Send({Job{"t", "a", "{}"}}).ok());
  }
  auto queue = MustOpen(path, &clock);
  ASSERT_TRUE(queue);
  auto leases = queue->Receive("t", 10, std::chrono::seconds(30));
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].job.dedup_key, "a");
}

TEST(SqliteQueue, UpgradesAVersion1File) {
  // A state file written by dth 0.1 (queue schema 1): no held jobs, no reasons.
  const std::string path = TempDbPath();
  {
    auto db = SqliteDb::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec(R"sql(
      CREATE TABLE schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
      INSERT INTO schema_version VALUES ('queue', 1);
      CREATE TABLE queue_jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL,
        dedup_key TEXT, body TEXT NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0,
        visible_at INTEGER NOT NULL, receipt TEXT NOT NULL DEFAULT '',
        enqueued_at INTEGER NOT NULL, UNIQUE (task_id, dedup_key));
      CREATE INDEX queue_jobs_by_visibility ON queue_jobs (visible_at, id);
      CREATE TABLE queue_dead (id INTEGER PRIMARY KEY, task_id TEXT NOT NULL, dedup_key TEXT,
        body TEXT NOT NULL, receive_count INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
        dead_at INTEGER NOT NULL);
      INSERT INTO queue_jobs (task_id, dedup_key, body, visible_at, enqueued_at)
        VALUES ('t', 'a', '{}', 0, 0);
      INSERT INTO queue_dead VALUES (7, 't', 'x', '{}', 5, 0, 0);
    )sql").ok());
  }
  FakeClock clock;
  auto queue = MustOpen(path, &clock);
  ASSERT_TRUE(queue);
  auto leases = queue->Receive("t", 10, std::chrono::seconds(30));
  ASSERT_TRUE(leases.ok()) << leases.status().ToString();
  ASSERT_EQ(leases->size(), 1u);
  auto dead = queue->DeadLetters("t", 0, 10);
  ASSERT_TRUE(dead.ok()) << dead.status().ToString();
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].reason, "");
  ASSERT_TRUE(queue->Send({Job{"t", "h", "{}"}}, SendOptions{true}).ok());
  EXPECT_EQ(queue->Stats("t")->held, 1);
}

TEST(SqliteQueue, NewerSchemaVersionIsAClearError) {
  const std::string path = TempDbPath();
  ASSERT_TRUE(SqliteQueue::Open(path).ok());
  {
    auto db = SqliteDb::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("UPDATE schema_version SET version = 99 WHERE component = 'queue'")
                    .ok());
  }
  auto queue = SqliteQueue::Open(path);
  ASSERT_FALSE(queue.ok());
  EXPECT_EQ(queue.status().code(), Code::kNotSupported);
  EXPECT_NE(queue.status().message().find("newer"), std::string::npos)
      << queue.status().message();
}

TEST(SqliteQueue, RejectsBadOptionsAndUnopenablePaths) {
  EXPECT_EQ(SqliteQueue::Open(":memory:", QueueOptions{0, nullptr}).status().code(),
            Code::kInvalidArgument);
  // A path below a regular file can never be opened: one line naming the path and why.
  const std::string file = TempDbPath() + ".plain";
  std::FILE* plain = std::fopen(file.c_str(), "w");
  ASSERT_NE(plain, nullptr);
  std::fclose(plain);
  auto bad = SqliteQueue::Open(file + "/sub/q.db");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kIo);
  EXPECT_NE(bad.status().message().find(file + "/sub"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("Not a directory"), std::string::npos)
      << bad.status().message();
  EXPECT_EQ(bad.status().message().find("unable to open database file"), std::string::npos);
}

TEST(SqliteQueue, AMissingDirectoryIsMadePrivately) {
  const auto base = std::filesystem::path(TempDbPath()).parent_path();
  const std::string path = (base / "missing" / "deeper" / "q.db").string();
  auto queue = SqliteQueue::Open(path);
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  ASSERT_TRUE((*queue)->Send({Job{"t", "k", "{}"}}).ok());
  namespace fs = std::filesystem;
  EXPECT_EQ(fs::status(base / "missing").permissions(), fs::perms::owner_all);
  EXPECT_EQ(fs::status(base / "missing" / "deeper").permissions(), fs::perms::owner_all);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    SCOPED_TRACE(suffix);
    ASSERT_TRUE(fs::exists(path + suffix));
    EXPECT_EQ(fs::status(path + suffix).permissions(),
              fs::perms::owner_read | fs::perms::owner_write);
  }
}

TEST(SqliteQueue, NotADatabaseIsCorruption) {
  const std::string path = TempDbPath();
  std::FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs(std::string(4096, 'x').c_str(), file);
  std::fclose(file);
  auto queue = SqliteQueue::Open(path);
  ASSERT_FALSE(queue.ok());
  EXPECT_EQ(queue.status().code(), Code::kCorruption) << queue.status().ToString();
}

}  // namespace
}  // namespace dth
