// S3Store's check of a PUT answer's ETag against the MD5 it sent, against the in-process
// fault server playing the S3 server: a plain ETag that differs from the MD5 means the
// server kept other bytes (fail, and remove what a streamed PUT stored), except where the
// object is encrypted with SSE-KMS or SSE-C (by the request or the bucket's default), whose
// ETag is not the MD5 of the bytes.
#include <gtest/gtest.h>

#include "core/hash.h"
#include "store/s3/s3_store.h"
#include "testing/fault_server.h"

namespace dth::s3 {
namespace {

using testing::FaultRule;
using testing::FaultServer;

const std::string kData = "the bytes of one small object";
const std::string kOtherEtag(32, 'e');

class S3StoreEtagTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = FaultServer::Start();
    ASSERT_TRUE(server.ok());
    server_ = std::move(*server);
  }
  std::unique_ptr<S3Store> Store(BodyChecksum checksum) {
    S3Config config;
    config.endpoint = server_->endpoint();
    config.bucket = "b";
    config.credentials.access_key_id = "AKIDEXAMPLE";
    config.credentials.secret_access_key = "secret";
    config.body_checksum = checksum;
    config.retry.max_attempts = 1;
    return std::make_unique<S3Store>(config, std::make_shared<HttpClient>());
  }
  // The PUT of "obj" is answered 200 with this ETag and these headers; a DELETE with 204.
  void AnswerPut(const std::string& etag, HttpHeaders extra = {}) {
    FaultRule put;
    put.method = "PUT";
    put.target_contains = "/b/obj";
    put.times = -1;
    put.action.status = 200;
    put.action.headers = std::move(extra);
    put.action.headers.emplace_back("ETag", "\"" + etag + "\"");
    server_->AddRule(put);
    FaultRule del;
    del.method = "DELETE";
    del.target_contains = "/b/obj";
    del.times = -1;
    del.action.status = 204;
    server_->AddRule(del);
  }
  int Deletes() const {
    int n = 0;
    for (const auto& r : server_->requests()) n += r.method == "DELETE";
    return n;
  }
  std::unique_ptr<FaultServer> server_;
};

// A streamed PUT whose Content-MD5 is the source's ETag (read once, UNSIGNED-PAYLOAD).
Result<std::string> PutKnownMd5(S3Store& store, PutOptions options = {}) {
  StringViewSource body(kData);
  options.content_md5 = HexEncode(Md5(kData));
  return store.Put("obj", body, options);
}

TEST_F(S3StoreEtagTest, AnotherPlainEtagFailsAndTheStreamedObjectIsRemoved) {
  AnswerPut(kOtherEtag);
  auto store = Store(BodyChecksum::kSha256);
  auto etag = PutKnownMd5(*store);
  ASSERT_FALSE(etag.ok());
  EXPECT_EQ(etag.status().code(), Code::kCorruption) << etag.status().message();
  EXPECT_NE(etag.status().message().find("does not match the MD5 sent"), std::string::npos);
  EXPECT_EQ(Deletes(), 1);
}

TEST_F(S3StoreEtagTest, AnotherPlainEtagFailsABufferedPutToo) {
  AnswerPut(kOtherEtag);
  auto store = Store(BodyChecksum::kMd5);
  auto etag = PutString(*store, "obj", kData);
  ASSERT_FALSE(etag.ok());
  EXPECT_EQ(etag.status().code(), Code::kCorruption) << etag.status().message();
}

TEST_F(S3StoreEtagTest, TheMatchingEtagIsTheAnswer) {
  AnswerPut(HexEncode(Md5(kData)));
  auto store = Store(BodyChecksum::kSha256);
  auto etag = PutKnownMd5(*store);
  ASSERT_TRUE(etag.ok()) << etag.status().message();
  EXPECT_EQ(*etag, HexEncode(Md5(kData)));
  EXPECT_EQ(Deletes(), 0);
}

// A bucket whose default encryption is SSE-KMS answers a plain PUT with an ETag that is
// not the MD5 of the bytes, and says so in x-amz-server-side-encryption.
TEST_F(S3StoreEtagTest, AnSseKmsAnswerByTheBucketsDefaultIsNotCompared) {
  AnswerPut(kOtherEtag, {{"x-amz-server-side-encryption", "aws:kms"}});
  auto streamed = Store(BodyChecksum::kSha256);
  auto etag = PutKnownMd5(*streamed);
  ASSERT_TRUE(etag.ok()) << etag.status().message();
  EXPECT_EQ(*etag, kOtherEtag);
  auto buffered = Store(BodyChecksum::kMd5);
  auto again = PutString(*buffered, "obj", kData);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(Deletes(), 0);
}

TEST_F(S3StoreEtagTest, AnSseCAnswerIsNotCompared) {
  AnswerPut(kOtherEtag, {{"x-amz-server-side-encryption-customer-algorithm", "AES256"}});
  auto store = Store(BodyChecksum::kSha256);
  auto etag = PutKnownMd5(*store);
  ASSERT_TRUE(etag.ok()) << etag.status().message();
  EXPECT_EQ(Deletes(), 0);
}

TEST_F(S3StoreEtagTest, AnSseKmsRequestIsNotCompared) {
  AnswerPut(kOtherEtag);  // the server does not echo the header
  auto store = Store(BodyChecksum::kSha256);
  PutOptions options;
  options.sse = ServerSideEncryption::kKms;
  auto etag = PutKnownMd5(*store, options);
  ASSERT_TRUE(etag.ok()) << etag.status().message();
  EXPECT_EQ(Deletes(), 0);
}

// SSE-S3 (AES256) keeps the ETag the MD5 of the bytes: still compared.
TEST_F(S3StoreEtagTest, AnSseS3AnswerIsStillCompared) {
  AnswerPut(kOtherEtag, {{"x-amz-server-side-encryption", "AES256"}});
  auto store = Store(BodyChecksum::kSha256);
  auto etag = PutKnownMd5(*store);
  ASSERT_FALSE(etag.ok());
  EXPECT_EQ(etag.status().code(), Code::kCorruption);
  EXPECT_EQ(Deletes(), 1);
}

}  // namespace
}  // namespace dth::s3
