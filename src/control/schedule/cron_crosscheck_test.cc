// Cross-check of CronExpr::Next (which jumps over years, months and days) against a
// brute-force reference written here from the definitions: random valid expressions are
// built as a structure the reference evaluates and as text the parser reads; for each,
// every minute of a two-year window is tested against the structure (the date tests
// once per day), and Next must find exactly those firings — chained from the window's
// start, and from random instants, firings themselves and just before them.
// DTH_CRON_SEED=<n> and DTH_CRON_EXPRESSIONS=<n> run another or a larger sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "control/schedule/cron_expr.h"
#include "control/schedule/schedule_test_util.h"

namespace dth::control {
namespace {

using namespace std::chrono;

// ---- The reference: its own calendar, matching straight from the definitions. ----

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int LastDay(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
// 0 = Sunday (Sakamoto's method).
int WeekDay(int y, int m, int d) {
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}
bool IsWeekday(int y, int m, int d) { int w = WeekDay(y, m, d); return w != 0 && w != 6; }

struct Item {  // lo..hi by step
  int lo, hi, step;
  bool Covers(int v) const { return v >= lo && v <= hi && (v - lo) % step == 0; }
};

struct FieldSet {
  std::vector<Item> items;
  bool Covers(int v) const {
    return std::any_of(items.begin(), items.end(), [v](const Item& i) { return i.Covers(v); });
  }
};

enum class Day { kDomSet, kLast, kLastWeekday, kNearest, kDowSet, kLastOf, kNth };

struct Spec {
  FieldSet minutes, hours, months, years, days;  // days: day-of-month or day-of-week set
  Day day = Day::kDomSet;
  int n = 0, k = 0;  // nW: n; nL: n; n#k
  std::string text;

  bool DateMatches(int y, int m, int d) const {
    if (!years.Covers(y) || !months.Covers(m)) return false;
    const int last = LastDay(y, m);
    const int wd = WeekDay(y, m, d);
    switch (day) {
      case Day::kDomSet: return days.Covers(d);
      case Day::kLast: return d == last;
      case Day::kLastWeekday: {
        int best = 0;
        for (int x = 1; x <= last; ++x) if (IsWeekday(y, m, x)) best = x;
        return d == best;
      }
      case Day::kNearest: {  // the weekday of the month nearest n (none if n > last)
        if (n > last) return false;
        int best = 0;
        for (int x = 1; x <= last; ++x) {
          if (IsWeekday(y, m, x) && (best == 0 || std::abs(x - n) < std::abs(best - n))) best = x;
        }
        return d == best;
      }
      case Day::kDowSet: return days.Covers(wd + 1);
      case Day::kLastOf: return wd + 1 == n && d + 7 > last;
      case Day::kNth: return wd + 1 == n && (d - 1) / 7 + 1 == k;
    }
    return false;
  }
};

TimePoint Minute(int y, int m, int d, int h, int mi) {
  return TimePoint{sys_days{year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)}} +
                   hours{h} + minutes{mi}};
}

// Every firing in [from_day, to_day) (whole days), minute by minute.
std::vector<TimePoint> Reference(const Spec& s, sys_days from_day, sys_days to_day) {
  bool hour_ok[24], minute_ok[60];
  for (int h = 0; h < 24; ++h) hour_ok[h] = s.hours.Covers(h);
  for (int mi = 0; mi < 60; ++mi) minute_ok[mi] = s.minutes.Covers(mi);
  std::vector<TimePoint> out;
  for (sys_days day = from_day; day < to_day; day += days{1}) {
    year_month_day ymd{day};
    int y = static_cast<int>(ymd.year()), m = static_cast<int>(static_cast<unsigned>(ymd.month())),
        d = static_cast<int>(static_cast<unsigned>(ymd.day()));
    if (y > kCronMaxYear) break;
    if (!s.DateMatches(y, m, d)) continue;
    for (int h = 0; h < 24; ++h) {
      for (int mi = 0; mi < 60; ++mi) {
        if (hour_ok[h] && minute_ok[mi]) out.push_back(Minute(y, m, d, h, mi));
      }
    }
  }
  return out;
}

// ---- Random expressions. ----

const char* const kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                               "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char* const kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(1, 100) <= percent; }

