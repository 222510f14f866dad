#include "transfer/ranged_download.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "core/hash.h"
#include "store/local/local_test_util.h"
#include "store/memory/memory_store.h"

namespace dth {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
const std::string kMd5 = "0123456789abcdef0123456789abcdef";

TEST(MultipartEtagPartsTest, ReadsTheCountOfAnS3MultipartEtag) {
  EXPECT_EQ(MultipartEtagParts(kMd5 + "-64"), 64);
  EXPECT_EQ(MultipartEtagParts(kMd5 + "-10000"), 10000);
  EXPECT_EQ(MultipartEtagParts(kMd5), 0);
  EXPECT_EQ(MultipartEtagParts(kMd5 + "-"), 0);
  EXPECT_EQ(MultipartEtagParts(kMd5 + "-0"), 0);
  EXPECT_EQ(MultipartEtagParts(kMd5 + "-10001"), 0);
  EXPECT_EQ(MultipartEtagParts(kMd5 + "-1x"), 0);
  EXPECT_EQ(MultipartEtagParts("zz" + kMd5.substr(2) + "-3"), 0);
}

TEST(PlanDownloadTest, AMultipartEtagIsDownloadedPartByPartWithItsGuessedSizes) {
  auto plan = PlanDownload(1024 * kMiB, kMd5 + "-64", true, true, 16 * kMiB);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->check, DownloadCheck::kPartMd5s);
  EXPECT_EQ(plan->range_size, 16 * kMiB);
  EXPECT_EQ(plan->range_count, 64);
  EXPECT_TRUE(plan->other_part_sizes.empty());
  // 40,000,000 bytes in 5 parts: 8 MiB (aws-cli's) or 9 MiB parts would both make 5.
  plan = PlanDownload(40000000, kMd5 + "-5", true, true, 16 * kMiB);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->range_size, 8 * kMiB);
  EXPECT_EQ(plan->other_part_sizes, std::vector<uint64_t>{9 * kMiB});
}

TEST(PlanDownloadTest, ManyPossiblePartSizesAreTriedCommonOnesFirstAndAtMostEight) {
  // 100 MiB in 2 parts: any of 50..99 MiB would do; dth's part size is not among them.
  auto plan = PlanDownload(100 * kMiB, kMd5 + "-2", true, true, 16 * kMiB);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->range_size, 64 * kMiB);
  EXPECT_EQ(plan->range_count, 2);
  EXPECT_EQ(plan->other_part_sizes,
            (std::vector<uint64_t>{50 * kMiB, 51 * kMiB, 52 * kMiB, 53 * kMiB, 54 * kMiB,
                                   55 * kMiB, 56 * kMiB}));
  // dth's own part size comes first when it fits.
  plan = PlanDownload(100 * kMiB, kMd5 + "-2", true, true, 60 * kMiB);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->range_size, 60 * kMiB);
  EXPECT_EQ(plan->other_part_sizes.front(), 64 * kMiB);
}

TEST(PlanDownloadTest, WhatNoCheckCoversIsNotDownloadedInRanges) {
  // Parts that cannot be whole MiB: 100 parts of 100,000 bytes.
  EXPECT_FALSE(PlanDownload(10000000, kMd5 + "-100", true, true, 16 * kMiB));
  EXPECT_FALSE(PlanDownload(100 * kMiB, kMd5 + "-1", true, true, 16 * kMiB));  // one part
  EXPECT_FALSE(PlanDownload(100 * kMiB, kMd5 + "-7", true, false, 16 * kMiB));  // not S3's form
  EXPECT_FALSE(PlanDownload(100 * kMiB, kMd5, false, true, 16 * kMiB));  // not the MD5 (SSE-KMS)
  EXPECT_FALSE(PlanDownload(100 * kMiB, "", true, true, 16 * kMiB));
  EXPECT_FALSE(PlanDownload(10 * kMiB, kMd5, true, true, 16 * kMiB));  // one range
}

TEST(PlanDownloadTest, APlainMd5IsDownloadedInPartSizedRangesAndCheckedWhole) {
  auto plan = PlanDownload(100 * kMiB, kMd5, true, true, 16 * kMiB);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->check, DownloadCheck::kWholeMd5);
  EXPECT_EQ(plan->range_size, 16 * kMiB);
  EXPECT_EQ(plan->range_count, 7);
}

std::string Data(size_t n, int seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed) ^ (i >> 11));
  return s;
}

class RangedDownloadLocalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = local_test::MakeTempDir();
    auto store = LocalStore::Open(root_, true, LocalStoreOptions{false});
    ASSERT_TRUE(store.ok()) << store.status().message();
    dst_ = std::move(store).value();
  }
  std::vector<std::string> Entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root_))
      out.push_back(e.path().filename().string());
    return out;
  }
  MemoryStore src_{"src"};
  std::string root_;
  std::unique_ptr<LocalStore> dst_;
};

