#include "store/s3/s3_xml.h"

#include <gtest/gtest.h>

#include <chrono>

namespace dth::s3 {
namespace {

using namespace std::chrono;

TimePoint At(int y, unsigned m, unsigned d, int hh, int mm, int ss, int ms = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss} +
         milliseconds{ms};
}

TEST(ParseIsoTimeTest, ReadsTheFormsServersSend) {
  TimePoint t;
  ASSERT_TRUE(ParseIsoTime("2026-11-21T14:19:03.123Z", &t));
  EXPECT_EQ(t, At(2026, 11, 21, 14, 19, 3, 123));
  ASSERT_TRUE(ParseIsoTime("2009-10-12T17:50:30Z", &t));
  EXPECT_EQ(t, At(2009, 10, 12, 17, 50, 30));
  ASSERT_TRUE(ParseIsoTime("2024-02-29T00:00:00.5Z", &t));  // leap day; tenths
  EXPECT_EQ(t, At(2024, 2, 29, 0, 0, 0, 500));
  ASSERT_TRUE(ParseIsoTime("2024-01-01T23:59:59.123456789Z", &t));  // beyond milliseconds
  EXPECT_EQ(t, At(2024, 1, 1, 23, 59, 59, 123));
  ASSERT_TRUE(ParseIsoTime("2026-11-21T14:19:03+00:00", &t));
  EXPECT_EQ(t, At(2026, 11, 21, 14, 19, 3));
  ASSERT_TRUE(ParseIsoTime("2026-11-21T22:19:03.000+08:00", &t));
  EXPECT_EQ(t, At(2026, 11, 21, 14, 19, 3));
}

TEST(ParseIsoTimeTest, RefusesAnythingElse) {
  TimePoint t;
  for (const char* bad : {"", "2026-11-21", "2026-11-21T14:19:03", "2026-11-21 14:19:03Z",
                          "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-21T24:00:00Z",
                          "2026-11-21T14:19:03.Z", "2026-11-21T14:19:03Zjunk", " 2026-11-21T14:19:03Z",
                          "+026-11-21T14:19:03Z", "2026-11-21T14:19:03+0800", "Sat, 21 Nov 2026 14:19:03 GMT"}) {
    EXPECT_FALSE(ParseIsoTime(bad, &t)) << bad;
  }
}

TEST(ParseTaggingTest, AnEmptyAnswerIsNoTags) {
  // Ceph RGW's answer for a multipart object created with tags it dropped.
  auto none = ParseTagging("");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  auto tags = ParseTagging(
      "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, (Tags{{"k", "v"}}));
  EXPECT_FALSE(ParseTagging("<Other/>").ok());
  EXPECT_FALSE(ParseTagging("not xml").ok());
}

}  // namespace
}  // namespace dth::s3
