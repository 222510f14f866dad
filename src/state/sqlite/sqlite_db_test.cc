// SqliteDb::Open: several connections opening one new database file at once (two
// `dth sync` processes of different tasks on one state file) all get it, none fails
// with "database is locked" while the file is switched to WAL.
#include "state/sqlite/sqlite_db.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace dth {
namespace {

TEST(SqliteDbOpen, ConcurrentFirstOpensOfOneFileAllSucceed) {
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("dth-sqlite-open-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (int round = 0; round < 40; ++round) {
    const std::string path = (dir / ("db-" + std::to_string(round))).string();
    std::vector<std::string> errors(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        auto db = SqliteDb::Open(path, std::chrono::milliseconds(5000));
        if (!db.ok()) {
          errors[t] = db.status().ToString();
          return;
        }
        Status schema = (*db)->EnsureSchema("test", 1, "CREATE TABLE IF NOT EXISTS t (x INTEGER);", {});
        if (!schema.ok()) errors[t] = schema.ToString();
      });
    }
    for (auto& th : threads) th.join();
    for (const std::string& e : errors) EXPECT_EQ(e, "") << "round " << round;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dth
