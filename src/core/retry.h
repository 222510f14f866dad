// core/retry: the retry policy. Decides whether a classified Status is retried and how
// long to wait: exponential backoff with full jitter, capped, and a server's
// Retry-After honoured as a floor. Only kThrottled, kServerError and kTransient retry.
// Thread-safety: RetryPolicy is an immutable value; RetryCounter is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <random>

#include "core/status.h"

namespace dth {

struct RetryPolicy {
  int max_attempts = 6;  // total tries, including the first
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{20000};

  static RetryPolicy None() { return RetryPolicy{1, {}, {}}; }

  bool ShouldRetry(const Status& status, int attempts_made) const {
    return status.retryable() && attempts_made < max_attempts;
  }
  // Wait before retry number `retry` (1 for the first retry). uniform01 in [0, 1).
  std::chrono::milliseconds Delay(int retry, const Status& status, double uniform01) const;
};

// Retries counted by why they were needed, for summaries.
struct RetryCounts {
  uint64_t throttled = 0, server_error = 0, transient = 0;
  uint64_t total() const { return throttled + server_error + transient; }
};
class RetryCounter {
 public:
  void Note(const Status& why);
  RetryCounts Counts() const;

 private:
  std::atomic<uint64_t> throttled_{0}, server_error_{0}, transient_{0};
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;
Sleeper RealSleeper();

// Runs attempt(n) (n = 1, 2, ...) until it succeeds, fails permanently, or attempts run
// out. on_retry, when set, is told of each retry (for logs and counters).
Status RunWithRetries(const RetryPolicy& policy, const std::function<Status(int)>& attempt,
                      const Sleeper& sleep = RealSleeper(),
                      const std::function<void(const Status&, int, std::chrono::milliseconds)>&
                          on_retry = nullptr);

}  // namespace dth