  // A value as text: sometimes a name (any case), sometimes with a leading zero.
  std::string Value(int v, const char* const* names, int min) {
    if (names != nullptr && Chance(40)) {
      std::string name = names[v - min];
      if (Chance(30)) for (char& c : name) c = static_cast<char>(std::tolower(c));
      return name;
    }
    return (Chance(10) ? "0" : "") + std::to_string(v);
  }

  // A field of values, ranges, steps and lists over min..max; `near` biases the values
  // (years near the window), `star` is the chance of a bare *.
  FieldSet Field(int min, int max, int star, bool step, const char* const* names, std::string* text,
                 int near_lo = -1, int near_hi = -1) {
    FieldSet f;
    if (Chance(star)) {
      f.items.push_back({min, max, 1});
      *text = "*";
      return f;
    }
    auto pick = [&] {
      if (near_lo >= 0 && Chance(80)) return Uniform(std::max(min, near_lo), std::min(max, near_hi));
      return Uniform(min, max);
    };
    int n = Chance(60) ? 1 : Uniform(2, 4);
    text->clear();
    for (int i = 0; i < n; ++i) {
      if (i > 0) *text += ",";
      int form = Uniform(0, step ? 5 : 2);
      int a = pick(), b = pick();
      if (a > b) std::swap(a, b);
      int s = Uniform(1, std::min(max - min, Chance(50) ? 7 : max - min));
      switch (form) {
        case 0: case 1:  // a value
          f.items.push_back({a, a, 1});
          *text += Value(a, names, min);
          break;
        case 2:  // a range
          f.items.push_back({a, b, 1});
          *text += Value(a, names, min) + "-" + Value(b, names, min);
          break;
        case 3:  // a/s
          f.items.push_back({a, max, s});
          *text += Value(a, names, min) + "/" + std::to_string(s);
          break;
        case 4:  // */s
          f.items.push_back({min, max, s});
          *text += "*/" + std::to_string(s);
          break;
        case 5:  // a-b/s
          f.items.push_back({a, b, s});
          *text += Value(a, names, min) + "-" + Value(b, names, min) + "/" + std::to_string(s);
          break;
      }
    }
    return f;
  }

