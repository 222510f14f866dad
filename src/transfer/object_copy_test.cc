#include "transfer/object_copy.h"

#include <gtest/gtest.h>

#include <atomic>

#include "store/memory/memory_store.h"

namespace dth {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

// A destination that takes multipart uploads rather than a streamed Put.
StoreFeatures MultipartOnly() {
  StoreFeatures f = MemoryStore::DefaultFeatures();
  f.streaming_put = false;
  return f;
}

// Multipart above 8 MiB, in 5 MiB parts, `concurrency` at a time.
CopyOptions FiveMiBParts(int concurrency) {
  CopyOptions options;
  options.multipart_threshold = 8 * kMiB;
  options.part_size = 5 * kMiB;
  options.part_concurrency = concurrency;
  return options;
}

std::string Data(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131) ^ (i >> 11));
  return s;
}

// A destination that takes parts streamed from the download (as an S3 store with chunk
// signing does), counting how each part came and failing the first streamed ones on
// request, after reading part of the body.
class StreamingDestination : public MemoryStore {
 public:
  StreamingDestination() : MemoryStore("dst", MultipartOnly()) {}
  bool StreamsParts() const override { return true; }
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id,
                                 int part_number, ByteSource& body) override {
    if (body.replayable()) {
      ++from_memory;
    } else {
      ++streamed;
      if (fail_streamed.fetch_sub(1) > 0) {
        char buf[1000];
        (void)body.Read(buf, sizeof buf);
        return Status(Code::kTransient, "injected: connection reset during a streamed part");
      }
    }
    return MemoryStore::UploadPart(key, upload_id, part_number, body);
  }

  std::atomic<int> streamed{0};
  std::atomic<int> from_memory{0};
  std::atomic<int> fail_streamed{0};
};

TEST(ObjectCopyTest, SmallObjectWithMetadataAndTags) {
  MemoryStore src("src"), dst("dst");
  PutOptions put;
  put.metadata.content_type = "text/plain";
  put.metadata.user["owner"] = "ops";
  put.tags = {{"k", "v"}};
  ASSERT_TRUE(PutString(src, "a/b.txt", "hello", put).ok());
  CopyOptions options;
  options.copy_tags = true;
  auto r = CopyObject(src, "a/b.txt", dst, "x/b.txt", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->multipart);
  EXPECT_EQ(*GetString(dst, "x/b.txt"), "hello");
  auto head = dst.Head("x/b.txt");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata.content_type, "text/plain");
  EXPECT_EQ(head->metadata.user.at("owner"), "ops");
  EXPECT_EQ(*dst.GetTagging("x/b.txt"), (Tags{{"k", "v"}}));
}

TEST(ObjectCopyTest, MultipartInParallelKeepsPartOrder) {
  MemoryStore src("src"), dst("dst", MultipartOnly());
  std::string data = Data(23 * kMiB + 123);
  ASSERT_TRUE(PutString(src, "big", data).ok());
  CopyOptions options = FiveMiBParts(3);
  uint64_t last_progress = 0;
  std::mutex mu;
  options.on_progress = [&](uint64_t done, uint64_t) {
    std::lock_guard<std::mutex> lock(mu);
    last_progress = std::max(last_progress, done);
  };
  auto r = CopyObject(src, "big", dst, "big", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->multipart);
  EXPECT_TRUE(*GetString(dst, "big") == data);
  EXPECT_TRUE(r->destination_etag.ends_with("-5")) << r->destination_etag;
  EXPECT_EQ(last_progress, data.size());
}

TEST(ObjectCopyTest, FailedPartAbortsTheUpload) {
  MemoryStore src("src"), dst("dst", MultipartOnly());
  ASSERT_TRUE(PutString(src, "big", Data(16 * kMiB)).ok());
  dst.FailNext("UploadPart", Status(Code::kPermissionDenied, "injected"));
  CopyOptions options;
  options.multipart_threshold = 8 * kMiB;
  options.part_size = 5 * kMiB;
  auto r = CopyObject(src, "big", dst, "big", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(dst.Head("big").status().code(), Code::kNotFound);
  auto uploads = dst.ListMultipartUploads("");
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->empty()) << "a failed copy must not leave a multipart upload behind";
}

