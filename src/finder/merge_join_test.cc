#include "finder/merge_join.h"

#include <gtest/gtest.h>

#include "finder/finder_test_util.h"
#include "store/memory/memory_store.h"

namespace dth {
namespace {

using finder_test::Obj;
using finder_test::PagesLister;

KeyStream Stream(std::vector<std::vector<ObjectInfo>> pages, std::string prefix = "") {
  return KeyStream(std::make_unique<PagesLister>(std::move(pages)), std::move(prefix), "test");
}

// "k:SD" (both), "k:S-" (source only), "k:-D" (destination only).
std::vector<std::string> Join(MergeJoin& join, Status* error = nullptr) {
  std::vector<std::string> out;
  JoinedPair pair;
  while (true) {
    Result<bool> more = join.Next(&pair);
    if (!more.ok()) {
      if (error) *error = more.status();
      return out;
    }
    if (!*more) return out;
    out.push_back(pair.key() + ":" + (pair.source ? "S" : "-") + (pair.destination ? "D" : "-"));
  }
}

TEST(MergeJoinTest, BothEmpty) {
  MergeJoin join(Stream({}), Stream({{}}));
  EXPECT_TRUE(Join(join).empty());
}

TEST(MergeJoinTest, OneSideEmpty) {
  MergeJoin a(Stream({{Obj("a"), Obj("b")}}), Stream({}));
  EXPECT_EQ(Join(a), (std::vector<std::string>{"a:S-", "b:S-"}));
  MergeJoin b(Stream({}), Stream({{Obj("a")}, {Obj("b")}}));
  EXPECT_EQ(Join(b), (std::vector<std::string>{"a:-D", "b:-D"}));
}

TEST(MergeJoinTest, InterleavingAcrossPages) {
  MergeJoin join(Stream({{Obj("a"), Obj("c")}, {Obj("d"), Obj("f")}}),
                 Stream({{Obj("b")}, {Obj("c"), Obj("e"), Obj("f"), Obj("g")}}));
  EXPECT_EQ(Join(join), (std::vector<std::string>{"a:S-", "b:-D", "c:SD", "d:S-", "e:-D", "f:SD",
                                                  "g:-D"}));
}

TEST(MergeJoinTest, Identical) {
  MergeJoin join(Stream({{Obj("a"), Obj("b")}, {Obj("c")}}),
                 Stream({{Obj("a")}, {Obj("b"), Obj("c")}}));
  EXPECT_EQ(Join(join), (std::vector<std::string>{"a:SD", "b:SD", "c:SD"}));
}

TEST(MergeJoinTest, PairsCarryBothSidesObjects) {
  MergeJoin join(Stream({{Obj("a", 5)}}), Stream({{Obj("a", 7)}}));
  JoinedPair pair;
  ASSERT_TRUE(*join.Next(&pair));
  EXPECT_EQ(pair.source->size, 5u);
  EXPECT_EQ(pair.destination->size, 7u);
  EXPECT_FALSE(*join.Next(&pair));
}

TEST(MergeJoinTest, OutOfOrderDestinationFailsInsteadOfMisJoining) {
  MergeJoin join(Stream({{Obj("a"), Obj("b"), Obj("c")}}),
                 Stream({{Obj("c"), Obj("b")}}));
  Status error;
  Join(join, &error);
  EXPECT_EQ(error.code(), Code::kCorruption);
}

TEST(MergeJoinTest, PrefixMappingJoinsInOneKeySpace) {
  MemoryStore src("src");
  MemoryStore dst("dst");
  for (const char* key : {"data/a", "data/b", "data/c/d", "other/x"}) {
    ASSERT_TRUE(PutString(src, key, "x").ok());
  }
  for (const char* key : {"backup/2024/a", "backup/2024/c/d", "backup/2024/z", "backup/y"}) {
    ASSERT_TRUE(PutString(dst, key, "x").ok());
  }
  KeyStreamOptions s{"data/", "data/", "", 2, "", ""};
  KeyStreamOptions d{"backup/2024/", "backup/2024/", "", 2, "", ""};
  MergeJoin join(KeyStream::Open(src, s, "source"), KeyStream::Open(dst, d, "destination"));
  EXPECT_EQ(Join(join), (std::vector<std::string>{"a:SD", "b:S-", "c/d:SD", "z:-D"}));
}

}  // namespace
}  // namespace dth
