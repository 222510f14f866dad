#include "finder/prefetch_lister.h"

#include <gtest/gtest.h>

#include "store/memory/memory_store.h"

namespace dth {
namespace {

TEST(PrefetchListerTest, YieldsTheSamePagesAsTheInnerLister) {
  MemoryStore store("m");
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(PutString(store, "k" + std::to_string(100 + i), "x").ok());
  PrefetchLister lister(store.List(ListOptions{"", "", "", 10}));
  std::vector<std::string> keys;
  ListPage page;
  int pages = 0;
  for (;;) {
    auto more = lister.Next(&page);
    ASSERT_TRUE(more.ok());
    for (const auto& o : page.objects) keys.push_back(o.key);
    ++pages;
    if (!*more) break;
  }
  EXPECT_EQ(keys.size(), 25u);
  EXPECT_EQ(keys.front(), "k100");
  EXPECT_EQ(keys.back(), "k124");
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  auto after = lister.Next(&page);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(*after);
}

TEST(PrefetchListerTest, ReportsAnErrorOnceAndStops) {
  MemoryStore store("m");
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(PutString(store, "k" + std::to_string(100 + i), "x").ok());
  store.FailNext("List", Status(Code::kPermissionDenied, "no"), 1);
  PrefetchLister lister(store.List(ListOptions{"", "", "", 10}));
  ListPage page;
  auto first = lister.Next(&page);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), Code::kPermissionDenied);
  auto next = lister.Next(&page);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(*next);
}

TEST(PrefetchListerTest, CanBeDroppedWithAFetchInFlight) {
  MemoryStore store("m");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(PutString(store, "k" + std::to_string(i), "x").ok());
  { PrefetchLister lister(store.List(ListOptions{"", "", "", 2})); }
  SUCCEED();
}

}  // namespace
}  // namespace dth
