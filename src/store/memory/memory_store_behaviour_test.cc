// MemoryStore: the fault hook, listers under concurrent change, copies, thread safety.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "core/hash.h"
#include "store/memory/memory_store.h"

namespace dth {
namespace {

ListOptions Paged(std::string delimiter, std::string start_after, int page_size) {
  ListOptions options;
  options.delimiter = std::move(delimiter);
  options.start_after = std::move(start_after);
  options.page_size = page_size;
  return options;
}

CopySource Source(std::string bucket, std::string key, std::optional<ByteRange> range = {}) {
  CopySource source;
  source.bucket = std::move(bucket);
  source.key = std::move(key);
  source.range = range;
  return source;
}

class FailingSink : public ByteSink {
 public:
  Status Write(std::string_view) override { return IoError("disk full"); }
};

TEST(MemoryStoreFaultTest, FailNextQueuesStatusesPerOperation) {
  MemoryStore store("b");
  store.FailNext("Put", Status(Code::kThrottled, "slow down"), 2);
  store.FailNext("Put", Status(Code::kServerError, "boom"));
  EXPECT_EQ(store.PendingFaults("Put"), 3);
  EXPECT_EQ(PutString(store, "k", "x").status().code(), Code::kThrottled);
  EXPECT_EQ(PutString(store, "k", "x").status().code(), Code::kThrottled);
  EXPECT_EQ(PutString(store, "k", "x").status().code(), Code::kServerError);
  EXPECT_EQ(store.Head("k").status().code(), Code::kNotFound) << "failed Puts store nothing";
  EXPECT_TRUE(PutString(store, "k", "x").ok());
  EXPECT_EQ(store.PendingFaults("Put"), 0);

  store.FailNext("Get", Status(Code::kTransient, "reset"));
  EXPECT_EQ(GetString(store, "k").status().code(), Code::kTransient);
  EXPECT_EQ(*GetString(store, "k"), "x");
}

TEST(MemoryStoreFaultTest, FailNextOnMultipartAndList) {
  MemoryStore store("b");
  auto id = store.CreateMultipartUpload("m", {});
  ASSERT_TRUE(id.ok());
  store.FailNext("UploadPart", Status(Code::kTransient, "reset"));
  StringViewSource body("part");
  EXPECT_EQ(store.UploadPart("m", *id, 1, body).status().code(), Code::kTransient);
  EXPECT_TRUE(store.UploadPart("m", *id, 1, body).ok());

  for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(PutString(store, key, key).ok());
  auto lister = store.List(Paged("", "", 1));
  ListPage page;
  ASSERT_TRUE(*lister->Next(&page));
  store.FailNext("List", Status(Code::kServerError, "oops"));
  EXPECT_EQ(lister->Next(&page).status().code(), Code::kServerError);
  ASSERT_TRUE(*lister->Next(&page));  // resumes after the failed page
  EXPECT_EQ(page.objects.at(0).key, "b");
}

TEST(MemoryStoreFaultTest, DeleteManyReportsPerKeyFaults) {
  MemoryStore store("b");
  for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(PutString(store, key, key).ok());
  store.FailNext("Delete", Status(Code::kPermissionDenied, "AccessDenied"));
  auto failed = store.DeleteMany({"a", "b", "c"});
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->at(0).first, "a");
  EXPECT_EQ(failed->at(0).second.code(), Code::kPermissionDenied);
  EXPECT_TRUE(store.Head("a").ok());
  EXPECT_FALSE(store.Head("b").ok());
}

TEST(MemoryStoreFaultDeathTest, UnknownOperationAborts) {
  MemoryStore store("b");
  EXPECT_DEATH(store.FailNext("Frobnicate", Status(Code::kTransient, "x")), "unknown operation");
}

TEST(MemoryStoreTest, GetPropagatesSinkErrors) {
  MemoryStore store("b");
  ASSERT_TRUE(PutString(store, "k", "x").ok());
  FailingSink sink;
  EXPECT_EQ(store.Get("k", {}, sink).code(), Code::kIo);
}

TEST(MemoryStoreTest, ListerIsStableUnderConcurrentChangeAndOutlivesStore) {
  auto store = std::make_unique<MemoryStore>("b");
  for (const char* key : {"b", "d", "f"}) ASSERT_TRUE(PutString(*store, key, key).ok());
  auto lister = store->List(Paged("", "", 1));
  ListPage page;
  ASSERT_TRUE(*lister->Next(&page));
  EXPECT_EQ(page.objects.at(0).key, "b");
  ASSERT_TRUE(PutString(*store, "a", "behind the cursor").ok());
  ASSERT_TRUE(PutString(*store, "c", "ahead of the cursor").ok());
  store.reset();
  std::vector<std::string> rest;
  while (*lister->Next(&page)) rest.push_back(page.objects.at(0).key);
  EXPECT_EQ(rest, (std::vector<std::string>{"c", "d", "f"}));
}

TEST(MemoryStoreTest, CommonPrefixesAfterStartAfter) {
  MemoryStore store("b");
  for (const char* key : {"d/1", "d/2", "e/1", "f"}) ASSERT_TRUE(PutString(store, key, key).ok());
  auto page = store.List(Paged("/", "d/", 10));
  ListPage got;
  ASSERT_TRUE(*page->Next(&got));
  EXPECT_EQ(got.common_prefixes, (std::vector<std::string>{"e/"}));
  ASSERT_EQ(got.objects.size(), 1u);
  EXPECT_EQ(got.objects[0].key, "f");
}

TEST(MemoryStoreTest, CopyRules) {
  MemoryStore store("bucket");
  ASSERT_TRUE(PutString(store, "src", "bytes").ok());
  EXPECT_TRUE(store.Copy(Source("bucket", "src"), "a", {}, false).ok());
  EXPECT_EQ(store.Copy(Source("other", "src"), "a", {}, false).status().code(),
            Code::kNotSupported);
  EXPECT_EQ(store.Copy(Source("", "src"), "src", {}, false).status().code(),
            Code::kPermanent);
  PutOptions replaced;
  replaced.metadata.content_type = "text/plain";
  EXPECT_TRUE(store.Copy(Source("", "src"), "src", replaced, true).ok());
  EXPECT_EQ(store.Head("src")->metadata.content_type, "text/plain");

  auto id = store.CreateMultipartUpload("m", {});
  ASSERT_TRUE(id.ok());
  auto other = store.UploadPartCopy("m", *id, 1, Source("other", "src"));
  EXPECT_EQ(other.status().code(), Code::kNotSupported);
  auto beyond = store.UploadPartCopy(
      "m", *id, 1, Source("", "src", ByteRange{5, 1}));
  EXPECT_EQ(beyond.status().code(), Code::kPermanent);
}

TEST(MemoryStoreTest, CopyOfMultipartObjectHasPlainEtagAndKeepsTags) {
  StoreFeatures features = MemoryStore::DefaultFeatures();
  features.min_part_size = 1;
  MemoryStore store("b", features);
  PutOptions options;
  options.tags = {{"k", "v"}};
  auto id = store.CreateMultipartUpload("m", options);
  ASSERT_TRUE(id.ok());
  StringViewSource p1("hello "), p2("world");
  auto e1 = store.UploadPart("m", *id, 1, p1);
  auto e2 = store.UploadPart("m", *id, 2, p2);
  ASSERT_TRUE(store.CompleteMultipartUpload("m", *id, {{1, *e1, 6}, {2, *e2, 5}}).ok());
  auto etag = store.Copy(Source("", "m"), "c", {}, false);
  ASSERT_TRUE(etag.ok());
  EXPECT_EQ(*etag, HexEncode(Md5("hello world")));
  EXPECT_EQ(store.Head("c")->parts_count, 0);
  EXPECT_EQ(*store.GetTagging("c"), options.tags);
}

TEST(MemoryStoreTest, ConcurrentUse) {
  MemoryStore store("b");
  constexpr int kThreads = 8;
  constexpr int kOps = 200;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, &errors, t] {
      for (int i = 0; i < kOps; ++i) {
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        if (!PutString(store, key, key).ok()) ++errors;
        auto got = GetString(store, key);
        if (!got.ok() || *got != key) ++errors;
        if (i % 20 == 0 && !ListAll(store, {}).ok()) ++errors;
        if (i % 2 == 0 && !store.Delete(key).ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  auto all = ListAll(store, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), static_cast<size_t>(kThreads * kOps / 2));
}

}  // namespace
}  // namespace dth
