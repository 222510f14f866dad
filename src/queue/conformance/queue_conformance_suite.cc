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

std::vector<Lease> QueueConformance::MustReceive(JobQueue& q, int max, seconds visibility,
                                                 const std::string& task) {
  auto leases = q.Receive(task, max, visibility);
  EXPECT_TRUE(leases.ok()) << leases.status().ToString();
  return leases.ok() ? *leases : std::vector<Lease>{};
}

QueueStats QueueConformance::MustStats(const std::string& task) {
  auto stats = queue().Stats(task);
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  return stats.ok() ? *stats : QueueStats{-1, -1, -1, -1};
}

std::vector<DeadLetter> QueueConformance::MustDeadLetters(const std::string& task) {
  auto dead = queue().DeadLetters(task, 0, 1000);
  EXPECT_TRUE(dead.ok()) << dead.status().ToString();
  return dead.ok() ? *dead : std::vector<DeadLetter>{};
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
  EXPECT_EQ(queue().Receive("task-1", 0, seconds(30)).status().code(), Code::kInvalidArgument);
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
  ASSERT_EQ(leases.size(), 3u);
  EXPECT_EQ(MustSend({MakeJob("a"), MakeJob("b")}), 0) << "a and b are leased";
  for (const Lease& lease : leases) {
    if (lease.job.dedup_key == "a") {
      ASSERT_TRUE(queue().Delete(lease).ok());
    }
  }
  EXPECT_EQ(MustSend({MakeJob("a"), MakeJob("b")}), 1) << "a was deleted, b is still leased";
  EXPECT_EQ(Keys(MustReceive(peer(), 10, seconds(30))), std::vector<std::string>{"a"});
}

TEST_P(QueueConformance, EmptyDedupKeyIsNeverDeduplicated) {
  EXPECT_EQ(MustSend({Job{"t", "", "1"}, Job{"t", "", "2"}}), 2);
  EXPECT_EQ(MustSend({Job{"t", "", "1"}}), 1);
  EXPECT_EQ(MustReceive(queue(), 10, seconds(30), "t").size(), 3u);
}

TEST_P(QueueConformance, Stats) {
  QueueStats stats = MustStats();
  EXPECT_EQ(stats, (QueueStats{0, 0, 0, 0}));
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
  ASSERT_EQ(MustReceive(queue(), 3, seconds(300)).size(), 2u);  // all leased
  ASSERT_EQ(MustReceive(queue(), 3, seconds(300), "other").size(), 1u);
  MustSend({MakeJob("c")});                                      // one waiting
  auto purged = queue().Purge("task-1");
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 3);
  QueueStats stats = MustStats();
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_EQ(stats.in_flight, 0);
  EXPECT_EQ(MustStats("other").in_flight, 1) << "the other task's lease stays";
  // A purged key can be sent again at once: its lease no longer holds it.
  EXPECT_EQ(MustSend({MakeJob("a")}), 1);
  auto none = queue().Purge("no-such-task");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
}

TEST_P(QueueConformance, EveryReadIsScopedToOneTask) {
  // Two tasks share the queue: neither ever sees, counts or purges the other's jobs.
  MustSend({MakeJob("a", "task-1"), MakeJob("b", "task-1"), MakeJob("a", "task-2")});
  auto one = MustReceive(queue(), 10, seconds(30), "task-1");
  ASSERT_EQ(one.size(), 2u);
  for (const Lease& lease : one) EXPECT_EQ(lease.job.task_id, "task-1");
  EXPECT_TRUE(MustReceive(peer(), 10, seconds(30), "task-1").empty());
  EXPECT_EQ(MustStats("task-1"), (QueueStats{0, 2, 0, 0}));
  EXPECT_EQ(MustStats("task-2"), (QueueStats{1, 0, 0, 0}));
  EXPECT_EQ(MustStats("task-3"), (QueueStats{0, 0, 0, 0}));
  ASSERT_TRUE(queue().SendToDeadLetters(one[0], "no such key").ok());
  EXPECT_EQ(MustDeadLetters("task-1").size(), 1u);
  EXPECT_TRUE(MustDeadLetters("task-2").empty());
  EXPECT_EQ(*queue().RequeueDeadLetters("task-2", {}), 0);
  EXPECT_EQ(*queue().PurgeDeadLetters("task-2", {}), 0);
  EXPECT_EQ(*queue().Purge("task-1"), 1);
  EXPECT_EQ(MustStats("task-1"), (QueueStats{0, 0, 0, 1}));
  auto two = MustReceive(peer(), 10, seconds(30), "task-2");
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].job, MakeJob("a", "task-2"));
}

