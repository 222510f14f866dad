// SqliteQueue shared by real processes: forked children and the parent receive from one
// file at once; no job is handed out twice and none is lost.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "queue/sqlite/sqlite_queue.h"

namespace dth {
namespace {

// Receives and deletes until the queue is empty, writing each key on its own line.
bool Drain(const std::string& db_path, const std::string& out_path) {
  auto queue = SqliteQueue::Open(db_path);
  if (!queue.ok()) return false;
  std::ofstream out(out_path);
  for (;;) {
    auto leases = (*queue)->Receive("t", 5, std::chrono::seconds(600));
    if (!leases.ok()) return false;
    if (leases->empty()) return true;
    for (const Lease& lease : *leases) {
      out << lease.job.dedup_key << "\n";
      if (!(*queue)->Delete(lease).ok()) return false;
    }
  }
}

TEST(SqliteQueueProcesses, ForkedReceiversNeverShareAJob) {
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("dth-queue-procs-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db_path = (dir / "queue.db").string();
  constexpr int kJobs = 600;
  constexpr int kProcesses = 3;
  {
    auto queue = SqliteQueue::Open(db_path);
    ASSERT_TRUE(queue.ok()) << queue.status().ToString();
    std::vector<Job> batch;
    for (int i = 0; i < kJobs; ++i) batch.push_back(Job{"t", "job-" + std::to_string(i), "{}"});
    ASSERT_EQ(*(*queue)->Send(batch), kJobs);
  }
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const std::string out = (dir / ("out-" + std::to_string(p))).string();
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(Drain(db_path, out) ? 0 : 1);
    children.push_back(pid);
  }
  EXPECT_TRUE(Drain(db_path, (dir / "out-parent").string()));
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::multiset<std::string> received;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("out-", 0) != 0) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) received.insert(line);
  }
  EXPECT_EQ(received.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(received.begin(), received.end()).size(),
            static_cast<size_t>(kJobs));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dth
