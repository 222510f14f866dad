// CronExpr::Parse: every syntax element, its normalised text, and every error message.
#include <gtest/gtest.h>

#include "control/schedule/cron_expr.h"
#include "control/schedule/schedule.h"
#include "control/schedule/schedule_test_util.h"

namespace dth::control {
namespace {

using test::At;
using test::Iso;

// The normalised text of cron(fields), or "error: <message>".
std::string Norm(const std::string& fields) {
  Result<Schedule> s = ParseSchedule("cron(" + fields + ")");
  if (!s.ok()) return "error: " + s.status().message();
  std::string text = s->ToString();
  return text.substr(5, text.size() - 6);
}

std::string Error(const std::string& fields) {
  Result<CronExpr> e = CronExpr::Parse(fields);
  if (e.ok()) return "parsed: " + e->text();
  EXPECT_EQ(e.status().code(), Code::kInvalidArgument) << fields;
  return e.status().message();
}

// The next n firings after `after`.
std::vector<std::string> Firings(const std::string& fields, const char* after, size_t n) {
  Result<Schedule> s = ParseSchedule("cron(" + fields + ")");
  EXPECT_TRUE(s.ok()) << fields << ": " << s.status().ToString();
  if (!s.ok()) return {};
  return Iso(s->NextN(At(after), {}, n));
}

using V = std::vector<std::string>;

TEST(CronParse, ValuesListsRangesAndStepsInTheTimeFields) {
  EXPECT_EQ(Firings("0 12 * * ? *", "2024-01-01T12:00", 2), (V{"2024-01-02T12:00", "2024-01-03T12:00"}));
  EXPECT_EQ(Firings("5,10,55 3 * * ? *", "2024-01-01T00:00", 4),
            (V{"2024-01-01T03:05", "2024-01-01T03:10", "2024-01-01T03:55", "2024-01-02T03:05"}));
  EXPECT_EQ(Firings("58-59,0-1 0 * * ? *", "2024-01-01T00:00", 4),
            (V{"2024-01-01T00:01", "2024-01-01T00:58", "2024-01-01T00:59", "2024-01-02T00:00"}));
  // Increments: 0/15 and */15 start at the field's first value; 10-50/10 stays in its range.
  EXPECT_EQ(Firings("0/15 1 * * ? *", "2024-01-01T00:00", 5),
            (V{"2024-01-01T01:00", "2024-01-01T01:15", "2024-01-01T01:30", "2024-01-01T01:45",
               "2024-01-02T01:00"}));
  EXPECT_EQ(Norm("*/15 1 * * ? *"), "*/15 1 * * ? *");
  EXPECT_EQ(Firings("*/15 1 * * ? *", "2024-01-01T00:00", 5), Firings("0/15 1 * * ? *", "2024-01-01T00:00", 5));
  EXPECT_EQ(Firings("10-50/10 1 * * ? *", "2024-01-01T00:00", 6),
            (V{"2024-01-01T01:10", "2024-01-01T01:20", "2024-01-01T01:30", "2024-01-01T01:40",
               "2024-01-01T01:50", "2024-01-02T01:10"}));
  EXPECT_EQ(Firings("1/25 1 * * ? *", "2024-01-01T00:00", 3),  // as AWS's 1/10 example: 1, 26, 51
            (V{"2024-01-01T01:01", "2024-01-01T01:26", "2024-01-01T01:51"}));
  EXPECT_EQ(Firings("0 */5 * * ? *", "2024-01-01T00:00", 5),
            (V{"2024-01-01T05:00", "2024-01-01T10:00", "2024-01-01T15:00", "2024-01-01T20:00",
               "2024-01-02T00:00"}));
  EXPECT_EQ(Firings("0 22/1 * * ? *", "2024-01-01T00:00", 3),
            (V{"2024-01-01T22:00", "2024-01-01T23:00", "2024-01-02T22:00"}));
  EXPECT_EQ(Firings("*/20,7 0 * * ? *", "2024-01-01T00:00", 4),  // a step inside a list
            (V{"2024-01-01T00:07", "2024-01-01T00:20", "2024-01-01T00:40", "2024-01-02T00:00"}));
  EXPECT_EQ(Firings("* * * * ? *", "2024-01-01T00:00", 2), (V{"2024-01-01T00:01", "2024-01-01T00:02"}));
}

TEST(CronParse, MonthsByNumberOrNameInAnyCaseWithRangesAndSteps) {
  EXPECT_EQ(Norm("0 0 1 jan,Feb,MAR ? *"), "0 0 1 JAN,FEB,MAR ? *");
  EXPECT_EQ(Firings("0 0 1 jan,Feb,MAR ? *", "2024-02-15T00:00", 2), (V{"2024-03-01T00:00", "2025-01-01T00:00"}));
  EXPECT_EQ(Norm("0 0 1 jun-aug ? *"), "0 0 1 JUN-AUG ? *");
  EXPECT_EQ(Firings("0 0 1 JUN-8 ? *", "2024-01-01T00:00", 4),
            (V{"2024-06-01T00:00", "2024-07-01T00:00", "2024-08-01T00:00", "2025-06-01T00:00"}));
  EXPECT_EQ(Firings("0 0 1 */4 ? *", "2024-01-01T00:00", 3),
            (V{"2024-05-01T00:00", "2024-09-01T00:00", "2025-01-01T00:00"}));
  EXPECT_EQ(Firings("0 0 1 FEB/5 ? *", "2024-01-01T00:00", 3),
            (V{"2024-02-01T00:00", "2024-07-01T00:00", "2024-12-01T00:00"}));
}

TEST(CronParse, DaysOfWeekByNumberOrNameOneIsSunday) {
  // 2024-01-07 is a Sunday.
  EXPECT_EQ(Firings("0 9 ? * 1 *", "2024-01-01T00:00", 2), (V{"2024-01-07T09:00", "2024-01-14T09:00"}));
  EXPECT_EQ(Firings("0 9 ? * sun *", "2024-01-01T00:00", 1), (V{"2024-01-07T09:00"}));
  EXPECT_EQ(Firings("0 9 ? * 7 *", "2024-01-01T00:00", 1), (V{"2024-01-06T09:00"}));  // Saturday
  EXPECT_EQ(Norm("0 9 ? * mon-fri *"), "0 9 ? * MON-FRI *");
  EXPECT_EQ(Firings("0 9 ? * MON-FRI *", "2024-01-05T09:00", 2), (V{"2024-01-08T09:00", "2024-01-09T09:00"}));
  EXPECT_EQ(Firings("0 9 ? * 2-6 *", "2024-01-05T09:00", 2), (V{"2024-01-08T09:00", "2024-01-09T09:00"}));
  EXPECT_EQ(Firings("0 9 ? * SAT,1 *", "2024-01-01T00:00", 3),
            (V{"2024-01-06T09:00", "2024-01-07T09:00", "2024-01-13T09:00"}));
  EXPECT_EQ(Firings("0 9 ? * * *", "2024-01-01T09:00", 1), (V{"2024-01-02T09:00"}));
  // L alone in day-of-week is the last day of the week: Saturday.
  EXPECT_EQ(Norm("0 9 ? * l *"), "0 9 ? * L *");
  EXPECT_EQ(Firings("0 9 ? * L *", "2024-01-01T00:00", 2), (V{"2024-01-06T09:00", "2024-01-13T09:00"}));
}

TEST(CronParse, YearsValuesRangesAndSteps) {
  EXPECT_EQ(Firings("0 0 1 1 ? 2030", "2024-01-01T00:00", 3), (V{"2030-01-01T00:00"}));
  EXPECT_EQ(Firings("0 0 1 1 ? 2025-2026,2030", "2024-01-01T00:00", 5),
            (V{"2025-01-01T00:00", "2026-01-01T00:00", "2030-01-01T00:00"}));
  EXPECT_EQ(Firings("0 0 1 1 ? 2000/25", "2024-01-01T00:00", 9),
            (V{"2025-01-01T00:00", "2050-01-01T00:00", "2075-01-01T00:00", "2100-01-01T00:00",
               "2125-01-01T00:00", "2150-01-01T00:00", "2175-01-01T00:00"}));
  EXPECT_EQ(Firings("0 0 1 1 ? */100", "1960-01-01T00:00", 5),
            (V{"1970-01-01T00:00", "2070-01-01T00:00", "2170-01-01T00:00"}));
}

TEST(CronParse, NormalisesLeadingZerosNamesAndBlanks) {
  EXPECT_EQ(Norm("00 09 ? * mon *"), "0 9 ? * MON *");
  EXPECT_EQ(Norm("005 1 01-09/02 * ? 02024"), "5 1 1-9/2 * ? 2024");
  EXPECT_EQ(Norm("0 0 ? * fri#3 *"), "0 0 ? * FRI#3 *");
  EXPECT_EQ(Norm("0 0 ? * 06#03 *"), "0 0 ? * 6#3 *");
  EXPECT_EQ(Norm("0 0 ? * fril *"), "0 0 ? * FRIL *");
  EXPECT_EQ(Norm("0 0 ? * 06l *"), "0 0 ? * 6L *");
  EXPECT_EQ(Norm("0 0 l * ? *"), "0 0 L * ? *");
  EXPECT_EQ(Norm("0 0 lw * ? *"), "0 0 LW * ? *");
  EXPECT_EQ(Norm("0 0 015w * ? *"), "0 0 15W * ? *");
  EXPECT_EQ(Norm("0/05 */02 1/7 Jan/3 ? 1970/010"), "0/5 */2 1/7 JAN/3 ? 1970/10");
  // The normalised text parses to itself.
  for (const char* fields : {"00 09 ? * mon *", "0/05 */02 1/7 Jan/3 ? 1970/010", "0 0 ? * fril *"}) {
    std::string once = Norm(fields);
    EXPECT_EQ(Norm(once), once);
  }
}

TEST(CronParse, ExactlyOneOfTheDayFieldsIsAQuestionMark) {
  EXPECT_EQ(Error("0 12 ? * ? *"),
            "cron day-of-month and day-of-week are both \"?\": exactly one must be ?");
  EXPECT_EQ(Error("0 12 * * * *"),
            "cron day-of-month \"*\" and day-of-week \"*\" are both set: one of them must be ?");
  EXPECT_EQ(Error("0 9 * * MON-FRI *"),
            "cron day-of-month \"*\" and day-of-week \"MON-FRI\" are both set: one of them must be ?");
  EXPECT_EQ(Error("0 9 15 * 2 *"),
            "cron day-of-month \"15\" and day-of-week \"2\" are both set: one of them must be ?");
  EXPECT_EQ(Error("0 9 ?,1 * ? *"), "cron field 3 (day-of-month) \"?\": ? must stand alone");
  EXPECT_EQ(Error("0 9 ? * MON,? *"), "cron field 5 (day-of-week) \"?\": ? must stand alone");
  for (const char* fields : {"? 0 1 * ? *", "0 ? 1 * ? *", "0 0 1 ? ? *", "0 0 1 * ? ?"}) {
    EXPECT_NE(Error(fields).find("\"?\": only day-of-month and day-of-week can be ?"), std::string::npos)
        << Error(fields);
  }
  EXPECT_EQ(Error("0 0 1 * ? ?"), "cron field 6 (year) \"?\": only day-of-month and day-of-week can be ?");
}

TEST(CronParse, FieldCountAndOutOfRangeValues) {
  const std::string count = "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ";
  EXPECT_EQ(Error("0 12 * * ?"), count + "5");
  EXPECT_EQ(Error("0 0 12 * * ? *"), count + "7");
  EXPECT_EQ(Error(""), count + "0");
  EXPECT_EQ(Error("  "), count + "0");
  EXPECT_EQ(Error("0 12  * * ?  "), count + "5");  // an empty field reads as a missing one
  EXPECT_EQ(Error("60 0 * * ? *"), "cron field 1 (minutes) \"60\": must be 0-59");
  EXPECT_EQ(Error("0 24 * * ? *"), "cron field 2 (hours) \"24\": must be 0-23");
  EXPECT_EQ(Error("0 0 32 * ? *"), "cron field 3 (day-of-month) \"32\": must be 1-31");
  EXPECT_EQ(Error("0 0 0 * ? *"), "cron field 3 (day-of-month) \"0\": must be 1-31");
  EXPECT_EQ(Error("0 0 1 13 ? *"), "cron field 4 (month) \"13\": must be 1-12 or JAN-DEC");
  EXPECT_EQ(Error("0 0 1 0 ? *"), "cron field 4 (month) \"0\": must be 1-12 or JAN-DEC");
  EXPECT_EQ(Error("0 0 ? * 0 *"), "cron field 5 (day-of-week) \"0\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 0 ? * 8 *"), "cron field 5 (day-of-week) \"8\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 0 1 * ? 1969"), "cron field 6 (year) \"1969\": must be 1970-2199");
  EXPECT_EQ(Error("0 0 1 * ? 2200"), "cron field 6 (year) \"2200\": must be 1970-2199");
  EXPECT_EQ(Error("0 0 1 * ? 99999999999999"), "cron field 6 (year) \"99999999999999\": must be 1970-2199");
  EXPECT_EQ(Error("5-70 0 1 * ? *"), "cron field 1 (minutes) \"70\": must be 0-59");
  EXPECT_EQ(Error("0 0 1 * ? 2020-2300"), "cron field 6 (year) \"2300\": must be 1970-2199");
}

