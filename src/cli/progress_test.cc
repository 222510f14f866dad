#include "cli/progress.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace dth::cli {
namespace {

TEST(ProgressLineTest, FormatsBytesForPeople) {
  EXPECT_EQ(ProgressLine::FormatBytes(0), "0 B");
  EXPECT_EQ(ProgressLine::FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(ProgressLine::FormatBytes(3.0 * (1 << 30)), "3.0 GiB");
}

TEST(ProgressLineTest, FormatsTimeLeftRoundedUp) {
  EXPECT_EQ(ProgressLine::FormatEta(0.2), "1s");  // not "0s" while bytes are still to come
  EXPECT_EQ(ProgressLine::FormatEta(1.0), "1s");
  EXPECT_EQ(ProgressLine::FormatEta(59.5), "1m00s");
  EXPECT_EQ(ProgressLine::FormatEta(125), "2m05s");
  EXPECT_EQ(ProgressLine::FormatEta(3599.2), "1h00m");
  EXPECT_EQ(ProgressLine::FormatEta(11220), "3h07m");
  EXPECT_EQ(ProgressLine::FormatEta(11221), "3h08m");
}

TEST(ProgressLineTest, DrawsThrottledAndAlwaysTheFinalState) {
  char buf[4096] = {0};
  std::FILE* out = fmemopen(buf, sizeof buf - 1, "w");
  ASSERT_NE(out, nullptr);
  {
    ProgressLine line(out);
    for (uint64_t i = 1; i <= 1000; ++i) line.Update(i, 1000);  // a burst: one draw, then the end
  }
  std::fclose(out);
  std::string text(buf);
  EXPECT_NE(text.find("1000 B / 1000 B  100%"), std::string::npos) << text;
  EXPECT_LE(std::count(text.begin(), text.end(), '%'), 3) << "not throttled: " << text;
  EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K") << "the line must be cleared at the end";
}

}  // namespace
}  // namespace dth::cli
