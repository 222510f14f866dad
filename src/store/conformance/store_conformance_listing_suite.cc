// StoreConformance: listing — prefix, delimiter and common prefixes, start_after,
// paging, empty listings.
#include <algorithm>
#include <set>

#include "store/conformance/store_conformance.h"

namespace dth {

using Keys = std::vector<std::string>;

TEST_P(StoreConformance, ListEmpty) {
  auto lister = store().List({});
  ListPage page;
  auto more = lister->Next(&page);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_FALSE(*more);
  EXPECT_TRUE(page.objects.empty());
  EXPECT_TRUE(page.common_prefixes.empty());

  MustPut("present", "x");
  Listed none = ListEverything(Listing("absent/", "/"));
  EXPECT_TRUE(none.entries.empty());
  EXPECT_EQ(none.pages, 0);
}

TEST_P(StoreConformance, ListPrefix) {
  for (const char* key : {"a/1", "a/2", "a/sub/3", "ab", "b/1", "0"}) MustPut(key, key);
  EXPECT_EQ(ListKeys(Listing("a/")), (Keys{"a/1", "a/2", "a/sub/3"}));
  EXPECT_EQ(ListKeys(Listing("a")), (Keys{"a/1", "a/2", "a/sub/3", "ab"}));
  EXPECT_EQ(ListKeys({}), (Keys{"0", "a/1", "a/2", "a/sub/3", "ab", "b/1"}));
  Listed listed = ListEverything(Listing("a/"));
  ASSERT_EQ(listed.objects.size(), 3u);
  EXPECT_EQ(listed.objects[0].size, 3u);
  EXPECT_EQ(listed.objects[0].key, "a/1");
  if (features().etag_is_md5) {
    EXPECT_EQ(listed.objects[0].etag, Md5Hex("a/1"));
  }
}

TEST_P(StoreConformance, ListDelimiter) {
  for (const char* key : {"top1", "dir1/x", "dir1/y", "dir1-file", "dir2/sub/z", "zeta",
                          "dir2/w"}) {
    MustPut(key, key);
  }
  Listed root = ListEverything(Listing("", "/"));
  EXPECT_EQ(root.keys, (Keys{"dir1-file", "top1", "zeta"}));
  EXPECT_EQ(root.prefixes, (Keys{"dir1/", "dir2/"}));
  // Objects and common prefixes interleave in byte order, as S3 returns them.
  EXPECT_EQ(root.entries, (Keys{"dir1-file", "dir1/", "dir2/", "top1", "zeta"}));

  Listed dir2 = ListEverything(Listing("dir2/", "/"));
  EXPECT_EQ(dir2.keys, (Keys{"dir2/w"}));
  EXPECT_EQ(dir2.prefixes, (Keys{"dir2/sub/"}));

  // One entry per page: each common prefix still comes exactly once, in order.
  Listed paged = ListEverything(Listing("", "/", "", 1));
  EXPECT_EQ(paged.entries, root.entries);
}

TEST_P(StoreConformance, ListStartAfter) {
  Keys all;
  for (int i = 0; i < 7; ++i) all.push_back("k" + std::to_string(i));
  for (const auto& key : all) MustPut(key, key);
  EXPECT_EQ(ListKeys(Listing("", "", "k2")), (Keys{"k3", "k4", "k5", "k6"}));
  EXPECT_EQ(ListKeys(Listing("", "", "k2x")), (Keys{"k3", "k4", "k5", "k6"}));  // not a key
  EXPECT_EQ(ListKeys(Listing("", "", "a")), all);
  EXPECT_TRUE(ListKeys(Listing("", "", "k6")).empty());
  EXPECT_EQ(ListKeys(Listing("k", "", "k4", 1)), (Keys{"k5", "k6"}));
}

TEST_P(StoreConformance, ListPagination) {
  Keys all;
  for (int i = 0; i < 7; ++i) all.push_back("page/" + std::string(1, static_cast<char>('a' + i)));
  // Put out of order: the listing order must not depend on insertion order.
  for (int i : {3, 0, 6, 1, 5, 2, 4}) MustPut(all[i], "x");
  Listed listed = ListEverything(Listing("page/", "", "", 2));
  EXPECT_EQ(listed.keys, all);  // every key exactly once, in order
  EXPECT_LE(listed.largest_page, 2u);
  EXPECT_GE(listed.pages, 4);
  EXPECT_EQ(std::set<std::string>(listed.keys.begin(), listed.keys.end()).size(), all.size());
}

}  // namespace dth