TEST(CronParse, UnknownWordsSignsAndNamesInTheWrongField) {
  EXPECT_EQ(Error("x 0 1 * ? *"), "cron field 1 (minutes) \"x\": must be 0-59");
  EXPECT_EQ(Error("+5 0 1 * ? *"), "cron field 1 (minutes) \"+5\": must be 0-59");
  EXPECT_EQ(Error("5.0 0 1 * ? *"), "cron field 1 (minutes) \"5.0\": must be 0-59");
  EXPECT_EQ(Error("0 0 1 * ? * x"),
            "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 7");
  EXPECT_EQ(Error("0 0 1 MON ? *"), "cron field 4 (month) \"MON\": must be 1-12 or JAN-DEC");
  EXPECT_EQ(Error("0 0 ? * JAN *"), "cron field 5 (day-of-week) \"JAN\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 0 1 JANUARY ? *"), "cron field 4 (month) \"JANUARY\": must be 1-12 or JAN-DEC");
  EXPECT_EQ(Error("0 0 ? * MONDAY *"), "cron field 5 (day-of-week) \"MONDAY\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 0 ? * MO *"), "cron field 5 (day-of-week) \"MO\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 JAN 1 * ? *"), "cron field 2 (hours) \"JAN\": must be 0-23");
  EXPECT_EQ(Error("L 0 1 * ? *"), "cron field 1 (minutes) \"L\": must be 0-59");
  EXPECT_EQ(Error("0 0 1 L ? *"), "cron field 4 (month) \"L\": must be 1-12 or JAN-DEC");
  EXPECT_EQ(Error("0 0 1 * ? L"), "cron field 6 (year) \"L\": must be 1970-2199");
  EXPECT_EQ(Error("0 0 1 * ? 2024#1"), "cron field 6 (year) \"2024#1\": must be 1970-2199");
  EXPECT_EQ(Error("0 0 1W 1W ? *"), "cron field 4 (month) \"1W\": must be 1-12 or JAN-DEC");
  EXPECT_EQ(Error("0 (0) 1 * ? *"), "cron field 2 (hours) \"(0)\": must be 0-23");
}

