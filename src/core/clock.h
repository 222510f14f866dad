// core/clock: the time source that stamps queue and state rows (and anything timed), so tests
// control time. SystemClock() is the real wall clock; FakeClock is set and advanced
// by hand.
// Thread-safety: every Clock is safe for concurrent use; FakeClock's Set/Advance too.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace dth {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The process-wide wall clock; never null, never destroyed.
Clock* SystemClock();

class FakeClock : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::hours(24 * 365 * 56)))
      : ms_(ToMs(start)) {}

  TimePoint Now() const override { return TimePoint(std::chrono::milliseconds(ms_.load())); }
  void Set(TimePoint t) { ms_.store(ToMs(t)); }
  void Advance(std::chrono::milliseconds d) { ms_.fetch_add(d.count()); }

 private:
  static int64_t ToMs(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }
  std::atomic<int64_t> ms_;
};

// Milliseconds since the Unix epoch, as rows store times; 0 is "unset".
inline int64_t ToUnixMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixMs(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

}  // namespace dth
