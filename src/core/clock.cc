#include "core/clock.h"

namespace dth {
namespace {

class WallClock : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace

Clock* SystemClock() {
  static WallClock* clock = new WallClock();  // never destroyed: usable during shutdown
  return clock;
}

}  // namespace dth
