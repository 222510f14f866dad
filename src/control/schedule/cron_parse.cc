// CronExpr::Parse: the EventBridge cron grammar, field by field.
//
//   field  := "?" (day fields only) | special (day fields only) | item ("," item)*
//   item   := "*" ["/" step] | value ["-" value] ["/" step]
//   value  := digits (leading zeros allowed, as EventBridge does: "00") | a 3-letter name
//
// A range may not run backwards ("22-2"): the AWS documentation describes no wrap-around,
// so rather than guess, the message says how to write it ("22-23,0-2").
#include <bitset>
#include <cctype>
#include <chrono>

#include "control/schedule/cron_expr.h"
#include "control/schedule/schedule_text.h"

namespace dth::control {

namespace {

using schedule_text::ParseDigits;
using schedule_text::Quote;

const char* const kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char* const kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldSpec {
  int number;               // 1..6, as in messages
  const char* name;         // "day-of-month"
  int min, max;
  const char* const* names; // names of min..max, or nullptr
  bool step;                // "/" allowed
  const char* values;       // "1-12 or JAN-DEC", for messages
};

const FieldSpec kMinutes{1, "minutes", 0, 59, nullptr, true, "0-59"};
const FieldSpec kHours{2, "hours", 0, 23, nullptr, true, "0-23"};
const FieldSpec kDayOfMonth{3, "day-of-month", 1, 31, nullptr, true, "1-31"};
const FieldSpec kMonth{4, "month", 1, 12, kMonthNames, true, "1-12 or JAN-DEC"};
const FieldSpec kDayOfWeek{5, "day-of-week", 1, 7, kDayNames, false, "1-7 or SUN-SAT"};
const FieldSpec kYear{6, "year", kCronMinYear, kCronMaxYear, nullptr, true, "1970-2199"};

using Bits = std::bitset<256>;  // bit (value - spec.min)

Status FieldError(const FieldSpec& spec, std::string_view token, const std::string& what) {
  return InvalidArgument("cron field " + std::to_string(spec.number) + " (" + spec.name +
                         ") " + Quote(token) + ": " + what);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// One value: digits in range or a name. *canon gets its normalised text.
Result<int> ParseValue(const FieldSpec& spec, std::string_view token, std::string* canon) {
  if (auto n = ParseDigits(token); n && *n >= spec.min && *n <= spec.max) {
    *canon = std::to_string(*n);
    return static_cast<int>(*n);
  }
  if (spec.names != nullptr) {
    std::string upper = Upper(token);
    for (int v = spec.min; v <= spec.max; ++v) {
      if (upper == spec.names[v - spec.min]) {
        *canon = upper;
        return v;
      }
    }
  }
  return FieldError(spec, token, std::string("must be ") + spec.values);
}

// The text of value v in the style of the token it replaces (a name if that was one).
std::string ValueText(const FieldSpec& spec, int v, bool as_name) {
  if (as_name && spec.names != nullptr) return spec.names[v - spec.min];
  return std::to_string(v);
}

bool IsName(std::string_view token) {
  return !token.empty() && std::isalpha(static_cast<unsigned char>(token[0]));
}

// One list item into *bits; *canon gets its normalised text.
Status ParseItem(const FieldSpec& spec, std::string_view item, bool alone, Bits* bits,
                 std::string* canon) {
  if (item == "?") {
    return FieldError(spec, item,
                      spec.number == 3 || spec.number == 5
                          ? "? must stand alone"
                          : "only day-of-month and day-of-week can be ?");
  }
  std::string_view base = item;
  int step = 1;
  std::string step_text;
  if (size_t slash = item.find('/'); slash != std::string_view::npos) {
    if (!spec.step) return FieldError(spec, item, std::string("/ is not allowed in ") + spec.name);
    base = item.substr(0, slash);
    auto n = ParseDigits(item.substr(slash + 1));
    int max_step = spec.max - spec.min;
    if (!n || *n < 1 || *n > max_step) {
      return FieldError(spec, item, "step must be 1-" + std::to_string(max_step));
    }
    step = static_cast<int>(*n);
    step_text = "/" + std::to_string(step);
  }
  if (base.empty()) return FieldError(spec, item, "/ needs a start, e.g. */5 or 0/5");
  int lo = spec.min, hi = spec.max;
  if (base == "*") {
    if (!alone && step_text.empty()) {
      return FieldError(spec, item, "* cannot be combined with other items");
    }
    *canon = "*";
  } else if (size_t dash = base.find('-'); dash != std::string_view::npos) {
    std::string_view a = base.substr(0, dash), b = base.substr(dash + 1);
    if (a.empty() || b.empty()) return FieldError(spec, item, "a range needs a start and an end");
    std::string ca, cb;
    DTH_ASSIGN_OR_RETURN(lo, ParseValue(spec, a, &ca));
    DTH_ASSIGN_OR_RETURN(hi, ParseValue(spec, b, &cb));
    if (lo > hi) {
      std::string what = "range runs backwards";
      if (spec.number != kYear.number) {  // the cyclic fields: say how to wrap around
        std::string first = lo == spec.max ? ca : ca + "-" + ValueText(spec, spec.max, IsName(a));
        std::string second = hi == spec.min ? cb : ValueText(spec, spec.min, IsName(b)) + "-" + cb;
        what += "; write " + first + "," + second;
      }
      return FieldError(spec, base, what);
    }
    *canon = ca + "-" + cb;
  } else {
    DTH_ASSIGN_OR_RETURN(lo, ParseValue(spec, base, canon));
    if (!step_text.empty()) hi = spec.max;  // "5/10": from 5 to the end
    else hi = lo;
  }
  for (int v = lo; v <= hi; v += step) bits->set(static_cast<size_t>(v - spec.min));
  *canon += step_text;
  return Status::Ok();
}

// A list of items ("1,5-9,*/20").
Status ParseSet(const FieldSpec& spec, std::string_view field, Bits* bits, std::string* canon) {
  std::vector<std::string_view> items;
  size_t start = 0;
  while (true) {
    size_t comma = field.find(',', start);
    items.push_back(field.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  canon->clear();
  for (std::string_view item : items) {
    if (item.empty()) return FieldError(spec, field, "empty item in list");
  }
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item_canon;
    DTH_RETURN_IF_ERROR(ParseItem(spec, items[i], items.size() == 1, bits, &item_canon));
    if (i > 0) *canon += ',';
    *canon += item_canon;
  }
  return Status::Ok();
}

}  // namespace

// Parses the fields into a CronExpr (a friend, so it can fill the private members).
class CronParser {
 public:
  static Result<CronExpr> Parse(std::string_view text);

 private:
  static Status ParseDayOfMonth(std::string_view field, CronExpr* e, std::string* canon);
  static Status ParseDayOfWeek(std::string_view field, CronExpr* e, std::string* canon);
};

Status CronParser::ParseDayOfMonth(std::string_view field, CronExpr* e, std::string* canon) {
  const FieldSpec& spec = kDayOfMonth;
  std::string upper = Upper(field);
  bool has_w = upper.find('W') != std::string::npos;
  if (!has_w && upper.find('L') == std::string::npos) {
    Bits bits;
    DTH_RETURN_IF_ERROR(ParseSet(spec, field, &bits, canon));
    e->day_kind_ = CronExpr::DayKind::kDaysOfMonth;
    e->day_mask_ = static_cast<uint32_t>(bits.to_ulong() << 1);
    return Status::Ok();
  }
  *canon = upper;
  if (upper == "L") {
    e->day_kind_ = CronExpr::DayKind::kLastDay;
    return Status::Ok();
  }
  if (upper == "LW") {
    e->day_kind_ = CronExpr::DayKind::kLastWeekday;
    return Status::Ok();
  }
  if (upper.find(',') != std::string::npos) {
    return FieldError(spec, field, std::string(has_w ? "W" : "L") +
                                       " cannot be combined with other days");
  }
  if (upper.size() >= 2 && upper.back() == 'W') {
    std::string_view day = field.substr(0, field.size() - 1);
    if (day.find_first_of("-/*") != std::string_view::npos) {
      return FieldError(spec, field, "W takes a single day, e.g. 15W");
    }
    if (auto n = ParseDigits(day); n && *n >= 1 && *n <= 31) {
      e->day_kind_ = CronExpr::DayKind::kNearestWeekday;
      e->day_ = static_cast<int>(*n);
      *canon = std::to_string(*n) + "W";
      return Status::Ok();
    }
    if (ParseDigits(day)) return FieldError(spec, field, "the day before W must be 1-31");
  }
  return FieldError(spec, field, "must be L, LW or a day followed by W (e.g. 15W)");
}

Status CronParser::ParseDayOfWeek(std::string_view field, CronExpr* e, std::string* canon) {
  const FieldSpec& spec = kDayOfWeek;
  std::string upper = Upper(field);
  if (size_t hash = field.find('#'); hash != std::string_view::npos) {
    if (field.find(',') != std::string_view::npos) {
      return FieldError(spec, field, "# cannot be combined with other days");
    }
    std::string day_canon;
    DTH_ASSIGN_OR_RETURN(e->weekday_, ParseValue(spec, field.substr(0, hash), &day_canon));
    auto k = ParseDigits(field.substr(hash + 1));
    if (!k || *k < 1 || *k > 5) return FieldError(spec, field, "the number after # must be 1-5");
    e->day_kind_ = CronExpr::DayKind::kNthOfMonth;
    e->nth_ = static_cast<int>(*k);
    *canon = day_canon + "#" + std::to_string(*k);
    return Status::Ok();
  }
  // No day name has an L in it, so any L is the wildcard.
  if (upper.find('L') != std::string::npos) {
    if (upper == "L") {  // the last day of the week: Saturday
      e->day_kind_ = CronExpr::DayKind::kDaysOfWeek;
      e->day_mask_ = 1u << 7;
      *canon = "L";
      return Status::Ok();
    }
    if (field.find(',') != std::string_view::npos) {
      return FieldError(spec, field, "L cannot be combined with other days");
    }
    if (upper.back() != 'L') {
      return FieldError(spec, field, "L must follow one day, e.g. 6L or FRIL");
    }
    std::string day_canon;
    DTH_ASSIGN_OR_RETURN(e->weekday_,
                         ParseValue(spec, field.substr(0, field.size() - 1), &day_canon));
    e->day_kind_ = CronExpr::DayKind::kLastOfMonth;
    *canon = day_canon + "L";
    return Status::Ok();
  }
  Bits bits;
  DTH_RETURN_IF_ERROR(ParseSet(spec, field, &bits, canon));
  e->day_kind_ = CronExpr::DayKind::kDaysOfWeek;
  e->day_mask_ = static_cast<uint32_t>(bits.to_ulong() << 1);
  return Status::Ok();
}

Result<CronExpr> CronParser::Parse(std::string_view text) {
  std::vector<std::string_view> fields = schedule_text::SplitBlanks(text);
  if (fields.size() != 6) {
    return InvalidArgument(
        "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got " +
        std::to_string(fields.size()));
  }
  CronExpr e;
  std::string canon[6];
  Bits bits;
  DTH_RETURN_IF_ERROR(ParseSet(kMinutes, fields[0], &bits, &canon[0]));
  e.minutes_ = bits.to_ullong();
  bits.reset();
  DTH_RETURN_IF_ERROR(ParseSet(kHours, fields[1], &bits, &canon[1]));
  e.hours_ = static_cast<uint32_t>(bits.to_ulong());
  bool dom_any = fields[2] == "?", dow_any = fields[4] == "?";
  if (!dom_any) DTH_RETURN_IF_ERROR(ParseDayOfMonth(fields[2], &e, &canon[2]));
  bits.reset();
  DTH_RETURN_IF_ERROR(ParseSet(kMonth, fields[3], &bits, &canon[3]));
  e.months_ = static_cast<uint16_t>(bits.to_ulong() << 1);
  CronExpr by_week = e;  // ParseDayOfWeek must not clobber the day-of-month rule
  if (!dow_any) DTH_RETURN_IF_ERROR(ParseDayOfWeek(fields[4], &by_week, &canon[4]));
  bits.reset();
  DTH_RETURN_IF_ERROR(ParseSet(kYear, fields[5], &bits, &canon[5]));
  for (int y = kCronMinYear; y <= kCronMaxYear; ++y) {
    e.years_[static_cast<size_t>(y - kCronMinYear)] = bits[static_cast<size_t>(y - kCronMinYear)];
  }
  if (dom_any && dow_any) {
    return InvalidArgument("cron day-of-month and day-of-week are both \"?\": exactly one must be ?");
  }
  if (!dom_any && !dow_any) {
    return InvalidArgument("cron day-of-month " + Quote(fields[2]) + " and day-of-week " +
                           Quote(fields[4]) + " are both set: one of them must be ?");
  }
  if (dom_any) {
    canon[2] = "?";
    e.day_kind_ = by_week.day_kind_;
    e.day_mask_ = by_week.day_mask_;
    e.weekday_ = by_week.weekday_;
    e.nth_ = by_week.nth_;
  } else {
    canon[4] = "?";
  }
  e.text_ = canon[0];
  for (int i = 1; i < 6; ++i) e.text_ += " " + canon[i];
  using namespace std::chrono;
  TimePoint before_all = sys_days{year{kCronMinYear} / 1 / 1} - minutes{1};
  if (!e.Next(before_all)) {
    return InvalidArgument("cron(" + e.text_ + ") never fires: no date in " +
                           std::to_string(kCronMinYear) + "-" + std::to_string(kCronMaxYear) +
                           " matches");
  }
  return e;
}

Result<CronExpr> CronExpr::Parse(std::string_view fields) { return CronParser::Parse(fields); }

}  // namespace dth::control