TEST_P(QueueConformance, HeldJobsWaitForRelease) {
  ASSERT_TRUE(queue().Send({MakeJob("d1"), MakeJob("d2")}, SendOptions{true}).ok());
  MustSend({MakeJob("c1")});
  EXPECT_EQ(MustStats(), (QueueStats{1, 0, 2, 0}));
  auto leases = MustReceive(queue(), 10, seconds(30));
  ASSERT_EQ(leases.size(), 1u) << "held jobs are not received";
  EXPECT_EQ(leases[0].job.dedup_key, "c1");
  ASSERT_TRUE(queue().Delete(leases[0]).ok());
  EXPECT_EQ(MustSend({MakeJob("d1")}), 0) << "a held key is deduplicated";
  clock_.Advance(seconds(600));
  EXPECT_TRUE(MustReceive(peer(), 10, seconds(30)).empty()) << "time does not release them";
  auto early = queue().ReleaseHeld("task-1");
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(*early, 0) << "not armed: the sender may still be sending (and counting) them";
  auto armed = peer().ArmHeld("task-1");
  ASSERT_TRUE(armed.ok()) << armed.status().ToString();
  EXPECT_EQ(*armed, 2);
  ASSERT_TRUE(queue().Send({MakeJob("d5")}, SendOptions{true}).ok());  // a later sender's
  EXPECT_EQ(MustStats().held, 3);
  auto released = queue().ReleaseHeld("task-1");
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(*released, 2) << "only the armed ones";
  EXPECT_EQ(MustStats().held, 1);
  EXPECT_EQ(*queue().DropHeld("task-1"), 1);
  auto now = MustReceive(peer(), 10, seconds(30));
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[0].receive_count, 1);
  // Dropping: only held jobs go.
  ASSERT_TRUE(queue().Send({MakeJob("d3")}, SendOptions{true}).ok());
  auto dropped = queue().DropHeld("task-1");
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, 1);
  EXPECT_EQ(MustStats().held, 0);
  EXPECT_EQ(MustStats().in_flight, 2);
  // Purge drops held jobs too.
  ASSERT_TRUE(queue().Send({MakeJob("d4")}, SendOptions{true}).ok());
  EXPECT_EQ(*queue().Purge("task-1"), 3);
  EXPECT_EQ(MustStats(), (QueueStats{0, 0, 0, 0}));
}

TEST_P(QueueConformance, DeadLetterNowKeepsTheReason) {
  MustSend({MakeJob("bad"), MakeJob("good")});
  auto leases = MustReceive(queue(), 10, seconds(30));
  ASSERT_EQ(leases.size(), 2u);
  const Lease& bad = leases[0].job.dedup_key == "bad" ? leases[0] : leases[1];
  clock_.Advance(seconds(5));
  ASSERT_TRUE(peer().SendToDeadLetters(bad, "NotFound: no such key").ok());
  EXPECT_EQ(queue().SendToDeadLetters(bad, "again").code(), Code::kPreconditionFailed);
  EXPECT_EQ(queue().Delete(bad).code(), Code::kPreconditionFailed) << "it left the queue";
  auto dead = MustDeadLetters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].job, MakeJob("bad"));
  EXPECT_EQ(dead[0].reason, "NotFound: no such key");
  EXPECT_EQ(dead[0].receive_count, 1);
  EXPECT_EQ(dead[0].dead_at, clock_.Now());
  EXPECT_EQ(MustStats().dead, 1);
  // A stale receipt cannot dead-letter a job received again since.
  const Lease& good = leases[0].job.dedup_key == "good" ? leases[0] : leases[1];
  clock_.Advance(seconds(31));
  ASSERT_EQ(MustReceive(queue(), 10, seconds(30)).size(), 1u);
  EXPECT_EQ(queue().SendToDeadLetters(good, "late").code(), Code::kPreconditionFailed);
  EXPECT_EQ(MustStats().dead, 1);
}

TEST_P(QueueConformance, DeadLettersPageRequeueAndPurge) {
  std::vector<Job> jobs;
  for (int i = 0; i < 5; ++i) jobs.push_back(MakeJob("k" + std::to_string(i)));
  MustSend(jobs);
  for (const Lease& lease : MustReceive(queue(), 10, seconds(30))) {
    ASSERT_TRUE(queue().SendToDeadLetters(lease, "reason " + lease.job.dedup_key).ok());
  }
  auto page = queue().DeadLetters("task-1", 0, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  auto rest = queue().DeadLetters("task-1", page->back().id, 10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 3u);
  EXPECT_GT(rest->front().id, page->back().id);
  EXPECT_EQ(queue().DeadLetters("task-1", 0, 0).status().code(), Code::kInvalidArgument);
  // Requeue one: it is a new job, received afresh.
  auto requeued = queue().RequeueDeadLetters("task-1", {(*page)[0].id});
  ASSERT_TRUE(requeued.ok()) << requeued.status().ToString();
  EXPECT_EQ(*requeued, 1);
  auto again = MustReceive(peer(), 10, seconds(30));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].job, (*page)[0].job);
  EXPECT_EQ(again[0].receive_count, 1);
  // Purge one, then requeue the rest; a key that is waiting again keeps one job.
  EXPECT_EQ(*queue().PurgeDeadLetters("task-1", {(*page)[1].id}), 1);
  MustSend({(*rest)[0].job});
  EXPECT_EQ(*queue().RequeueDeadLetters("task-1", {}), 3);
  EXPECT_TRUE(MustDeadLetters().empty());
  EXPECT_EQ(MustStats().waiting, 3);
  EXPECT_EQ(*queue().PurgeDeadLetters("task-1", {}), 0);
}

}  // namespace dth
