// StoreConformance: multipart uploads — upload, list, complete, abort, bad completes,
// UploadPartCopy. Parts are max(min_part_size, 5 MiB), as real servers require.
#include <algorithm>

#include "store/conformance/store_conformance.h"

namespace dth {
namespace {

bool HasUpload(const std::vector<MultipartUploadInfo>& uploads, const std::string& id) {
  return std::any_of(uploads.begin(), uploads.end(),
                     [&](const MultipartUploadInfo& u) { return u.upload_id == id; });
}

// Uploads data as parts of part_size (the last one shorter); fails the test on error.
std::vector<PartInfo> UploadAll(ObjectStore& store, const std::string& key, const std::string& id,
                                const std::string& data, uint64_t part_size) {
  std::vector<PartInfo> parts;
  for (uint64_t offset = 0; offset < data.size(); offset += part_size) {
    std::string_view chunk = std::string_view(data).substr(offset, part_size);
    StringViewSource source(chunk);
    int number = static_cast<int>(parts.size()) + 1;
    auto etag = store.UploadPart(key, id, number, source);
    EXPECT_TRUE(etag.ok()) << "UploadPart " << number << ": " << etag.status().ToString();
    if (!etag.ok()) return {};
    parts.push_back({number, *etag, chunk.size()});
  }
  return parts;
}

// Compares big bodies without printing megabytes on failure.
::testing::AssertionResult SameBytes(const std::string& got, const std::string& want) {
  if (got == want) return ::testing::AssertionSuccess();
  auto diff = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  return ::testing::AssertionFailure() << "got " << got.size() << " bytes, want " << want.size()
                                       << "; first difference at byte "
                                       << (diff.first - got.begin());
}

}  // namespace

TEST_P(StoreConformance, MultipartUploadAndComplete) {
  if (!features().multipart) GTEST_SKIP() << store().Describe() << " has no multipart upload";
  const uint64_t part_size = PartSize();
  const std::string data = TestData(11, 3 * part_size + 1234);
  auto id = store().CreateMultipartUpload("mp/object", {});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::vector<PartInfo> parts = UploadAll(store(), "mp/object", *id, data, part_size);
  ASSERT_EQ(parts.size(), 4u);
  if (features().etag_is_md5) {
    EXPECT_EQ(parts[0].etag, Md5Hex(data.substr(0, part_size)));
    EXPECT_EQ(parts[3].etag, Md5Hex(data.substr(3 * part_size)));
  }

  if (features().list_multipart_uploads) {
    auto listed = store().ListParts("mp/object", *id);
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    ASSERT_EQ(listed->size(), parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
      EXPECT_EQ((*listed)[i].part_number, parts[i].part_number);
      EXPECT_EQ((*listed)[i].size, parts[i].size) << "part " << parts[i].part_number;
      EXPECT_EQ((*listed)[i].etag, parts[i].etag) << "part " << parts[i].part_number;
    }
    auto uploads = store().ListMultipartUploads("mp/");
    ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
    EXPECT_TRUE(HasUpload(*uploads, *id));
  }

  auto etag = store().CompleteMultipartUpload("mp/object", *id, parts);
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  if (features().multipart_etag_has_part_count) {
    EXPECT_TRUE(etag->ends_with("-4")) << "multipart ETag " << *etag;
  }
  auto head = store().Head("mp/object");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->info.size, data.size());
  if (!etag->empty()) {
    EXPECT_EQ(head->info.etag, *etag);
  }
  auto got = GetString(store(), "mp/object");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(SameBytes(*got, data));

  if (features().list_multipart_uploads) {
    auto uploads = store().ListMultipartUploads("mp/");
    ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
    EXPECT_FALSE(HasUpload(*uploads, *id)) << "a completed upload must not stay listed";
  }
}

