// CronExpr::Next on the calendar's edges: leap years, month lengths, L, W, LW, nL, n#k,
// the year bounds, daylight saving (irrelevant: UTC), strictly-after, and speed.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

#include "control/schedule/cron_expr.h"
#include "control/schedule/schedule_test_util.h"

namespace dth::control {
namespace {

using namespace std::chrono_literals;
using test::At;
using test::Iso;
using V = std::vector<std::string>;

CronExpr Cron(const std::string& fields) {
  Result<CronExpr> e = CronExpr::Parse(fields);
  EXPECT_TRUE(e.ok()) << fields << ": " << e.status().ToString();
  return *CronExpr::Parse(e.ok() ? fields : "0 0 1 1 ? *");
}

V Firings(const std::string& fields, TimePoint after, size_t n) {
  CronExpr e = Cron(fields);
  V out;
  while (out.size() < n) {
    std::optional<TimePoint> next = e.Next(after);
    if (!next) break;
    EXPECT_GT(*next, after);
    out.push_back(Iso(*next));
    after = *next;
  }
  return out;
}
V Firings(const std::string& fields, const char* after, size_t n) {
  return Firings(fields, At(after), n);
}

TEST(CronNext, IsStrictlyAfterAndOnWholeMinutes) {
  CronExpr e = Cron("30 9 * * ? *");
  EXPECT_EQ(Iso(e.Next(At("2024-05-01T09:30"))), "2024-05-02T09:30");
  EXPECT_EQ(Iso(e.Next(At("2024-05-01T09:30") - 1ns)), "2024-05-01T09:30");
  EXPECT_EQ(Iso(e.Next(At("2024-05-01T09:29:59") + 999ms)), "2024-05-01T09:30");
  EXPECT_EQ(Iso(e.Next(At("2024-05-01T09:30") + 1ns)), "2024-05-02T09:30");
  EXPECT_EQ(Iso(e.Next(At("2024-05-01T09:30:59"))), "2024-05-02T09:30");
  CronExpr every = Cron("* * * * ? *");
  EXPECT_EQ(Iso(every.Next(At("2024-05-01T09:30:17") + 3ms)), "2024-05-01T09:31");
  EXPECT_EQ(Iso(every.Next(At("2024-05-01T09:30"))), "2024-05-01T09:31");
}

TEST(CronNext, RollsOverHoursDaysMonthsAndYears) {
  EXPECT_EQ(Firings("0 0 * * ? *", "2024-12-31T23:59", 2), (V{"2025-01-01T00:00", "2025-01-02T00:00"}));
  EXPECT_EQ(Firings("0 0 1 1 ? *", "2024-12-31T23:59", 2), (V{"2025-01-01T00:00", "2026-01-01T00:00"}));
  EXPECT_EQ(Firings("15 10,14 * * ? *", "2024-02-28T14:15", 3),
            (V{"2024-02-29T10:15", "2024-02-29T14:15", "2024-03-01T10:15"}));
  EXPECT_EQ(Firings("0 23 31 * ? *", "2024-01-31T23:00", 6),  // months without a 31st are skipped
            (V{"2024-03-31T23:00", "2024-05-31T23:00", "2024-07-31T23:00", "2024-08-31T23:00",
               "2024-10-31T23:00", "2024-12-31T23:00"}));
  EXPECT_EQ(Firings("0 0 30 * ? *", "2024-01-30T00:00", 2), (V{"2024-03-30T00:00", "2024-04-30T00:00"}));
}

TEST(CronNext, LeapYears) {
  EXPECT_EQ(Firings("0 0 29 2 ? *", "2024-03-01T00:00", 2), (V{"2028-02-29T00:00", "2032-02-29T00:00"}));
  EXPECT_EQ(Firings("0 0 29 2 ? *", "1999-01-01T00:00", 1), (V{"2000-02-29T00:00"}));  // 400: leap
  EXPECT_EQ(Firings("0 0 29 2 ? *", "2096-03-01T00:00", 1), (V{"2104-02-29T00:00"}));  // 2100: not
  EXPECT_EQ(Firings("0 12 L 2 ? *", "2023-01-01T00:00", 3),
            (V{"2023-02-28T12:00", "2024-02-29T12:00", "2025-02-28T12:00"}));
  EXPECT_EQ(Firings("0 12 L 2 ? 2100", "2023-01-01T00:00", 1), (V{"2100-02-28T12:00"}));
  EXPECT_EQ(Firings("0 0 ? 2 5#5 *", "2020-01-01T00:00", 2),  // a fifth Thursday in February
            (V{"2024-02-29T00:00", "2052-02-29T00:00"}));
}

TEST(CronNext, LastDayOfTheMonth) {
  EXPECT_EQ(Firings("0 0 L * ? *", "2024-01-15T00:00", 5),
            (V{"2024-01-31T00:00", "2024-02-29T00:00", "2024-03-31T00:00", "2024-04-30T00:00",
               "2024-05-31T00:00"}));
  EXPECT_EQ(Firings("0 0 L * ? *", "2023-02-01T00:00", 1), (V{"2023-02-28T00:00"}));
}

TEST(CronNext, NearestWeekdayNeverLeavesTheMonth) {
  // 2024-06-01 is a Saturday: 1W is Monday the 3rd, not Friday 31 May.
  EXPECT_EQ(Firings("0 0 1W 6 ? 2024", "2024-01-01T00:00", 1), (V{"2024-06-03T00:00"}));
  // 2024-09-01 is a Sunday: Monday the 2nd.
  EXPECT_EQ(Firings("0 0 1W 9 ? 2024", "2024-01-01T00:00", 1), (V{"2024-09-02T00:00"}));
  // 2024-03-31 is a Sunday: 31W is Friday the 29th, not Monday 1 April.
  EXPECT_EQ(Firings("0 0 31W 3 ? 2024", "2024-01-01T00:00", 1), (V{"2024-03-29T00:00"}));
  // 2024-08-31 is a Saturday: Friday the 30th.
  EXPECT_EQ(Firings("0 0 31W 8 ? 2024", "2024-01-01T00:00", 1), (V{"2024-08-30T00:00"}));
  // 2024-06-30 (the last day) is a Sunday: Friday the 28th.
  EXPECT_EQ(Firings("0 0 30W 6 ? 2024", "2024-01-01T00:00", 1), (V{"2024-06-28T00:00"}));
  // Mid-month: Saturday -> Friday, Sunday -> Monday, a weekday -> itself.
  EXPECT_EQ(Firings("0 0 15W 6 ? 2024", "2024-01-01T00:00", 1), (V{"2024-06-14T00:00"}));
  EXPECT_EQ(Firings("0 0 15W 9 ? 2024", "2024-01-01T00:00", 1), (V{"2024-09-16T00:00"}));
  EXPECT_EQ(Firings("0 0 15W 5 ? 2024", "2024-01-01T00:00", 1), (V{"2024-05-15T00:00"}));
  // A month shorter than the day has no firing (like a plain 31): 31W skips April.
  EXPECT_EQ(Firings("0 0 31W 3-5 ? 2024", "2024-01-01T00:00", 3), (V{"2024-03-29T00:00", "2024-05-31T00:00"}));
  EXPECT_EQ(Firings("0 0 29W 2 ? *", "2023-01-01T00:00", 2), (V{"2024-02-29T00:00", "2028-02-29T00:00"}));
  // The chosen day may come before the day named: from the 14th at noon, 15W (-> 14th) is
  // gone for June and the next is July's (15 July 2024 is a Monday).
  EXPECT_EQ(Firings("0 0 15W * ? 2024", "2024-06-14T12:00", 1), (V{"2024-07-15T00:00"}));
}

TEST(CronNext, LastWeekdayOfTheMonth) {
  EXPECT_EQ(Firings("0 18 LW * ? 2024", "2024-01-31T18:00", 7),
            (V{"2024-02-29T18:00",    // Thursday, the last day
               "2024-03-29T18:00",    // 31 is a Sunday
               "2024-04-30T18:00", "2024-05-31T18:00",
               "2024-06-28T18:00",    // 30 is a Sunday
               "2024-07-31T18:00",
               "2024-08-30T18:00"}));  // 31 is a Saturday
}

TEST(CronNext, LastGivenWeekdayOfTheMonth) {
  // 6 = FRI (1 = SUN): the last Friday.
  EXPECT_EQ(Firings("0 9 ? * 6L *", "2024-01-01T00:00", 5),
            (V{"2024-01-26T09:00", "2024-02-23T09:00", "2024-03-29T09:00", "2024-04-26T09:00",
               "2024-05-31T09:00"}));
  EXPECT_EQ(Firings("0 9 ? * FRIL *", "2024-01-01T00:00", 5), Firings("0 9 ? * 6L *", "2024-01-01T00:00", 5));
  EXPECT_EQ(Firings("0 9 ? * 1L *", "2024-03-01T00:00", 1), (V{"2024-03-31T09:00"}));  // Sunday, the 31st
  EXPECT_EQ(Firings("0 9 ? * 5L *", "2024-02-01T00:00", 1), (V{"2024-02-29T09:00"}));  // Thursday
  EXPECT_EQ(Firings("0 9 ? * 7L *", "2024-08-01T00:00", 1), (V{"2024-08-31T09:00"}));  // Saturday
}

TEST(CronNext, NthWeekdayOfTheMonth) {
  // 3#2: the second Tuesday (3 = TUE).
  EXPECT_EQ(Firings("0 9 ? * 3#2 *", "2024-01-01T00:00", 3),
            (V{"2024-01-09T09:00", "2024-02-13T09:00", "2024-03-12T09:00"}));
  EXPECT_EQ(Firings("0 9 ? * TUE#2 *", "2024-01-01T00:00", 3), Firings("0 9 ? * 3#2 *", "2024-01-01T00:00", 3));
  EXPECT_EQ(Firings("0 9 ? * 1#1 *", "2024-09-01T00:00", 2), (V{"2024-09-01T09:00", "2024-10-06T09:00"}));
  // #5 exists in some months only: Mondays of 2024 fall five times in Jan, Apr, Jul, Sep, Dec.
  EXPECT_EQ(Firings("0 9 ? * MON#5 2024", "2024-01-01T00:00", 9),
            (V{"2024-01-29T09:00", "2024-04-29T09:00", "2024-07-29T09:00", "2024-09-30T09:00",
               "2024-12-30T09:00"}));
}

TEST(CronNext, YearBounds) {
  EXPECT_EQ(Firings("59 23 31 12 ? 2199", "2024-01-01T00:00", 3), (V{"2199-12-31T23:59"}));
  EXPECT_EQ(Firings("* * * * ? *", "2199-12-31T23:58", 3), (V{"2199-12-31T23:59"}));
  EXPECT_FALSE(Cron("* * * * ? *").Next(At("2199-12-31T23:59")));
  EXPECT_FALSE(Cron("* * * * ? *").Next(At("2250-01-01T00:00")));
  EXPECT_FALSE(Cron("* * * * ? *").Next(TimePoint::max()));
  EXPECT_EQ(Iso(Cron("* * * * ? *").Next(TimePoint::min())), "1970-01-01T00:00");
  EXPECT_EQ(Iso(Cron("* * * * ? *").Next(At("1969-12-31T23:59:59"))), "1970-01-01T00:00");
  EXPECT_EQ(Iso(Cron("0 0 1 1 ? 1970").Next(At("1900-06-01T00:00"))), "1970-01-01T00:00");
  EXPECT_FALSE(Cron("0 0 1 1 ? 1970").Next(At("1970-01-01T00:00")));
  EXPECT_EQ(Iso(Cron("0 0 ? * 5 *").Next(At("1960-01-01T00:00"))), "1970-01-01T00:00");  // a Thursday
}

// Sets TZ for the test's lifetime: local time must play no part.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_) setenv("TZ", old_->c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(CronNext, DaylightSavingPlaysNoPartEverythingIsUtc) {
  // 02:30 on the days New York and Berlin change their clocks: fired once a day, at 02:30 UTC.
  V expected_us{"2024-03-09T02:30", "2024-03-10T02:30", "2024-03-11T02:30"};
  V expected_eu{"2024-10-26T02:30", "2024-10-27T02:30", "2024-10-28T02:30"};
  V us_utc = Firings("30 2 * * ? *", "2024-03-09T00:00", 3);
  V eu_utc = Firings("30 2 * * ? *", "2024-10-26T00:00", 3);
  EXPECT_EQ(us_utc, expected_us);
  EXPECT_EQ(eu_utc, expected_eu);
  for (const char* tz : {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe"}) {
    ScopedTimeZone zone(tz);
    EXPECT_EQ(Firings("30 2 * * ? *", "2024-03-09T00:00", 3), expected_us) << tz;
    EXPECT_EQ(Firings("30 2 * * ? *", "2024-10-26T00:00", 3), expected_eu) << tz;
    EXPECT_EQ(Firings("0 * * * ? *", "2024-03-10T00:30", 4),
              (V{"2024-03-10T01:00", "2024-03-10T02:00", "2024-03-10T03:00", "2024-03-10T04:00"}))
        << tz;
  }
}

TEST(CronNext, SkipsWholeYearsMonthsAndDaysInsteadOfScanningMinutes) {
  // Sparse expressions whose next firing is far away; minute by minute, each of these
  // would take ~10^8 steps, and 10,000 of them would not end in hours. They take
  // milliseconds; the bound is loose (a loaded machine, a sanitized build) and only
  // tells the skipping from a scan.
  const char* sparse[] = {"59 23 31 12 ? 2199", "0 0 29 2 ? 2096-2199", "0 0 ? 2 MON#5 *",
                          "0 0 ? 2 5#5 2053-2199", "0 0 31W 3 ? 2190-2199"};
  auto start = std::chrono::steady_clock::now();
  int found = 0;
  for (int i = 0; i < 2000; ++i) {
    for (const char* fields : sparse) {
      if (Cron(fields).Next(At("1970-01-01T00:00") + std::chrono::hours(i))) ++found;
    }
  }
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(found, 10000);
  EXPECT_LT(took, 60s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
}

}  // namespace
}  // namespace dth::control
