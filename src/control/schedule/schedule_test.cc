#include "control/schedule/schedule.h"

#include <gtest/gtest.h>

#include "control/schedule/schedule_test_util.h"

namespace dth::control {
namespace {

using namespace std::chrono_literals;
using test::At;
using test::Iso;

Schedule Parse(const std::string& text) {
  Result<Schedule> s = ParseSchedule(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? *s : Schedule();
}

// The message of the error ParseSchedule gives for text ("" when it parses).
std::string Error(const std::string& text) {
  Result<Schedule> s = ParseSchedule(text);
  if (s.ok()) return "";
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument) << text;
  return s.status().message();
}

TEST(ScheduleOnce, ParsesAndNeverFires) {
  Schedule s = Parse("once");
  EXPECT_EQ(s.kind(), ScheduleKind::kOnce);
  EXPECT_STREQ(ScheduleKindName(s.kind()), "once");
  EXPECT_EQ(s.ToString(), "once");
  EXPECT_EQ(s.period(), 0min);
  EXPECT_FALSE(s.Next(At("2024-01-01T00:00"), At("2024-01-01T00:00")));
  EXPECT_TRUE(s.NextN(At("2024-01-01T00:00"), At("2024-01-01T00:00"), 5).empty());
  EXPECT_EQ(Schedule(), s);  // the default schedule is once
}

TEST(ScheduleParse, TrimsWhiteSpaceAroundTheWholeText) {
  EXPECT_EQ(Parse("  once\n").ToString(), "once");
  EXPECT_EQ(Parse("\t rate(5 minutes) \r\n").ToString(), "rate(5 minutes)");
  EXPECT_EQ(Parse(" cron(0 12 * * ? *) ").ToString(), "cron(0 12 * * ? *)");
  // Runs of blanks inside the parentheses separate fields; they are normalised away.
  EXPECT_EQ(Parse("rate(  5 \t minutes )").ToString(), "rate(5 minutes)");
  EXPECT_EQ(Parse("cron( 0  12 *\t* ? * )").ToString(), "cron(0 12 * * ? *)");
}

TEST(ScheduleParse, RefusesWhatIsNoSchedule) {
  const std::string expected =
      "expected once, rate(N unit) or cron(minutes hours day-of-month month day-of-week year)";
  EXPECT_EQ(Error(""), "empty schedule: " + expected);
  EXPECT_EQ(Error(" \t\n"), "empty schedule: " + expected);
  EXPECT_EQ(Error("daily"), "unknown schedule \"daily\": " + expected);
  EXPECT_EQ(Error("ONCE"), "unknown schedule \"ONCE\": " + expected);
  EXPECT_EQ(Error("once()"), "unknown schedule \"once()\": " + expected);
  EXPECT_EQ(Error("Cron(0 12 * * ? *)"), "unknown schedule \"Cron(0 12 * * ? *)\": " + expected);
  EXPECT_EQ(Error("cron (0 12 * * ? *)"), "unknown schedule \"cron (0 12 * * ? *)\": " + expected);
  EXPECT_EQ(Error("at(2024-01-01T00:00:00)"),
            "unknown schedule \"at(2024-01-01T00:00:00)\": " + expected);
  EXPECT_EQ(Error("cron)"), "unknown schedule \"cron)\": " + expected);
  EXPECT_EQ(Error("cron(0 12 * * ? *"), "schedule \"cron(0 12 * * ? *\": must end with \")\"");
  EXPECT_EQ(Error("cron(0 12 * * ? *) x"),
            "schedule \"cron(0 12 * * ? *) x\": must end with \")\"");
  EXPECT_EQ(Error("rate(5 minutes))"), "rate unit \"minutes)\": must be minute, minutes, hour, "
                                       "hours, day or days");
}

TEST(ScheduleParse, MessagesNeverSpanLines) {
  for (const char* text : {"daily\nnow", "cron(0 1\n2 * * ? *)", "rate(5\nminutes)", "x\x01y"}) {
    std::string message = Error(text);
    ASSERT_FALSE(message.empty()) << text;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find('\x01'), std::string::npos) << message;
  }
  EXPECT_EQ(Error("x\x01y"), "unknown schedule \"x\\x01y\": expected once, rate(N unit) or "
                             "cron(minutes hours day-of-month month day-of-week year)");
  std::string long_text(200, 'z');
  EXPECT_EQ(Error(long_text).substr(0, 86),
            "unknown schedule \"" + std::string(64, 'z') + "...\"");
}

TEST(ScheduleRate, AcceptsEveryUnitInBothFormsAndNormalisesToEventBridge) {
  struct Case {
    const char* text;
    const char* normalised;
    std::chrono::minutes period;
  } cases[] = {
      {"rate(1 minute)", "rate(1 minute)", 1min},    {"rate(1 minutes)", "rate(1 minute)", 1min},
      {"rate(5 minutes)", "rate(5 minutes)", 5min},  {"rate(5 minute)", "rate(5 minutes)", 5min},
      {"rate(1 hour)", "rate(1 hour)", 60min},       {"rate(1 hours)", "rate(1 hour)", 60min},
      {"rate(12 hours)", "rate(12 hours)", 720min},  {"rate(12 hour)", "rate(12 hours)", 720min},
      {"rate(1 day)", "rate(1 day)", 1440min},       {"rate(1 days)", "rate(1 day)", 1440min},
      {"rate(7 days)", "rate(7 days)", 7 * 1440min}, {"rate(7 day)", "rate(7 days)", 7 * 1440min},
      {"rate(60 minutes)", "rate(60 minutes)", 60min},
  };
  for (const Case& c : cases) {
    Schedule s = Parse(c.text);
    EXPECT_EQ(s.kind(), ScheduleKind::kRate) << c.text;
    EXPECT_EQ(s.ToString(), c.normalised) << c.text;
    EXPECT_EQ(s.period(), c.period) << c.text;
    EXPECT_EQ(Parse(s.ToString()), s) << c.text;
  }
  EXPECT_STREQ(ScheduleKindName(ScheduleKind::kRate), "rate");
}

TEST(ScheduleRate, AcceptsUpToTenYearsInEachUnit) {
  EXPECT_EQ(Parse("rate(5256000 minutes)").period(), 5256000min);
  EXPECT_EQ(Parse("rate(87600 hours)").period(), 87600h);
  EXPECT_EQ(Parse("rate(3650 days)").period(), 3650 * 24h);
  EXPECT_EQ(Error("rate(5256001 minutes)"), "rate value \"5256001\": at most 5256000 minutes (10 years)");
  EXPECT_EQ(Error("rate(87601 hours)"), "rate value \"87601\": at most 87600 hours (10 years)");
  EXPECT_EQ(Error("rate(3651 days)"), "rate value \"3651\": at most 3650 days (10 years)");
  EXPECT_EQ(Error("rate(99999999999999999999999 days)"),
            "rate value \"99999999999999999999999\": at most 3650 days (10 years)");
}

TEST(ScheduleRate, RefusesAnythingButAPlainPositiveNumberAndAKnownUnit) {
  const std::string positive = ": must be a positive whole number";
  EXPECT_EQ(Error("rate(0 minutes)"), "rate value \"0\"" + positive);
  EXPECT_EQ(Error("rate(000 minutes)"), "rate value \"000\"" + positive);
  EXPECT_EQ(Error("rate(-5 minutes)"), "rate value \"-5\"" + positive);
  EXPECT_EQ(Error("rate(+5 minutes)"), "rate value \"+5\"" + positive);
  EXPECT_EQ(Error("rate(5.0 minutes)"), "rate value \"5.0\"" + positive);
  EXPECT_EQ(Error("rate(1e3 minutes)"), "rate value \"1e3\"" + positive);
  EXPECT_EQ(Error("rate(five minutes)"), "rate value \"five\"" + positive);
  EXPECT_EQ(Error("rate(0x10 minutes)"), "rate value \"0x10\"" + positive);
  EXPECT_EQ(Error("rate(05 minutes)"), "rate value \"05\": no leading zeros");
  EXPECT_EQ(Error("rate(5 0 minutes)"), "rate \"5 0 minutes\": needs a value and a unit, e.g. rate(5 minutes)");
  EXPECT_EQ(Error("rate(5)"), "rate \"5\": needs a value and a unit, e.g. rate(5 minutes)");
  EXPECT_EQ(Error("rate()"), "rate \"\": needs a value and a unit, e.g. rate(5 minutes)");
  EXPECT_EQ(Error("rate(5minutes)"), "rate \"5minutes\": needs a value and a unit, e.g. rate(5 minutes)");
  const std::string units = ": must be minute, minutes, hour, hours, day or days";
  EXPECT_EQ(Error("rate(5 Minutes)"), "rate unit \"Minutes\"" + units);
  EXPECT_EQ(Error("rate(2 weeks)"), "rate unit \"weeks\"" + units);
  EXPECT_EQ(Error("rate(30 seconds)"), "rate unit \"seconds\"" + units);
  EXPECT_EQ(Error("rate(5 min)"), "rate unit \"min\"" + units);
  // The unit is checked before the value, so a bad value names its unit's limit.
  EXPECT_EQ(Error("rate(-1 fortnights)"), "rate unit \"fortnights\"" + units);
}

TEST(ScheduleRate, FiresOnTheAnchorsGridStrictlyAfter) {
  Schedule s = Parse("rate(15 minutes)");
  TimePoint anchor = At("2024-03-10T01:07:30");
  // The anchor itself is not a firing: the first is one period later.
  EXPECT_EQ(Iso(s.Next(anchor, anchor)), "2024-03-10T01:22:30");
  EXPECT_EQ(Iso(s.Next(anchor - 1h, anchor)), "2024-03-10T01:22:30");  // after before the anchor
  // Strictly after: from a firing, the next one.
  EXPECT_EQ(Iso(s.Next(At("2024-03-10T01:22:30"), anchor)), "2024-03-10T01:37:30");
  EXPECT_EQ(Iso(s.Next(At("2024-03-10T01:22:30") - 1ns, anchor)), "2024-03-10T01:22:30");
  EXPECT_EQ(Iso(s.Next(At("2024-03-10T01:22:30") + 1ns, anchor)), "2024-03-10T01:37:30");
  // Far after the anchor: firings missed in between are skipped, the grid is kept.
  EXPECT_EQ(Iso(s.Next(At("2025-07-01T00:00"), anchor)), "2025-07-01T00:07:30");
  // The anchor's precision is kept (a task created at ...:30.250).
  TimePoint precise = anchor + 250ms;
  EXPECT_EQ(Iso(s.Next(precise, precise)), "2024-03-10T01:22:30.250");
  // A grid in days ignores clocks changing for daylight saving: it is UTC throughout.
  Schedule daily = Parse("rate(1 day)");
  EXPECT_EQ(Iso(daily.NextN(At("2024-03-09T12:00"), At("2024-03-09T12:00"), 3)),
            (std::vector<std::string>{"2024-03-10T12:00", "2024-03-11T12:00", "2024-03-12T12:00"}));
}

TEST(ScheduleRate, LargePeriodsAndExtremeTimesNeitherOverflowNorPassTheHorizon) {
  Schedule s = Parse("rate(3650 days)");
  TimePoint anchor = At("2024-01-01T00:00");
  EXPECT_EQ(Iso(s.Next(anchor, anchor)), "2033-12-29T00:00");  // 3650 days, with 2 leap days
  EXPECT_EQ(Iso(s.NextN(anchor, anchor, 100)).size(), 17u);    // up to 2193; 2203 is past 2199
  EXPECT_EQ(Iso(s.NextN(anchor, anchor, 100)).back(), "2193-11-20T00:00");
  EXPECT_FALSE(s.Next(At("2195-01-01T00:00"), anchor));
  EXPECT_FALSE(s.Next(kScheduleHorizon, anchor));
  EXPECT_FALSE(s.Next(TimePoint::max(), anchor));
  EXPECT_FALSE(s.Next(anchor, TimePoint::max()));
  // The most distant anchor and after the clock can hold: no overflow, the right answer.
  Schedule minutely = Parse("rate(1 minute)");
  // (TimePoint::min() is not a whole minute: the grid is 13.145224192 s after it.)
  EXPECT_EQ(minutely.Next(At("2100-06-01T10:00:30"), TimePoint::min()),
            At("2100-06-01T10:00:30") + 13145224192ns);
  EXPECT_EQ(minutely.Next(TimePoint::min(), TimePoint::min()), TimePoint::min() + 1min);
  EXPECT_EQ(Iso(minutely.Next(At("2199-12-31T23:58:59"), At("2024-01-01T00:00"))), "2199-12-31T23:59");
  EXPECT_FALSE(minutely.Next(At("2199-12-31T23:59"), At("2024-01-01T00:00")));
}

TEST(ScheduleNextN, ChainsNextAndStopsWhereTheScheduleEnds) {
  Schedule s = Parse("rate(2 hours)");
  TimePoint anchor = At("2024-01-01T00:00");
  EXPECT_EQ(Iso(s.NextN(At("2024-01-01T03:00"), anchor, 3)),
            (std::vector<std::string>{"2024-01-01T04:00", "2024-01-01T06:00", "2024-01-01T08:00"}));
  EXPECT_TRUE(s.NextN(At("2024-01-01T03:00"), anchor, 0).empty());
  Schedule c = Parse("cron(30 9 1 JAN ? 2198-2199)");
  EXPECT_EQ(Iso(c.NextN(At("2000-01-01T00:00"), anchor, 10)),
            (std::vector<std::string>{"2198-01-01T09:30", "2199-01-01T09:30"}));
  // A huge n is no problem when the schedule ends first.
  EXPECT_EQ(c.NextN(At("2000-01-01T00:00"), anchor, size_t(-1)).size(), 2u);
}

TEST(ScheduleCron, KindTextAndEqualityFollowTheNormalisedText) {
  Schedule s = Parse("cron(00 9 ? * mon-fri *)");
  EXPECT_EQ(s.kind(), ScheduleKind::kCron);
  EXPECT_STREQ(ScheduleKindName(s.kind()), "cron");
  EXPECT_EQ(s.ToString(), "cron(0 9 ? * MON-FRI *)");
  EXPECT_EQ(s.period(), 0min);
  EXPECT_EQ(s, Parse("cron(0 09 ? * MON-FRI *)"));
  EXPECT_FALSE(s == Parse("cron(0 9 ? * 2-6 *)"));  // the same firings, another text
  // The anchor is not used by cron.
  EXPECT_EQ(s.Next(At("2024-01-05T09:00"), At("1999-01-01T00:00")),
            s.Next(At("2024-01-05T09:00"), At("2024-01-05T08:59")));
  EXPECT_EQ(Iso(s.Next(At("2024-01-05T09:00"), {})), "2024-01-08T09:00");  // Fri -> Mon
}

}  // namespace
}  // namespace dth::control
