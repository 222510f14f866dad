// Parts streamed from a download straight into UploadPart, chunk-signed
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), on the real servers: the bytes arrive whole,
// the requests really are chunk-signed, and a server that refuses them gets the parts
// signed from memory instead, for the rest of the store's life.
#include <gtest/gtest.h>

#include <thread>

#include "core/hash.h"
#include "core/retry.h"
#include "integration/s3_servers.h"
#include "sigv4/chunked_payload.h"
#include "store/memory/memory_store.h"
#include "testing/fault_server.h"
#include "transfer/byte_pipe.h"
#include "transfer/object_copy.h"

namespace dth {
namespace {

using testing::FaultAction;
using testing::FaultRule;
using testing::FaultServer;
using testing::S3Server;

constexpr uint64_t kMiB = 1ull << 20;

std::string Data(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 167) ^ (i >> 9));
  return s;
}

// A SHA-256 store on a new bucket of `server`, reached through a recording proxy.
struct ProxiedStore {
  std::unique_ptr<FaultServer> proxy;
  std::unique_ptr<s3::S3Store> store;
};

ProxiedStore MakeProxiedStore(S3Server server) {
  ProxiedStore out;
  testing::ServerEnv env;
  if (!testing::RequireServer(server, &env)) return out;
  auto proxy = FaultServer::Start(env.endpoint);
  EXPECT_TRUE(proxy.ok()) << proxy.status().message();
  if (!proxy.ok()) return out;
  out.proxy = std::move(proxy).value();
  s3::S3Config config = testing::ServerConfig(server, testing::UniqueBucketName("stream"));
  config.endpoint = out.proxy->endpoint();
  config.body_checksum = s3::BodyChecksum::kSha256;
  out.store = std::make_unique<s3::S3Store>(config, testing::SharedHttp(),
                                            testing::ServerFeatures(server));
  Status made = out.store->CreateBucket();
  EXPECT_TRUE(made.ok()) << made.message();
  return out;
}

// The x-amz-content-sha256 of each UploadPart, in the order sent.
std::vector<std::string> PartPayloadHashes(const FaultServer& proxy) {
  std::vector<std::string> out;
  for (const auto& r : proxy.requests()) {
    if (r.method != "PUT" || r.target.find("partNumber=") == std::string::npos) continue;
    const std::string* hash = FindHeader(r.headers, "x-amz-content-sha256");
    out.push_back(hash ? *hash : "<none>");
  }
  return out;
}

// A 12 MiB object goes in three parts (5 + 5 + 2 MiB), `concurrency` at a time.
CopyOptions ThreeParts(int concurrency = 2) {
  CopyOptions options;
  options.multipart_threshold = 8 * kMiB;
  options.part_size = 5 * kMiB;
  options.part_concurrency = concurrency;
  return options;
}

class StreamedPartTest : public ::testing::TestWithParam<S3Server> {};

TEST_P(StreamedPartTest, PartsStreamedFromADownloadArriveWhole) {
  ProxiedStore dst = MakeProxiedStore(GetParam());
  if (!dst.store) return;
  ASSERT_TRUE(dst.store->StreamsParts());
  MemoryStore src("src");
  const std::string data = Data(12 * kMiB + 4321);  // 5 + 5 + 2 MiB and a bit
  ASSERT_TRUE(PutString(src, "big", data).ok());

  auto r = CopyObject(src, "big", *dst.store, "copied/big", ThreeParts());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->multipart);
  EXPECT_EQ(r->parts_sent, 3);
  auto got = GetString(*dst.store, "copied/big");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data) << "got " << got->size() << " bytes";
  auto head = dst.store->Head("copied/big");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->metadata.content_encoding, "") << "the parts' aws-chunked must not stick";
  if (GetParam() == S3Server::kRgw) {  // s3rver's multipart ETag is not S3's
    std::vector<PartInfo> parts;
    for (int n = 0; n < 3; ++n) {
      std::string_view part = std::string_view(data).substr(n * 5 * kMiB, 5 * kMiB);
      parts.push_back({n + 1, HexEncode(Md5(part)), part.size()});
    }
    EXPECT_EQ(r->destination_etag, s3::ExpectedMultipartEtag(parts));
  }
  EXPECT_EQ(PartPayloadHashes(*dst.proxy),
            std::vector<std::string>(3, std::string(kStreamingPayload)));
  for (const auto& req : dst.proxy->requests()) {
    if (req.target.find("partNumber=") == std::string::npos) continue;
    const std::string* decoded = FindHeader(req.headers, "x-amz-decoded-content-length");
    ASSERT_NE(decoded, nullptr);
    EXPECT_EQ(req.body_size, AwsChunkedLength(std::stoull(*decoded)));
  }
}

