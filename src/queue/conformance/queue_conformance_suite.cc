// QueueConformance fixture and the basic cases: send/receive/delete, batches,
// idempotent enqueue, stats. Leases, dead letters, concurrency:
// queue_conformance_lease_suite.cc.
#include "queue/conformance/queue_conformance.h"

#include <algorithm>

namespace dth {

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(QueueConformance);

using std::chrono::seconds;

std::string QueueTargetName(const ::testing::TestParamInfo<QueueTarget>& info) {
  return info.param.name;
}

void PrintTo(const QueueTarget& target, std::ostream* os) { *os << target.name; }

void QueueConformance::SetUp() {
  handles_ = GetParam().make(&clock_);
  if (!handles_.queue) GTEST_SKIP() << "queue backend " << GetParam().name << " not available";
}

void QueueConformance::TearDown() {
  handles_.peer.reset();
  handles_.queue.reset();
  if (handles_.cleanup) handles_.cleanup();
}

Job QueueConformance::MakeJob(const std::string& key, const std::string& task) {
  return Job{task, key, R"({"key":")" + key + R"("})"};
}

int QueueConformance::MustSend(const std::vector<Job>& jobs) {
  auto sent = queue().Send(jobs);
  EXPECT_TRUE(sent.ok()) << sent.status().ToString();
  return sent.ok() ? *sent : -1;
}

std::vector<Lease> QueueConformance::MustReceive(JobQueue& q, int max, seconds visibility) {
  auto leases = q.Receive(max, visibility);
  EXPECT_TRUE(leases.ok()) << leases.status().ToString();
  return leases.ok() ? *leases : std::vector<Lease>{};
}

QueueStats QueueConformance::MustStats() {
  auto stats = queue().Stats();
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  return stats.ok() ? *stats : QueueStats{-1, -1, -1};
}

namespace {

std::vector<std::string> Keys(const std::vector<Lease>& leases) {
  std::vector<std::string> keys;
  for (const Lease& lease : leases) keys.push_back(lease.job.dedup_key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

TEST_P(QueueConformance, SendReceiveDelete) {
  EXPECT_EQ(MustSend({MakeJob("a")}), 1);
  auto leases = MustReceive(peer(), 10, seconds(30));
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].job, MakeJob("a"));
  EXPECT_EQ(leases[0].receive_count, 1);
  EXPECT_FALSE(leases[0].receipt.empty());
  EXPECT_TRUE(MustReceive(queue(), 10, seconds(30)).empty()) << "a leased job is invisible";
  ASSERT_TRUE(queue().Delete(leases[0]).ok());
  clock_.Advance(seconds(60));
  EXPECT_TRUE(MustReceive(queue(), 10, seconds(30)).empty()) << "a deleted job is gone";
  EXPECT_EQ(queue().Delete(leases[0]).code(), Code::kPreconditionFailed);
}

TEST_P(QueueConformance, EmptyQueueAndBadArguments) {
  EXPECT_TRUE(MustReceive(queue(), 5, seconds(30)).empty());
  EXPECT_EQ(queue().Receive(0, seconds(30)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(queue().Send({Job{"", "k", "{}"}}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(MustSend({}), 0);
}

TEST_P(QueueConformance, BatchSendAndPartialReceive) {
  std::vector<Job> batch;
  for (int i = 0; i < 25; ++i) batch.push_back(MakeJob("k" + std::to_string(100 + i)));
  EXPECT_EQ(MustSend(batch), 25);
  auto first = MustReceive(queue(), 10, seconds(30));
  auto second = MustReceive(peer(), 10, seconds(30));
  auto third = MustReceive(queue(), 10, seconds(30));
  EXPECT_EQ(first.size(), 10u);
  EXPECT_EQ(second.size(), 10u);
  EXPECT_EQ(third.size(), 5u);
  std::vector<Lease> all = first;
  all.insert(all.end(), second.begin(), second.end());
  all.insert(all.end(), third.begin(), third.end());
  std::vector<std::string> expected;
  for (const Job& job : batch) expected.push_back(job.dedup_key);
  EXPECT_EQ(Keys(all), expected);
  for (const Lease& lease : all) EXPECT_EQ(lease.job.body, MakeJob(lease.job.dedup_key).body);
}

TEST_P(QueueConformance, EnqueueIsIdempotentWhileWaitingOrLeased) {
  EXPECT_EQ(MustSend({MakeJob("a"), MakeJob("b")}), 2);
  EXPECT_EQ(MustSend({MakeJob("a"), MakeJob("c")}), 1) << "a is waiting";
  EXPECT_EQ(MustSend({MakeJob("a", "task-2")}), 1) << "keys are per task";
  auto leases = MustReceive(queue(), 10, seconds(30));
  ASSERT_EQ(leases.size(), 4u);
  EXPECT_EQ(MustSend({MakeJob("a"), MakeJob("b")}), 0) << "a and b are leased";
  for (const Lease& lease : leases) {
    if (lease.job.task_id == "task-1" && lease.job.dedup_key == "a") {
      ASSERT_TRUE(queue().Delete(lease).ok());
    }
  }
  EXPECT_EQ(MustSend({MakeJob("a"), MakeJob("b")}), 1) << "a was deleted, b is still leased";
  EXPECT_EQ(Keys(MustReceive(peer(), 10, seconds(30))), std::vector<std::string>{"a"});
}

TEST_P(QueueConformance, EmptyDedupKeyIsNeverDeduplicated) {
  EXPECT_EQ(MustSend({Job{"t", "", "1"}, Job{"t", "", "2"}}), 2);
  EXPECT_EQ(MustSend({Job{"t", "", "1"}}), 1);
  EXPECT_EQ(MustReceive(queue(), 10, seconds(30)).size(), 3u);
}

TEST_P(QueueConformance, Stats) {
  QueueStats stats = MustStats();
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_EQ(stats.in_flight, 0);
  EXPECT_EQ(stats.dead, 0);
  MustSend({MakeJob("a"), MakeJob("b"), MakeJob("c")});
  auto leases = MustReceive(queue(), 1, seconds(30));
  ASSERT_EQ(leases.size(), 1u);
  stats = MustStats();
  EXPECT_EQ(stats.waiting, 2);
  EXPECT_EQ(stats.in_flight, 1);
  clock_.Advance(seconds(31));
  stats = MustStats();
  EXPECT_EQ(stats.waiting, 3) << "a lapsed lease counts as waiting";
  EXPECT_EQ(stats.in_flight, 0);
}

TEST_P(QueueConformance, DeleteBatchSkipsStaleReceipts) {
  MustSend({MakeJob("a"), MakeJob("b"), MakeJob("c")});
  auto leases = MustReceive(queue(), 3, seconds(30));
  ASSERT_EQ(leases.size(), 3u);
  // c's lease lapses and c is received again: the first receipt is stale.
  clock_.Advance(seconds(31));
  auto again = MustReceive(queue(), 3, seconds(30));
  ASSERT_EQ(again.size(), 3u);
  std::vector<Lease> batch = {again[0], again[1], leases[2]};
  ASSERT_TRUE(queue().DeleteBatch(batch).ok());
  QueueStats stats = MustStats();
  EXPECT_EQ(stats.in_flight, 1) << "the stale receipt must not delete the job";
  EXPECT_TRUE(queue().DeleteBatch({}).ok());
}

TEST_P(QueueConformance, PurgeDropsOneTasksWaitingAndLeasedJobs) {
  MustSend({MakeJob("a"), MakeJob("b"), MakeJob("x", "other")});
  ASSERT_EQ(MustReceive(queue(), 3, seconds(300)).size(), 3u);  // all leased
  MustSend({MakeJob("c")});                                      // one waiting
  auto purged = queue().Purge("task-1");
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 3);
  QueueStats stats = MustStats();
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_EQ(stats.in_flight, 1) << "the other task's lease stays";
  // A purged key can be sent again at once: its lease no longer holds it.
  EXPECT_EQ(MustSend({MakeJob("a")}), 1);
  auto none = queue().Purge("no-such-task");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
}

}  // namespace dth
