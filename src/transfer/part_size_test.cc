#include "transfer/part_size.h"

#include <gtest/gtest.h>

namespace dth {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;

TEST(PartSizeTest, KeepsPreferredWhenItFits) {
  auto plan = PlanParts(100 * kMiB, 8 * kMiB, 5 * kMiB, 5 * kGiB, 10000);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_size, 8 * kMiB);
  EXPECT_EQ(plan->part_count, 13);
}

TEST(PartSizeTest, RaisesToMinimum) {
  auto plan = PlanParts(20 * kMiB, 1 * kMiB, 5 * kMiB, 5 * kGiB, 10000);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_size, 5 * kMiB);
  EXPECT_EQ(plan->part_count, 4);
}

TEST(PartSizeTest, GrowsOnlyToStayUnderMaxParts) {
  uint64_t size = 5ull * 1024 * kGiB;  // 5 TiB: the S3 maximum object
  auto plan = PlanParts(size, 8 * kMiB, 5 * kMiB, 5 * kGiB, 10000);
  ASSERT_TRUE(plan.ok());
  EXPECT_LE(plan->part_count, 10000);
  EXPECT_EQ(plan->part_size % kMiB, 0u);
  EXPECT_GE(plan->part_size * 10000, size);
  // Not grown more than one MiB beyond the minimum that fits.
  EXPECT_LT((plan->part_size - kMiB) * 10000, size);
}

TEST(PartSizeTest, ExactBoundary) {
  auto plan = PlanParts(10000 * 8 * kMiB, 8 * kMiB, 5 * kMiB, 5 * kGiB, 10000);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_size, 8 * kMiB);
  EXPECT_EQ(plan->part_count, 10000);
  plan = PlanParts(10000 * 8 * kMiB + 1, 8 * kMiB, 5 * kMiB, 5 * kGiB, 10000);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_size, 9 * kMiB);
  EXPECT_LE(plan->part_count, 10000);
}

TEST(PartSizeTest, ZeroAndTooBig) {
  auto plan = PlanParts(0, 8 * kMiB, 5 * kMiB, 5 * kGiB, 10000);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_count, 1);
  EXPECT_FALSE(PlanParts(10001 * 5 * kGiB, 8 * kMiB, 5 * kMiB, 5 * kGiB, 10000).ok());
  EXPECT_FALSE(PlanParts(1, 8 * kMiB, 0, 5 * kGiB, 10000).ok());
}

}  // namespace
}  // namespace dth