TEST_P(StoreConformance, MultipartAbort) {
  if (!features().multipart) GTEST_SKIP() << store().Describe() << " has no multipart upload";
  if (!features().list_multipart_uploads) {
    GTEST_SKIP() << store().Describe() << " cannot list or abort multipart uploads";
  }
  auto id = store().CreateMultipartUpload("mp/aborted", {});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  UploadAll(store(), "mp/aborted", *id, TestData(12, 1000), PartSize());
  auto before = store().ListMultipartUploads("mp/");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_TRUE(HasUpload(*before, *id));

  Status aborted = store().AbortMultipartUpload("mp/aborted", *id);
  ASSERT_TRUE(aborted.ok()) << aborted.ToString();
  auto after = store().ListMultipartUploads("mp/");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_FALSE(HasUpload(*after, *id)) << "an aborted upload must not stay listed";

  StringViewSource late("late");
  EXPECT_FALSE(store().UploadPart("mp/aborted", *id, 2, late).ok());
  auto head = store().Head("mp/aborted");
  ASSERT_FALSE(head.ok()) << "an aborted upload must not create the object";
  EXPECT_EQ(head.status().code(), Code::kNotFound);
}

TEST_P(StoreConformance, MultipartCompleteWithBadPartsFails) {
  if (!features().multipart) GTEST_SKIP() << store().Describe() << " has no multipart upload";
  if (!features().list_multipart_uploads) {
    GTEST_SKIP() << store().Describe()
                 << " does not track parts (no ListParts): Complete cannot check them";
  }
  const uint64_t part_size = PartSize();
  const std::string data = TestData(13, part_size + 100);
  auto id = store().CreateMultipartUpload("mp/bad", {});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::vector<PartInfo> parts = UploadAll(store(), "mp/bad", *id, data, part_size);
  ASSERT_EQ(parts.size(), 2u);

  std::vector<PartInfo> wrong_etag = parts;
  wrong_etag[1].etag = "0123456789abcdef0123456789abcdef";
  auto bad = store().CompleteMultipartUpload("mp/bad", *id, wrong_etag);
  ASSERT_FALSE(bad.ok()) << "Complete with a wrong part ETag must fail";
  EXPECT_FALSE(bad.status().retryable()) << bad.status().ToString();

  std::vector<PartInfo> missing_part = parts;
  missing_part.push_back({3, "0123456789abcdef0123456789abcdef", 1});
  auto missing = store().CompleteMultipartUpload("mp/bad", *id, missing_part);
  ASSERT_FALSE(missing.ok()) << "Complete listing a part never uploaded must fail";
  EXPECT_FALSE(missing.status().retryable()) << missing.status().ToString();

  // The failed attempts leave the upload intact: completing correctly still works.
  auto good = store().CompleteMultipartUpload("mp/bad", *id, parts);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  auto got = GetString(store(), "mp/bad");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(SameBytes(*got, data));
}

TEST_P(StoreConformance, MultipartUploadPartCopy) {
  if (!features().multipart) GTEST_SKIP() << store().Describe() << " has no multipart upload";
  if (!features().server_side_copy) GTEST_SKIP() << store().Describe() << " has no server-side copy";
  const uint64_t part_size = PartSize();
  const std::string data = TestData(14, part_size + 1000);
  MustPut("mp/copy-src", data);
  auto id = store().CreateMultipartUpload("mp/copied", {});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::vector<PartInfo> parts;
  const ByteRange ranges[] = {{0, part_size}, {part_size, 1000}};
  for (const ByteRange& range : ranges) {
    int number = static_cast<int>(parts.size()) + 1;
    CopySource source = Source("mp/copy-src", "", range);
    auto etag = store().UploadPartCopy("mp/copied", *id, number, source);
    ASSERT_TRUE(etag.ok()) << "UploadPartCopy " << number << ": " << etag.status().ToString();
    parts.push_back({number, *etag, *range.length});
  }
  auto done = store().CompleteMultipartUpload("mp/copied", *id, parts);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto got = GetString(store(), "mp/copied");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(SameBytes(*got, data));
}

}  // namespace dth
