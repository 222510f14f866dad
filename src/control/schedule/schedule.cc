#include "control/schedule/schedule.h"

#include <algorithm>
#include <string_view>

#include "control/schedule/schedule_text.h"

namespace dth::control {

namespace {

using schedule_text::Quote;

constexpr const char* kExpected =
    "expected once, rate(N unit) or cron(minutes hours day-of-month month day-of-week year)";

struct RateUnit {
  const char* singular;
  const char* plural;
  int64_t minutes;
};
constexpr RateUnit kUnits[] = {{"minute", "minutes", 1}, {"hour", "hours", 60},
                               {"day", "days", 24 * 60}};

}  // namespace

const char* ScheduleKindName(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::kOnce: return "once";
    case ScheduleKind::kRate: return "rate";
    case ScheduleKind::kCron: return "cron";
  }
  return "unknown";
}

std::string Schedule::ToString() const {
  switch (kind_) {
    case ScheduleKind::kOnce:
      return "once";
    case ScheduleKind::kRate:
      return "rate(" + std::to_string(rate_value_) + " " + rate_unit_ +
             (rate_value_ == 1 ? "" : "s") + ")";
    case ScheduleKind::kCron:
      return "cron(" + cron_->text() + ")";
  }
  return "";
}

std::optional<TimePoint> Schedule::Next(TimePoint after, TimePoint anchor) const {
  switch (kind_) {
    case ScheduleKind::kOnce:
      return std::nullopt;
    case ScheduleKind::kCron:
      return cron_->Next(after);
    case ScheduleKind::kRate:
      break;
  }
  // anchor + k * period, k >= 1, the first one after `after`. In unsigned nanoseconds so
  // that no pair of inputs overflows: the true difference after - anchor is below 2^64,
  // and the result, which lies in (after, after + period], fits an int64.
  if (after >= kScheduleHorizon || anchor >= kScheduleHorizon) return std::nullopt;
  const auto period = static_cast<uint64_t>(std::chrono::nanoseconds(period_).count());
  const auto a = static_cast<uint64_t>(anchor.time_since_epoch().count());
  uint64_t k = 1;
  if (after >= anchor) k = (static_cast<uint64_t>(after.time_since_epoch().count()) - a) / period + 1;
  const auto ns = static_cast<int64_t>(a + k * period);
  TimePoint next{TimePoint::duration(ns)};
  if (next >= kScheduleHorizon) return std::nullopt;
  return next;
}

std::vector<TimePoint> Schedule::NextN(TimePoint after, TimePoint anchor, size_t n) const {
  std::vector<TimePoint> out;
  out.reserve(std::min<size_t>(n, 1024));
  while (out.size() < n) {
    std::optional<TimePoint> next = Next(after, anchor);
    if (!next) break;
    out.push_back(*next);
    after = *next;
  }
  return out;
}

namespace {

struct Rate {
  int64_t value;
  const RateUnit* unit;
};

// What is between the parentheses of rate(...): "5 minutes".
Result<Rate> ParseRate(std::string_view inner) {
  std::vector<std::string_view> parts = schedule_text::SplitBlanks(inner);
  if (parts.size() != 2) {
    return InvalidArgument("rate " + Quote(inner) +
                           ": needs a value and a unit, e.g. rate(5 minutes)");
  }
  const RateUnit* unit = nullptr;
  for (const RateUnit& u : kUnits) {
    if (parts[1] == u.singular || parts[1] == u.plural) unit = &u;
  }
  if (unit == nullptr) {
    return InvalidArgument("rate unit " + Quote(parts[1]) +
                           ": must be minute, minutes, hour, hours, day or days");
  }
  std::string_view value = parts[0];
  if (value.find_first_not_of("0123456789") != std::string_view::npos ||
      value.find_first_not_of('0') == std::string_view::npos) {
    return InvalidArgument("rate value " + Quote(value) + ": must be a positive whole number");
  }
  if (value[0] == '0') return InvalidArgument("rate value " + Quote(value) + ": no leading zeros");
  const int64_t max = kMaxRateDays * kUnits[2].minutes / unit->minutes;
  std::optional<int64_t> n = schedule_text::ParseDigits(value);
  if (!n || *n > max) {
    return InvalidArgument("rate value " + Quote(value) + ": at most " + std::to_string(max) +
                           " " + unit->plural + " (10 years)");
  }
  return Rate{*n, unit};
}

}  // namespace

Result<Schedule> ParseSchedule(const std::string& text) {
  std::string_view s = schedule_text::Trim(text);
  if (s.empty()) return InvalidArgument(std::string("empty schedule: ") + kExpected);
  Schedule out;
  if (s == "once") return out;
  size_t open = s.find('(');
  std::string_view keyword = s.substr(0, open);
  if (open == std::string_view::npos || (keyword != "rate" && keyword != "cron")) {
    return InvalidArgument("unknown schedule " + Quote(s) + ": " + kExpected);
  }
  if (s.back() != ')') {
    return InvalidArgument("schedule " + Quote(s) + ": must end with \")\"");
  }
  std::string_view inner = s.substr(open + 1, s.size() - open - 2);
  if (keyword == "rate") {
    DTH_ASSIGN_OR_RETURN(Rate rate, ParseRate(inner));
    out.kind_ = ScheduleKind::kRate;
    out.rate_value_ = rate.value;
    out.rate_unit_ = rate.unit->singular;
    out.period_ = std::chrono::minutes(rate.value * rate.unit->minutes);
    return out;
  }
  DTH_ASSIGN_OR_RETURN(CronExpr cron, CronExpr::Parse(inner));
  out.kind_ = ScheduleKind::kCron;
  out.cron_ = std::move(cron);
  return out;
}

}  // namespace dth::control