// Only parts go chunk-signed: a PutObject sent that way keeps "aws-chunked" as the
// object's Content-Encoding on both servers (AWS drops it), so S3Store refuses a body it
// could read only once before sending anything.
TEST_P(StreamedPartTest, AStreamedPutIsRefusedBeforeAnyByteIsSent) {
  ProxiedStore dst = MakeProxiedStore(GetParam());
  if (!dst.store) return;
  const std::string data = Data(3 * kMiB + 5);
  BytePipe pipe(256 * 1024);
  std::thread writer([&] {
    for (size_t at = 0; at < data.size(); at += 100000) {
      if (!pipe.Write(std::string_view(data).substr(at, 100000)).ok()) break;
    }
    pipe.CloseWrite(Status::Ok());
  });
  PipeSource body(pipe, data.size());
  const size_t requests_before = dst.proxy->requests().size();
  auto etag = dst.store->Put("streamed.bin", body, PutOptions{});
  pipe.CloseRead();
  writer.join();
  ASSERT_FALSE(etag.ok());
  EXPECT_EQ(etag.status().code(), Code::kNotSupported) << etag.status().message();
  EXPECT_EQ(dst.proxy->requests().size(), requests_before);
  EXPECT_EQ(dst.store->Head("streamed.bin").status().code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Servers, StreamedPartTest,
                         ::testing::Values(S3Server::kRgw, S3Server::kS3rver),
                         [](const auto& param_info) {
                           return std::string(param_info.param == S3Server::kRgw ? "rgw" : "s3rver");
                         });

TEST(StreamedPartRefusedTest, AServerThatRefusesChunkedUploadsGetsSignedPartsFromMemory) {
  ProxiedStore dst = MakeProxiedStore(S3Server::kRgw);
  if (!dst.store) return;
  FaultAction refuse;
  refuse.status = 501;
  refuse.headers = {{"Content-Type", "application/xml"}};
  refuse.body = "<?xml version=\"1.0\"?><Error><Code>NotImplemented</Code>"
                "<Message>A header you provided implies functionality that is not "
                "implemented</Message></Error>";
  dst.proxy->AddRule(FaultRule{"PUT", "partNumber=1&", 1, refuse});
  MemoryStore src("src");
  const std::string data = Data(12 * kMiB);
  ASSERT_TRUE(PutString(src, "big", data).ok());
  CopyOptions options = ThreeParts(/*concurrency=*/1);

  auto r = CopyObject(src, "big", *dst.store, "big", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(dst.store->StreamsParts());
  auto got = GetString(*dst.store, "big");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  // Part 1 chunk-signed and refused, then every part with its SHA-256 from memory.
  std::vector<std::string> hashes = PartPayloadHashes(*dst.proxy);
  ASSERT_EQ(hashes.size(), 4u);
  EXPECT_EQ(hashes[0], kStreamingPayload);
  for (size_t i = 1; i < hashes.size(); ++i) EXPECT_EQ(hashes[i].size(), 64u) << hashes[i];
}

TEST(StreamedPartRefusedTest, AStreamedPartCutOffIsSentAgainFromMemoryAndCountedAsARetry) {
  ProxiedStore dst = MakeProxiedStore(S3Server::kRgw);
  if (!dst.store) return;
  FaultAction reset;
  reset.kind = FaultAction::kResetConnection;
  dst.proxy->AddRule(FaultRule{"PUT", "partNumber=2&", 1, reset});
  MemoryStore src("src");
  const std::string data = Data(12 * kMiB);
  ASSERT_TRUE(PutString(src, "big", data).ok());
  CopyOptions options = ThreeParts(/*concurrency=*/1);
  const RetryCounts before = s3::S3Client::Retries().Counts();

  auto r = CopyObject(src, "big", *dst.store, "big", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto got = GetString(*dst.store, "big");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  EXPECT_TRUE(dst.store->StreamsParts()) << "a reset is not a refusal";
  // Parts 1 and 3 streamed; part 2 streamed, cut off, then sent whole and signed.
  std::vector<std::string> hashes = PartPayloadHashes(*dst.proxy);
  ASSERT_EQ(hashes.size(), 4u);
  EXPECT_EQ(hashes[0], kStreamingPayload);
  EXPECT_EQ(hashes[1], kStreamingPayload);
  EXPECT_EQ(hashes[2].size(), 64u) << hashes[2];
  EXPECT_EQ(hashes[3], kStreamingPayload);
  EXPECT_GE(s3::S3Client::Retries().Counts().transient - before.transient, 1u);
}

}  // namespace
}  // namespace dth