TEST(CronParse, ListsRangesAndStepsThatAreMalformed) {
  EXPECT_EQ(Error("1, 0 1 * ? *"), "cron field 1 (minutes) \"1,\": empty item in list");
  EXPECT_EQ(Error("1,2, 0 1 * ? *"), "cron field 1 (minutes) \"1,2,\": empty item in list");
  EXPECT_EQ(Error(",1 0 1 * ? *"), "cron field 1 (minutes) \",1\": empty item in list");
  EXPECT_EQ(Error("1,,2 0 1 * ? *"), "cron field 1 (minutes) \"1,,2\": empty item in list");
  EXPECT_EQ(Error(", 0 1 * ? *"), "cron field 1 (minutes) \",\": empty item in list");
  EXPECT_EQ(Error("0 0 1 JAN, ? *"), "cron field 4 (month) \"JAN,\": empty item in list");
  EXPECT_EQ(Error("0 0 ? * MON, *"), "cron field 5 (day-of-week) \"MON,\": empty item in list");
  EXPECT_EQ(Error("-5 0 1 * ? *"), "cron field 1 (minutes) \"-5\": a range needs a start and an end");
  EXPECT_EQ(Error("5- 0 1 * ? *"), "cron field 1 (minutes) \"5-\": a range needs a start and an end");
  EXPECT_EQ(Error("1-2-3 0 1 * ? *"), "cron field 1 (minutes) \"2-3\": must be 0-59");
  EXPECT_EQ(Error("*,5 0 1 * ? *"), "cron field 1 (minutes) \"*\": * cannot be combined with other items");
  EXPECT_EQ(Error("*-5 0 1 * ? *"), "cron field 1 (minutes) \"*\": must be 0-59");
  EXPECT_EQ(Error("*/0 0 1 * ? *"), "cron field 1 (minutes) \"*/0\": step must be 1-59");
  EXPECT_EQ(Error("*/60 0 1 * ? *"), "cron field 1 (minutes) \"*/60\": step must be 1-59");
  EXPECT_EQ(Error("0 */24 1 * ? *"), "cron field 2 (hours) \"*/24\": step must be 1-23");
  EXPECT_EQ(Error("0 0 1/31 * ? *"), "cron field 3 (day-of-month) \"1/31\": step must be 1-30");
  EXPECT_EQ(Error("0 0 1 */12 ? *"), "cron field 4 (month) \"*/12\": step must be 1-11");
  EXPECT_EQ(Error("0 0 1 * ? */230"), "cron field 6 (year) \"*/230\": step must be 1-229");
  EXPECT_EQ(Error("*/ 0 1 * ? *"), "cron field 1 (minutes) \"*/\": step must be 1-59");
  EXPECT_EQ(Error("*/x 0 1 * ? *"), "cron field 1 (minutes) \"*/x\": step must be 1-59");
  EXPECT_EQ(Error("*/-5 0 1 * ? *"), "cron field 1 (minutes) \"*/-5\": step must be 1-59");
  EXPECT_EQ(Error("*/5/2 0 1 * ? *"), "cron field 1 (minutes) \"*/5/2\": step must be 1-59");
  EXPECT_EQ(Error("/5 0 1 * ? *"), "cron field 1 (minutes) \"/5\": / needs a start, e.g. */5 or 0/5");
  EXPECT_EQ(Error("0 0 ? * */2 *"), "cron field 5 (day-of-week) \"*/2\": / is not allowed in day-of-week");
  EXPECT_EQ(Error("0 0 ? * 1/2 *"), "cron field 5 (day-of-week) \"1/2\": / is not allowed in day-of-week");
}

