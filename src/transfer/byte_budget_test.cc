#include "transfer/byte_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace dth {
namespace {

TEST(ByteBudgetTest, ClampsOversizedRequestsAndReleases) {
  ByteBudget budget(100);
  EXPECT_EQ(budget.Acquire(250), 100u);
  EXPECT_EQ(budget.in_use(), 100u);
  budget.Release(100);
  EXPECT_EQ(budget.in_use(), 0u);
}

TEST(ByteBudgetTest, NeverHoldsMoreThanTheCapacity) {
  ByteBudget budget(100);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        BudgetHold hold(&budget, 40);  // at most two fit
        int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {}
        --inside;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(most.load(), 2);
  EXPECT_LE(budget.peak(), 100u);
  EXPECT_EQ(budget.in_use(), 0u);
}

}  // namespace
}  // namespace dth
