// Tests for LocalStore listings: S3 byte order across directories, prefixes ending
// mid-name, delimiters, start_after, hidden and special entries, foreign files, and a
// 2,000-key paged listing — checked against a brute-force model of S3's ListObjectsV2.
#include "store/local/local_lister.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/hash.h"
#include "store/local/local_test_util.h"

namespace dth {
namespace {

using Keys = std::vector<std::string>;
using local_test::OpenTemp;
using local_test::WriteFile;

// What S3 returns for keys: objects and common prefixes merged in byte order.
Keys Model(Keys keys, const ListOptions& o) {
  std::sort(keys.begin(), keys.end());
  Keys out;
  for (const auto& k : keys) {
    if (!k.starts_with(o.prefix) || (!o.start_after.empty() && k <= o.start_after)) continue;
    size_t pos = o.delimiter.empty() ? std::string::npos : k.find(o.delimiter, o.prefix.size());
    std::string entry = pos == std::string::npos ? k : k.substr(0, pos + o.delimiter.size());
    if (entry != k && !o.start_after.empty() && entry <= o.start_after) continue;
    if (out.empty() || out.back() != entry) out.push_back(entry);
  }
  return out;
}

struct Listing {
  Keys entries;  // objects and common prefixes, merged per page
  Keys keys;
  std::vector<ObjectInfo> objects;
  int pages = 0;
  size_t largest = 0;
};

Listing List(ObjectStore& store, const ListOptions& options) {
  Listing out;
  auto lister = store.List(options);
  ListPage page;
  for (;;) {
    auto more = lister->Next(&page);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    ++out.pages;
    out.largest = std::max(out.largest, page.objects.size() + page.common_prefixes.size());
    Keys merged = page.common_prefixes;
    for (auto& o : page.objects) {
      merged.push_back(o.key);
      out.keys.push_back(o.key);
      out.objects.push_back(o);
    }
    std::sort(merged.begin(), merged.end());
    out.entries.insert(out.entries.end(), merged.begin(), merged.end());
  }
  return out;
}

ListOptions Opts(std::string prefix, std::string delimiter = "", std::string start_after = "",
                 int page_size = 1000) {
  ListOptions o;
  o.prefix = std::move(prefix);
  o.delimiter = std::move(delimiter);
  o.start_after = std::move(start_after);
  o.page_size = page_size;
  return o;
}

TEST(LocalLister, ByteOrderAcrossDirectoriesNotPerDirectory) {
  auto store = OpenTemp(nullptr, false);
  ASSERT_TRUE(store);
  // '/' (0x2F) sorts after '-' and '.', before '0': "a-b" < "a.b" < "a/..." < "a0".
  // ("a/b" itself cannot coexist with "a/b/c" in a directory tree.)
  Keys keys = {"a0", "a/b/c", "a-b", "a.b", "a/b-x", "a/b.c", "a/b0", "a/b/c-d", "a/b/c.e"};
  for (const auto& k : keys) ASSERT_TRUE(PutString(*store, k, k).ok()) << k;
  Keys sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(List(*store, {}).keys, sorted);
  EXPECT_EQ(List(*store, Opts("", "/")).entries, (Keys{"a-b", "a.b", "a/", "a0"}));
  EXPECT_EQ(List(*store, Opts("a/", "/")).entries, (Keys{"a/b-x", "a/b.c", "a/b/", "a/b0"}));
  for (int page = 1; page <= 4; ++page) {
    EXPECT_EQ(List(*store, Opts("", "", "", page)).keys, sorted) << "page size " << page;
  }
}

TEST(LocalLister, MatchesS3ModelForPrefixDelimiterStartAfter) {
  auto store = OpenTemp(nullptr, false);
  ASSERT_TRUE(store);
  Keys keys = {"phone",
               "photos/2020/a.jpg",
               "photos/2020/b.jpg",
               "photos/2021-x",
               "photos/2021/c",
               "photos-old/d",
               "photos.txt",
               "pi",
               "x-1-a",
               "x-1-b",
               "x-2",
               "x/y-z/w",
               "z",
               "deep/1/2/3/4/5",
               "deep/1/2-3"};
  for (const auto& k : keys) ASSERT_TRUE(PutString(*store, k, "v").ok()) << k;
  const std::string prefixes[] = {"",   "ph",   "photos",  "photos/",  "photos/2021", "x",
                                  "x-", "nope", "deep/1/", "photos//", "../",         ".dth"};
  const std::string delimiters[] = {"", "/", "-", "1/"};
  const std::string afters[] = {
      "",    "photos/", "photos/2020/a.jpg", "photos/2020", "photos/2021-", "x-1-", "deep/1/2/3",
      "phz", "zz"};
  for (const auto& prefix : prefixes) {
    for (const auto& delim : delimiters) {
      for (const auto& after : afters) {
        for (int page : {1, 3, 1000}) {
          ListOptions o = Opts(prefix, delim, after, page);
          SCOPED_TRACE("prefix=" + prefix + " delim=" + delim + " after=" + after +
                       " page=" + std::to_string(page));
          Listing got = List(*store, o);
          ASSERT_EQ(got.entries, Model(keys, o));
          EXPECT_LE(got.largest, static_cast<size_t>(page));
        }
      }
    }
  }
}

TEST(LocalLister, HiddenNamesEmptyDirsAndSpecialFilesAreNotListed) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  ASSERT_TRUE(PutString(*store, "real", "1").ok());
  ASSERT_TRUE(PutString(*store, "sub/.dth/inner", "2").ok());  // .dth only reserved at top
  ASSERT_TRUE(store->CreateMultipartUpload("pending", {}).ok());
  WriteFile(root + "/.dth-tmp-stray", "half");
  WriteFile(root + "/sub/.dth-tmp-0123", "half");
  WriteFile(root + "/.dth/other/file", "internal");
  std::filesystem::create_directories(root + "/empty/deeper");
  std::filesystem::create_directories(root + "/only-special");
  ASSERT_EQ(::mkfifo((root + "/only-special/fifo").c_str(), 0600), 0);
  ASSERT_EQ(::symlink("real", (root + "/only-special/link").c_str()), 0);

