// Retries and their classification, shown through a fault-injecting proxy in front
// of Ceph RGW: throttling and 5xx are retried with backoff, 403/404 are not, and a
// GET cut off mid-body resumes and still delivers the exact bytes.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/s3_servers.h"
#include "testing/fault_server.h"

namespace dth {
namespace {

using testing::FaultAction;
using testing::FaultRule;
using testing::FaultServer;
using testing::S3Server;

class S3FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ServerEnv env;
    if (!testing::RequireServer(S3Server::kRgw, &env)) GTEST_SKIP() << "RGW not running";
    auto proxy = FaultServer::Start(env.endpoint);
    ASSERT_TRUE(proxy.ok()) << proxy.status().message();
    proxy_ = std::move(proxy).value();
    s3::S3Config config = testing::ServerConfig(S3Server::kRgw, testing::UniqueBucketName("fault"));
    config.endpoint = proxy_->endpoint();
    config.retry.max_attempts = 4;
    config.retry.base_delay = std::chrono::milliseconds(20);
    store_ = std::make_unique<s3::S3Store>(config, std::make_shared<HttpClient>(),
                                           testing::ServerFeatures(S3Server::kRgw));
    ASSERT_TRUE(store_->CreateBucket().ok());
    ASSERT_TRUE(PutString(*store_, "obj", "hello world").ok());
  }

  void Inject(const std::string& method, int status, const std::string& code, int times,
              HttpHeaders headers = {}) {
    FaultAction a;
    a.status = status;
    a.headers = std::move(headers);
    a.headers.emplace_back("Content-Type", "application/xml");
    a.body = "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>injected</Message></Error>";
    proxy_->AddRule(FaultRule{method, "/obj", times, a});
  }

  int Gets() { return proxy_->CountRequests("GET", "/obj"); }

  std::unique_ptr<FaultServer> proxy_;
  std::unique_ptr<s3::S3Store> store_;
};

TEST_F(S3FaultTest, SlowDownIsRetriedUntilSuccess) {
  Inject("GET", 503, "SlowDown", 2);
  const RetryCounts before = s3::S3Client::Retries().Counts();
  auto got = GetString(*store_, "obj");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "hello world");
  EXPECT_EQ(Gets(), 3);
  // Counted for the summaries, as throttling.
  const RetryCounts after = s3::S3Client::Retries().Counts();
  EXPECT_EQ(after.throttled - before.throttled, 2u);
  EXPECT_EQ(after.total() - before.total(), 2u);
}

TEST_F(S3FaultTest, ServerErrorsAreRetriedThenReported) {
  Inject("GET", 500, "InternalError", -1);
  auto got = GetString(*store_, "obj");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kServerError);
  EXPECT_EQ(Gets(), 4);  // max_attempts
  EXPECT_NE(got.status().message().find("InternalError"), std::string::npos);
}

TEST_F(S3FaultTest, TooManyRequestsHonoursRetryAfter) {
  Inject("GET", 429, "TooManyRequests", 1, {{"Retry-After", "1"}});
  auto start = std::chrono::steady_clock::now();
  auto got = GetString(*store_, "obj");
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(Gets(), 2);
  EXPECT_GE(waited, std::chrono::milliseconds(950));  // never earlier than the server asked
}

TEST_F(S3FaultTest, AHugeRetryAfterIsClampedToTheLongestWaitNotOverflowed) {
  // 10^16 s overflowed seconds * 1000 (a negative wait: the server's request was
  // ignored); past 2^64 s it was not read at all. Both now wait the policy's longest.
  for (const char* huge : {"10000000000000000", "99999999999999999999"}) {
    SCOPED_TRACE(huge);
    s3::S3Config once = testing::ServerConfig(S3Server::kRgw, store_->client().config().bucket);
    once.endpoint = proxy_->endpoint();
    once.retry = RetryPolicy::None();
    s3::S3Store no_retry(once, std::make_shared<HttpClient>(), testing::ServerFeatures(S3Server::kRgw));
    Inject("GET", 503, "SlowDown", 1, {{"Retry-After", huge}});
    auto failed = GetString(no_retry, "obj");
    ASSERT_FALSE(failed.ok());
    ASSERT_TRUE(failed.status().retry_after().has_value());
    EXPECT_GE(*failed.status().retry_after(), std::chrono::hours(24 * 365))
        << failed.status().retry_after()->count();

    s3::S3Config capped = once;
    capped.retry.max_attempts = 2;
    capped.retry.base_delay = std::chrono::milliseconds(1);
    capped.retry.max_delay = std::chrono::milliseconds(400);
    s3::S3Store retrying(capped, std::make_shared<HttpClient>(), testing::ServerFeatures(S3Server::kRgw));
    Inject("GET", 503, "SlowDown", 1, {{"Retry-After", huge}});
    auto start = std::chrono::steady_clock::now();
    auto got = GetString(retrying, "obj");
    auto waited = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(*got, "hello world");
    EXPECT_GE(waited, std::chrono::milliseconds(390)) << "the server's wait was ignored";
  }
}

