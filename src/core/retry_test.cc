#include "core/retry.h"

#include <gtest/gtest.h>

#include <vector>

namespace dth {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicyTest, OnlyClassifiedFailuresRetry) {
  RetryPolicy p;
  EXPECT_TRUE(p.ShouldRetry(Status(Code::kThrottled, "slow down"), 1));
  EXPECT_TRUE(p.ShouldRetry(Status(Code::kServerError, "500"), 1));
  EXPECT_TRUE(p.ShouldRetry(Status(Code::kTransient, "reset"), 1));
  EXPECT_FALSE(p.ShouldRetry(Status(Code::kPermissionDenied, "403"), 1));
  EXPECT_FALSE(p.ShouldRetry(Status(Code::kNotFound, "404"), 1));
  EXPECT_FALSE(p.ShouldRetry(Status(Code::kPermanent, "400"), 1));
  EXPECT_FALSE(p.ShouldRetry(Status(Code::kTransient, "reset"), p.max_attempts));
}

TEST(RetryPolicyTest, BackoffGrowsAndIsCapped) {
  RetryPolicy p{10, milliseconds(100), milliseconds(1000)};
  Status err(Code::kServerError, "500");
  EXPECT_EQ(p.Delay(1, err, 0.999).count(), 99);
  EXPECT_EQ(p.Delay(2, err, 0.999).count(), 199);
  EXPECT_EQ(p.Delay(3, err, 0.999).count(), 399);
  EXPECT_EQ(p.Delay(9, err, 0.999).count(), 999);  // capped
  EXPECT_EQ(p.Delay(3, err, 0.0).count(), 0);      // full jitter
}

TEST(RetryPolicyTest, RetryAfterIsAFloor) {
  RetryPolicy p{10, milliseconds(100), milliseconds(5000)};
  Status err(Code::kThrottled, "429");
  err.WithRetryAfter(milliseconds(3000));
  EXPECT_EQ(p.Delay(1, err, 0.0).count(), 3000);
  err.WithRetryAfter(milliseconds(60000));  // clamped to max_delay
  EXPECT_EQ(p.Delay(1, err, 0.0).count(), 5000);
}

TEST(RetryPolicyTest, LoopStopsOnPermanentAndOnSuccess) {
  RetryPolicy p{5, milliseconds(1), milliseconds(1)};
  std::vector<milliseconds> slept;
  auto sleeper = [&](milliseconds d) { slept.push_back(d); };
  int calls = 0;
  Status st = RunWithRetries(p, [&](int) { ++calls; return Status(Code::kNotFound, "x"); }, sleeper);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(st.code(), Code::kNotFound);

  calls = 0;
  st = RunWithRetries(p, [&](int n) { ++calls; return n < 3 ? Status(Code::kTransient, "x") : Status::Ok(); }, sleeper);
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(calls, 3);

  calls = 0;
  st = RunWithRetries(p, [&](int) { ++calls; return Status(Code::kServerError, "x"); }, sleeper);
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(st.code(), Code::kServerError);
}


TEST(RetryCounterTest, CountsRetriesByWhy) {
  RetryCounter counter;
  counter.Note(Status(Code::kThrottled, "SlowDown"));
  counter.Note(Status(Code::kThrottled, "SlowDown"));
  counter.Note(Status(Code::kServerError, "InternalError"));
  counter.Note(Status(Code::kTransient, "connection reset"));
  RetryCounts counts = counter.Counts();
  EXPECT_EQ(counts.throttled, 2u);
  EXPECT_EQ(counts.server_error, 1u);
  EXPECT_EQ(counts.transient, 1u);
  EXPECT_EQ(counts.total(), 4u);
}

}  // namespace
}  // namespace dth
