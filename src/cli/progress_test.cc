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
