// StoreConformance: what a copy promises whatever the server — CopySource::if_match
// holds on CopyObject and UploadPartCopy (the server honours it, or the store checks);
// tags arrive where Features() says a write keeps them; a store without tags refuses
// them instead of dropping them.
#include <algorithm>

#include "store/conformance/store_conformance.h"

namespace dth {
namespace {

Tags Sorted(Tags tags) {
  std::sort(tags.begin(), tags.end());
  return tags;
}

const Tags& SomeTags() {
  static const Tags tags = {{"team", "media"}, {"stage", "2"}};
  return tags;
}

}  // namespace

TEST_P(StoreConformance, CopySourceIfMatchHoldsOnEveryCopy) {
  if (!features().server_side_copy) GTEST_SKIP() << store().Describe() << " has no server-side copy";
  const std::string etag = MustPut("ifm/src", "version one");
  auto copied = store().Copy(Source("ifm/src", etag), "ifm/copy", {}, false);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(*GetString(store(), "ifm/copy"), "version one");

  const std::string now = MustPut("ifm/src", "version two");
  auto stale = store().Copy(Source("ifm/src", etag), "ifm/stale", {}, false);
  ASSERT_FALSE(stale.ok()) << "a copy pinned to a replaced version must fail";
  EXPECT_EQ(stale.status().code(), Code::kPreconditionFailed) << stale.status().ToString();
  auto head = store().Head("ifm/stale");
  ASSERT_FALSE(head.ok()) << "a refused copy must not create the destination";
  EXPECT_EQ(head.status().code(), Code::kNotFound);

  if (!features().multipart) return;
  auto id = store().CreateMultipartUpload("ifm/parts", {});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto stale_part = store().UploadPartCopy("ifm/parts", *id, 1, Source("ifm/src", etag, ByteRange{0, 7}));
  ASSERT_FALSE(stale_part.ok()) << "a part copy pinned to a replaced version must fail";
  EXPECT_EQ(stale_part.status().code(), Code::kPreconditionFailed)
      << stale_part.status().ToString();
  auto part = store().UploadPartCopy("ifm/parts", *id, 1, Source("ifm/src", now, ByteRange{0, 7}));
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  auto done = store().CompleteMultipartUpload("ifm/parts", *id, {{1, *part, 7}});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(*GetString(store(), "ifm/parts"), "version");
}

TEST_P(StoreConformance, TagsArriveWhereTheStoreSaysTheyDo) {
  if (!features().tagging) GTEST_SKIP() << store().Describe() << " has no object tags";
  PutOptions tagged;
  tagged.tags = SomeTags();
  if (features().multipart) {
    auto id = store().CreateMultipartUpload("tags/mp", tagged);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    StringViewSource body("one part");
    auto part = store().UploadPart("tags/mp", *id, 1, body);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    ASSERT_TRUE(store().CompleteMultipartUpload("tags/mp", *id, {{1, *part, 8}}).ok());
    // Where the store drops them (RGW, which then answers GetObjectTagging with an empty
    // body), the object has none until PutTagging, as a copy does next.
    auto tags = store().GetTagging("tags/mp");
    ASSERT_TRUE(tags.ok()) << tags.status().ToString();
    if (features().tags_on_create_multipart) {
      EXPECT_EQ(Sorted(*tags), Sorted(SomeTags())) << "declared tags_on_create_multipart";
    } else {
      ASSERT_TRUE(store().PutTagging("tags/mp", SomeTags()).ok());
      auto set = store().GetTagging("tags/mp");
      ASSERT_TRUE(set.ok()) << set.status().ToString();
      EXPECT_EQ(Sorted(*set), Sorted(SomeTags()));
    }
  }
  if (!features().server_side_copy) return;
  MustPut("tags/src", "tagged bytes", tagged);
  if (features().copy_keeps_tags) {
    ASSERT_TRUE(store().Copy(Source("tags/src"), "tags/copy", {}, false).ok());
    auto tags = store().GetTagging("tags/copy");
    ASSERT_TRUE(tags.ok()) << tags.status().ToString();
    EXPECT_EQ(Sorted(*tags), Sorted(SomeTags())) << "declared copy_keeps_tags";
  }
  if (features().copy_replace_keeps_tags) {
    PutOptions replacement;
    replacement.metadata.content_type = "text/plain";
    ASSERT_TRUE(store().Copy(Source("tags/src"), "tags/replaced", replacement, true).ok());
    auto tags = store().GetTagging("tags/replaced");
    ASSERT_TRUE(tags.ok()) << tags.status().ToString();
    EXPECT_EQ(Sorted(*tags), Sorted(SomeTags())) << "declared copy_replace_keeps_tags";
  }
}

TEST_P(StoreConformance, TagsAreRefusedWhereTheStoreKeepsNone) {
  if (features().tagging) GTEST_SKIP() << store().Describe() << " keeps object tags";
  PutOptions tagged;
  tagged.tags = SomeTags();
  auto put = PutString(store(), "notags/obj", "x", tagged);
  ASSERT_FALSE(put.ok()) << "tags the store cannot keep must be refused, not dropped";
  EXPECT_EQ(put.status().code(), Code::kNotSupported) << put.status().ToString();
  EXPECT_EQ(store().Head("notags/obj").status().code(), Code::kNotFound);

  MustPut("notags/obj", "x");
  EXPECT_EQ(store().GetTagging("notags/obj").status().code(), Code::kNotSupported);
  EXPECT_EQ(store().PutTagging("notags/obj", SomeTags()).code(), Code::kNotSupported);
  if (features().multipart) {
    auto id = store().CreateMultipartUpload("notags/mp", tagged);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), Code::kNotSupported) << id.status().ToString();
  }
  if (features().server_side_copy) {
    auto copy = store().Copy(Source("notags/obj"), "notags/copy", tagged, true);
    ASSERT_FALSE(copy.ok());
    EXPECT_EQ(copy.status().code(), Code::kNotSupported) << copy.status().ToString();
  }
}

}  // namespace dth
