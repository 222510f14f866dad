#include "finder/decide.h"

#include <gtest/gtest.h>

#include <cctype>
#include <map>

#include "finder/finder_test_util.h"

namespace dth {
namespace {

using finder_test::Obj;

const std::string kMd5A = "0123456789abcdef0123456789abcdef";
const std::string kMd5B = "fedcba9876543210fedcba9876543210";

struct Case {
  std::optional<ObjectInfo> source;
  std::optional<ObjectInfo> destination;
  Decision Run(const DecideOptions& options) const {
    JoinedPair pair{source ? &*source : nullptr, destination ? &*destination : nullptr};
    return Decide(pair, options);
  }
};

void Expect(const Decision& d, Action action, Reason reason) {
  EXPECT_EQ(d.action, action) << ActionName(d.action);
  EXPECT_EQ(d.reason, reason) << ReasonName(d.reason);
}

TEST(FinderDecideTest, CopyWhenMissing) {
  Expect(Case{Obj("k", 3), std::nullopt}.Run({}), Action::kCopy, Reason::kMissing);
}

TEST(FinderDecideTest, CopyWhenSizeDiffers) {
  Expect(Case{Obj("k", 3), Obj("k", 4)}.Run({}), Action::kCopy, Reason::kSizeDiffers);
}

TEST(FinderDecideTest, SkipWhenUnchanged) {
  Expect(Case{Obj("k", 3, kMd5A), Obj("k", 3, kMd5B)}.Run({}), Action::kSkip,
         Reason::kUnchanged);
}

TEST(FinderDecideTest, CopyWhenSourceEtagDiffersFromRecorded) {
  std::map<std::string, std::string> records{{"k", "old"}, {"same", "e1"}};
  DecideOptions options;
  int lookups = 0;
  options.recorded_etag = [&](const std::string& key) -> std::optional<RecordedTransfer> {
    ++lookups;
    auto it = records.find(key);
    if (it == records.end()) return std::nullopt;
    return RecordedTransfer{it->second};
  };
  Expect(Case{Obj("k", 3, "new"), Obj("k", 3, "new")}.Run(options), Action::kCopy,
         Reason::kSourceChanged);
  Expect(Case{Obj("same", 3, "e1"), Obj("same", 3, "x")}.Run(options), Action::kSkip,
         Reason::kUnchanged);
  Expect(Case{Obj("norecord", 3, "e1"), Obj("norecord", 3, "x")}.Run(options), Action::kSkip,
         Reason::kUnchanged);
  EXPECT_EQ(lookups, 3);
  // A store that cannot tell the ETag never looks changed.
  Expect(Case{Obj("k", 3, ""), Obj("k", 3, "")}.Run(options), Action::kSkip, Reason::kUnchanged);
  lookups = 3;
  // No lookup when the size already decides.
  Expect(Case{Obj("k", 3), Obj("k", 4)}.Run(options), Action::kCopy, Reason::kSizeDiffers);
  EXPECT_EQ(lookups, 3);
}

TEST(FinderDecideTest, CopyWhenTheRecordedTransferNeverFinished) {
  DecideOptions options;
  options.recorded_etag = [](const std::string&) -> std::optional<RecordedTransfer> {
    return RecordedTransfer{"e1", /*finished=*/false};
  };
  // Same size and even the same ETag: a failed or interrupted copy may have left an
  // older destination object of the same size, so it is copied again.
  Expect(Case{Obj("k", 3, "e1"), Obj("k", 3, "old")}.Run(options), Action::kCopy,
         Reason::kUnfinished);
  EXPECT_STREQ(ReasonName(Reason::kUnfinished), "unfinished");
}

TEST(FinderDecideTest, ASourceWithoutETagsIsVersionedByItsModificationTime) {
  ObjectInfo src = Obj("k", 3, "");
  src.last_modified = TimePoint(std::chrono::milliseconds(1700000000123));
  EXPECT_EQ(SourceVersion(src), "mtime:1700000000123");
  EXPECT_EQ(SourceVersion(Obj("k", 3, "abc")), "abc");
  EXPECT_EQ(SourceVersion(Obj("k", 3, "")), "");
  DecideOptions options;
  std::string recorded = "mtime:1700000000123";
  options.recorded_etag = [&](const std::string&) -> std::optional<RecordedTransfer> {
    return RecordedTransfer{recorded};
  };
  Expect(Case{src, Obj("k", 3, "x")}.Run(options), Action::kSkip, Reason::kUnchanged);
  recorded = "mtime:1600000000000";  // rewritten since, with the same size
  Expect(Case{src, Obj("k", 3, "x")}.Run(options), Action::kCopy, Reason::kSourceChanged);
}

TEST(FinderDecideTest, NewerMode) {
  ObjectInfo src = Obj("k", 3);
  ObjectInfo dst = Obj("k", 3);
  dst.last_modified = TimePoint(std::chrono::seconds(100));
  src.last_modified = TimePoint(std::chrono::seconds(200));
  DecideOptions options;
  Expect(Case{src, dst}.Run(options), Action::kSkip, Reason::kUnchanged);
  options.newer = true;
  Expect(Case{src, dst}.Run(options), Action::kCopy, Reason::kNewer);
  Expect(Case{dst, src}.Run(options), Action::kSkip, Reason::kUnchanged);
}

TEST(FinderDecideTest, ChecksumModeComparesPlainMd5Only) {
  DecideOptions options;
  options.checksum = true;
  Expect(Case{Obj("k", 3, kMd5A), Obj("k", 3, kMd5B)}.Run(options), Action::kCopy,
         Reason::kChecksumDiffers);
  Expect(Case{Obj("k", 3, kMd5A), Obj("k", 3, kMd5A)}.Run(options), Action::kSkip,
         Reason::kUnchanged);
  std::string upper = kMd5A;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Expect(Case{Obj("k", 3, kMd5A), Obj("k", 3, upper)}.Run(options), Action::kSkip,
         Reason::kUnchanged);
  // A multipart ETag is not an MD5 of the content: not comparable.
  Expect(Case{Obj("k", 3, kMd5A + "-2"), Obj("k", 3, kMd5B)}.Run(options), Action::kSkip,
         Reason::kUnchanged);
  EXPECT_TRUE(IsPlainMd5Etag(kMd5A));
  EXPECT_FALSE(IsPlainMd5Etag(kMd5A + "-2"));
  EXPECT_FALSE(IsPlainMd5Etag("xyz"));
}

TEST(FinderDecideTest, WithoutARecordPlainMd5EtagsStillCatchASameSizeRewrite) {
  // The state file was lost (or the task id is new): no record of any key.
  DecideOptions options;
  options.recorded_etag = [](const std::string&) -> std::optional<RecordedTransfer> {
    return std::nullopt;
  };
  // Off unless both stores' ETags are MD5s.
  Expect(Case{Obj("k", 3, kMd5A), Obj("k", 3, kMd5B)}.Run(options), Action::kSkip,
         Reason::kUnchanged);
  options.compare_md5_without_record = true;
  Expect(Case{Obj("k", 3, kMd5A), Obj("k", 3, kMd5B)}.Run(options), Action::kCopy,
         Reason::kChecksumDiffers);
  Expect(Case{Obj("k", 3, kMd5A), Obj("k", 3, kMd5A)}.Run(options), Action::kSkip,
         Reason::kUnchanged);
  // A multipart ETag tells nothing.
  Expect(Case{Obj("k", 3, kMd5A + "-2"), Obj("k", 3, kMd5B)}.Run(options), Action::kSkip,
         Reason::kUnchanged);
  // With a record, the record decides (the destination's ETag may differ legitimately,
  // e.g. a multipart copy of a single-part source).
  options.recorded_etag = [](const std::string&) -> std::optional<RecordedTransfer> {
    return RecordedTransfer{kMd5A};
  };
  Expect(Case{Obj("k", 3, kMd5A), Obj("k", 3, kMd5B)}.Run(options), Action::kSkip,
         Reason::kUnchanged);
}

TEST(FinderDecideTest, SkipCompareCopiesEverything) {
  DecideOptions options;
  options.skip_compare = true;
  Expect(Case{Obj("k", 3, kMd5A), Obj("k", 3, kMd5A)}.Run(options), Action::kCopy,
         Reason::kSkipCompare);
  Expect(Case{Obj("k", 3), std::nullopt}.Run(options), Action::kCopy, Reason::kSkipCompare);
}

TEST(FinderDecideTest, ArchiveStorageClassIsSkippedAndReported) {
  for (const char* cls : {"GLACIER", "DEEP_ARCHIVE", "deep_archive"}) {
    ObjectInfo src = Obj("k", 3);
    src.storage_class = cls;
    Expect(Case{src, std::nullopt}.Run({}), Action::kSkip, Reason::kArchive);
    DecideOptions skip;
    skip.skip_compare = true;
    Expect(Case{src, Obj("k", 9)}.Run(skip), Action::kSkip, Reason::kArchive);
  }
  ObjectInfo ir = Obj("k", 3);
  ir.storage_class = "GLACIER_IR";
  Expect(Case{ir, std::nullopt}.Run({}), Action::kCopy, Reason::kMissing);
}

TEST(FinderDecideTest, DestinationOnlyDeletesOnlyInDeleteMode) {
  Expect(Case{std::nullopt, Obj("k")}.Run({}), Action::kSkip, Reason::kDestinationOnly);
  DecideOptions options;
  options.delete_extra = true;
  Expect(Case{std::nullopt, Obj("k")}.Run(options), Action::kDelete,
         Reason::kDeleteDestinationOnly);
}

TEST(FinderDecideTest, ExcludedKeysAreNeitherCopiedNorDeleted) {
  KeyFilter filter({}, {"*.tmp"});
  DecideOptions options;
  options.filter = &filter;
  options.delete_extra = true;
  Expect(Case{Obj("a.tmp"), std::nullopt}.Run(options), Action::kSkip, Reason::kExcluded);
  Expect(Case{std::nullopt, Obj("a.tmp")}.Run(options), Action::kSkip, Reason::kExcluded);
  Expect(Case{Obj("a.txt"), std::nullopt}.Run(options), Action::kCopy, Reason::kMissing);
}

TEST(FinderDecideTest, EveryReasonHasAName) {
  for (size_t i = 0; i < kReasonCount; ++i) {
    EXPECT_STRNE(ReasonName(static_cast<Reason>(i)), "?");
  }
}

}  // namespace
}  // namespace dth
