// StoreConformance: what travels with an object — content headers, user metadata,
// tags — and server-side copy.
#include <algorithm>

#include "store/conformance/store_conformance.h"

namespace dth {
namespace {

Tags Sorted(Tags tags) {
  std::sort(tags.begin(), tags.end());
  return tags;
}

ObjectMetadata FullMetadata() {
  ObjectMetadata m;
  m.content_type = "text/plain; charset=utf-8";
  m.content_encoding = "gzip";
  m.content_language = "en-US";
  m.content_disposition = "attachment; filename=\"report.txt\"";
  m.cache_control = "max-age=3600, public";
  m.expires = "Thu, 01 Dec 2033 16:00:00 GMT";
  m.user = {{"color", "blue"}, {"owner-id", "42"}};
  return m;
}

}  // namespace

TEST_P(StoreConformance, MetadataRoundTrip) {
  if (!features().user_metadata) GTEST_SKIP() << store().Describe() << " keeps no metadata";
  PutOptions options;
  options.metadata = FullMetadata();
  MustPut("meta", "payload", options);
  auto head = store().Head("meta");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->metadata.content_type, options.metadata.content_type);
  EXPECT_EQ(head->metadata.content_encoding, options.metadata.content_encoding);
  EXPECT_EQ(head->metadata.content_language, options.metadata.content_language);
  EXPECT_EQ(head->metadata.content_disposition, options.metadata.content_disposition);
  EXPECT_EQ(head->metadata.cache_control, options.metadata.cache_control);
  EXPECT_EQ(head->metadata.expires, options.metadata.expires);
  EXPECT_EQ(head->metadata.user, options.metadata.user);

  StringSink sink;
  ObjectHead got_head;
  ASSERT_TRUE(store().Get("meta", {}, sink, &got_head).ok());
  EXPECT_EQ(got_head.metadata, options.metadata) << "Get must report the same metadata as Head";
}

TEST_P(StoreConformance, TagsViaPutOptions) {
  if (!features().tagging) GTEST_SKIP() << store().Describe() << " has no object tags";
  PutOptions options;
  options.tags = {{"project", "dth"}, {"env", "test value"}};
  MustPut("tagged", "x", options);
  auto tags = store().GetTagging("tagged");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(Sorted(*tags), Sorted(options.tags));
}

TEST_P(StoreConformance, TagsViaPutTagging) {
  if (!features().tagging) GTEST_SKIP() << store().Describe() << " has no object tags";
  MustPut("retag", "x");
  auto none = store().GetTagging("retag");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());

  Tags tags = {{"stage", "2"}, {"owner", "ops"}};
  ASSERT_TRUE(store().PutTagging("retag", tags).ok());
  auto got = store().GetTagging("retag");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Sorted(*got), Sorted(tags));

  Tags eleven;
  for (int i = 0; i < 11; ++i) eleven.emplace_back("t" + std::to_string(i), "v");
  Status too_many = store().PutTagging("retag", eleven);
  ASSERT_FALSE(too_many.ok()) << "more than 10 tags must be refused";
  EXPECT_FALSE(too_many.retryable()) << too_many.ToString();

  auto missing = store().GetTagging("no-such-key");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound) << missing.status().ToString();
}

TEST_P(StoreConformance, CopyPreservesBytesAndMetadata) {
  if (!features().server_side_copy) GTEST_SKIP() << store().Describe() << " has no server-side copy";
  const std::string data = TestData(3, 10000);
  PutOptions options;
  if (features().user_metadata) options.metadata = FullMetadata();
  MustPut("copy/src", data, options);

  auto etag = store().Copy(Source("copy/src"), "copy/dst", {}, false);
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  if (features().etag_is_md5) {
    EXPECT_EQ(*etag, Md5Hex(data));
  }
  auto got = GetString(store(), "copy/dst");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, data);
  auto head = store().Head("copy/dst");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->info.size, data.size());
  if (features().user_metadata) {
    EXPECT_EQ(head->metadata, options.metadata);
  }
}

TEST_P(StoreConformance, CopyReplacesMetadata) {
  if (!features().server_side_copy) GTEST_SKIP() << store().Describe() << " has no server-side copy";
  if (!features().user_metadata) GTEST_SKIP() << store().Describe() << " keeps no metadata";
  PutOptions original;
  original.metadata = FullMetadata();
  MustPut("copy/src", "bytes", original);

  PutOptions replacement;
  replacement.metadata.content_type = "application/json";
  replacement.metadata.user = {{"replaced", "yes"}};
  auto etag = store().Copy(Source("copy/src"), "copy/dst", replacement, true);
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  auto head = store().Head("copy/dst");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->metadata, replacement.metadata);
  auto got = GetString(store(), "copy/dst");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "bytes");
  auto src = store().Head("copy/src");
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ(src->metadata, original.metadata) << "the source must be left alone";
}

TEST_P(StoreConformance, CopyErrors) {
  if (!features().server_side_copy) GTEST_SKIP() << store().Describe() << " has no server-side copy";
  auto missing = store().Copy(Source("copy/none"), "copy/dst", {}, false);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound) << missing.status().ToString();

  MustPut("copy/src", "bytes");
  auto stale = store().Copy(
      Source("copy/src", "0123456789abcdef0123456789abcdef"),
      "copy/dst", {}, false);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), Code::kPreconditionFailed) << stale.status().ToString();
  auto head = store().Head("copy/dst");
  ASSERT_FALSE(head.ok()) << "a failed copy must not create the destination";
  EXPECT_EQ(head.status().code(), Code::kNotFound);
}

}  // namespace dth
