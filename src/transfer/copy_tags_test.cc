#include "transfer/copy_tags.h"

#include <gtest/gtest.h>

#include "store/memory/memory_store.h"
#include "transfer/object_copy.h"

namespace dth {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

// A store that loses tags where Ceph RGW does, and says so in its features: on
// CreateMultipartUpload, and on a CopyObject that replaces the metadata.
class DroppingStore : public MemoryStore {
 public:
  static StoreFeatures Declared() {
    StoreFeatures f = MemoryStore::DefaultFeatures();
    f.streaming_put = false;  // Put below the threshold, multipart above
    f.tags_on_create_multipart = false;
    f.copy_keeps_tags = true;
    f.copy_replace_keeps_tags = false;
    return f;
  }
  explicit DroppingStore(std::string name) : MemoryStore(std::move(name), Declared()) {}
  Result<std::string> CreateMultipartUpload(const std::string& key,
                                            const PutOptions& options) override {
    PutOptions dropped = options;
    dropped.tags.clear();
    return MemoryStore::CreateMultipartUpload(key, dropped);
  }
  Result<std::string> Copy(const CopySource& source, const std::string& key,
                           const PutOptions& options, bool replace_metadata) override {
    DTH_ASSIGN_OR_RETURN(std::string etag, MemoryStore::Copy(source, key, options, replace_metadata));
    if (replace_metadata) DTH_RETURN_IF_ERROR(MemoryStore::PutTagging(key, {}));
    return etag;
  }
};

const Tags kTags = {{"team", "media"}};

std::string Data(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 7 + i / 1000);
  return s;
}

CopyOptions SmallParts() {
  CopyOptions options;
  options.multipart_threshold = 8 * kMiB;
  options.part_size = 5 * kMiB;
  return options;
}

Tags TagsOf(ObjectStore& store, const std::string& key) {
  auto tags = store.GetTagging(key);
  EXPECT_TRUE(tags.ok()) << tags.status().ToString();
  return tags.ok() ? *tags : Tags{};
}

TEST(CopyTagsTest, AClientMultipartCopyGetsItsTagsWhereCreateDropsThem) {
  MemoryStore src("src");
  DroppingStore dst("dst");
  PutOptions put;
  put.tags = kTags;
  ASSERT_TRUE(PutString(src, "big", Data(11 * kMiB), put).ok());
  CopyOptions options = SmallParts();
  options.copy_tags = true;
  auto r = CopyObject(src, "big", dst, "big", options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->multipart);
  EXPECT_EQ(TagsOf(dst, "big"), kTags);
  EXPECT_EQ(dst.Calls("PutTagging"), 1);
}

TEST(CopyTagsTest, NoTagRequestWhereTheDestinationKeepsThem) {
  MemoryStore src("src");
  StoreFeatures f = MemoryStore::DefaultFeatures();
  f.streaming_put = false;
  MemoryStore dst("dst", f);
  PutOptions put;
  put.tags = kTags;
  ASSERT_TRUE(PutString(src, "big", Data(11 * kMiB), put).ok());
  CopyOptions options = SmallParts();
  options.copy_tags = true;
  ASSERT_TRUE(CopyObject(src, "big", dst, "big", options).ok());
  EXPECT_EQ(TagsOf(dst, "big"), kTags);
  EXPECT_EQ(dst.Calls("PutTagging"), 0);
}

TEST(CopyTagsTest, ServerSideCopiesKeepTagsOnEveryPath) {
  DroppingStore store("s");
  PutOptions put;
  put.tags = kTags;
  put.metadata.content_type = "image/png";
  ASSERT_TRUE(PutString(store, "small", "png", put).ok());
  ASSERT_TRUE(PutString(store, "big", Data(11 * kMiB), put).ok());
  CopyOptions options = SmallParts();
  options.server_side = true;  // without --copy-tags: S3 keeps tags on a copy
  ASSERT_TRUE(CopyObject(store, "small", store, "copy/small", options).ok());
  auto big = CopyObject(store, "big", store, "copy/big", options);
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_TRUE(big->multipart);
  options.copy_metadata = false;  // --no-metadata: a copy replacing the metadata
  ASSERT_TRUE(CopyObject(store, "small", store, "bare/small", options).ok());
  for (const char* key : {"copy/small", "copy/big", "bare/small"}) {
    EXPECT_EQ(TagsOf(store, key), kTags) << key;
  }
  auto bare = store.Head("bare/small");
  ASSERT_TRUE(bare.ok());
  EXPECT_NE(bare->metadata.content_type, "image/png");
  auto kept = store.Head("copy/small");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->metadata.content_type, "image/png");
}

