// Behaviour only a strict server shows: authentication errors, Content-MD5
// verification, signed payloads, presigned URLs (Ceph RGW).
#include <cstring>
#include <gtest/gtest.h>

#include "core/hash.h"
#include "integration/s3_servers.h"
#include "transfer/object_copy.h"

namespace dth {
namespace {

using testing::S3Server;

TEST(RgwTest, WrongSecretKeyIsAClearAuthenticationError) {
  auto good = testing::MakeBucketStore(S3Server::kRgw);
  if (!good) return;
  s3::S3Config config = good->client().config();
  config.credentials.secret_access_key = "definitely-not-the-secret";
  s3::S3Store bad(config, testing::SharedHttp(), testing::ServerFeatures(S3Server::kRgw));
  auto put = PutString(bad, "k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(put.status().server_code(), "SignatureDoesNotMatch");
  EXPECT_NE(put.status().message().find("check the secret access key"), std::string::npos);
  EXPECT_EQ(put.status().message().find("definitely-not-the-secret"), std::string::npos);
  EXPECT_EQ(put.status().message().find('\n'), std::string::npos);
}

TEST(RgwTest, UnknownAccessKeyIsAClearAuthenticationError) {
  auto good = testing::MakeBucketStore(S3Server::kRgw);
  if (!good) return;
  s3::S3Config config = good->client().config();
  config.credentials.access_key_id = "AKIANOSUCHKEY0000000";
  s3::S3Store bad(config, testing::SharedHttp(), testing::ServerFeatures(S3Server::kRgw));
  auto head = bad.Head("k");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().code(), Code::kPermissionDenied);
}

TEST(RgwTest, WrongContentMd5IsRefused) {
  auto store = testing::MakeBucketStore(S3Server::kRgw);
  if (!store) return;
  std::string body = "the real body";
  StringViewSource source(body);
  s3::S3Request r("PutObject", "PUT", "md5-test");
  r.headers.emplace_back("Content-MD5", Base64Encode(Md5("some other body")));
  r.body = &source;
  auto resp = store->client().Execute(r);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().server_code(), "BadDigest");
  EXPECT_EQ(resp.status().code(), Code::kCorruption);
  EXPECT_EQ(store->Head("md5-test").status().code(), Code::kNotFound);  // nothing half-written
}

// Yields `first` until its first rewind, then `second` (same size): the SHA-256 signed
// for the request is of `first`, the bytes sent are `second`.
class SwitchingSource : public ByteSource {
 public:
  SwitchingSource(std::string first, std::string second)
      : first_(std::move(first)), second_(std::move(second)) {}
  uint64_t size() const override { return first_.size(); }
  Result<size_t> Read(char* buf, size_t n) override {
    const std::string& data = rewinds_ >= 2 ? second_ : first_;
    size_t k = std::min(n, data.size() - pos_);
    std::memcpy(buf, data.data() + pos_, k);
    pos_ += k;
    return k;
  }
  Status Rewind() override {
    ++rewinds_;
    pos_ = 0;
    return Status::Ok();
  }

 private:
  std::string first_, second_;
  size_t pos_ = 0;
  int rewinds_ = 0;
};

TEST(RgwTest, Sha256BodyChecksumIsCheckedByTheServer) {
  auto store = testing::MakeBucketStore(S3Server::kRgw, [](s3::S3Config& c) {
    c.body_checksum = s3::BodyChecksum::kSha256;
    c.retry = RetryPolicy::None();
  });
  if (!store) return;
  ASSERT_TRUE(PutString(*store, "good", "payload protected by sha256").ok());
  EXPECT_EQ(*GetString(*store, "good"), "payload protected by sha256");
  // The bytes change after they were hashed: the server refuses them.
  SwitchingSource changing("the bytes that were hashed", "the bytes that were changed");
  auto put = store->Put("changed", changing, {});
  ASSERT_FALSE(put.ok()) << "the server stored bytes that do not match their SHA-256";
  EXPECT_EQ(put.status().server_code(), "XAmzContentSHA256Mismatch") << put.status().ToString();
  EXPECT_NE(put.status().message().find("SHA-256 mismatch"), std::string::npos);
  EXPECT_EQ(store->Head("changed").status().code(), Code::kNotFound);  // nothing half-written
}

TEST(RgwTest, SignedPayloadModeWorks) {
  auto store = testing::MakeBucketStore(S3Server::kRgw, [](s3::S3Config& c) {
    c.payload_signing = s3::PayloadSigning::kSigned;
  });
  if (!store) return;
  ASSERT_TRUE(PutString(*store, "signed", "payload with sha256").ok());
  EXPECT_EQ(*GetString(*store, "signed"), "payload with sha256");
}

TEST(RgwTest, PresignedGetWorksAndExpiresParamIsChecked) {
  auto store = testing::MakeBucketStore(S3Server::kRgw);
  if (!store) return;
  ASSERT_TRUE(PutString(*store, "dir/pre signed+key", "presigned body").ok());
  auto url = store->client().Presign("GET", "dir/pre signed+key", 300);
  ASSERT_TRUE(url.ok()) << url.status().message();
  HttpClient http;
  HttpRequest req;
  req.url = *url;
  auto resp = http.Send(req);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 200) << resp->body;
  EXPECT_EQ(resp->body, "presigned body");
  EXPECT_FALSE(store->client().Presign("GET", "x", 0).ok());
  EXPECT_FALSE(store->client().Presign("GET", "x", 604801).ok());
}

