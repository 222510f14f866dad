#include "finder/finder.h"
#include "finder/finder_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "store/memory/memory_store.h"

namespace dth {
namespace {

class FinderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Source under "src/", destination under "dst/"; a few levels of directories.
    for (int d = 0; d < 4; ++d) {
      for (int s = 0; s < 3; ++s) {
        for (int f = 0; f < 5; ++f) {
          std::string rel = "d" + std::to_string(d) + "/s" + std::to_string(s) + "/f" +
                            std::to_string(f);
          Put(src_, "src/" + rel, std::string(f + 1, 'x'));
          if (f == 0) continue;                                    // missing
          Put(dst_, "dst/" + rel, std::string(f == 1 ? 9 : f + 1, 'x'));  // f1: size differs
        }
      }
      Put(src_, "src/top" + std::to_string(d), "t");
      Put(dst_, "dst/d" + std::to_string(d) + "/extra", "e");  // destination only
    }
    Put(dst_, "dst/onlydst/z", "zz");
    Put(src_, "other/ignored", "x");
    Put(dst_, "other/ignored", "x");
  }
  static void Put(MemoryStore& store, const std::string& key, const std::string& data,
                  const std::string& storage_class = "") {
    PutOptions options;
    options.storage_class = storage_class;
    ASSERT_TRUE(PutString(store, key, data, options).ok()) << key;
  }
  Result<FinderTotals> Run(const FinderOptions& options, std::vector<std::string>* keys = nullptr) {
    return Finder::Run(src_, "src/", dst_, "dst/", options, [&](const Decision& d) {
      if (keys) keys->push_back(std::string(ActionName(d.action)) + " " + d.key());
      return Status::Ok();
    });
  }

  MemoryStore src_{"src"};
  MemoryStore dst_{"dst"};
};

TEST_F(FinderTest, TotalsOfASingleThreadRun) {
  std::vector<std::string> keys;
  Result<FinderTotals> totals = Run({}, &keys);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(totals->source_objects, 64u);  // 60 files + 4 top
  EXPECT_EQ(totals->destination_objects, 53u);  // 48 files + 4 extra + 1
  EXPECT_EQ(totals->count(Reason::kMissing), 16u);  // 12 f0 + 4 top
  EXPECT_EQ(totals->count(Reason::kSizeDiffers), 12u);
  EXPECT_EQ(totals->count(Reason::kUnchanged), 36u);
  EXPECT_EQ(totals->count(Reason::kDestinationOnly), 5u);
  EXPECT_EQ(totals->copy_objects, 28u);
  EXPECT_EQ(totals->copy_bytes, 12u * 1 + 4u * 1 + 12u * 2);
  EXPECT_EQ(totals->delete_objects, 0u);
  EXPECT_EQ(keys.size(), 69u);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return a.substr(a.find(' ')) < b.substr(b.find(' '));
  }));
}

TEST_F(FinderTest, FanOutTotalsEqualSingleThreadTotals) {
  FinderOptions single;
  single.delete_extra = true;
  std::vector<std::string> single_keys;
  Result<FinderTotals> expected = Run(single, &single_keys);
  ASSERT_TRUE(expected.ok());
  for (int depth : {1, 2, 3, 5}) {
    for (int threads : {1, 2, 7}) {
      FinderOptions fan = single;
      fan.finder_depth = depth;
      fan.finder_number = threads;
      std::vector<std::string> keys;
      Result<FinderTotals> got = Run(fan, &keys);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, *expected) << "depth " << depth << " threads " << threads;
      std::multiset<std::string> a(keys.begin(), keys.end());
      std::multiset<std::string> b(single_keys.begin(), single_keys.end());
      EXPECT_EQ(a, b) << "depth " << depth << " threads " << threads;
    }
  }
}

TEST_F(FinderTest, KeyRangesCoverEveryKeyExactlyOnce) {
  FinderOptions single;
  single.delete_extra = true;
  std::vector<std::string> single_keys;
  Result<FinderTotals> expected = Run(single, &single_keys);
  ASSERT_TRUE(expected.ok());
  // Split keys that exist, that do not, duplicated, unsorted, before and after all keys.
  for (const std::vector<std::string>& splits :
       std::vector<std::vector<std::string>>{{"d2"}, {"d3/s1/f2", "d1", "d1", "zzz", "!"}, {""}}) {
    FinderOptions ranged = single;
    ranged.split_keys = splits;
    ranged.finder_number = 3;
    std::vector<std::string> keys;
    Result<FinderTotals> got = Run(ranged, &keys);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, *expected);
    std::multiset<std::string> a(keys.begin(), keys.end());
    std::multiset<std::string> b(single_keys.begin(), single_keys.end());
    EXPECT_EQ(a, b);
  }
  EXPECT_EQ(RangeUnits({"b", "a", "b"}),
            (std::vector<FinderUnit>{{"", true, "", "a"}, {"", true, "a", "b"}, {"", true, "b", ""}}));
}

