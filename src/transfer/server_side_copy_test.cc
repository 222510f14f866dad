// Server-side copies through CopyObject: the requests they cost, and the version pinned.
#include <gtest/gtest.h>

#include "store/memory/memory_store.h"
#include "transfer/object_copy.h"

namespace dth {
namespace {

CopyOptions ServerSide() {
  CopyOptions options;
  options.server_side = true;
  return options;
}

TEST(ServerSideCopyTest, AListedSmallObjectIsOneCopyRequest) {
  MemoryStore store("s");
  PutOptions put;
  put.metadata.content_type = "text/csv";
  put.metadata.user["k"] = "v";
  put.tags = {{"team", "data"}};
  auto etag = PutString(store, "a", "a,b\n", put);
  ASSERT_TRUE(etag.ok());
  ObjectInfo listed{"a", 4, *etag, {}, {}, ""};
  auto r = CopyObject(store, "a", store, "b", ServerSide(), &listed);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->server_side);
  EXPECT_EQ(r->bytes, 4u);
  EXPECT_EQ(r->source_etag, *etag);
  EXPECT_EQ(store.Calls("Head"), 0) << "the listing has the size and the ETag";
  EXPECT_EQ(store.Calls("Copy"), 1);
  EXPECT_EQ(store.Calls("GetTagging"), 0);
  auto head = store.Head("b");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata, put.metadata);
  EXPECT_EQ(*store.GetTagging("b"), put.tags);
}

TEST(ServerSideCopyTest, WithoutAListingOneHeadPinsTheVersion) {
  MemoryStore store("s");
  ASSERT_TRUE(PutString(store, "a", "bytes").ok());
  auto r = CopyObject(store, "a", store, "b", ServerSide());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(store.Calls("Head"), 1);
  EXPECT_EQ(store.Calls("Copy"), 1);
  EXPECT_EQ(*GetString(store, "b"), "bytes");
}

TEST(ServerSideCopyTest, AStaleListingIsRefusedNotCopied) {
  MemoryStore store("s");
  auto old_etag = PutString(store, "a", "version 1");
  ASSERT_TRUE(old_etag.ok());
  ASSERT_TRUE(PutString(store, "a", "version 2").ok());
  ObjectInfo listed{"a", 9, *old_etag, {}, {}, ""};
  auto r = CopyObject(store, "a", store, "b", ServerSide(), &listed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPreconditionFailed) << r.status().ToString();
  EXPECT_EQ(store.Head("b").status().code(), Code::kNotFound);
}

TEST(ServerSideCopyTest, OverridesTravelWithoutReplacingTheMetadata) {
  MemoryStore store("s");
  PutOptions put;
  put.metadata.content_type = "image/png";
  auto etag = PutString(store, "a", "png", put);
  ASSERT_TRUE(etag.ok());
  CopyOptions options = ServerSide();
  options.storage_class = "STANDARD_IA";
  ObjectInfo listed{"a", 3, *etag, {}, {}, ""};
  ASSERT_TRUE(CopyObject(store, "a", store, "b", options, &listed).ok());
  auto head = store.Head("b");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata.content_type, "image/png");
  EXPECT_EQ(head->info.storage_class, "STANDARD_IA");
}

}  // namespace
}  // namespace dth
