// Fuzz target: ParseIsoTime (store/s3/s3_xml), the LastModified / Initiated times of
// S3 listings. An accepted time, written back in the canonical form, must read back
// to the same instant.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "store/s3/s3_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace std::chrono;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  dth::TimePoint t;
  if (!dth::s3::ParseIsoTime(text, &t)) return 0;
  const auto day_start = floor<days>(t);
  const year_month_day ymd{day_start};
  const hh_mm_ss hms{floor<milliseconds>(t - day_start)};
  const int y = int(ymd.year());
  if (y < 0 || y > 9999) return 0;  // an offset can cross year 0000 or 9999: no canonical form
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, unsigned(ymd.month()),
                unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                int(hms.seconds().count()), int(hms.subseconds().count()));
  dth::TimePoint again;
  if (!dth::s3::ParseIsoTime(buf, &again) || floor<milliseconds>(again) != floor<milliseconds>(t))
    std::abort();
  return 0;
}