TEST(ObjectCopyTest, StreamsIntoADestinationThatReadsOnce) {
  MemoryStore src("src"), dst("dst");
  std::string data = Data(20 * kMiB + 7);
  ASSERT_TRUE(PutString(src, "big", data).ok());
  uint64_t progress = 0;
  CopyOptions options;
  options.on_progress = [&](uint64_t done, uint64_t) { progress = done; };
  auto r = CopyObject(src, "big", dst, "big", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->multipart);
  EXPECT_TRUE(*GetString(dst, "big") == data);
  EXPECT_EQ(progress, data.size());
}

TEST(ObjectCopyTest, FailedDownloadWhileStreamingLeavesNothing) {
  MemoryStore src("src"), dst("dst");
  ASSERT_TRUE(PutString(src, "big", Data(3 * kMiB)).ok());
  src.FailNext("Get", Status(Code::kServerError, "injected download failure"));
  auto r = CopyObject(src, "big", dst, "big", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kServerError);
  EXPECT_NE(r.status().message().find("injected"), std::string::npos);
  EXPECT_EQ(dst.Head("big").status().code(), Code::kNotFound);
}

TEST(ObjectCopyTest, RefusedDestinationKeyIsTheErrorReported) {
  MemoryStore src("src");
  StoreFeatures paths_only = MemoryStore::DefaultFeatures();
  paths_only.arbitrary_keys = false;
  MemoryStore dst("dst", paths_only);
  ASSERT_TRUE(PutString(src, "evil/..", Data(3 * kMiB)).ok());
  auto r = CopyObject(src, "evil/..", dst, "evil/..", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().message();
  EXPECT_NE(r.status().message().find("evil/.."), std::string::npos) << r.status().message();
}

TEST(ObjectCopyTest, SourceChangedMidCopyIsRefused) {
  MemoryStore src("src"), dst("dst");
  ASSERT_TRUE(PutString(src, "obj", "version 1").ok());
  auto head = src.Head("obj");
  ASSERT_TRUE(head.ok());
  ASSERT_TRUE(PutString(src, "obj", "version 2").ok());
  StringSink sink;
  Status st = src.Get("obj", GetOptions{std::nullopt, head->info.etag}, sink);
  EXPECT_EQ(st.code(), Code::kPreconditionFailed);
}

TEST(ObjectCopyTest, PartsStreamFromTheDownloadWhenTheDestinationTakesThem) {
  MemoryStore src("src");
  StreamingDestination dst;
  std::string data = Data(23 * kMiB + 123);
  ASSERT_TRUE(PutString(src, "big", data).ok());
  CopyOptions options = FiveMiBParts(3);
  auto r = CopyObject(src, "big", dst, "big", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->parts_sent, 5);
  EXPECT_EQ(dst.streamed.load(), 5);
  EXPECT_EQ(dst.from_memory.load(), 0);
  EXPECT_TRUE(*GetString(dst, "big") == data);
}

TEST(ObjectCopyTest, AStreamedPartThatFailsIsSentAgainFromMemory) {
  MemoryStore src("src");
  StreamingDestination dst;
  dst.fail_streamed = 2;
  std::string data = Data(12 * kMiB);
  ASSERT_TRUE(PutString(src, "big", data).ok());
  CopyOptions options = FiveMiBParts(1);
  auto r = CopyObject(src, "big", dst, "big", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(dst.streamed.load(), 3);
  EXPECT_EQ(dst.from_memory.load(), 2);  // the two failed parts, resent whole
  EXPECT_TRUE(*GetString(dst, "big") == data);
}

TEST(ObjectCopyTest, ASourceChangedUnderAStreamedPartIsNotResent) {
  MemoryStore src("src");
  StreamingDestination dst;
  ASSERT_TRUE(PutString(src, "big", Data(6 * kMiB)).ok());
  auto old_head = src.Head("big");
  ASSERT_TRUE(old_head.ok());
  ASSERT_TRUE(PutString(src, "big", Data(6 * kMiB + 1)).ok());
  auto upload = dst.CreateMultipartUpload("big", {});
  ASSERT_TRUE(upload.ok());
  auto part = CopyPart(src, "big", dst, "big", *upload, 1, ByteRange{0, 5 * kMiB},
                       old_head->info.etag, CopyOptions{});
  ASSERT_FALSE(part.ok());
  EXPECT_EQ(part.status().code(), Code::kPreconditionFailed) << part.status().message();
  EXPECT_EQ(dst.from_memory.load(), 0);
}

// A source whose first `corrupt_gets` downloads deliver one byte flipped: what a body
// damaged on the way (or a source that changed under its ETag) looks like to the copy.
class CorruptingSource : public MemoryStore {
 public:
  CorruptingSource() : MemoryStore("src") {}
  Status Get(const std::string& key, const GetOptions& options, ByteSink& sink,
             ObjectHead* head = nullptr) override {
    if (corrupt_gets.fetch_sub(1) <= 0) return MemoryStore::Get(key, options, sink, head);
    class Flip : public ByteSink {
     public:
      explicit Flip(ByteSink& inner) : inner_(inner) {}
      Status Write(std::string_view data) override {
        if (flipped_ || data.empty()) return inner_.Write(data);
        std::string copy(data);
        copy[copy.size() / 2] = static_cast<char>(~copy[copy.size() / 2]);
        flipped_ = true;
        return inner_.Write(copy);
      }

     private:
      ByteSink& inner_;
      bool flipped_ = false;
    } flip(sink);
    return MemoryStore::Get(key, options, flip, head);
  }
  std::atomic<int> corrupt_gets{0};
};

// A destination like S3: no streaming Put of its own (so the copy would buffer), and it
// records how each Put came.
class RecordingDestination : public MemoryStore {
 public:
  RecordingDestination() : MemoryStore("dst", MultipartOnly()) {}
  Result<std::string> Put(const std::string& key, ByteSource& body,
                          const PutOptions& options) override {
    (body.replayable() ? from_memory : streamed) += 1;
    content_md5 = options.content_md5;
    return MemoryStore::Put(key, body, options);
  }
  std::atomic<int> streamed{0};
  std::atomic<int> from_memory{0};
  std::string content_md5;
};

ObjectInfo Listed(ObjectStore& store, const std::string& key) {
  auto head = store.Head(key);
  EXPECT_TRUE(head.ok());
  return head.ok() ? head->info : ObjectInfo{};
}

TEST(ObjectCopyTest, APlainMd5ObjectStreamsIntoOnePutThatCarriesItsMd5) {
  CorruptingSource src;
  RecordingDestination dst;
  const std::string data = Data(3 * kMiB);
  ASSERT_TRUE(PutString(src, "k", data).ok());
  ObjectInfo listed = Listed(src, "k");
  ByteBudget budget(64 * kMiB);
  CopyOptions options;
  options.budget = &budget;
  auto r = CopyObject(src, "k", dst, "k", options, &listed);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(dst.streamed.load(), 1);
  EXPECT_EQ(dst.from_memory.load(), 0);
  EXPECT_EQ(dst.content_md5, listed.etag);
  EXPECT_LT(budget.peak(), data.size());  // never the whole object
  EXPECT_EQ(*GetString(dst, "k"), data);
}

TEST(ObjectCopyTest, ACorruptedStreamIsRefusedAndSentAgainFromMemory) {
  CorruptingSource src;
  RecordingDestination dst;
  const std::string data = Data(3 * kMiB);
  ASSERT_TRUE(PutString(src, "k", data).ok());
  ObjectInfo listed = Listed(src, "k");
  src.corrupt_gets = 1;
  auto r = CopyObject(src, "k", dst, "k", CopyOptions{}, &listed);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(dst.streamed.load(), 1);      // refused: its bytes were not the promised ones
  EXPECT_EQ(dst.from_memory.load(), 1);   // the retry
  EXPECT_EQ(*GetString(dst, "k"), data);
}

TEST(ObjectCopyTest, BytesThatNeverMatchTheSourceEtagAreNeverStored) {
  for (uint64_t size : {uint64_t{100}, 3 * kMiB}) {  // the buffered and the streamed path
    CorruptingSource src;
    RecordingDestination dst;
    ASSERT_TRUE(PutString(src, "k", Data(size)).ok());
    ObjectInfo listed = Listed(src, "k");
    src.corrupt_gets = 1000;
    auto r = CopyObject(src, "k", dst, "k", CopyOptions{}, &listed);
    ASSERT_FALSE(r.ok()) << size;
    EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
    EXPECT_EQ(dst.Head("k").status().code(), Code::kNotFound) << size;
  }
}

TEST(ObjectCopyTest, AStreamingDestinationVerifiesThePromisedMd5) {
  CorruptingSource src;
  MemoryStore dst("dst");  // streaming_put: one GET piped into its Put
  ASSERT_TRUE(dst.Features().streaming_put);
  ASSERT_TRUE(PutString(src, "k", Data(3 * kMiB)).ok());
  src.corrupt_gets = 1000;
  auto r = CopyObject(src, "k", dst, "k", CopyOptions{});  // the HEAD path
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_EQ(dst.Head("k").status().code(), Code::kNotFound);
}

TEST(ObjectCopyTest, ASourceChangedAfterListingIsNeverStreamedIntoTheDestination) {
  CorruptingSource src;
  RecordingDestination dst;
  ASSERT_TRUE(PutString(src, "k", Data(3 * kMiB)).ok());
  ObjectInfo listed = Listed(src, "k");
  std::string other = Data(3 * kMiB);
  other[5] = 'x';
  ASSERT_TRUE(PutString(src, "k", other).ok());
  auto r = CopyObject(src, "k", dst, "k", CopyOptions{}, &listed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPreconditionFailed) << r.status().ToString();
  EXPECT_EQ(dst.Head("k").status().code(), Code::kNotFound);
}

// --memory is a hard cap: an object that would be held whole (its ETag is not an MD5 the
// destination could check a stream against) and is larger than the whole budget goes
// multipart in parts that fit, with or without a listing, instead of being buffered.
TEST(ObjectCopyTest, AnObjectLargerThanTheMemoryBudgetIsNeverHeldWhole) {
  StoreFeatures no_md5 = MemoryStore::DefaultFeatures();
  no_md5.etag_is_md5 = false;
  MemoryStore src("src", no_md5), dst("dst", MultipartOnly());
  const std::string data = Data(12 * kMiB + 7);
  ASSERT_TRUE(PutString(src, "obj", data).ok());
  ByteBudget budget(6 * kMiB);
  CopyOptions options;  // 64 MiB threshold, 16 MiB parts
  options.budget = &budget;
  auto listing = ListAll(src, ListOptions{});
  ASSERT_TRUE(listing.ok() && listing->size() == 1);

  const ObjectInfo* first = &listing->front();
  for (const ObjectInfo* listed : {first, static_cast<const ObjectInfo*>(nullptr)}) {
    auto r = CopyObject(src, "obj", dst, "copied", options, listed);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_TRUE(r->multipart);
    EXPECT_EQ(r->parts_sent, 3);  // 6 MiB parts: each fits the budget
    EXPECT_TRUE(*GetString(dst, "copied") == data);
  }
  // Within the budget, the same object is one PUT.
  ByteBudget roomy(64 * kMiB);
  options.budget = &roomy;
  auto r = CopyObject(src, "obj", dst, "copied", options, &listing->front());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->multipart);
}

}  // namespace
}  // namespace dth