TEST(RgwTest, MissingBucketIsNotFound) {
  auto store = testing::MakeBucketStore(S3Server::kRgw);
  if (!store) return;
  s3::S3Config config = store->client().config();
  config.bucket = "no-such-bucket-here";
  s3::S3Store missing(config, testing::SharedHttp(), testing::ServerFeatures(S3Server::kRgw));
  auto list = ListAll(missing, {});
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), Code::kNotFound);
  EXPECT_NE(list.status().message().find("NoSuchBucket"), std::string::npos);
}

TEST(RgwTest, UploadPartCopyAssemblesAGiantObjectServerSide) {
  auto store = testing::MakeBucketStore(S3Server::kRgw);
  if (!store) return;
  std::string data(11 << 20, 'x');
  for (size_t i = 0; i < data.size(); i += 4096) data[i] = static_cast<char>(i / 4096);
  auto etag = PutString(*store, "src", data);
  ASSERT_TRUE(etag.ok());
  auto id = store->CreateMultipartUpload("dst", {});
  ASSERT_TRUE(id.ok());
  std::vector<PartInfo> parts;
  uint64_t part = 5 << 20;
  for (int n = 1; n <= 3; ++n) {
    uint64_t off = (n - 1) * part;
    uint64_t len = std::min<uint64_t>(part, data.size() - off);
    auto e = store->UploadPartCopy("dst", *id, n, CopySource{"", "src", *etag, ByteRange{off, len}});
    ASSERT_TRUE(e.ok()) << e.status().message();
    parts.push_back({n, *e, len});
  }
  ASSERT_TRUE(store->CompleteMultipartUpload("dst", *id, parts).ok());
  EXPECT_TRUE(*GetString(*store, "dst") == data);
  auto head = store->Head("dst");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->parts_count, 3);
}

TEST(RgwTest, CopyThroughTheClientCarriesTagsAndMetadata) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  if (!src || !dst) return;
  PutOptions put;
  put.metadata.content_type = "image/png";
  put.metadata.cache_control = "max-age=60";
  put.metadata.user["origin"] = "camera";
  put.tags = {{"team", "media"}};
  ASSERT_TRUE(PutString(*src, "pic.png", "png bytes", put).ok());
  CopyOptions options;
  options.copy_tags = true;
  auto r = CopyObject(*src, "pic.png", *dst, "copied/pic.png", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->server_side);
  auto head = dst->Head("copied/pic.png");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata.content_type, "image/png");
  EXPECT_EQ(head->metadata.cache_control, "max-age=60");
  EXPECT_EQ(head->metadata.user["origin"], "camera");
  auto tags = dst->GetTagging("copied/pic.png");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, (Tags{{"team", "media"}}));
}

// What the RGW target declares about copies and tags (tests/integration/s3_servers.cc)
// is what RGW does. When one of these fails, RGW changed: update its declaration.
TEST(RgwTest, CopyAndTagQuirksTheRgwTargetDeclares) {
  auto checked = testing::MakeBucketStore(S3Server::kRgw);
  if (!checked) return;
  const StoreFeatures declared = testing::ServerFeatures(S3Server::kRgw);
  EXPECT_FALSE(declared.copy_source_if_match);
  EXPECT_FALSE(declared.tags_on_create_multipart);
  EXPECT_TRUE(declared.copy_keeps_tags);
  EXPECT_FALSE(declared.copy_replace_keeps_tags);
  // A store that trusts the server with x-amz-copy-source-if-match: RGW copies anyway.
  StoreFeatures trusting = declared;
  trusting.copy_source_if_match = true;
  s3::S3Store raw(checked->client().config(), testing::SharedHttp(), trusting);
  const Tags tags = {{"team", "media"}};
  PutOptions put;
  put.tags = tags;
  auto etag = PutString(raw, "src", "version one", put);
  ASSERT_TRUE(etag.ok());
  ASSERT_TRUE(PutString(raw, "src", "version two", put).ok());
  auto stale = raw.Copy(CopySource{"", "src", *etag, std::nullopt}, "stale", {}, false);
  EXPECT_TRUE(stale.ok()) << "RGW now refuses a stale x-amz-copy-source-if-match on CopyObject";
  auto id = raw.CreateMultipartUpload("mp", put);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto part = raw.UploadPartCopy("mp", *id, 1, CopySource{"", "src", *etag, ByteRange{0, 7}});
  EXPECT_TRUE(part.ok()) << "RGW now refuses a stale x-amz-copy-source-if-match on UploadPartCopy";
  ASSERT_TRUE(part.ok());
  ASSERT_TRUE(raw.CompleteMultipartUpload("mp", *id, {{1, *part, 7}}).ok());
  auto mp_tags = raw.GetTagging("mp");
  ASSERT_TRUE(mp_tags.ok()) << mp_tags.status().ToString();
  EXPECT_TRUE(mp_tags->empty()) << "RGW now keeps x-amz-tagging on CreateMultipartUpload";
  ASSERT_TRUE(raw.Copy(CopySource{"", "src", "", std::nullopt}, "kept", {}, false).ok());
  auto kept = raw.GetTagging("kept");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(*kept, tags);
  ASSERT_TRUE(raw.Copy(CopySource{"", "src", "", std::nullopt}, "replaced", {}, true).ok());
  auto replaced = raw.GetTagging("replaced");
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_TRUE(replaced->empty()) << "RGW now keeps tags when replacing metadata";
  // The declared store checks what the server does not.
  auto refused = checked->Copy(CopySource{"", "src", *etag, std::nullopt}, "refused", {}, false);
  EXPECT_EQ(refused.status().code(), Code::kPreconditionFailed);
}

}  // namespace
}  // namespace dth
