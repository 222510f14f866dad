// control/schedule/cron_expr: the six fields of an EventBridge cron expression
// ("Minutes Hours Day-of-month Month Day-of-week Year", UTC), parsed into sets of
// values, and its next firing. Schedule (schedule.h) wraps it; use that.
// Thread-safety: an immutable value type; Parse and Next are pure functions.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace dth::control {

// Cron years: EventBridge's 1970-2199.
inline constexpr int kCronMinYear = 1970;
inline constexpr int kCronMaxYear = 2199;

class CronExpr {
 public:
  // fields: what is between the parentheses of cron(...), e.g. "0 12 * * ? *".
  // Errors are kInvalidArgument, one line naming the field and the bad token:
  // `cron field 3 (day-of-month) "32": must be 1-31`. An expression that matches no
  // minute in 1970-2199 (cron(0 0 31 2 ? *)) is refused too.
  static Result<CronExpr> Parse(std::string_view fields);

  // The first firing strictly after `after` (whole UTC minutes), or nullopt when there
  // is none up to 2199-12-31 23:59.
  std::optional<TimePoint> Next(TimePoint after) const;

  // The normalised fields: single spaces, names and L/W in upper case, numbers without
  // leading zeros ("00 9 ? * mon-fri *" -> "0 9 ? * MON-FRI *").
  const std::string& text() const { return text_; }

  // How the day is chosen: by day of month (field 3) or by day of week (field 5).
  enum class DayKind {
    kDaysOfMonth,     // day_mask_: bits 1..31
    kLastDay,         // L
    kLastWeekday,     // LW
    kNearestWeekday,  // nW: day_ = n
    kDaysOfWeek,      // day_mask_: bits 1..7 (1 = Sunday)
    kLastOfMonth,     // nL: weekday_ = n (1 = Sunday)
    kNthOfMonth,      // n#k: weekday_ = n, nth_ = k
  };

 private:
  friend class CronParser;
  CronExpr() = default;

  // The days of (year, month) that match, as bits 1..31.
  uint32_t MatchingDays(int year, unsigned month) const;

  std::optional<int> NextYear(int year) const;  // the first allowed year >= year

  uint64_t minutes_ = 0;  // bits 0..59
  uint32_t hours_ = 0;    // bits 0..23
  uint16_t months_ = 0;   // bits 1..12
  std::bitset<kCronMaxYear - kCronMinYear + 1> years_;  // bit i = year 1970 + i
  DayKind day_kind_ = DayKind::kDaysOfMonth;
  uint32_t day_mask_ = 0;
  int day_ = 0;
  int weekday_ = 0;
  int nth_ = 0;
  std::string text_;
};

}  // namespace dth::control
