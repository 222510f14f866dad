// CopyObject from a store that reads without requests (a local directory): the file is
// the destination's body itself, whole or one part at a time, never held in memory.
#include <gtest/gtest.h>

#include <atomic>

#include "store/local/local_test_util.h"
#include "store/memory/memory_store.h"
#include "transfer/object_copy.h"

namespace dth {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

std::string Data(size_t n, int seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed) ^ (i >> 11));
  return s;
}

// A destination that counts the bodies it is given that could be sent again (a file or
// memory) and those that sit in memory.
class CountingDestination : public MemoryStore {
 public:
  explicit CountingDestination(StoreFeatures features) : MemoryStore("dst", features) {}
  Result<std::string> Put(const std::string& key, ByteSource& body,
                          const PutOptions& options) override {
    Count(body);
    return MemoryStore::Put(key, body, options);
  }
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id,
                                 int part_number, ByteSource& body) override {
    Count(body);
    return MemoryStore::UploadPart(key, upload_id, part_number, body);
  }
  void Count(const ByteSource& body) {
    ++bodies;
    if (body.replayable() && !body.InMemory()) ++from_files;
  }
  std::atomic<int> bodies{0};
  std::atomic<int> from_files{0};
};

ObjectInfo Listed(ObjectStore& store, const std::string& key) {
  auto all = ListAll(store, ListOptions{});
  EXPECT_TRUE(all.ok()) << all.status().message();
  if (all.ok())
    for (auto& o : *all)
      if (o.key == key) return o;
  ADD_FAILURE() << "not listed: " << key;
  return ObjectInfo{};
}

TEST(ObjectCopyFileTest, ASmallFileIsThePutsBodyNotABuffer) {
  std::string root;
  auto source = local_test::OpenTemp(&root);
  ASSERT_TRUE(source);
  const std::string data = Data(3 * kMiB + 5);
  local_test::WriteFile(root + "/dir/f", data);
  CountingDestination destination(MemoryStore::DefaultFeatures());
  ByteBudget budget(64 * kMiB);
  CopyOptions options;
  options.budget = &budget;
  ObjectInfo listed = Listed(*source, "dir/f");

  auto r = CopyObject(*source, "dir/f", destination, "copied", options, &listed);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->bytes, data.size());
  auto got = GetString(destination, "copied");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  EXPECT_EQ(destination.bodies.load(), 1);
  EXPECT_EQ(destination.from_files.load(), 1);
  EXPECT_EQ(budget.peak(), 0u);  // no object bytes were held in memory

  // Without a listing (the HEAD path), the same.
  auto again = CopyObject(*source, "dir/f", destination, "copied2", options);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(destination.from_files.load(), 2);
  EXPECT_EQ(budget.peak(), 0u);
}

TEST(ObjectCopyFileTest, PartsOfABigFileAreReadPositionally) {
  std::string root;
  auto source = local_test::OpenTemp(&root);
  ASSERT_TRUE(source);
  const std::string data = Data(12 * kMiB + 3);
  local_test::WriteFile(root + "/big", data);
  StoreFeatures features = MemoryStore::DefaultFeatures();
  features.streaming_put = false;
  CountingDestination destination(features);
  ByteBudget budget(64 * kMiB);
  CopyOptions options;
  options.multipart_threshold = 8 * kMiB;
  options.part_size = 5 * kMiB;
  options.part_concurrency = 2;
  options.budget = &budget;
  ObjectInfo listed = Listed(*source, "big");

  auto r = CopyObject(*source, "big", destination, "copied", options, &listed);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->multipart);
  EXPECT_EQ(r->parts_sent, 3);
  auto got = GetString(destination, "copied");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  EXPECT_EQ(destination.from_files.load(), 3);
  EXPECT_EQ(budget.peak(), 0u);
}

TEST(ObjectCopyFileTest, AFileRewrittenAfterListingIsNeverStored) {
  std::string root;
  auto source = local_test::OpenTemp(&root);
  ASSERT_TRUE(source);
  local_test::WriteFile(root + "/f", Data(2 * kMiB));
  CountingDestination destination(MemoryStore::DefaultFeatures());
  ObjectInfo listed = Listed(*source, "f");
  local_test::WriteFile(root + "/f", Data(2 * kMiB + 1, 1));

  auto r = CopyObject(*source, "f", destination, "copied", CopyOptions{}, &listed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPreconditionFailed) << r.status().ToString();
  EXPECT_EQ(destination.Head("copied").status().code(), Code::kNotFound);
  EXPECT_EQ(destination.bodies.load(), 0);
}

}  // namespace
}  // namespace dth
