// control/schedule: when a task runs — once, at a fixed rate, or on a cron schedule — in
// the syntax of the original Data Transfer Hub's EventBridge rules, all in UTC:
//
//   once                    a one-time task: no firing after its first run
//   rate(N unit)            unit: minute(s), hour(s), day(s); N 1..10 years' worth
//   cron(Min Hour DoM Mon DoW Year)   EventBridge's six fields (see cron_expr.h)
//
// Owns: nothing but the parsed value (no clock, no I/O; the scheduler owns time).
// Thread-safety: Schedule is an immutable value type; every function here is pure, so
// any number of threads may share a Schedule.
//
// The rate anchor: a rate fires on a fixed grid, anchor + k * period for k >= 1 — the
// anchor itself is not a firing. The hub passes the time the task's schedule was set
// (the task's creation, or the last change of its schedule), as EventBridge counts a
// rate from the rule's creation: a run that starts late, or a manual run, does not move
// the grid, and firings missed while the hub was down are not replayed (Next gives the
// first grid point after now).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "control/schedule/cron_expr.h"
#include "core/clock.h"
#include "core/result.h"

namespace dth::control {

enum class ScheduleKind { kOnce, kRate, kCron };
const char* ScheduleKindName(ScheduleKind kind);  // "once", "rate", "cron"

// No schedule fires at or after this instant (2200-01-01 00:00 UTC): cron years end at
// 2199, and rates stop there too.
inline constexpr TimePoint kScheduleHorizon{
    std::chrono::sys_days{std::chrono::year{2200} / 1 / 1}};

// The largest rate: 10 years of 365 days, in each unit.
inline constexpr int64_t kMaxRateDays = 3650;

class Schedule {
 public:
  Schedule() = default;  // once

  ScheduleKind kind() const { return kind_; }

  // The normalised text: "once", "rate(1 hour)", "rate(5 minutes)" (EventBridge's
  // singular for 1, plural otherwise), "cron(0 9 ? * MON-FRI *)" (see CronExpr::text).
  // ParseSchedule(s.ToString()) gives s back.
  std::string ToString() const;

  // A rate's period (zero for once and cron).
  std::chrono::minutes period() const { return period_; }

  // The first firing strictly after `after`, or nullopt: always for once; for a rate
  // the first anchor + k * period (k >= 1) after `after`, exact to the anchor's
  // precision; for cron the first matching whole minute. Nothing at or after
  // kScheduleHorizon. `anchor` is used by rates only (see the top of this file).
  std::optional<TimePoint> Next(TimePoint after, TimePoint anchor) const;

  // Up to n firings after `after`, each strictly after the one before (fewer when the
  // schedule ends), e.g. to show the next runs in the console.
  std::vector<TimePoint> NextN(TimePoint after, TimePoint anchor, size_t n) const;

  bool operator==(const Schedule& other) const { return ToString() == other.ToString(); }

 private:
  friend Result<Schedule> ParseSchedule(const std::string& text);

  ScheduleKind kind_ = ScheduleKind::kOnce;
  std::chrono::minutes period_{0};
  int64_t rate_value_ = 0;      // N of rate(N unit)
  const char* rate_unit_ = "";  // "minute", "hour", "day" (singular)
  std::optional<CronExpr> cron_;
};

// Parses a schedule. White space around the text is ignored, and runs of blanks
// (spaces, tabs) separate the fields inside the parentheses; the keywords (once, rate,
// cron) and the rate units are lower case, as in EventBridge; names in cron fields are
// not case-sensitive. Anything else is kInvalidArgument with a one-line message naming
// the bad token, e.g. `cron field 3 (day-of-month) "32": must be 1-31` or
// `rate value "05": no leading zeros`.
Result<Schedule> ParseSchedule(const std::string& text);

}  // namespace dth::control
