// CronExpr::Next: walks year -> month -> day -> hour -> minute, jumping to the next
// allowed value of the first field that does not match (a whole year, month or day at a
// time), so a search never scans minute by minute. The days that match in a month are
// computed once per month visited (MatchingDays), which is where L, W, LW, nL and n#k
// live.
#include <bit>
#include <chrono>

#include "control/schedule/cron_expr.h"

namespace dth::control {

namespace {

using namespace std::chrono;

unsigned DaysIn(int y, unsigned m) {
  return static_cast<unsigned>((year{y} / month{m} / last).day());
}

// First set bit at or above `from`, or -1 (from may be one past the last bit).
int FirstFrom(uint64_t mask, unsigned from) {
  if (from >= 64) return -1;
  uint64_t rest = mask & (~uint64_t{0} << from);
  return rest == 0 ? -1 : std::countr_zero(rest);
}

}  // namespace

uint32_t CronExpr::MatchingDays(int y, unsigned m) const {
  const unsigned last_day = DaysIn(y, m);
  // Day of week of day d, 0 = Sunday.
  const unsigned first_wd = weekday{sys_days{year{y} / month{m} / 1}}.c_encoding();
  auto wd = [&](unsigned d) { return (first_wd + d - 1) % 7; };
  const uint32_t all = ((uint32_t{1} << last_day) - 1) << 1;  // bits 1..last_day
  switch (day_kind_) {
    case DayKind::kDaysOfMonth:
      return day_mask_ & all;
    case DayKind::kLastDay:
      return uint32_t{1} << last_day;
    case DayKind::kLastWeekday: {
      unsigned w = wd(last_day);
      unsigned d = w == 6 ? last_day - 1 : w == 0 ? last_day - 2 : last_day;
      return uint32_t{1} << d;
    }
    case DayKind::kNearestWeekday: {
      // The weekday nearest day_, never leaving the month; none if the month is shorter.
      unsigned d = static_cast<unsigned>(day_);
      if (d > last_day) return 0;
      unsigned w = wd(d);
      if (w == 6) d = d == 1 ? 3 : d - 1;               // Saturday: Friday, or Monday the 3rd
      else if (w == 0) d = d == last_day ? d - 2 : d + 1;  // Sunday: Monday, or Friday
      return uint32_t{1} << d;
    }
    case DayKind::kDaysOfWeek: {
      uint32_t out = 0;
      for (unsigned d = 1; d <= last_day; ++d) {
        if (day_mask_ >> (wd(d) + 1) & 1) out |= uint32_t{1} << d;
      }
      return out;
    }
    case DayKind::kLastOfMonth: {
      unsigned target = static_cast<unsigned>(weekday_ - 1);
      return uint32_t{1} << (last_day - (wd(last_day) + 7 - target) % 7);
    }
    case DayKind::kNthOfMonth: {
      unsigned target = static_cast<unsigned>(weekday_ - 1);
      unsigned d = 1 + (target + 7 - first_wd) % 7 + 7 * static_cast<unsigned>(nth_ - 1);
      return d > last_day ? 0 : uint32_t{1} << d;
    }
  }
  return 0;
}

std::optional<int> CronExpr::NextYear(int y) const {
  for (int v = std::max(y, kCronMinYear); v <= kCronMaxYear; ++v) {
    if (years_[static_cast<size_t>(v - kCronMinYear)]) return v;
  }
  return std::nullopt;
}

std::optional<TimePoint> CronExpr::Next(TimePoint after) const {
  // Work in whole minutes: the first candidate is the minute after after's minute.
  const auto start = floor<minutes>(after) + minutes{1};
  const sys_days start_day = floor<days>(start);
  const year_month_day ymd{start_day};
  const auto tod = start - start_day;
  int y = static_cast<int>(ymd.year());
  unsigned mo = static_cast<unsigned>(ymd.month());
  unsigned d = static_cast<unsigned>(ymd.day());
  unsigned h = static_cast<unsigned>(duration_cast<hours>(tod).count());
  unsigned mi = static_cast<unsigned>((tod - duration_cast<hours>(tod)).count());
  // Moving a field forward restarts every smaller field at its first value.
  auto new_year = [&](int to) { y = to, mo = 1, d = 1, h = 0, mi = 0; };
  auto new_month = [&](unsigned to) { mo = to, d = 1, h = 0, mi = 0; };
  auto new_day = [&](unsigned to) { d = to, h = 0, mi = 0; };
  auto new_hour = [&](unsigned to) { h = to, mi = 0; };
  if (y < kCronMinYear) new_year(kCronMinYear);

  while (y <= kCronMaxYear) {
    std::optional<int> ny = NextYear(y);
    if (!ny) return std::nullopt;
    if (*ny != y) new_year(*ny);

    int nm = FirstFrom(months_, mo);
    if (nm < 0) {  // no month left this year
      new_year(y + 1);
      continue;
    }
    if (static_cast<unsigned>(nm) != mo) new_month(static_cast<unsigned>(nm));

    int nd = FirstFrom(MatchingDays(y, mo), d);
    if (nd < 0) {  // no day left this month
      if (mo == 12) new_year(y + 1);
      else new_month(mo + 1);
      continue;
    }
    if (static_cast<unsigned>(nd) != d) new_day(static_cast<unsigned>(nd));

    int nh = FirstFrom(hours_, h);
    if (nh < 0) {  // no hour left this day (d may pass the month's end: MatchingDays stops it)
      new_day(d + 1);
      continue;
    }
    if (static_cast<unsigned>(nh) != h) new_hour(static_cast<unsigned>(nh));

    int nmi = FirstFrom(minutes_, mi);
    if (nmi < 0) {  // no minute left this hour
      new_hour(h + 1);
      continue;
    }
    return TimePoint{sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{nmi}};
  }
  return std::nullopt;
}

}  // namespace dth::control