TEST_F(FinderTest, PrefixListReplacesTheSinglePrefix) {
  FinderOptions options;
  options.prefix_list = {"d1/", "d1/s0/", "d3/s2/", "top"};  // "d1/s0/" is covered by "d1/"
  std::vector<std::string> keys;
  Result<FinderTotals> totals = Run(options, &keys);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->source_objects, 15u + 5u + 4u);
  EXPECT_EQ(totals->destination_objects, 13u + 4u);
  for (const std::string& k : keys) {
    std::string key = k.substr(k.find(' ') + 1);
    EXPECT_TRUE(key.starts_with("d1/") || key.starts_with("d3/s2/") || key.starts_with("top"))
        << key;
  }
  options.finder_depth = 2;
  options.finder_number = 3;
  Result<FinderTotals> fanned = Run(options);
  ASSERT_TRUE(fanned.ok());
  EXPECT_EQ(*fanned, *totals);
}

TEST_F(FinderTest, FiltersApplyToKeysRelativeToTheSourcePrefix) {
  FinderOptions options;
  options.include = {"d0/**", "top*"};
  options.exclude = {"**/f1", "top3"};
  options.delete_extra = true;
  Result<FinderTotals> totals = Run(options);
  ASSERT_TRUE(totals.ok());
  // d0: 15 files, f1 excluded (3) -> 3 missing f0, 9 unchanged; top0..2 missing.
  EXPECT_EQ(totals->count(Reason::kMissing), 3u + 3u);
  EXPECT_EQ(totals->count(Reason::kSizeDiffers), 0u);
  EXPECT_EQ(totals->count(Reason::kUnchanged), 9u);
  EXPECT_EQ(totals->count(Reason::kDeleteDestinationOnly), 1u);  // d0/extra
  EXPECT_EQ(totals->count(Reason::kExcluded), 69u - 16u);  // 69 pairs, 16 allowed
}

TEST_F(FinderTest, EveryDeleteIsReportedForTheCallerToCountFirst) {
  // The finder has no delete guard of its own: the caller counts every delete before
  // running any (the sync engine refuses the whole phase above --max-delete).
  FinderOptions options;
  options.delete_extra = true;
  std::vector<std::string> keys;
  Result<FinderTotals> totals = Run(options, &keys);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(totals->delete_objects, 5u);
  EXPECT_EQ(std::count_if(keys.begin(), keys.end(),
                          [](const std::string& k) { return k.starts_with("delete "); }),
            5);
  options.finder_depth = 2;
  options.finder_number = 4;
  totals = Run(options);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->delete_objects, 5u);
}

TEST_F(FinderTest, ArchiveObjectsAreSkippedAndCounted) {
  Put(src_, "src/d0/s0/f0", "x", "GLACIER");
  Put(src_, "src/d0/s0/f1", "x", "DEEP_ARCHIVE");
  Result<FinderTotals> totals = Run({});
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->count(Reason::kArchive), 2u);
  EXPECT_EQ(totals->count(Reason::kMissing), 15u);
  EXPECT_EQ(totals->count(Reason::kSizeDiffers), 11u);
}

TEST_F(FinderTest, RecordedEtagAndSkipCompare) {
  std::map<std::string, std::string> records{{"d2/s1/f3", "stale-etag"}};
  FinderOptions options;
  options.recorded_etag = [&](const std::string& key) -> std::optional<RecordedTransfer> {
    auto it = records.find(key);
    if (it == records.end()) return std::nullopt;
    return RecordedTransfer{it->second};
  };
  Result<FinderTotals> totals = Run(options);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->count(Reason::kSourceChanged), 1u);
  FinderOptions skip;
  skip.skip_compare = true;
  Result<FinderTotals> all = Run(skip);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->copy_objects, 64u);
}

TEST_F(FinderTest, SinkErrorsAndListingErrorsStopTheRun) {
  int calls = 0;
  Result<FinderTotals> r = Finder::Run(src_, "src/", dst_, "dst/", {}, [&](const Decision&) {
    return ++calls == 3 ? Status(Code::kCancelled, "queue closed") : Status::Ok();
  });
  EXPECT_EQ(r.status().code(), Code::kCancelled);
  EXPECT_EQ(calls, 3);
  dst_.FailNext("List", Status(Code::kPermissionDenied, "denied"));
  Result<FinderTotals> listing = Run({});
  EXPECT_EQ(listing.status().code(), Code::kPermissionDenied);
  FinderOptions bad;
  bad.finder_number = 0;
  EXPECT_EQ(Run(bad).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace dth