TEST(CopyTagsTest, CopyTagsWhereTagsCannotBeKeptFailsBeforeAnyRequest) {
  StoreFeatures no_tags = MemoryStore::DefaultFeatures();
  no_tags.tagging = false;
  MemoryStore src("src"), dst("dst", no_tags), untagged_src("untagged", no_tags);
  ASSERT_TRUE(PutString(src, "k", "v").ok());
  ASSERT_TRUE(PutString(untagged_src, "k", "v").ok());
  CopyOptions options;
  options.copy_tags = true;
  ObjectInfo listed{"k", 1, "", {}, {}, ""};
  for (auto [from, to] : {std::pair<MemoryStore*, MemoryStore*>{&src, &dst}, {&untagged_src, &src}}) {
    const int puts = to->Calls("Put");
    auto r = CopyObject(*from, "k", *to, "k2", options, &listed);
    ASSERT_FALSE(r.ok()) << from->Describe() << " -> " << to->Describe();
    EXPECT_EQ(r.status().code(), Code::kNotSupported);
    EXPECT_NE(r.status().message().find("--copy-tags"), std::string::npos) << r.status().message();
    EXPECT_EQ(from->Calls("Get") + from->Calls("Head") + to->Calls("Put") - puts, 0);
  }
  options.copy_tags = false;  // not asked: the object copies, without tags
  EXPECT_TRUE(CopyObject(src, "k", dst, "k2", options).ok());
}

TEST(CopyTagsTest, TagsThatCannotBeSetAfterTheWriteFailTheCopy) {
  MemoryStore src("src");
  DroppingStore dst("dst");
  PutOptions put;
  put.tags = kTags;
  ASSERT_TRUE(PutString(src, "big", Data(11 * kMiB), put).ok());
  dst.FailNext("PutTagging", Status(Code::kPermissionDenied, "AccessDenied: injected"));
  CopyOptions options = SmallParts();
  options.copy_tags = true;
  auto r = CopyObject(src, "big", dst, "big", options);
  ASSERT_FALSE(r.ok()) << "a copy that lost its tags is not a success";
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  EXPECT_NE(r.status().message().find("tags could not be set"), std::string::npos)
      << r.status().message();
}

TEST(CopyTagsTest, CarryTagsAfterMultipartReadsTheSourceOnlyWhereNeeded) {
  MemoryStore src("src"), keeps("keeps");
  DroppingStore drops("drops");
  PutOptions put;
  put.tags = kTags;
  ASSERT_TRUE(PutString(src, "k", "v").ok());
  ASSERT_TRUE(src.PutTagging("k", kTags).ok());
  ASSERT_TRUE(PutString(keeps, "k", "v").ok());
  ASSERT_TRUE(PutString(drops, "k", "v").ok());
  CopyOptions options;
  options.copy_tags = true;
  ASSERT_TRUE(CarryTagsAfterMultipart(src, "k", keeps, "k", options).ok());
  EXPECT_EQ(src.Calls("GetTagging"), 0);
  ASSERT_TRUE(CarryTagsAfterMultipart(src, "k", drops, "k", options).ok());
  EXPECT_EQ(src.Calls("GetTagging"), 1);
  EXPECT_EQ(TagsOf(drops, "k"), kTags);
  options.copy_tags = false;  // a client copy not asked for tags reads none
  ASSERT_TRUE(CarryTagsAfterMultipart(src, "k", drops, "k", options).ok());
  EXPECT_EQ(src.Calls("GetTagging"), 1);
}

}  // namespace
}  // namespace dth