TEST_F(RangedDownloadLocalTest, APositionalWriteAppearsOnlyWhenCommitted) {
  auto w = dst_->StartPositionalWrite("a/b", 6, {});
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_TRUE((*w)->WriteAt(3, "def").ok());
  ASSERT_TRUE((*w)->WriteAt(0, "abc").ok());
  EXPECT_EQ((*w)->WriteAt(4, "xyz").code(), Code::kInvalidArgument);  // beyond the size
  EXPECT_EQ(dst_->Head("a/b").status().code(), Code::kNotFound);
  auto etag = (*w)->Commit(HexEncode(Md5("abcdef")));
  ASSERT_TRUE(etag.ok()) << etag.status().message();
  EXPECT_EQ(*GetString(*dst_, "a/b"), "abcdef");
  EXPECT_EQ(dst_->Head("a/b")->info.etag, HexEncode(Md5("abcdef")));

  auto dropped = dst_->StartPositionalWrite("c", 3, {});
  ASSERT_TRUE(dropped.ok());
  ASSERT_TRUE((*dropped)->WriteAt(0, "xyz").ok());
  dropped->reset();  // never committed
  EXPECT_EQ(Entries(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(RangedDownloadLocalTest, APositionalWriteReservesItsBlocksBeforeTheFirstByte) {
  {  // Only where the filesystem can reserve (fallocate); elsewhere the file is sparse.
    const std::string probe = root_ + "/probe";
    int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY, 0600);
    ASSERT_GE(fd, 0);
    const bool can = ::fallocate(fd, 0, 0, 4096) == 0;
    ::close(fd);
    ::unlink(probe.c_str());
    if (!can) GTEST_SKIP() << "no fallocate(2) on " << root_;
  }
  const uint64_t size = 24 * kMiB + 5;
  auto w = dst_->StartPositionalWrite("big", size, {});
  ASSERT_TRUE(w.ok()) << w.status().message();
  std::vector<std::string> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  struct stat st {};
  ASSERT_EQ(::stat((root_ + "/" + entries[0]).c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), size);
  EXPECT_GE(static_cast<uint64_t>(st.st_blocks) * 512, size) << "the blocks are reserved, not sparse";
}

// A source whose ranged GETs answer with one byte flipped (a corrupted range).
class CorruptRangesStore : public MemoryStore {
 public:
  CorruptRangesStore() : MemoryStore("src") {}
  Status Get(const std::string& key, const GetOptions& options, ByteSink& sink,
             ObjectHead* head = nullptr) override {
    if (!options.range) return MemoryStore::Get(key, options, sink, head);
    StringSink whole;
    DTH_RETURN_IF_ERROR(MemoryStore::Get(key, options, whole, head));
    std::string bytes = whole.str();
    if (!bytes.empty()) bytes[bytes.size() / 2] ^= 0x01;
    return sink.Write(bytes);
  }
};

// Uploads data to store as "obj" in parts of part_size; returns its head.
ObjectHead PutInParts(MemoryStore& store, const std::string& data, uint64_t part_size) {
  auto id = store.CreateMultipartUpload("obj", {});
  EXPECT_TRUE(id.ok());
  std::vector<PartInfo> parts;
  for (uint64_t off = 0; off < data.size(); off += part_size) {
    StringViewSource body(std::string_view(data).substr(off, part_size));
    int n = static_cast<int>(parts.size()) + 1;
    auto etag = store.UploadPart("obj", *id, n, body);
    EXPECT_TRUE(etag.ok()) << etag.status().message();
    parts.push_back(PartInfo{n, *etag, body.size()});
  }
  EXPECT_TRUE(store.CompleteMultipartUpload("obj", *id, parts).ok());
  auto head = store.Head("obj");
  EXPECT_TRUE(head.ok());
  return *head;
}

TEST_F(RangedDownloadLocalTest, AMultipartSourceArrivesIdenticalAndAMismatchLeavesNothing) {
  const std::string data = Data(17 * kMiB + 17, 1);
  // 6 MiB parts, where 8 MiB parts (tried first: aws-cli's) would make 3 too.
  ObjectHead head = PutInParts(src_, data, 6 * kMiB);
  auto plan = PlanDownload(head.info.size, head.info.etag, true, true, 16 * kMiB);
  ASSERT_TRUE(plan) << head.info.etag;
  ASSERT_EQ(plan->range_count, 3);
  ASSERT_EQ(plan->range_size, 8 * kMiB);
  ASSERT_EQ(plan->other_part_sizes, (std::vector<uint64_t>{6 * kMiB, 7 * kMiB}));
  CopyOptions options;
  options.part_concurrency = 2;
  auto got = DownloadInRanges(src_, "obj", *dst_, "copy", head, *plan, {}, options);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->etag, head.info.etag);
  EXPECT_EQ(got->ranges, 3);
  EXPECT_EQ(got->note, "");
  EXPECT_TRUE(*GetString(*dst_, "copy") == data);

  ObjectHead lying = head;  // an ETag the bytes do not make
  lying.info.etag = "00000000000000000000000000000000-3";
  auto bad = DownloadInRanges(src_, "obj", *dst_, "bad", lying, *plan, {}, options);
  EXPECT_EQ(bad.status().code(), Code::kPreconditionFailed);  // pinned to that ETag
  EXPECT_EQ(Entries(), std::vector<std::string>{"copy"});
}

TEST_F(RangedDownloadLocalTest, AnFsyncedStoreGetsEveryByteWhenWritebackStartsDuringTheWrite) {
  // A store that fsyncs starts the writeback of each 8 MiB of the file a write finishes;
  // 5 MiB ranges from 4 threads finish those windows out of order and across ranges.
  auto synced = LocalStore::Open(local_test::MakeTempDir(), true, LocalStoreOptions{true});
  ASSERT_TRUE(synced.ok()) << synced.status().message();
  const std::string data = Data(37 * kMiB + 4097, 5);
  ObjectHead head = PutInParts(src_, data, 5 * kMiB);
  auto plan = PlanDownload(head.info.size, head.info.etag, true, true, 5 * kMiB);
  ASSERT_TRUE(plan) << head.info.etag;
  ASSERT_EQ(plan->range_count, 8);
  CopyOptions options;
  options.part_concurrency = 4;
  auto got = DownloadInRanges(src_, "obj", **synced, "copy", head, *plan, {}, options);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->etag, head.info.etag);
  EXPECT_TRUE(*GetString(**synced, "copy") == data);
}

