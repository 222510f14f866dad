// Objects below the multipart threshold whose source ETag is a plain MD5 stream from the
// source's GET straight into one PutObject carrying that ETag as Content-MD5 (with
// UNSIGNED-PAYLOAD), on the real servers. Bytes that differ from what the source
// promised (a body corrupted on the way by a fault proxy, a source rewritten after it
// was listed) are refused and sent again, or the copy fails: never stored. RGW checks
// Content-MD5 itself (BadDigest); s3rver does not, so the client compares the ETag it
// answers and removes what it stored.
#include <gtest/gtest.h>

#include "core/hash.h"
#include "integration/s3_servers.h"
#include "testing/fault_server.h"
#include "transfer/object_copy.h"

namespace dth {
namespace {

using testing::FaultAction;
using testing::FaultRule;
using testing::FaultServer;
using testing::S3Server;

constexpr uint64_t kMiB = 1ull << 20;

std::string Data(size_t n, int seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 167 + seed) ^ (i >> 9));
  return s;
}

// A store on a new bucket of `server`, reached through a proxy that records requests and
// injects faults.
struct ProxiedStore {
  std::unique_ptr<FaultServer> proxy;
  std::unique_ptr<s3::S3Store> store;
};

ProxiedStore MakeProxiedStore(S3Server server, const std::string& prefix) {
  ProxiedStore out;
  testing::ServerEnv env;
  if (!testing::RequireServer(server, &env)) return out;
  auto proxy = FaultServer::Start(env.endpoint);
  EXPECT_TRUE(proxy.ok()) << proxy.status().message();
  if (!proxy.ok()) return out;
  out.proxy = std::move(proxy).value();
  s3::S3Config config = testing::ServerConfig(server, testing::UniqueBucketName(prefix));
  config.endpoint = out.proxy->endpoint();
  config.body_checksum = s3::BodyChecksum::kSha256;
  out.store = std::make_unique<s3::S3Store>(config, testing::SharedHttp(),
                                            testing::ServerFeatures(server));
  Status made = out.store->CreateBucket();
  EXPECT_TRUE(made.ok()) << made.message();
  return out;
}

std::vector<testing::RecordedRequest> Requests(const FaultServer& proxy, const std::string& method,
                                               const std::string& path) {
  std::vector<testing::RecordedRequest> out;
  for (auto& r : proxy.requests())
    if (r.method == method && r.target.find(path) != std::string::npos) out.push_back(r);
  return out;
}

FaultRule CorruptGets(const std::string& key, int times) {
  FaultAction corrupt;
  corrupt.kind = FaultAction::kCorruptBody;
  return FaultRule{"GET", "/" + key, times, corrupt};
}

class StreamedPutTest : public ::testing::TestWithParam<S3Server> {
 protected:
  void SetUp() override {
    src_ = MakeProxiedStore(GetParam(), "spsrc");
    dst_ = MakeProxiedStore(GetParam(), "spdst");
  }
  bool Ready() const { return src_.store && dst_.store; }
  // Puts data as the source's "obj" and returns it as a listing shows it.
  ObjectInfo PutSource(const std::string& data) {
    auto etag = PutString(*src_.store, "obj", data);
    EXPECT_TRUE(etag.ok()) << etag.status().message();
    auto head = src_.store->Head("obj");
    EXPECT_TRUE(head.ok()) << head.status().message();
    return head.ok() ? head->info : ObjectInfo{};
  }
  ProxiedStore src_, dst_;
};

TEST_P(StreamedPutTest, APlainMd5ObjectStreamsIntoOnePutCarryingTheSourceMd5) {
  if (!Ready()) return;
  const std::string data = Data(3 * kMiB + 77);
  ObjectInfo listed = PutSource(data);
  ASSERT_EQ(listed.etag, HexEncode(Md5(data)));

  auto r = CopyObject(*src_.store, "obj", *dst_.store, "copied", CopyOptions{}, &listed);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->destination_etag, listed.etag);
  auto got = GetString(*dst_.store, "copied");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  auto puts = Requests(*dst_.proxy, "PUT", "/copied");
  ASSERT_EQ(puts.size(), 1u);
  const std::string* md5 = FindHeader(puts[0].headers, "Content-MD5");
  ASSERT_NE(md5, nullptr);
  EXPECT_EQ(*md5, Base64Encode(Md5(data)));
  const std::string* payload = FindHeader(puts[0].headers, "x-amz-content-sha256");
  ASSERT_NE(payload, nullptr);
  EXPECT_EQ(*payload, "UNSIGNED-PAYLOAD");
}

TEST_P(StreamedPutTest, ABodyCorruptedOnTheWayIsRefusedAndSentAgainFromMemory) {
  if (!Ready()) return;
  const std::string data = Data(3 * kMiB);
  ObjectInfo listed = PutSource(data);
  src_.proxy->AddRule(CorruptGets("obj", 1));

  auto r = CopyObject(*src_.store, "obj", *dst_.store, "copied", CopyOptions{}, &listed);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto got = GetString(*dst_.store, "copied");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  EXPECT_EQ(Requests(*src_.proxy, "GET", "/obj").size(), 2u);
  EXPECT_EQ(Requests(*dst_.proxy, "PUT", "/copied").size(), 2u);  // the refused one, the retry
  if (GetParam() == S3Server::kS3rver) {  // stored unchecked, so taken away by the client
    EXPECT_EQ(Requests(*dst_.proxy, "DELETE", "/copied").size(), 1u);
  }
}

TEST_P(StreamedPutTest, ABodyCorruptedEveryTimeIsNeverStored) {
  if (!Ready()) return;
  ObjectInfo listed = PutSource(Data(3 * kMiB));
  src_.proxy->AddRule(CorruptGets("obj", -1));

  auto r = CopyObject(*src_.store, "obj", *dst_.store, "copied", CopyOptions{}, &listed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_EQ(dst_.store->Head("copied").status().code(), Code::kNotFound);
}

TEST_P(StreamedPutTest, ASmallObjectCorruptedEveryTimeIsNeverStoredEither) {
  if (!Ready()) return;
  ObjectInfo listed = PutSource(Data(64 * 1024));  // the buffered path, same Content-MD5
  src_.proxy->AddRule(CorruptGets("obj", -1));

  auto r = CopyObject(*src_.store, "obj", *dst_.store, "copied", CopyOptions{}, &listed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_EQ(dst_.store->Head("copied").status().code(), Code::kNotFound);
}

TEST_P(StreamedPutTest, ASourceRewrittenAfterListingIsNeverStored) {
  if (!Ready()) return;
  ObjectInfo listed = PutSource(Data(3 * kMiB));
  ASSERT_TRUE(PutString(*src_.store, "obj", Data(3 * kMiB, 1)).ok());  // same size

  auto r = CopyObject(*src_.store, "obj", *dst_.store, "copied", CopyOptions{}, &listed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPreconditionFailed) << r.status().ToString();
  EXPECT_EQ(dst_.store->Head("copied").status().code(), Code::kNotFound);
  EXPECT_TRUE(Requests(*dst_.proxy, "PUT", "/copied").empty());
}

INSTANTIATE_TEST_SUITE_P(Servers, StreamedPutTest,
                         ::testing::Values(S3Server::kRgw, S3Server::kS3rver),
                         [](const auto& param_info) {
                           return std::string(param_info.param == S3Server::kRgw ? "rgw" : "s3rver");
                         });

}  // namespace
}  // namespace dth
