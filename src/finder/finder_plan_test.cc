#include "finder/finder_plan.h"

#include <gtest/gtest.h>

#include "store/memory/memory_store.h"

namespace dth {
namespace {

using Prefixes = std::vector<std::string>;

TEST(FinderPlanTest, NormalizeRemovesCoveredPrefixes) {
  EXPECT_EQ(NormalizePrefixList({}), Prefixes{""});
  EXPECT_EQ(NormalizePrefixList({"b/", "a/x/", "a/", "c", "cd/", "b/"}),
            (Prefixes{"a/", "b/", "c"}));
  EXPECT_EQ(NormalizePrefixList({"x/", ""}), Prefixes{""});
}

TEST(FinderPlanTest, ParsePrefixListFile) {
  EXPECT_EQ(ParsePrefixList("a/\r\n\n# comment\nb/c/\nlast"), (Prefixes{"a/", "b/c/", "last"}));
  EXPECT_TRUE(ParsePrefixList("").empty());
}

TEST(FinderPlanTest, UnitsCoverBothSidesPrefixes) {
  MemoryStore src("s");
  MemoryStore dst("d");
  for (const char* key : {"p/top", "p/a/1", "p/a/b/2", "p/c/3"}) {
    ASSERT_TRUE(PutString(src, key, "x").ok());
  }
  for (const char* key : {"q/a/1", "q/z/9"}) ASSERT_TRUE(PutString(dst, key, "x").ok());
  Result<std::vector<FinderUnit>> units = PlanUnits(src, "p/", dst, "q/", {""}, 1, 1000);
  ASSERT_TRUE(units.ok());
  EXPECT_EQ(*units, (std::vector<FinderUnit>{{"", false, "", "", false}, {"a/", true, "", "", false}, {"c/", true, "", "", false},
                                             {"z/", true, "", "", false}}));
  Result<std::vector<FinderUnit>> deeper = PlanUnits(src, "p/", dst, "q/", {"a/"}, 2, 1);
  ASSERT_TRUE(deeper.ok());
  EXPECT_EQ(*deeper, (std::vector<FinderUnit>{{"a/", false, "", "", false}, {"a/b/", false, "", "", false}}));
  Result<std::vector<FinderUnit>> flat = PlanUnits(src, "p/", dst, "q/", {"a/", "c/"}, 0, 1000);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(*flat, (std::vector<FinderUnit>{{"a/", true, "", "", false}, {"c/", true, "", "", false}}));
}

}  // namespace
}  // namespace dth