TEST(CronParse, RangesMayNotRunBackwardsAndTheMessageSaysHowToWrap) {
  EXPECT_EQ(Error("50-10 0 1 * ? *"), "cron field 1 (minutes) \"50-10\": range runs backwards; write 50-59,0-10");
  EXPECT_EQ(Error("0 22-2 1 * ? *"), "cron field 2 (hours) \"22-2\": range runs backwards; write 22-23,0-2");
  EXPECT_EQ(Error("0 23-0 1 * ? *"), "cron field 2 (hours) \"23-0\": range runs backwards; write 23,0");
  EXPECT_EQ(Error("0 0 25-5 * ? *"), "cron field 3 (day-of-month) \"25-5\": range runs backwards; write 25-31,1-5");
  EXPECT_EQ(Error("0 0 1 NOV-FEB ? *"), "cron field 4 (month) \"NOV-FEB\": range runs backwards; write NOV-DEC,JAN-FEB");
  EXPECT_EQ(Error("0 0 1 11-2 ? *"), "cron field 4 (month) \"11-2\": range runs backwards; write 11-12,1-2");
  EXPECT_EQ(Error("0 0 ? * fri-mon *"), "cron field 5 (day-of-week) \"fri-mon\": range runs backwards; write FRI-SAT,SUN-MON");
  EXPECT_EQ(Error("0 0 ? * SAT-2 *"), "cron field 5 (day-of-week) \"SAT-2\": range runs backwards; write SAT,1-2");
  EXPECT_EQ(Error("0 0 1 * ? 2030-2020"), "cron field 6 (year) \"2030-2020\": range runs backwards");
  EXPECT_EQ(Error("0 0 1 * ? 2030-2020/2"), "cron field 6 (year) \"2030-2020\": range runs backwards");
  // The suggested text works and means the wrapped range.
  EXPECT_EQ(Firings("0 22-23,0-2 * * ? *", "2023-12-31T23:59", 6),
            (V{"2024-01-01T00:00", "2024-01-01T01:00", "2024-01-01T02:00", "2024-01-01T22:00",
               "2024-01-01T23:00", "2024-01-02T00:00"}));
  EXPECT_EQ(Norm("5-5 0 1 * ? *"), "5-5 0 1 * ? *");  // a one-value range is fine
}

