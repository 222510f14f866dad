// QueueConformance cases about leases: visibility expiry, heartbeats, stale receipts,
// dead letters, concurrent receivers. Fixture: queue_conformance_suite.cc.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "queue/conformance/queue_conformance.h"

namespace dth {

using std::chrono::seconds;

TEST_P(QueueConformance, ExpiredLeaseMakesJobReceivableAgain) {
  MustSend({MakeJob("a")});
  auto first = MustReceive(queue(), 10, seconds(30));
  ASSERT_EQ(first.size(), 1u);
  clock_.Advance(seconds(29));
  EXPECT_TRUE(MustReceive(peer(), 10, seconds(30)).empty());
  clock_.Advance(seconds(1));
  auto second = MustReceive(peer(), 10, seconds(30));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, first[0].id);
  EXPECT_EQ(second[0].job, first[0].job);
  EXPECT_EQ(second[0].receive_count, 2);
  EXPECT_NE(second[0].receipt, first[0].receipt);
}

TEST_P(QueueConformance, ChangeVisibilityExtendsLease) {
  MustSend({MakeJob("a")});
  auto leases = MustReceive(queue(), 1, seconds(30));
  ASSERT_EQ(leases.size(), 1u);
  for (int beat = 0; beat < 5; ++beat) {  // a heartbeat every 20 s keeps it for 100 s
    clock_.Advance(seconds(20));
    ASSERT_TRUE(peer().ChangeVisibility(leases[0], seconds(30)).ok());
    EXPECT_TRUE(MustReceive(peer(), 1, seconds(30)).empty());
  }
  ASSERT_TRUE(queue().ChangeVisibility(leases[0], seconds(0)).ok()) << "0 releases it";
  auto again = MustReceive(peer(), 1, seconds(30));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 2);
}

TEST_P(QueueConformance, StaleReceiptFailsAfterReReceive) {
  MustSend({MakeJob("a")});
  auto first = MustReceive(queue(), 1, seconds(30));
  ASSERT_EQ(first.size(), 1u);
  clock_.Advance(seconds(31));
  auto second = MustReceive(peer(), 1, seconds(30));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(queue().Delete(first[0]).code(), Code::kPreconditionFailed);
  EXPECT_EQ(queue().ChangeVisibility(first[0], seconds(60)).code(), Code::kPreconditionFailed);
  EXPECT_TRUE(peer().Delete(second[0]).ok());
  EXPECT_EQ(MustStats().waiting + MustStats().in_flight, 0);
}

TEST_P(QueueConformance, DeadLetterAfterFiveReceivesWhileOthersProceed) {
  MustSend({MakeJob("bad"), MakeJob("good-0")});
  int good = 1;
  for (int round = 1; round <= 5; ++round) {
    auto leases = MustReceive(round % 2 ? queue() : peer(), 10, seconds(30));
    bool saw_bad = false;
    for (const Lease& lease : leases) {
      if (lease.job.dedup_key == "bad") {
        saw_bad = true;
        EXPECT_EQ(lease.receive_count, round);
      } else {
        EXPECT_TRUE(queue().Delete(lease).ok());
      }
    }
    EXPECT_TRUE(saw_bad) << "round " << round;
    MustSend({MakeJob("good-" + std::to_string(good++))});
    clock_.Advance(seconds(31));
  }
  auto leases = MustReceive(peer(), 10, seconds(30));
  ASSERT_EQ(leases.size(), 1u) << "the sixth receive dead-letters bad";
  EXPECT_EQ(leases[0].job.dedup_key, "good-5");
  auto dead = MustDeadLetters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].job, MakeJob("bad"));
  EXPECT_EQ(dead[0].receive_count, 5);
  EXPECT_NE(dead[0].reason.find("5 times"), std::string::npos) << dead[0].reason;
  QueueStats stats = MustStats();
  EXPECT_EQ(stats.dead, 1);
  EXPECT_EQ(stats.in_flight, 1);
  EXPECT_EQ(stats.waiting, 0);
  clock_.Advance(seconds(31));
  ASSERT_TRUE(queue().Delete(leases[0]).ok()) << "an unclaimed lapsed lease may still ack";
  EXPECT_TRUE(MustReceive(queue(), 10, seconds(30)).empty());
}

TEST_P(QueueConformance, ConcurrentReceiversNeverShareAJob) {
  constexpr int kJobs = 400;
  std::vector<Job> batch;
  for (int i = 0; i < kJobs; ++i) batch.push_back(MakeJob("job-" + std::to_string(i)));
  ASSERT_EQ(MustSend(batch), kJobs);
  std::mutex mu;
  std::multiset<std::string> received;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      JobQueue& q = t % 2 ? peer() : queue();
      for (;;) {
        auto leases = q.Receive("task-1", 7, seconds(600));
        if (!leases.ok()) { ++failures; return; }
        if (leases->empty()) return;
        for (const Lease& lease : *leases) {
          {
            std::lock_guard lock(mu);
            received.insert(lease.job.dedup_key);
          }
          if (!q.Delete(lease).ok()) ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(received.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(received.begin(), received.end()).size(),
            static_cast<size_t>(kJobs)) << "no job was handed out twice";
  QueueStats stats = MustStats();
  EXPECT_EQ(stats.waiting + stats.in_flight + stats.dead, 0);
}

}  // namespace dth
