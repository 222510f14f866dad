#include "store/memory/memory_store.h"

#include <gtest/gtest.h>

#include "core/hash.h"
#include "store/conformance/store_conformance.h"

namespace dth {
namespace {

StoreFeatures Minimal() {
  StoreFeatures f;
  f.server_side_copy = false;
  f.list_multipart_uploads = false;
  f.tagging = false;
  f.user_metadata = false;
  f.arbitrary_keys = false;
  return f;
}

INSTANTIATE_TEST_SUITE_P(
    Memory, StoreConformance,
    ::testing::Values(
        StoreTarget{"Memory", [] { return std::make_unique<MemoryStore>("conformance"); }},
        // Optional features off: exercises the suite's skip-or-refuse paths.
        StoreTarget{"MemoryMinimal",
                    [] { return std::make_unique<MemoryStore>("minimal", Minimal()); }}),
    StoreTargetName);

GetOptions Ranged(uint64_t offset, std::optional<uint64_t> length) {
  GetOptions options;
  options.range = ByteRange{offset, length};
  return options;
}

StoreFeatures SmallParts() {
  StoreFeatures f = MemoryStore::DefaultFeatures();
  f.min_part_size = 4;
  return f;
}

Result<std::string> Part(MemoryStore& store, const std::string& key, const std::string& id,
                         int number, const std::string& data) {
  StringViewSource source(data);
  return store.UploadPart(key, id, number, source);
}

TEST(MemoryStoreTest, DescribeAndDefaults) {
  MemoryStore store("bucket");
  EXPECT_EQ(store.Describe(), "mem://bucket");
  EXPECT_TRUE(store.Features().server_side_copy);
  EXPECT_EQ(MemoryStore("x", SmallParts()).Features().min_part_size, 4u);
}

TEST(MemoryStoreTest, MultipartEtagIsMd5OfPartMd5s) {
  MemoryStore store("b", SmallParts());
  auto id = store.CreateMultipartUpload("k", {});
  ASSERT_TRUE(id.ok());
  auto e1 = Part(store, "k", *id, 1, "aaaa");
  auto e2 = Part(store, "k", *id, 2, "bb");
  ASSERT_TRUE(e1.ok() && e2.ok());
  EXPECT_EQ(*e1, HexEncode(Md5("aaaa")));
  auto etag = store.CompleteMultipartUpload("k", *id, {{1, *e1, 4}, {2, "\"" + *e2 + "\"", 2}});
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  EXPECT_EQ(*etag, HexEncode(Md5(Md5("aaaa") + Md5("bb"))) + "-2");
  auto head = store.Head("k");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->parts_count, 2);
  EXPECT_EQ(head->info.size, 6u);
  // The upload is gone: completing again is NoSuchUpload.
  auto again = store.CompleteMultipartUpload("k", *id, {{1, *e1, 4}});
  EXPECT_EQ(again.status().code(), Code::kNotFound);
}

TEST(MemoryStoreTest, CompleteValidatesParts) {
  MemoryStore store("b", SmallParts());
  auto id = store.CreateMultipartUpload("k", {});
  ASSERT_TRUE(id.ok());
  auto e1 = Part(store, "k", *id, 1, "abc");  // below min_part_size (4)
  auto e2 = Part(store, "k", *id, 2, "defg");
  ASSERT_TRUE(e1.ok() && e2.ok());

  auto small = store.CompleteMultipartUpload("k", *id, {{1, *e1, 3}, {2, *e2, 4}});
  EXPECT_EQ(small.status().code(), Code::kPermanent);
  EXPECT_NE(small.status().message().find("EntityTooSmall"), std::string::npos);
  EXPECT_EQ(small.status().server_code(), "EntityTooSmall");

  auto order = store.CompleteMultipartUpload("k", *id, {{2, *e2, 4}, {1, *e1, 3}});
  EXPECT_EQ(order.status().code(), Code::kPermanent);
  EXPECT_EQ(order.status().server_code(), "InvalidPartOrder");

  auto wrong = store.CompleteMultipartUpload("k", *id, {{2, *e1, 4}});
  EXPECT_EQ(wrong.status().code(), Code::kPermanent);
  EXPECT_EQ(wrong.status().server_code(), "InvalidPart");

  auto none = store.CompleteMultipartUpload("k", *id, {});
  EXPECT_EQ(none.status().code(), Code::kPermanent);

  // A short last part is fine; a subset of parts is fine.
  auto done = store.CompleteMultipartUpload("k", *id, {{1, *e1, 3}});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(*GetString(store, "k"), "abc");
}

TEST(MemoryStoreTest, UploadErrors) {
  MemoryStore store("b", SmallParts());
  auto id = store.CreateMultipartUpload("k", {});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(Part(store, "k", *id, 0, "x").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Part(store, "k", *id, 10001, "x").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Part(store, "other", *id, 1, "x").status().code(), Code::kNotFound);
  EXPECT_EQ(Part(store, "k", "nope", 1, "x").status().code(), Code::kNotFound);
  EXPECT_EQ(store.AbortMultipartUpload("k", "nope").code(), Code::kNotFound);
  EXPECT_EQ(store.ListParts("k", "nope").status().code(), Code::kNotFound);
}

TEST(MemoryStoreTest, RangeErrors) {
  MemoryStore store("b");
  ASSERT_TRUE(PutString(store, "k", "0123456789").ok());
  ASSERT_TRUE(PutString(store, "empty", "").ok());
  auto beyond = GetString(store, "k", Ranged(11, 1));
  EXPECT_EQ(beyond.status().code(), Code::kPermanent);
  EXPECT_NE(beyond.status().message().find("InvalidRange"), std::string::npos);
  auto at_end = GetString(store, "k", Ranged(10, std::nullopt));
  EXPECT_EQ(at_end.status().code(), Code::kPermanent);
  auto empty = GetString(store, "empty", Ranged(0, std::nullopt));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
  GetOptions quoted_etag;
  quoted_etag.if_match = "\"" + HexEncode(Md5("0123456789")) + "\"";
  auto quoted = GetString(store, "k", quoted_etag);
  EXPECT_TRUE(quoted.ok()) << "a quoted If-Match ETag matches";
}

TEST(MemoryStoreTest, KeyAndTagValidation) {
  MemoryStore store("b");
  EXPECT_EQ(PutString(store, "", "x").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PutString(store, std::string(1025, 'k'), "x").status().code(),
            Code::kInvalidArgument);
  EXPECT_TRUE(PutString(store, std::string(1024, 'k'), "x").ok());
  EXPECT_TRUE(PutString(store, "a//b", "x").ok());

  PutOptions eleven;
  for (int i = 0; i < 11; ++i) eleven.tags.emplace_back("t" + std::to_string(i), "v");
  EXPECT_EQ(PutString(store, "k", "x", eleven).status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(PutString(store, "k", "x").ok());
  EXPECT_EQ(store.PutTagging("k", eleven.tags).code(), Code::kInvalidArgument);
  EXPECT_EQ(store.PutTagging("k", {{"a", "1"}, {"a", "2"}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(store.PutTagging("missing", {{"a", "1"}}).code(), Code::kNotFound);
}

TEST(MemoryStoreTest, DisabledFeaturesAreRefused) {
  MemoryStore store("b", Minimal());
  auto seg = PutString(store, "dir/", "x");
  EXPECT_EQ(seg.status().code(), Code::kInvalidArgument);
  EXPECT_NE(seg.status().message().find("not a clean relative path"), std::string::npos);
  EXPECT_EQ(PutString(store, "a/../b", "x").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PutString(store, "./b", "x").status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(PutString(store, "a/..b/.c", "x").ok());
  PutOptions tagged;
  tagged.tags = {{"a", "1"}};
  EXPECT_EQ(PutString(store, "k", "x", tagged).status().code(), Code::kNotSupported);
  PutOptions meta;
  meta.metadata.user = {{"a", "1"}};
  EXPECT_EQ(PutString(store, "k", "x", meta).status().code(), Code::kNotSupported);
  ASSERT_TRUE(PutString(store, "k", "x").ok());
  EXPECT_EQ(store.GetTagging("k").status().code(), Code::kNotSupported);
  EXPECT_EQ(store.Copy(CopySource{"", "k", "", std::nullopt}, "k2", {}, false).status().code(),
            Code::kNotSupported);
  EXPECT_EQ(store.ListMultipartUploads("").status().code(), Code::kNotSupported);
  StoreFeatures no_multipart;
  no_multipart.multipart = false;
  MemoryStore plain("p", no_multipart);
  EXPECT_EQ(plain.CreateMultipartUpload("k", {}).status().code(), Code::kNotSupported);
}

TEST(MemoryStoreTest, UserMetadataKeysComeBackLowerCase) {
  MemoryStore store("b");
  PutOptions options;
  options.metadata.user = {{"Mixed-Case", "v"}};
  ASSERT_TRUE(PutString(store, "k", "x", options).ok());
  auto head = store.Head("k");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata.user, (std::map<std::string, std::string>{{"mixed-case", "v"}}));
}

TEST(MemoryStoreTest, SetClockStampsObjectsAndUploads) {
  MemoryStore store("b");
  TimePoint t = TimePoint{} + std::chrono::hours(24 * 365 * 30);
  store.SetClock([t] { return t; });
  ASSERT_TRUE(PutString(store, "k", "x").ok());
  EXPECT_EQ(store.Head("k")->info.last_modified, t);
  auto id = store.CreateMultipartUpload("m", {});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(store.ListMultipartUploads("")->at(0).initiated, t);
}

}  // namespace
}  // namespace dth