TEST(CronParse, LastAndWeekdayInDayOfMonth) {
  EXPECT_EQ(Norm("0 0 L * ? *"), "0 0 L * ? *");
  EXPECT_EQ(Norm("0 0 LW * ? *"), "0 0 LW * ? *");
  EXPECT_EQ(Norm("0 0 15W * ? *"), "0 0 15W * ? *");
  EXPECT_EQ(Norm("0 0 1W * ? *"), "0 0 1W * ? *");
  EXPECT_EQ(Norm("0 0 31W * ? *"), "0 0 31W * ? *");
  const std::string field = "cron field 3 (day-of-month) ";
  EXPECT_EQ(Error("0 0 1W,15 * ? *"), field + "\"1W,15\": W cannot be combined with other days");
  EXPECT_EQ(Error("0 0 1,15W * ? *"), field + "\"1,15W\": W cannot be combined with other days");
  EXPECT_EQ(Error("0 0 L,15 * ? *"), field + "\"L,15\": L cannot be combined with other days");
  EXPECT_EQ(Error("0 0 LW,1 * ? *"), field + "\"LW,1\": W cannot be combined with other days");
  EXPECT_EQ(Error("0 0 1-5W * ? *"), field + "\"1-5W\": W takes a single day, e.g. 15W");
  EXPECT_EQ(Error("0 0 */5W * ? *"), field + "\"*/5W\": W takes a single day, e.g. 15W");
  EXPECT_EQ(Error("0 0 0W * ? *"), field + "\"0W\": the day before W must be 1-31");
  EXPECT_EQ(Error("0 0 32W * ? *"), field + "\"32W\": the day before W must be 1-31");
  const std::string forms = ": must be L, LW or a day followed by W (e.g. 15W)";
  EXPECT_EQ(Error("0 0 W * ? *"), field + "\"W\"" + forms);
  EXPECT_EQ(Error("0 0 L-3 * ? *"), field + "\"L-3\"" + forms);
  EXPECT_EQ(Error("0 0 15L * ? *"), field + "\"15L\"" + forms);
  EXPECT_EQ(Error("0 0 WL * ? *"), field + "\"WL\"" + forms);
  EXPECT_EQ(Error("0 0 W15 * ? *"), field + "\"W15\"" + forms);
  EXPECT_EQ(Error("0 0 L/2 * ? *"), field + "\"L/2\"" + forms);
  EXPECT_EQ(Error("0 0 15WW * ? *"), field + "\"15WW\"" + forms);
  EXPECT_EQ(Error("0 0 MONW * ? *"), field + "\"MONW\"" + forms);
}

