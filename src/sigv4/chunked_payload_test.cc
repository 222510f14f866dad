#include "sigv4/chunked_payload.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace dth {
namespace {

using std::chrono::sys_days;

// The worked example of the S3 API reference, "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks": 66560 bytes of 'a'
// in 64 KiB chunks, PUT to examplebucket/chunkObject.txt on 2013-05-24.
constexpr char kSeed[] = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr char kChunk1[] = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr char kChunk2[] = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr char kFinal[] = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

SigningKeys DocKeys() {
  return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
}

SignerOptions DocOptions() {
  SignerOptions options;
  options.region = "us-east-1";
  return options;
}

SignedHeaders DocSeed() {
  SignableRequest r;
  r.method = "PUT";
  r.host = "s3.amazonaws.com";
  r.path = "/examplebucket/chunkObject.txt";
  r.headers = {{"Content-Encoding", "aws-chunked"},
               {"Content-Length", "66824"},
               {"x-amz-decoded-content-length", "66560"},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  r.payload_hash = kStreamingPayload;
  return SignRequest(r, DocKeys(), DocOptions(), sys_days{std::chrono::year{2013} / 5 / 24});
}

std::string DocBody() {
  return "10000;chunk-signature=" + std::string(kChunk1) + "\r\n" + std::string(65536, 'a') +
         "\r\n400;chunk-signature=" + kChunk2 + "\r\n" + std::string(1024, 'a') +
         "\r\n0;chunk-signature=" + kFinal + "\r\n\r\n";
}

std::string ReadAll(ByteSource& source, size_t step) {
  std::string out, buf(step, '\0');
  for (;;) {
    auto got = source.Read(buf.data(), step);
    EXPECT_TRUE(got.ok()) << got.status().message();
    if (!got.ok() || *got == 0) return out;
    out.append(buf.data(), *got);
  }
}

// A source whose size() promises more (or fewer) bytes than it holds.
class LyingSource : public ByteSource {
 public:
  LyingSource(std::string data, uint64_t claimed) : data_(std::move(data)), claimed_(claimed) {}
  uint64_t size() const override { return claimed_; }
  Result<size_t> Read(char* buf, size_t n) override {
    size_t take = std::min(n, data_.size() - pos_);
    std::copy_n(data_.data() + pos_, take, buf);
    pos_ += take;
    return take;
  }
  Status Rewind() override { pos_ = 0; return Status::Ok(); }

 private:
  std::string data_;
  uint64_t claimed_;
  size_t pos_ = 0;
};

TEST(ChunkedPayloadTest, SeedSignatureMatchesTheDocumentedExample) {
  SignedHeaders seed = DocSeed();
  EXPECT_EQ(seed.signature, kSeed);
  EXPECT_EQ(seed.amz_date, "20130524T000000Z");
  EXPECT_EQ(seed.scope, "20130524/us-east-1/s3/aws4_request");
}

TEST(ChunkedPayloadTest, ChunkSignaturesChainAsDocumented) {
  ChunkSigner signer(DocKeys(), DocOptions(), DocSeed());
  EXPECT_EQ(signer.Sign(std::string(65536, 'a')), kChunk1);
  EXPECT_EQ(signer.Sign(std::string(1024, 'a')), kChunk2);
  EXPECT_EQ(signer.Sign(""), kFinal);
  signer.Reset();
  EXPECT_EQ(signer.Sign(std::string(65536, 'a')), kChunk1);
}

TEST(ChunkedPayloadTest, BodyIsTheDocumentedBodyWhateverTheReadSize) {
  const std::string payload(66560, 'a');
  for (size_t step : {size_t{1} << 20, size_t{16384}, size_t{7}}) {
    StringViewSource inner(payload);
    AwsChunkedSource body(inner, ChunkSigner(DocKeys(), DocOptions(), DocSeed()), 65536);
    EXPECT_EQ(body.size(), 66824u);  // the example's Content-Length
    EXPECT_EQ(ReadAll(body, step), DocBody()) << "read size " << step;
  }
}

TEST(ChunkedPayloadTest, RewindSendsTheSameBodyAgain) {
  const std::string payload(66560, 'a');
  StringViewSource inner(payload);
  AwsChunkedSource body(inner, ChunkSigner(DocKeys(), DocOptions(), DocSeed()), 65536);
  std::string first = ReadAll(body, 5000);
  ASSERT_TRUE(body.Rewind().ok());
  EXPECT_EQ(ReadAll(body, 5000), first);
}

TEST(ChunkedPayloadTest, LengthCountsEveryFrame) {
  // Only the final frame: "0;chunk-signature=<64 hex>\r\n\r\n".
  EXPECT_EQ(AwsChunkedLength(0, 65536), 86u);
  EXPECT_EQ(AwsChunkedLength(65536, 65536), 65536u + 5 + 17 + 64 + 4 + 86);
  const std::string payload(300000, 'x');
  StringViewSource inner(payload);
  AwsChunkedSource body(inner, ChunkSigner(DocKeys(), DocOptions(), DocSeed()));
  EXPECT_EQ(ReadAll(body, 1 << 16).size(), body.size());
}

TEST(ChunkedPayloadTest, ShortPayloadFailsInsteadOfEndingTheBody) {
  LyingSource inner(std::string(1000, 'a'), 2000);
  AwsChunkedSource body(inner, ChunkSigner(DocKeys(), DocOptions(), DocSeed()), 65536);
  std::string buf(4096, '\0');
  Status st;
  for (int i = 0; i < 10 && st.ok(); ++i) {
    auto got = body.Read(buf.data(), buf.size());
    if (!got.ok()) st = got.status();
    else if (*got == 0) break;
  }
  EXPECT_EQ(st.code(), Code::kCorruption) << st.message();
}

TEST(ChunkedPayloadTest, LongPayloadFails) {
  LyingSource inner(std::string(3000, 'a'), 2000);
  AwsChunkedSource body(inner, ChunkSigner(DocKeys(), DocOptions(), DocSeed()), 65536);
  std::string buf(4096, '\0');
  auto got = body.Read(buf.data(), buf.size());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace dth