TEST_F(RangedDownloadLocalTest, PartsOfAnUnguessableSizeAreKeptOnlyWhenASecondReadAgrees) {
  // Parts of 5 MiB + 1000 bytes: no whole-MiB size reproduces the ETag.
  const std::string data = Data(16 * kMiB, 2);
  ObjectHead head = PutInParts(src_, data, 5 * kMiB + 1000);
  auto plan = PlanDownload(head.info.size, head.info.etag, true, true, 16 * kMiB);
  ASSERT_TRUE(plan) << head.info.etag;
  CopyOptions options;
  const int gets = src_.Calls("Get");
  auto got = DownloadInRanges(src_, "obj", *dst_, "copy", head, *plan, {}, options);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(src_.Calls("Get") - gets, plan->range_count + 1) << "one more GET of the whole";
  EXPECT_NE(got->note.find("read twice"), std::string::npos) << got->note;
  EXPECT_TRUE(*GetString(*dst_, "copy") == data);

  // The same layout from a source whose ranges arrive corrupted: the reads disagree.
  CorruptRangesStore corrupting;
  ObjectHead corrupt_head = PutInParts(corrupting, data, 5 * kMiB + 1000);
  auto bad = DownloadInRanges(corrupting, "obj", *dst_, "bad", corrupt_head, *plan, {}, options);
  EXPECT_EQ(bad.status().code(), Code::kCorruption) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("read again"), std::string::npos) << bad.status().message();
  EXPECT_EQ(Entries(), std::vector<std::string>{"copy"});
}

// A source that sets *stop when the whole object is asked for (the second read).
class StopOnWholeGetStore : public MemoryStore {
 public:
  explicit StopOnWholeGetStore(std::atomic<bool>& stop) : MemoryStore("src"), stop_(stop) {}
  Status Get(const std::string& key, const GetOptions& options, ByteSink& sink,
             ObjectHead* head = nullptr) override {
    if (!options.range) stop_ = true;
    return MemoryStore::Get(key, options, sink, head);
  }

 private:
  std::atomic<bool>& stop_;
};

TEST_F(RangedDownloadLocalTest, AStopDuringTheSecondReadEndsItAndLeavesNothing) {
  std::atomic<bool> stop{false};
  StopOnWholeGetStore source(stop);
  ObjectHead head = PutInParts(source, Data(16 * kMiB, 4), 5 * kMiB + 1000);
  auto plan = PlanDownload(head.info.size, head.info.etag, true, true, 16 * kMiB);
  ASSERT_TRUE(plan);
  CopyOptions options;
  options.cancel = &stop;
  auto got = DownloadInRanges(source, "obj", *dst_, "copy", head, *plan, {}, options);
  EXPECT_EQ(got.status().code(), Code::kCancelled) << got.status().ToString();
  EXPECT_TRUE(Entries().empty());
}

TEST_F(RangedDownloadLocalTest, CorruptedRangesOfAGuessableLayoutAreNeverStored) {
  CorruptRangesStore corrupting;
  ObjectHead head = PutInParts(corrupting, Data(17 * kMiB, 3), 6 * kMiB);
  auto plan = PlanDownload(head.info.size, head.info.etag, true, true, 16 * kMiB);
  ASSERT_TRUE(plan);
  auto bad = DownloadInRanges(corrupting, "obj", *dst_, "bad", head, *plan, {}, CopyOptions{});
  EXPECT_EQ(bad.status().code(), Code::kCorruption) << bad.status().ToString();
  EXPECT_TRUE(Entries().empty());
}

}  // namespace
}  // namespace dth