TEST_F(S3FaultTest, ForbiddenIsNotRetried) {
  Inject("GET", 403, "AccessDenied", -1);
  auto got = GetString(*store_, "obj");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(got.status().http_status(), 403);
  EXPECT_EQ(Gets(), 1);
}

TEST_F(S3FaultTest, NotFoundIsNotRetried) {
  Inject("GET", 404, "NoSuchKey", -1);
  auto got = GetString(*store_, "obj");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kNotFound);
  EXPECT_EQ(Gets(), 1);
}

TEST_F(S3FaultTest, ConnectionResetIsRetried) {
  FaultAction reset;
  reset.kind = FaultAction::kResetConnection;
  proxy_->AddRule(FaultRule{"PUT", "/obj2", 2, reset});
  const RetryCounts before = s3::S3Client::Retries().Counts();
  auto put = PutString(*store_, "obj2", "data");
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_EQ(proxy_->CountRequests("PUT", "/obj2"), 3);
  // Counted as network retries (libcurl itself re-sends once on a reused connection that
  // turns out dead, and that one is not ours to count).
  EXPECT_GE(s3::S3Client::Retries().Counts().transient - before.transient, 1u);
  EXPECT_EQ(*GetString(*store_, "obj2"), "data");
}

TEST_F(S3FaultTest, CutOffDownloadResumesWithTheSameVersion) {
  std::string data(3 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 4096);
  ASSERT_TRUE(PutString(*store_, "big", data).ok());
  FaultAction cut;
  cut.kind = FaultAction::kCloseMidBody;
  proxy_->AddRule(FaultRule{"GET", "/big", 1, cut});
  auto got = GetString(*store_, "big");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  auto requests = proxy_->requests();
  ASSERT_GE(requests.size(), 2u);
  const auto& resumed = requests.back();
  ASSERT_NE(FindHeader(resumed.headers, "Range"), nullptr);
  EXPECT_NE(*FindHeader(resumed.headers, "Range"), "bytes=0-");  // resumed, not restarted
  EXPECT_NE(FindHeader(resumed.headers, "If-Match"), nullptr);
}

// The first Complete reaches RGW and finishes the upload, but its answer is cut off; the
// retry finds NoSuchUpload. The object is complete with the right ETag, so it succeeds.
TEST_F(S3FaultTest, CompleteWhoseAnswerWasLostIsRecognisedAsDone) {
  std::string part(5 << 20, 'p');
  auto id = store_->CreateMultipartUpload("mp", {});
  ASSERT_TRUE(id.ok()) << id.status().message();
  StringViewSource body1(part), body2(std::string_view(part).substr(0, 1000));
  auto e1 = store_->UploadPart("mp", *id, 1, body1);
  auto e2 = store_->UploadPart("mp", *id, 2, body2);
  ASSERT_TRUE(e1.ok() && e2.ok());
  std::vector<PartInfo> parts = {{1, *e1, part.size()}, {2, *e2, 1000}};
  FaultAction cut;
  cut.kind = FaultAction::kCloseMidBody;
  proxy_->AddRule(FaultRule{"POST", "uploadId=", 1, cut});
  auto etag = store_->CompleteMultipartUpload("mp", *id, parts);
  ASSERT_TRUE(etag.ok()) << etag.status().message();
  EXPECT_EQ(*etag, s3::ExpectedMultipartEtag(parts));
  EXPECT_EQ(proxy_->CountRequests("POST", "uploadId="), 2);
  auto head = store_->Head("mp");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->info.size, part.size() + 1000);
}

}  // namespace
}  // namespace dth
