#include "core/retry.h"

#include <algorithm>
#include <thread>

namespace dth {

std::chrono::milliseconds RetryPolicy::Delay(int retry, const Status& status,
                                             double uniform01) const {
  using std::chrono::milliseconds;
  // Throttling backs off from a higher floor: the server asked us to slow down.
  int64_t base = base_delay.count() * (status.code() == Code::kThrottled ? 2 : 1);
  int64_t cap = max_delay.count();
  int shift = std::min(retry - 1, 20);
  int64_t ceiling = std::min(cap, base << shift);
  auto delay = milliseconds(static_cast<int64_t>(static_cast<double>(ceiling) * uniform01));
  if (status.retry_after()) delay = std::max(delay, std::min(*status.retry_after(), max_delay));
  return delay;
}

void RetryCounter::Note(const Status& why) {
  switch (why.code()) {
    case Code::kThrottled: throttled_ += 1; break;
    case Code::kServerError: server_error_ += 1; break;
    default: transient_ += 1; break;  // kTransient; nothing else is retried
  }
}

RetryCounts RetryCounter::Counts() const {
  return RetryCounts{throttled_.load(), server_error_.load(), transient_.load()};
}

Sleeper RealSleeper() {
  return [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

Status RunWithRetries(const RetryPolicy& policy, const std::function<Status(int)>& attempt,
                      const Sleeper& sleep,
                      const std::function<void(const Status&, int, std::chrono::milliseconds)>&
                          on_retry) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int n = 1;; ++n) {
    Status st = attempt(n);
    if (st.ok() || !policy.ShouldRetry(st, n)) return st;
    auto delay = policy.Delay(n, st, uniform(rng));
    if (on_retry) on_retry(st, n, delay);
    sleep(delay);
  }
}

}  // namespace dth
