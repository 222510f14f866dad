#include "finder/key_filter.h"

#include <gtest/gtest.h>

namespace dth {
namespace {

bool M(const char* pattern, const char* key) { return GlobPattern(pattern).Matches(key); }

TEST(KeyFilterTest, SingleStarStaysWithinOneSegment) {
  EXPECT_TRUE(M("*.txt", "a.txt"));
  EXPECT_TRUE(M("*.txt", ".txt"));
  EXPECT_FALSE(M("*.txt", "dir/a.txt"));
  EXPECT_TRUE(M("dir/*", "dir/a"));
  EXPECT_FALSE(M("dir/*", "dir/a/b"));
  EXPECT_TRUE(M("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(M("a*b*c", "aXXbYY"));
}

TEST(KeyFilterTest, QuestionMarkIsOneCharacterNotSlash) {
  EXPECT_TRUE(M("file?.log", "file1.log"));
  EXPECT_FALSE(M("file?.log", "file12.log"));
  EXPECT_FALSE(M("a?b", "a/b"));
}

TEST(KeyFilterTest, DoubleStarCrossesSegments) {
  EXPECT_TRUE(M("logs/**", "logs/a"));
  EXPECT_TRUE(M("logs/**", "logs/2024/01/a.gz"));
  EXPECT_FALSE(M("logs/**", "other/a"));
  EXPECT_TRUE(M("**.gz", "a/b/c.gz"));
  EXPECT_TRUE(M("**/*.gz", "c.gz"));  // "**/" may match no directory
  EXPECT_TRUE(M("**/*.gz", "a/b/c.gz"));
  EXPECT_FALSE(M("**/*.gz", "a/b/c.gzip"));
  EXPECT_TRUE(M("a/**/z", "a/z"));
  EXPECT_TRUE(M("a/**/z", "a/b/c/z"));
  EXPECT_FALSE(M("a/**/z", "a/bz"));
}

TEST(KeyFilterTest, LiteralsAndEscapes) {
  EXPECT_TRUE(M("exact", "exact"));
  EXPECT_FALSE(M("exact", "exact2"));
  EXPECT_TRUE(M("a\\*b", "a*b"));
  EXPECT_FALSE(M("a\\*b", "axb"));
  EXPECT_TRUE(M("", ""));
  EXPECT_FALSE(M("", "a"));
}

TEST(KeyFilterTest, ManyStarsDoNotBlowUp) {
  std::string key(2000, 'a');
  EXPECT_FALSE(M("**a**a**a**a**a**a**a**a**b", key.c_str()));
  EXPECT_FALSE(M("*a*a*a*a*a*a*a*a*a*a*b", key.c_str()));
}

TEST(KeyFilterTest, ExcludeWinsOverInclude) {
  KeyFilter filter({"data/**"}, {"**.tmp"});
  EXPECT_TRUE(filter.Allows("data/a.csv"));
  EXPECT_FALSE(filter.Allows("data/a.tmp"));
  EXPECT_FALSE(filter.Allows("other/a.csv"));
  KeyFilter none;
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.Allows("anything"));
  KeyFilter exclude_only({}, {"*.tmp"});
  EXPECT_TRUE(exclude_only.Allows("a.csv"));
  EXPECT_FALSE(exclude_only.Allows("a.tmp"));
}

}  // namespace
}  // namespace dth
