// core/retry: the retry policy. Decides whether a classified Status is retried and how
// long to wait: exponential backoff with full jitter, capped, and a server's
// Retry-After honoured as a floor. Only kThrottled, kServerError and kTransient retry.
// Thread-safety: RetryPolicy is an immutable value; RetryLoop is per call.
#pragma once

#include <chrono>
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

using Sleeper = std::function<void(std::chrono::milliseconds)>;
Sleeper RealSleeper();

// Runs attempt(n) (n = 1, 2, ...) until it succeeds, fails permanently, or attempts run
// out. on_retry, when set, is told of each retry (for logs and counters).
Status RunWithRetries(const RetryPolicy& policy, const std::function<Status(int)>& attempt,
                      const Sleeper& sleep = RealSleeper(),
                      const std::function<void(const Status&, int, std::chrono::milliseconds)>&
                          on_retry = nullptr);

}  // namespace dth
