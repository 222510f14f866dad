#include "store/s3/s3_xml.h"

#include <gtest/gtest.h>

#include <chrono>

#include "http/http_types.h"
#include "store/s3/s3_store.h"

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

// Found by fuzz/iso_time_fuzz: TimePoint counts nanoseconds in 64 bits, so a year past
// 2262 overflowed (undefined behaviour; a wrong date in practice) instead of failing.
TEST(ParseIsoTimeTest, RefusesTimesTimePointCannotHold) {
  TimePoint t;
  EXPECT_FALSE(ParseIsoTime("7502-01-01T23:59:59.134Z", &t));
  EXPECT_FALSE(ParseIsoTime("9999-12-31T23:59:59Z", &t));
  EXPECT_FALSE(ParseIsoTime("0000-01-01T00:00:00Z", &t));
  EXPECT_FALSE(ParseIsoTime("1677-09-21T00:12:43.144Z", &t));
  EXPECT_FALSE(ParseIsoTime("2262-04-11T23:47:16.855Z", &t));
  ASSERT_TRUE(ParseIsoTime("2262-04-11T23:47:16.854Z", &t));
  EXPECT_EQ(t, At(2262, 4, 11, 23, 47, 16, 854));
  ASSERT_TRUE(ParseIsoTime("1677-09-21T00:12:43.146Z", &t));
  EXPECT_EQ(t, At(1677, 9, 21, 0, 12, 43, 146));
  ASSERT_TRUE(ParseIsoTime("2262-04-12T01:00:00+02:00", &t));  // the offset brings it back in range
  EXPECT_EQ(t, At(2262, 4, 11, 23, 0, 0));
}

// A listing whose object has such a date is a malformed reply, not a crash.
TEST(ParseListObjectsV2Test, OutOfRangeLastModifiedIsMalformed) {
  auto r = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>1</Size>"
      "<LastModified>7502-01-01T00:00:00Z</LastModified></Contents></ListBucketResult>");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption);
}

// Found while writing the fuzz target's checks: strtoull read "-1" as 2^64-1, skipped
// blanks and clamped overflow, and a part number above INT_MAX wrapped to a small one.
TEST(ParseListObjectsV2Test, SizesAreDecimalDigitsOnly) {
  for (const char* size : {"-1", " 5", "+5", "18446744073709551616", "0x10", "5 "}) {
    auto r = ParseListObjectsV2(std::string("<ListBucketResult><Contents><Key>k</Key><Size>") + size +
                                "</Size></Contents></ListBucketResult>");
    EXPECT_FALSE(r.ok()) << size;
  }
  auto r = ParseListObjectsV2(
      "<ListBucketResult><Contents><Key>k</Key><Size>18446744073709551615</Size></Contents></ListBucketResult>");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objects.at(0).size, 18446744073709551615u);
}

// The same rule for a HEAD's Content-Length (strtoull took "-1" there too).
TEST(HeadFromHeadersTest, ContentLengthIsDecimalDigitsOnly) {
  for (const char* size : {"-1", " 5", "+5", "18446744073709551616", "0x10", "5 ", ""}) {
    auto head = HeadFromHeaders("k", {{"Content-Length", size}});
    ASSERT_FALSE(head.ok()) << size;
    EXPECT_EQ(head.status().code(), Code::kCorruption) << size;
  }
  auto head = HeadFromHeaders("k", {{"Content-Length", "18446744073709551615"}});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->info.size, 18446744073709551615u);
}

TEST(ParseRetryAfterTest, HugeDelaysAreClampedNotOverflowed) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(ParseRetryAfter("7", now), milliseconds(7000));
  for (const char* huge : {"10000000000000000", "9223372036854775807", "99999999999999999999"}) {
    auto delay = ParseRetryAfter(huge, now);
    ASSERT_TRUE(delay.has_value()) << huge;
    EXPECT_GT(*delay, hours(24 * 365 * 1000)) << huge;
  }
  EXPECT_FALSE(ParseRetryAfter("-1", now).has_value());
}

TEST(ParseListPartsTest, PartNumbersMustFitAndBePositive) {
  auto parts = [](const std::string& number, const std::string& size) {
    return ParseListParts("<ListPartsResult><Part><PartNumber>" + number + "</PartNumber><Size>" + size +
                          "</Size><ETag>\"e\"</ETag></Part></ListPartsResult>");
  };
  for (const char* bad : {"4294967297", "0", "-1", "2147483648", " 1"}) {
    auto r = parts(bad, "5");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kCorruption);
  }
  EXPECT_FALSE(parts("1", "-5").ok());
  auto r = parts("10000", "5242880");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->parts.at(0).part_number, 10000);
  EXPECT_EQ(r->parts.at(0).size, 5242880u);
  EXPECT_EQ(r->parts.at(0).etag, "e");
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