  Spec Expression(int window_year) {
    Spec s;
    std::string t[6];
    s.minutes = Field(0, 59, 8, true, nullptr, &t[0]);
    s.hours = Field(0, 23, 25, true, nullptr, &t[1]);
    s.months = Field(1, 12, 40, true, kMonths, &t[3]);
    s.years = Field(kCronMinYear, kCronMaxYear, 50, true, nullptr, &t[5], window_year - 1, window_year + 3);
    if (Chance(50)) {  // by day of month
      t[4] = "?";
      int form = Uniform(0, 9);
      if (form <= 5) {
        s.day = Day::kDomSet;
        s.days = Field(1, 31, 20, true, nullptr, &t[2]);
      } else if (form == 6) {
        s.day = Day::kLast, t[2] = Chance(50) ? "L" : "l";
      } else if (form == 7) {
        s.day = Day::kLastWeekday, t[2] = Chance(50) ? "LW" : "lw";
      } else {
        s.day = Day::kNearest, s.n = Chance(30) ? (Chance(50) ? 1 : Uniform(28, 31)) : Uniform(1, 31);
        t[2] = std::to_string(s.n) + (Chance(50) ? "W" : "w");
      }
    } else {  // by day of week
      t[2] = "?";
      int form = Uniform(0, 9);
      if (form <= 5) {
        s.day = Day::kDowSet;
        s.days = Field(1, 7, 20, false, kDays, &t[4]);
      } else if (form <= 7) {
        s.day = Day::kLastOf, s.n = Uniform(1, 7);
        t[4] = Value(s.n, kDays, 1) + (Chance(50) ? "L" : "l");
      } else if (form == 8) {
        s.day = Day::kNth, s.n = Uniform(1, 7), s.k = Uniform(1, 5);
        t[4] = Value(s.n, kDays, 1) + "#" + std::to_string(s.k);
      } else {
        s.day = Day::kDowSet, s.days.items.push_back({7, 7, 1}), t[4] = "L";
      }
    }
    s.text = t[0];
    for (int i = 1; i < 6; ++i) s.text += std::string(Chance(10) ? "  " : " ") + t[i];
    return s;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

TEST(CronCrossCheck, NextAgreesWithMinuteByMinuteReference) {
  const uint64_t seed = EnvOr("DTH_CRON_SEED", 20261202);
  const int count = static_cast<int>(EnvOr("DTH_CRON_EXPRESSIONS", 400));
  Generator gen(seed);
  int checked = 0, never = 0, probes = 0;
  size_t firings = 0;
  for (int i = 0; i < count; ++i) {
    // A two-year window starting on a random day of 1970-2198 (the last ones meet 2199's end).
    int window_year = gen.Chance(10) ? gen.Uniform(2197, 2198) : gen.Uniform(1970, 2196);
    sys_days from = sys_days{year{window_year} / 1 / 1} + days{gen.Uniform(0, 364)};
    sys_days to = std::min(from + days{731}, sys_days{year{kCronMaxYear + 1} / 1 / 1});
    Spec spec = gen.Expression(window_year);
    SCOPED_TRACE("seed " + std::to_string(seed) + " #" + std::to_string(i) + ": cron(" + spec.text +
                 ") window from " + test::Iso(TimePoint{from}));
    Result<CronExpr> e = CronExpr::Parse(spec.text);
    if (!e.ok()) {
      // The only refusal a generated expression may get: it can never fire. Check that
      // over every day of 1970-2199.
      ASSERT_NE(e.status().message().find("never fires"), std::string::npos) << e.status().message();
      for (int y = kCronMinYear; y <= kCronMaxYear; ++y)
        for (int m = 1; m <= 12; ++m)
          for (int d = 1; d <= LastDay(y, m); ++d) ASSERT_FALSE(spec.DateMatches(y, m, d)) << y << "-" << m << "-" << d;
      ++never;
      continue;
    }
    ++checked;
    std::vector<TimePoint> ref = Reference(spec, from, to);
    firings += ref.size();
    const TimePoint end{to};
    // Beyond the window, Next may find anything later (or nothing).
    auto beyond = [&](std::optional<TimePoint> t) { return !t || *t >= end; };

    // 1. Chained from the window's start: exactly the reference's firings, in order.
    TimePoint after = TimePoint{from} - nanoseconds{1};
    size_t chained = std::min<size_t>(ref.size(), 3000);
    for (size_t j = 0; j < chained; ++j) {
      std::optional<TimePoint> next = e->Next(after);
      ASSERT_EQ(test::Iso(next), test::Iso(ref[j])) << "firing " << j << " after " << test::Iso(after);
      after = *next;
    }
    if (chained == ref.size()) {
      ASSERT_TRUE(beyond(e->Next(after))) << test::Iso(e->Next(after)) << " after " << test::Iso(after);
    }
    // 2. From random instants, from firings (strictly after) and from just before them.
    const int64_t span_ms = duration_cast<milliseconds>(to - from).count();
    for (int p = 0; p < 40; ++p, ++probes) {
      TimePoint t;
      int kind = gen.Uniform(0, 2);
      if (kind == 0 || ref.empty()) {
        t = TimePoint{from} + milliseconds{std::uniform_int_distribution<int64_t>(0, span_ms - 1)(gen.rng())};
      } else {
        TimePoint f = ref[static_cast<size_t>(gen.Uniform(0, static_cast<int>(ref.size()) - 1))];
        t = kind == 1 ? f : f - nanoseconds{1};
      }
      auto it = std::upper_bound(ref.begin(), ref.end(), t);
      std::optional<TimePoint> next = e->Next(t);
      if (it == ref.end()) {
        ASSERT_TRUE(beyond(next)) << test::Iso(next) << " after " << test::Iso(t);
      } else {
        ASSERT_EQ(test::Iso(next), test::Iso(*it)) << "after " << test::Iso(t);
      }
    }
  }
  std::printf("[ cross-check ] seed %llu: %d expressions checked (%zu firings in their windows, "
              "%d probes), %d refused as never firing\n",
              static_cast<unsigned long long>(seed), checked, firings, probes, never);
  EXPECT_GE(checked, count * 9 / 10);
}

}  // namespace
}  // namespace dth::control