TEST(CronParse, LastAndNthInDayOfWeek) {
  EXPECT_EQ(Norm("0 0 ? * 6L *"), "0 0 ? * 6L *");
  EXPECT_EQ(Norm("0 0 ? * FRIL *"), "0 0 ? * FRIL *");
  EXPECT_EQ(Norm("0 0 ? * 3#2 *"), "0 0 ? * 3#2 *");
  EXPECT_EQ(Norm("0 0 ? * tue#2 *"), "0 0 ? * TUE#2 *");
  const std::string field = "cron field 5 (day-of-week) ";
  // AWS: "3#1,6#3" is not valid: one # expression per field.
  EXPECT_EQ(Error("0 0 ? * 3#1,6#3 *"), field + "\"3#1,6#3\": # cannot be combined with other days");
  EXPECT_EQ(Error("0 0 ? * 2,3#1 *"), field + "\"2,3#1\": # cannot be combined with other days");
  EXPECT_EQ(Error("0 0 ? * 3#0 *"), field + "\"3#0\": the number after # must be 1-5");
  EXPECT_EQ(Error("0 0 ? * 3#6 *"), field + "\"3#6\": the number after # must be 1-5");
  EXPECT_EQ(Error("0 0 ? * 3# *"), field + "\"3#\": the number after # must be 1-5");
  EXPECT_EQ(Error("0 0 ? * 3#L *"), field + "\"3#L\": the number after # must be 1-5");
  EXPECT_EQ(Error("0 0 ? * #2 *"), field + "\"\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 0 ? * 8#2 *"), field + "\"8\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 0 ? * 2-3#2 *"), field + "\"2-3\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 0 ? * 6L,2 *"), field + "\"6L,2\": L cannot be combined with other days");
  EXPECT_EQ(Error("0 0 ? * MON,L *"), field + "\"MON,L\": L cannot be combined with other days");
  EXPECT_EQ(Error("0 0 ? * L6 *"), field + "\"L6\": L must follow one day, e.g. 6L or FRIL");
  EXPECT_EQ(Error("0 0 ? * LW *"), field + "\"LW\": L must follow one day, e.g. 6L or FRIL");
  EXPECT_EQ(Error("0 0 ? * 8L *"), field + "\"8\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 0 ? * 2-3L *"), field + "\"2-3\": must be 1-7 or SUN-SAT");
  EXPECT_EQ(Error("0 0 ? * 6LL *"), field + "\"6L\": must be 1-7 or SUN-SAT");
}