  EXPECT_EQ(List(*store, {}).keys, (Keys{"real", "sub/.dth/inner"}));
  EXPECT_EQ(List(*store, Opts("", "/")).entries, (Keys{"real", "sub/"}))
      << "directories without objects are no common prefixes";
  EXPECT_TRUE(List(*store, Opts(".d")).entries.empty());
  EXPECT_TRUE(List(*store, Opts(".dth/")).entries.empty());
  EXPECT_TRUE(List(*store, Opts("only-special/")).entries.empty());
  EXPECT_GE(store->skipped_entries(), 2u);
  EXPECT_EQ(store->Head("only-special/fifo").status().code(), Code::kNotFound);
}

TEST(LocalLister, ForeignFilesListWithUnknownEtagAndTrueSize) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  WriteFile(root + "/ext/one", "12345");
  WriteFile(root + "/ext/two", std::string(70000, 'q'));
  ASSERT_TRUE(PutString(*store, "ext/mine", "abc").ok());
  Listing got = List(*store, Opts("ext/"));
  ASSERT_EQ(got.keys, (Keys{"ext/mine", "ext/one", "ext/two"}));
  EXPECT_EQ(got.objects[0].etag, HexEncode(Md5("abc")));
  EXPECT_EQ(got.objects[1].etag, "");
  EXPECT_EQ(got.objects[1].size, 5u);
  EXPECT_EQ(got.objects[2].etag, "");
  EXPECT_EQ(got.objects[2].size, 70000u);
  EXPECT_GT(got.objects[1].last_modified.time_since_epoch().count(), 0);
}

TEST(LocalLister, TwoThousandKeysStreamInPagesOfHundred) {
  std::string root;
  auto store = OpenTemp(&root, /*fsync=*/false);
  ASSERT_TRUE(store);
  Keys keys;
  const char* seps[] = {"-", "/", ".", "0"};
  for (int i = 0; i < 2000; ++i) {
    keys.push_back("batch/" + std::to_string(i % 10) + seps[i % 4] + "f" + std::to_string(i));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i % 2 == 0) {
      ASSERT_TRUE(PutString(*store, keys[i], "x").ok()) << keys[i];
    } else {
      WriteFile(root + "/" + keys[i], "xy");  // mixed with files made by others
    }
  }
  std::sort(keys.begin(), keys.end());
  Listing got = List(*store, Opts("", "", "", 100));
  EXPECT_EQ(got.pages, 20);
  EXPECT_EQ(got.largest, 100u);
  ASSERT_EQ(got.keys.size(), 2000u);
  EXPECT_EQ(got.keys, keys);
  EXPECT_TRUE(std::is_sorted(got.keys.begin(), got.keys.end()));
  EXPECT_EQ(std::set<std::string>(got.keys.begin(), got.keys.end()).size(), 2000u);
  // Resuming from any key continues in order.
  EXPECT_EQ(List(*store, Opts("", "", keys[1234], 100)).keys,
            Keys(keys.begin() + 1235, keys.end()));
}

}  // namespace
}  // namespace dth
