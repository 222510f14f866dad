// control/schedule test helpers: UTC times written and read as "YYYY-MM-DDTHH:MM[:SS]".
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace dth::control::test {

// "2024-02-29T12:34" or "2024-02-29T12:34:56" (UTC) -> TimePoint; aborts the test binary
// on a malformed literal (a bug in the test itself).
inline TimePoint At(const char* text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int n = std::sscanf(text, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  if (n != 5 && n != 6) {
    std::fprintf(stderr, "bad time literal %s\n", text);
    std::abort();
  }
  return TimePoint{sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} +
                   hours{h} + minutes{mi} + seconds{s}};
}

// TimePoint -> "2024-02-29T12:34" (":SS" and ".mmm" only when not zero), for messages.
inline std::string Iso(TimePoint t) {
  using namespace std::chrono;
  auto ms = floor<milliseconds>(t);
  sys_days day = floor<days>(ms);
  year_month_day ymd{day};
  auto tod = ms - day;
  auto h = duration_cast<hours>(tod).count();
  auto mi = duration_cast<minutes>(tod).count() % 60;
  auto s = duration_cast<seconds>(tod).count() % 60;
  auto milli = tod.count() % 1000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(h), static_cast<int>(mi));
  std::string out = buf;
  if (s != 0 || milli != 0) {
    std::snprintf(buf, sizeof buf, ":%02d", static_cast<int>(s));
    out += buf;
  }
  if (milli != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(milli));
    out += buf;
  }
  return out;
}

inline std::string Iso(std::optional<TimePoint> t) { return t ? Iso(*t) : "none"; }

inline std::vector<std::string> Iso(const std::vector<TimePoint>& ts) {
  std::vector<std::string> out;
  for (TimePoint t : ts) out.push_back(Iso(t));
  return out;
}

}  // namespace dth::control::test