TEST(CronParse, NeverFiringExpressionsAreRefusedAtParseTime) {
  // EventBridge accepts some of these and the rule then never runs; dth refuses them so
  // that a task cannot be created with a schedule that cannot fire.
  EXPECT_EQ(Error("0 0 31 2 ? *"), "cron(0 0 31 2 ? *) never fires: no date in 1970-2199 matches");
  EXPECT_EQ(Error("0 0 30 FEB ? *"), "cron(0 0 30 FEB ? *) never fires: no date in 1970-2199 matches");
  EXPECT_EQ(Error("0 0 31 4,6,9,11 ? *"),
            "cron(0 0 31 4,6,9,11 ? *) never fires: no date in 1970-2199 matches");
  EXPECT_EQ(Error("0 0 31W 4 ? *"), "cron(0 0 31W 4 ? *) never fires: no date in 1970-2199 matches");
  // 29 February of a year that is not a leap year (2100 is not: divisible by 100, not 400).
  EXPECT_EQ(Error("0 0 29 2 ? 2100"), "cron(0 0 29 2 ? 2100) never fires: no date in 1970-2199 matches");
  EXPECT_EQ(Error("0 0 ? 2 2#5 2023"), "cron(0 0 ? 2 2#5 2023) never fires: no date in 1970-2199 matches");
  // Possible but rare: accepted.
  EXPECT_EQ(Error("0 0 29 2 ? *"), "parsed: 0 0 29 2 ? *");
  EXPECT_EQ(Error("0 0 29 2 ? 2000"), "parsed: 0 0 29 2 ? 2000");
  EXPECT_EQ(Error("0 0 ? 2 2#5 *"), "parsed: 0 0 ? 2 2#5 *");  // a fifth Monday in February
  // In the past only: a valid expression (Next says nullopt from now on).
  EXPECT_EQ(Error("0 0 1 1 ? 1970"), "parsed: 0 0 1 1 ? 1970");
  Result<Schedule> past = ParseSchedule("cron(0 0 1 1 ? 1970)");
  ASSERT_TRUE(past.ok());
  EXPECT_FALSE(past->Next(At("2024-01-01T00:00"), {}));
}

}  // namespace
}  // namespace dth::control
