#include "core/human_bytes.h"

#include <gtest/gtest.h>

namespace dth {
namespace {

TEST(HumanBytes, ExactBelowAKibibyteThenOneDecimalInBinaryUnits) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(111236440), "106.1 MiB");
  EXPECT_EQ(HumanBytes(int64_t{5} << 30), "5.0 GiB");
  EXPECT_EQ(HumanBytes(INT64_MAX), "8.0 EiB");
}

}  // namespace
}  // namespace dth
