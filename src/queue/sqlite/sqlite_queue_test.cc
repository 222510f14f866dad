// Tests for SqliteQueue: the shared conformance suite (in memory, and two handles on
// one file as two processes would), persistence across reopen, schema versioning.
#include "queue/sqlite/sqlite_queue.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "queue/conformance/queue_conformance.h"

namespace dth {
namespace {

std::string TempDbPath() {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::path(::testing::TempDir()) /
             ("dth-queue-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return (dir / "queue.db").string();
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
  auto leases = queue->Receive(10, std::chrono::seconds(30));
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].job.dedup_key, "a");
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
  auto bad = SqliteQueue::Open("/nonexistent-dir-dth/q.db");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kIo);
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
